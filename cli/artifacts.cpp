#include "cli/artifacts.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string_view>
#include <system_error>

#include "checker/files.hpp"
#include "model/model.hpp"
#include "reports/html_report.hpp"
#include "reports/perfetto_report.hpp"
#include "reports/schedule_file.hpp"
#include "reports/trace_report.hpp"

namespace wakecheck {
namespace {

namespace fs = std::filesystem;

constexpr const char* kReport = "report.json";
constexpr const char* kTrace = "trace.txt";
constexpr const char* kHtml = "trace.html";
constexpr const char* kPerfetto = "trace.perfetto.json";

std::string stem_of(const std::string& path) {
  return fs::path(path).stem().string();
}

// `path` as seen from directory `dir` (lexically: both are made absolute
// against the working directory), so a schedule in `dir` finds its scenario
// wherever the two are moved together.
std::string relative_to(const std::string& path, const std::string& dir) {
  const fs::path file = fs::absolute(path).lexically_normal();
  const fs::path rel = file.lexically_relative(fs::absolute(dir).lexically_normal());
  return rel.empty() ? file.string() : rel.string();
}

std::string schedule_text(const Scenario& s, const std::string& strategy, const ExecutionRecord& r,
                          const std::string& dir) {
  ScheduleFile sf;
  sf.scenario_file = s.path;
  sf.scenario_relative = relative_to(s.path, dir);
  sf.scenario_name = s.name;
  sf.scenario_hash = s.content_hash;
  sf.model = s.model;
  sf.model_version = find_model(s.model)->version();
  sf.strategy = strategy;
  sf.finding = finding_name(r.finding.kind);
  sf.steps = r.steps;
  sf.decisions = r.decisions;
  for (TaskId t : r.decisions) sf.decision_names.push_back(r.task_names[task_of(t)]);
  return write_schedule(sf);
}

// A file a run wrote: the schedule format's magic line is near its start
// (after the comment that says how to replay it).
bool is_schedule_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head.starts_with("wakecheck-schedule ") ||
         head.find("\nwakecheck-schedule ") != std::string::npos;
}

// Artifacts of an earlier run that this one does not overwrite.
void remove_stale(const fs::path& dir, const std::vector<std::string>& written) {
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    const fs::path& p = e.path();
    const std::string name = p.filename().string();
    const bool ours = name == kReport || name == kTrace || name == kHtml || name == kPerfetto ||
                      (p.extension() == ".schedule" && is_schedule_file(p));
    if (!ours || !e.is_regular_file(ec)) continue;
    bool kept = false;
    for (const std::string& w : written) kept = kept || fs::path(w).filename() == p.filename();
    if (!kept) fs::remove(p, ec);
  }
}

}  // namespace

void prepare_out_dir(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw FileError(fmt::format("{}: --out must be a directory, and this is a file", dir));
  fs::create_directories(dir, ec);
  if (ec)
    throw FileError(fmt::format("{}: cannot create the output directory: {}", dir, ec.message()));
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw FileError(fmt::format("{}: the output directory is not writable", dir));
}

void check_output_file(const std::string& path, const char* option) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw FileError(fmt::format("{}: {} must name a file, and this is a directory", path, option));
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  if (!fs::is_directory(parent, ec))
    throw FileError(
        fmt::format("{}: {}: the directory {} does not exist", path, option, parent.string()));
  if (::access(parent.c_str(), W_OK | X_OK) != 0)
    throw FileError(
        fmt::format("{}: {}: the directory {} is not writable", path, option, parent.string()));
}

ReportData report_data(const Scenario& s, const CheckOutcome& o, const std::string& strategy,
                       const std::string& schedule, const std::string& trace) {
  ReportData d;
  d.path = s.path;
  d.name = s.name;
  d.model = s.model;
  d.variant = s.variant;
  d.workload = s.params.values();
  d.expected = finding_name(s.expect);
  d.verdict = verdict_name(o.verdict);
  d.failure = o.result.failure && o.result.failure->finding ? &*o.result.failure : nullptr;
  if (o.stop == "step-bound") d.failure = nullptr;  // not a finding (cli/verdict.hpp)
  d.strategy = strategy;
  d.executions = o.result.stats.executions;
  d.states = o.result.stats.states;
  d.exhaustive = o.result.stats.exhausted;
  d.seconds = o.seconds;
  d.stop_reason = o.stop;
  d.coverage = o.coverage;
  d.problem = o.result.problem;
  d.minimised = o.minimised ? &*o.minimised : nullptr;
  d.max_wasted = o.result.stats.max_wasted;
  for (const WaitQueueName& q : o.wait_queues) {
    const auto& by = o.result.max_wasted_by_object;
    d.max_wasted_by_queue.emplace_back(q.name, q.id < by.size() ? by[q.id] : 0);
  }
  d.schedule_file = schedule;
  d.trace_file = trace;
  return d;
}

std::vector<std::string> write_artifacts(const Scenario& s, const CheckOutcome& o,
                                         const std::string& strategy, const std::string& dir) {
  prepare_out_dir(dir);
  const fs::path d(dir);
  std::vector<std::pair<std::string, std::string>> files;
  std::string schedule, trace;
  if (o.result.failure) {
    schedule = stem_of(s.path.empty() ? s.name : s.path) + ".schedule";
    trace = kTrace;
    files.emplace_back((d / trace).string(), o.trace);
    files.emplace_back((d / schedule).string(), schedule_text(s, strategy, *o.result.failure, dir));
    files.emplace_back((d / kHtml).string(),
                       format_html(*o.result.failure, {s.name, s.path.empty() ? "in code" : s.path},
                                   "wakecheck replay " + (d / schedule).string()));
    files.emplace_back((d / kPerfetto).string(),
                       format_perfetto(*o.result.failure, {s.name, s.path}));
  }
  files.emplace_back((d / kReport).string(),
                     report_json(report_data(s, o, strategy, schedule, trace)));
  write_files_atomically(files);
  std::vector<std::string> written;
  for (const auto& f : files) written.push_back(f.first);
  remove_stale(d, written);
  return written;
}

}  // namespace wakecheck
