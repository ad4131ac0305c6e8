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
  int met = 0, not_met = 0, bad = 0;
  for (const std::string& file : files) {
    Scenario s;
    try {
      s = load_scenario(file);
    } catch (const ScenarioError& e) {
      ++bad;
      fmt::print(io.out, "BAD   {}\n      {}\n", file, e.what());
      continue;
    }
    const CheckOutcome o = check_scenario(s);
    const SearchStats& st = o.result.stats;
    (o.met ? met : not_met)++;
    fmt::print(io.out, "{:<5} {:<44} found {:<12} expected {:<12} {:>8} executions{} {:>7.2f}s\n",
               o.met ? "PASS" : "FAIL", file, finding_name(o.found), finding_name(s.expect),
               st.executions,
               o.result.failure ? "              "
               : st.exhausted   ? " (exhaustive) "
                                : " (bounded)    ",
               o.seconds);
    if (!o.result.problem.empty()) fmt::print(io.out, "      {}\n", o.result.problem);
  }
  fmt::print(io.out, "{} scenarios: {} met, {} not met, {} bad input\n", files.size(), met, not_met,
             bad);
  if (bad) return kExitBadInput;
  return not_met ? kExitNotMet : kExitMet;
}

}  // namespace wakecheck
