// The commands, as functions that tests can call, and the direct API that
// runs one scenario. Exit codes: 0 expectations met, 1 not met (or a replay
// diverged), 2 bad input or usage.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "checker/explorer.hpp"
#include "scenarios/scenario.hpp"

namespace wakecheck {

inline constexpr int kExitMet = 0;
inline constexpr int kExitNotMet = 1;
inline constexpr int kExitBadInput = 2;

// What one scenario's search found.
struct CheckOutcome {
  SearchResult result;  // counts (result.stats) and the failing execution, if any
  double seconds = 0;   // wall clock: for people, never for reports that are compared
  // The verdict. A model that is not deterministic (the search saw a
  // different set of enabled tasks for the same decisions) is a model-error,
  // explained by result.problem.
  FindingKind found = FindingKind::None;
  bool met = false;   // found == the scenario's [expect]
  std::string trace;  // the failing execution's trace (as trace.txt has it), "" when none
};

// Runs a scenario's search (with another strategy when `strategy` is not
// empty). An in-code Scenario is validated first (validate_scenario); a bad
// one throws ScenarioError, and so does a bad registration (registry_problem()).
// Scenario::path may be empty: traces then say "in code".
CheckOutcome check_scenario(const Scenario& s, const std::string& strategy = "");
// Loads the file and runs it; bad input throws ScenarioError.
CheckOutcome check_scenario_file(const std::string& path);

struct Console {
  std::ostream& out;
  std::ostream& err;
  std::string program = "wakecheck";  // how the user invoked us, for printed commands
};

int run_command(const Console& io, const std::string& scenario_path, const std::string& strategy,
                const std::string& out_dir);
int replay_command(const Console& io, const std::string& schedule_path, const std::string& out_dir);
int check_command(const Console& io, const std::vector<std::string>& paths);
// Every registered model with its variants and parameters.
int list_command(const Console& io);

}  // namespace wakecheck
