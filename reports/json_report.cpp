#include "reports/json_report.hpp"

#include <nlohmann/json.hpp>

namespace wakecheck {
namespace {

using json = nlohmann::ordered_json;  // keys in the order written: stable bytes

json null_or(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

json finding_json(const ExecutionRecord* r) {
  if (r == nullptr || !r->finding) return nullptr;
  const Finding& f = r->finding;
  json j;
  j["kind"] = finding_name(f.kind);
  j["message"] = f.summary;
  j["explanation"] = f.explanation;
  j["task"] = f.task < r->task_names.size() ? json(r->task_names[f.task]) : json(nullptr);
  j["object"] = f.object < r->objects.size() ? json(r->objects[f.object].name) : json(nullptr);
  j["entry"] = f.entry == 0 ? json(nullptr) : json(f.entry);
  j["window"] = f.window_first == 0 ? json(nullptr) : json::array({f.window_first, f.window_last});
  return j;
}

json minimised_json(const MinimiseStats* m) {
  if (m == nullptr) return nullptr;
  json j;
  j["executions"] = m->executions;
  j["operations"] = json::array({m->operations_before, m->operations_after});
  j["preemptions"] = json::array({m->preemptions_before, m->preemptions_after});
  return j;
}

json scenario_json(const ReportData& d) {
  json j;
  j["path"] = d.path;
  if (d.name.empty()) return j;
  j["name"] = d.name;
  j["model"] = d.model;
  j["variant"] = null_or(d.variant);
  json workload = json::object();
  for (const auto& [k, v] : d.workload) workload[k] = v;
  j["workload"] = workload;
  return j;
}

json to_json(const ReportData& d) {
  json j;
  j["format"] = "wakecheck-report";
  j["version"] = kReportVersion;
  j["scenario"] = scenario_json(d);
  j["verdict"] = d.verdict;
  if (d.verdict == "bad-input") {
    j["error"] = d.error;
    return j;
  }
  j["expected"] = d.expected;
  j["finding"] = finding_json(d.failure);
  json search;
  search["strategy"] = d.strategy;
  search["executions"] = d.executions;
  search["states"] = d.states;
  search["exhaustive"] = d.exhaustive;
  search["seconds"] = d.seconds;
  search["stop_reason"] = d.stop_reason;
  search["coverage"] = null_or(d.coverage);
  search["problem"] = null_or(d.problem);
  search["minimised"] = minimised_json(d.minimised);
  j["search"] = search;
  json by_queue = json::object();
  for (const auto& [q, n] : d.max_wasted_by_queue) by_queue[q] = n;
  j["wasted_wakeups"] = {{"max", d.max_wasted}, {"max_by_queue", by_queue}};
  j["schedule"] = null_or(d.schedule_file);
  j["trace"] = null_or(d.trace_file);
  return j;
}

}  // namespace

std::string report_json(const ReportData& report) {
  return to_json(report).dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string reports_json(const std::vector<ReportData>& reports) {
  json array = json::array();
  for (const ReportData& r : reports) array.push_back(to_json(r));
  return array.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace wakecheck
