#include <fmt/format.h>
#include <fmt/ostream.h>

#include <ostream>

#include "cli/commands.hpp"

namespace wakecheck {

int check_command(const Console& io, const std::vector<std::string>& paths) {
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
  int met = 0, not_met = 0, inconclusive = 0, bad = 0;
  for (const std::string& file : files) {
    Scenario s;
    CheckOutcome o;
    try {
      s = load_scenario(file);
      o = check_scenario(s);
    } catch (const ScenarioError& e) {
      ++bad;
      fmt::print(io.out, "BAD   {}\n      {}\n", file, e.what());
      io.out.flush();
      continue;
    }
    const SearchStats& st = o.result.stats;
    const char* status = "PASS";
    if (o.verdict == Verdict::NotMet)
      ++not_met, status = "FAIL";
    else if (o.verdict == Verdict::Inconclusive)
      ++inconclusive, status = "INCON";
    else
      ++met;
    fmt::print(io.out, "{:<5} {:<44} found {:<15} expected {:<15} {:>8} executions{} {:>7.2f}s\n",
               status, file, finding_name(o.found), finding_name(s.expect), st.executions,
               o.stop == "finding"     ? "              "
               : o.stop == "exhausted" ? " (exhaustive) "
                                       : " (bounded)    ",
               o.seconds);
    if (o.verdict == Verdict::Inconclusive) fmt::print(io.out, "      {}\n", verdict_text(o));
    if (o.result.failure && o.verdict == Verdict::NotMet)
      fmt::print(io.out, "      {}: {}\n", finding_name(o.found),
                 o.result.failure->finding.summary);
    if (!o.result.problem.empty()) fmt::print(io.out, "      {}\n", o.result.problem);
    io.out.flush();  // a row is decided: show it now, whatever stdout is
  }
  fmt::print(io.out, "{} scenarios: {} met, {} not met, {} inconclusive, {} bad input\n",
             files.size(), met, not_met, inconclusive, bad);
  if (bad) return kExitBadInput;
  return not_met || inconclusive ? kExitNotMet : kExitMet;
}

}  // namespace wakecheck
