// Parallel and sharded search (--jobs, --shard, --memory).
//
// A search is cut into a fixed list of work units that depends only on the
// scenario and the strategy, never on how many threads or shards run it:
//  - dfs (Split::tree): the subtrees below a frontier of decision paths
//    (checker/frontier.hpp), searched with one visited set they all share;
//    checker/tree_search.hpp says why the counts of an exhaustive search are
//    then the sequential search's whatever the timing (with the old
//    history-based fingerprint they were not: ok 3x3x1x1 gave 1,950,318
//    executions with the units in order and 1,944,711 reversed; with the
//    state abstraction every order gives the sequential counts). On one job
//    dfs is the plain sequential search; a parallel one that stops early is
//    run again on one thread;
//  - random, pct (Split::seeds): chunks of kSeedChunk executions (more past
//    kMaxSeedChunks chunks), chunk c with
//    its own seed (chunk 0 with the scenario's seed: the first executions are
//    those of an unsplit search);
//  - pb, db, dpor (Split::whole): one unit.
// combine() reads the seed chunks' and whole units' results in unit order, as
// if one thread had run the units one after another: counts add up until
// max_executions (a unit that ran past it is run again, cut there), and the
// first unit with a finding, a problem or a memory stop ends the search.
// Threads only change which units run at once, never the result: the
// verdict, the counts and the counterexample are the same for every --jobs
// and every sharding.
//
// Thread safety: each worker thread has its own Program, Execution, stacks
// and Scheduler; they share only the unit queue, the memory account and
// (dfs) the visited set.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/explorer.hpp"
#include "checker/frontier.hpp"
#include "checker/scheduler.hpp"
#include "checker/strategies.hpp"

namespace wakecheck {

class Program;

inline constexpr std::uint64_t kSeedChunk = 1024;
// At most this many seed chunks: past 64M executions a chunk grows instead
// (a function of max_executions alone, so the same for every --jobs), and a
// scenario's huge max_executions never asks for billions of units.
inline constexpr std::uint64_t kMaxSeedChunks = 1 << 16;

// What to search: one scenario's program, strategy and limits.
struct SplitSearch {
  std::function<std::unique_ptr<Program>()> make_program;
  const StrategyInfo* strategy = nullptr;
  StrategyOptions options;
  SearchLimits limits;
  // Keep the first executions that reach the most wasted wakeups (the
  // scenario bounds them: a thundering-herd shows one).
  bool keep_worst_waste = false;
};

struct RunOptions {
  unsigned jobs = 0;        // worker threads; 0: every core
  std::uint32_t shard = 1;  // run the units u with u mod shards == shard - 1
  std::uint32_t shards = 1;
  std::uint64_t memory = 0;  // bytes all visited sets may hold at once; 0: no limit
  // dfs: hand the work units out last first (tests: the order changes nothing).
  bool reverse_units = false;
};

// Worker threads for `jobs` (0: every core the machine has, at least 1).
unsigned worker_count(unsigned jobs);

// The result of one work unit, and what its strategy said it covered.
struct UnitResult {
  std::uint32_t unit = 0;
  SearchResult result;
  std::string coverage;
};

// The work units of a search, made once (the tree search's frontier).
class WorkPlan {
 public:
  WorkPlan(const SplitSearch& search, Program& program);
  std::uint32_t units() const { return units_; }
  // The strategy's options and the limits for unit u.
  StrategyOptions options(std::uint32_t u) const;
  SearchLimits limits(std::uint32_t u) const;
  // Runs unit u alone with at most `max_executions` (a unit cut at max_executions).
  UnitResult run(std::uint32_t u, Program& program, std::uint64_t max_executions) const;
  const Frontier& tree() const { return tree_; }  // Split::tree

 private:
  const SplitSearch& search_;
  Frontier tree_;
  std::uint32_t units_ = 1;
  std::uint64_t chunk_ = kSeedChunk;  // Split::seeds: executions per unit
};

// Runs the plan's units of one shard on worker threads; the results in unit
// order. Units that cannot matter (above a unit that stopped the search, or
// past max_executions) may be left out; all of them when interrupted.
std::vector<UnitResult> run_units(const WorkPlan& plan, const SplitSearch& search,
                                  const RunOptions& options);

// The whole search's result from its units' (a shard's, or all shards'),
// read in unit order; units run past max_executions are run again on `program`.
struct Combined {
  SearchResult result;
  std::string coverage;
  std::optional<std::uint32_t> stop_unit;  // the unit whose finding or problem ended the search
};
Combined combine(const WorkPlan& plan, const SplitSearch& search, std::vector<UnitResult> units,
                 Program& program);

// The whole search on options.jobs threads: dfs as checker/tree_search.hpp
// says (on one job, the plain sequential search), the other strategies
// through run_units and combine.
Combined search_all(const WorkPlan& plan, const SplitSearch& search, const RunOptions& options,
                    Program& program);

// Re-runs one execution from its decisions and cuts it where they end, as the
// search that recorded them did (for results read back from a file).
ExecutionRecord rerun_decisions(Program& program, const SearchLimits& limits,
                                const std::vector<TaskId>& decisions);

}  // namespace wakecheck
