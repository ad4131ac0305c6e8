// The three commands, as functions that tests can call. Exit codes:
// 0 expectations met, 1 not met (or a replay diverged), 2 bad input or usage.
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

struct CheckOutcome {
  SearchResult result;
  double seconds = 0;
  FindingKind found = FindingKind::None;
  bool met = false;
};

// Runs the scenario's search (with another strategy when `strategy` is not empty,
// which must name one of strategies()).
CheckOutcome check_scenario(const Scenario& s, const std::string& strategy = "");

struct Console {
  std::ostream& out;
  std::ostream& err;
  std::string program = "wakecheck";  // how the user invoked us, for printed commands
};

int run_command(const Console& io, const std::string& scenario_path, const std::string& strategy,
                const std::string& out_dir);
int replay_command(const Console& io, const std::string& schedule_path, const std::string& out_dir);
int check_command(const Console& io, const std::vector<std::string>& paths);

}  // namespace wakecheck
