// The commands, as functions that tests can call, and the direct API that
// runs one scenario. Exit codes: 0 expectations met, 1 not met (or a replay
// diverged), 2 bad input or usage.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "checker/explorer.hpp"
#include "checker/minimise.hpp"
#include "checker/parallel.hpp"
#include "cli/progress.hpp"
#include "cli/verdict.hpp"
#include "scenarios/scenario.hpp"

namespace wakecheck {

inline constexpr int kExitMet = 0;
inline constexpr int kExitNotMet = 1;
inline constexpr int kExitBadInput = 2;

// The tool's version, as --version, report files and shard result files say it.
inline constexpr const char* kWakecheckVersion = "0.1";

// What one scenario's search found.
struct CheckOutcome {
  SearchResult result;  // counts (result.stats) and the failing execution, if any
  double seconds = 0;   // wall clock: for people, never for reports that are compared
  // The verdict. A model that is not deterministic (the search saw a
  // different set of enabled tasks for the same decisions) is a model-error,
  // explained by result.problem.
  // A thundering-herd finding (wasted wakeups above the scenario's bound) is
  // made here, not by the engine: result.failure is then the worst execution.
  FindingKind found = FindingKind::None;
  bool met = false;  // found == the scenario's [expect]
  // met, and the search covered what the scenario asks (cli/verdict.hpp).
  Verdict verdict = Verdict::NotMet;
  std::string stop;      // stop_reason(): "exhausted", "max-executions", ...
  std::string coverage;  // the strategy's own account of what it covered
  std::string strategy;  // the strategy that ran (the scenario's, or the override)
  std::vector<WaitQueueName> wait_queues;  // the model's, for wasted-wakeup figures
  std::string trace;  // the failing execution's trace (as trace.txt has it), "" when none
  // Set when the search's counterexample went through the minimiser
  // (checker/minimise.hpp): result.failure is then the minimised execution.
  std::optional<MinimiseStats> minimised;
  // For stderr, once: unused_family_warnings().
  std::vector<std::string> warnings;
};

// A choice family the scenario turns on ([search] kmalloc_failures = true,
// ...) that no execution of the search offered: the model never reached an
// operation it acts on, so it only costs reading. One line per family, as
// "path:line:column: warning: ...". None when a finding stopped the search
// before it covered everything (the family may lie beyond).
std::vector<std::string> unused_family_warnings(const Scenario& s, const SearchResult& r);

// "counterexample minimised: 152 -> 31 operations, 9 -> 2 preemptions (812
// executions)", or "" when the counterexample was not minimised.
std::string minimised_line(const CheckOutcome& o);

// --minimise-budget N and --no-minimise: override [search] minimise_budget.
struct MinimiseFlags {
  std::optional<std::uint64_t> budget;
  bool off = false;
  void apply(Scenario& s) const;
};

// "wasted wakeups: worst execution 2 (consumers_wq 2, producers_wq 0)", or ""
// when the model has no wait queue.
std::string waste_line(const CheckOutcome& o);
// "met", "NOT met", "INCONCLUSIVE: <why>".
std::string verdict_text(const CheckOutcome& o);

// Runs a scenario's search (with another strategy when `strategy` is not
// empty). An in-code Scenario is validated first (validate_scenario); a bad
// one throws ScenarioError, and so does a bad registration (registry_problem()).
// Scenario::path may be empty: traces then say "in code".
// `run`: --jobs and --memory (checker/parallel.hpp); a memory of 0 means
// default_memory_budget(). The outcome is the same for every number of jobs.
CheckOutcome check_scenario(const Scenario& s, const std::string& strategy = "",
                            const RunOptions& run = {}, const ProgressFn& progress = nullptr);
// The visited sets' budget when --memory is not given: half the machine's memory.
std::uint64_t default_memory_budget();
// What a scenario's search runs, for the parallel engine; throws ScenarioError
// for an unknown strategy.
SplitSearch split_search(const Scenario& s, const std::string& strategy);
// Fills in the verdict, the strategy's name and the trace once o.result and
// o.coverage hold the search's result (run, check and merge share it).
// Minimises a finding's counterexample (checker/minimise.hpp) as run does.
void finish_outcome(const Scenario& s, const SplitSearch& search, Program& program,
                    CheckOutcome& o);
// Loads the file and runs it; bad input throws ScenarioError.
CheckOutcome check_scenario_file(const std::string& path);

struct Console {
  std::ostream& out;
  std::ostream& err;
  std::string program = "wakecheck";          // how the user invoked us, for printed commands
  ProgressMode progress = ProgressMode::off;  // a long search's progress on `err`
};

// Prints an outcome as `run` does, writes its artifacts into `dir`, and
// returns the exit code. `verbose`: print the whole trace, however long (else
// a trace of more than kLongTrace operations is summarised on stdout;
// trace.txt has it whole).
int report_outcome(const Console& io, const Scenario& s, const CheckOutcome& o,
                   const std::string& strategy, const std::string& dir, bool verbose = false);

int run_command(const Console& io, const std::string& scenario_path, const std::string& strategy,
                const std::string& out_dir, const MinimiseFlags& minimise = {},
                const RunOptions& run = {}, bool verbose = false);
// run --shard I/N: runs the shard's work units and writes their result file
// (cli/shard.hpp) into `out_dir`.
int shard_command(const Console& io, const std::string& scenario_path, const std::string& strategy,
                  const std::string& out_dir, const RunOptions& run);
// Combines shard result files into one verdict, as `run` prints it.
int merge_command(const Console& io, const std::vector<std::string>& files,
                  const std::string& out_dir);
int replay_command(const Console& io, const std::string& schedule_path, const std::string& out_dir,
                   bool verbose = false);
// check's outputs beyond the rows (each "" when not asked for).
struct CheckOptions {
  std::string json;   // --json FILE: an array of report.json objects
  std::string junit;  // --junit FILE: JUnit XML
  std::string out;    // --out DIR: each failing row's artifacts in DIR/<scenario>/
  MinimiseFlags minimise;
  RunOptions run;  // --jobs, --memory
};
int check_command(const Console& io, const std::vector<std::string>& paths,
                  const CheckOptions& options = {});
// Every registered model with its variants and parameters.
int list_command(const Console& io);
// What a finding kind means and how to fix it; 2 for an unknown kind.
int explain_command(const Console& io, const std::string& kind);

}  // namespace wakecheck
