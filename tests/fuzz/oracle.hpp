// The differential oracle for one FuzzProgram. It requires:
//  1. every reduction (DFS with state caching; source-set DPOR; pb and db
//     with a bound no program reaches) finds the same set of findings, the
//     same worst case of wasted wakeups and reaches the same set of terminal
//     states as plain DFS, which enumerates every interleaving;
//  2. for each distinct finding, the first execution of each search that had
//     it, written as a schedule file, read back and replayed, gives a
//     byte-identical trace;
//  3. the partial searches (seeded random walks, pb(1), db(1), PCT) never find
//     a finding, or reach a terminal state, that plain DFS says is absent;
//  4. no execution ends in a model error (the wrappers misbehaved) or at the
//     step bound (generated programs always terminate).
// Every search runs in checked mode. Only path-independent facts are
// compared: a finding is its kind, task and object (never trace positions or
// summary text); a terminal state is what the tasks and objects are at the end.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <span>
#include <string>

#include "checker/scheduler.hpp"
#include "tests/fuzz/program.hpp"

namespace wakecheck::fuzz {

struct OracleOptions {
  // Plain DFS must exhaust the program within this many executions; a program
  // that needs more is discarded (deterministically: the count is the same on
  // every machine).
  std::uint64_t max_executions = 20'000;
  // The random walks estimate plain DFS's executions first; a program
  // estimated at more than this many times max_executions is discarded
  // without running plain DFS (the estimate tends to fall short, so few that
  // fit are lost, and the budget is not spent on hopeless ones).
  double discard_factor = 3;
  std::uint32_t max_steps = 2'000;
  int random_walks = 3;
  std::uint64_t walk_executions = 30;
};

// A search that claims to reach every outcome plain DFS reaches.
struct Reduction {
  std::string name;
  std::function<std::unique_ptr<Scheduler>()> make;
  // Iterative bounding explores again with each bound, so it may need more
  // executions than plain DFS: it gets this many times the budget, and when it
  // still does not finish, it is only held to meeting nothing plain DFS did
  // not meet. At 1 a reduction must finish where plain DFS did.
  std::uint64_t budget_factor = 1;
};

// DFS with state caching, DPOR, pb and db; new reductions are added here.
std::span<const Reduction> reductions();

enum class Verdict { Agree, Discarded, Disagree };

struct OracleResult {
  Verdict verdict = Verdict::Agree;
  std::string check;   // the requirement that failed: "findings", "ends", "replay", "random", ...
  std::string detail;  // what differed, for a human
  std::uint64_t executions = 0;    // plain DFS's (0 when discarded on the estimate)
  double estimate = 0;             // of plain DFS's executions, from the random walks
  std::set<std::string> findings;  // "kind task object", from plain DFS
};

OracleResult check_program(const FuzzProgram& p, const OracleOptions& options = {},
                           std::span<const Reduction> under_test = reductions());

}  // namespace wakecheck::fuzz
