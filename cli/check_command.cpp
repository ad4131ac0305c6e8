#include <fmt/format.h>
#include <fmt/ostream.h>

#include <deque>
#include <filesystem>
#include <ostream>

#include "checker/files.hpp"
#include "cli/artifacts.hpp"
#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "reports/junit_report.hpp"

namespace wakecheck {
namespace {

namespace fs = std::filesystem;

// What --json, --junit and --out collect, one entry per scenario.
struct Collected {
  std::deque<CheckOutcome> outcomes;  // stable addresses: reports point into them
  std::vector<ReportData> reports;
  std::vector<JUnitCase> cases;
};

void print_row(const Console& io, const std::string& file, const Scenario& s,
               const CheckOutcome& o) {
  const char* status = o.verdict == Verdict::NotMet         ? "FAIL"
                       : o.verdict == Verdict::Inconclusive ? "INCON"
                                                            : "PASS";
  fmt::print(io.out, "{:<5} {:<44} found {:<15} expected {:<15} {:>8} executions{} {:>7.2f}s\n",
             status, file, finding_name(o.found), finding_name(s.expect), o.result.stats.executions,
             o.stop == "finding"     ? "              "
             : o.stop == "exhausted" ? " (exhaustive) "
                                     : " (bounded)    ",
             o.seconds);
  if (o.verdict == Verdict::Inconclusive) fmt::print(io.out, "      {}\n", verdict_text(o));
  if (o.stop == "max-executions" && !o.coverage.empty())
    fmt::print(io.out, "      covered: {}\n", o.coverage);
  if (o.result.failure && o.verdict == Verdict::NotMet) {
    fmt::print(io.out, "      {}: {}\n", finding_name(o.found), o.result.failure->finding.summary);
    if (const std::string line = minimised_line(o); !line.empty())
      fmt::print(io.out, "      {}\n", line);
  }
  if (!o.result.problem.empty()) fmt::print(io.out, "      {}\n", o.result.problem);
}

JUnitCase junit_case(const std::string& file, const CheckOutcome& o) {
  JUnitCase c{file, JUnitCase::Result::Pass, "", "", "", o.seconds};
  if (o.verdict == Verdict::Met) return c;
  c.result = JUnitCase::Result::Failure;
  c.type = verdict_name(o.verdict);
  if (o.verdict == Verdict::Inconclusive)
    c.message = verdict_text(o);
  else if (o.result.failure)
    c.message = fmt::format("{}: {}", finding_name(o.found), o.result.failure->finding.summary);
  else
    c.message = fmt::format("found {}", finding_name(o.found));
  c.text = o.trace;
  return c;
}

// Checks every output before any search: exit 2 early rather than lose a run.
bool outputs_ok(const Console& io, const CheckOptions& opt) {
  try {
    if (!opt.json.empty()) check_output_file(opt.json, "--json");
    if (!opt.junit.empty()) check_output_file(opt.junit, "--junit");
    if (!opt.out.empty()) prepare_out_dir(opt.out);
  } catch (const FileError& e) {
    fmt::print(io.err, "wakecheck: {}\n", e.what());
    return false;
  }
  return true;
}

// The row's own directory under --out: DIR/<scenario file's stem>.
void write_row_artifacts(const Console& io, const CheckOptions& opt, const Scenario& s,
                         const CheckOutcome& o) {
  if (opt.out.empty() || o.verdict == Verdict::Met) return;
  const std::string dir = (fs::path(opt.out) / fs::path(s.path).stem()).string();
  try {
    write_artifacts(s, o, s.strategy, dir);
    fmt::print(io.out, "      artifacts in {}\n", dir);
  } catch (const std::exception& e) {
    fmt::print(io.err, "wakecheck: {}\n", e.what());
  }
}

void write_summaries(const Console& io, const CheckOptions& opt, const Collected& c) {
  std::vector<std::pair<std::string, std::string>> files;
  if (!opt.json.empty()) files.emplace_back(opt.json, reports_json(c.reports));
  if (!opt.junit.empty()) files.emplace_back(opt.junit, junit_xml("wakecheck", c.cases));
  if (!files.empty()) write_files_atomically(files);
  for (const auto& f : files) fmt::print(io.out, "wrote {}\n", f.first);
}

}  // namespace

int check_command(const Console& io, const std::vector<std::string>& paths,
                  const CheckOptions& opt) {
  std::vector<std::string> files;
  try {
    files = find_scenarios(paths);
  } catch (const ScenarioError& e) {
    fmt::print(io.err, "wakecheck: {}\n", e.what());
    return kExitBadInput;
  }
  if (files.empty()) {
    fmt::print(io.err, "wakecheck: no scenario files (*.toml) under the given paths\n");
    return kExitBadInput;
  }
  if (!outputs_ok(io, opt)) return kExitBadInput;
  int met = 0, not_met = 0, inconclusive = 0, bad = 0;
  Collected c;
  for (const std::string& file : files) {
    Scenario s;
    try {
      s = load_scenario(file);
      opt.minimise.apply(s);
      ProgressDisplay display(io.err, io.progress, file, s.max_executions);
      c.outcomes.push_back(check_scenario(s, "", opt.run, display.callback()));
    } catch (const ScenarioError& e) {
      ++bad;
      fmt::print(io.out, "BAD   {}\n      {}\n", file, e.what());
      io.out.flush();
      ReportData d;
      d.path = file;
      d.verdict = "bad-input";
      d.error = e.what();
      c.reports.push_back(d);
      c.cases.push_back({file, JUnitCase::Result::Error, "bad-input", e.what(), "", 0});
      continue;
    }
    const CheckOutcome& o = c.outcomes.back();
    for (const std::string& w : o.warnings) fmt::print(io.err, "wakecheck: {}\n", w);
    (o.verdict == Verdict::NotMet         ? not_met
     : o.verdict == Verdict::Inconclusive ? inconclusive
                                          : met)++;
    print_row(io, file, s, o);
    write_row_artifacts(io, opt, s, o);
    io.out.flush();  // a row is decided: show it now, whatever stdout is
    c.reports.push_back(report_data(s, o, s.strategy, "", ""));
    c.cases.push_back(junit_case(file, o));
    if (interrupted()) break;  // the rest are not run: the summary says so
  }
  const std::size_t not_run = files.size() - c.reports.size();
  fmt::print(io.out, "{} scenarios: {} met, {} not met, {} inconclusive, {} bad input{}\n",
             files.size(), met, not_met, inconclusive, bad,
             interrupted() ? fmt::format(", {} not run: interrupted", not_run) : "");
  try {
    write_summaries(io, opt, c);
  } catch (const std::exception& e) {
    fmt::print(io.err, "wakecheck: {}\n", e.what());
    return kExitBadInput;
  }
  if (interrupted()) return kExitInterrupted;
  if (bad) return kExitBadInput;
  return not_met || inconclusive ? kExitNotMet : kExitMet;
}

}  // namespace wakecheck
