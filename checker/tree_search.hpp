// The parallel tree search (dfs, Split::tree) and why its counts do not
// depend on the timing.
//
// The work units share one visited set (checker/shared_states.hpp): each
// reachable state is first reached, and explored from, exactly once, by
// whichever unit gets there first. A depth-first search with state caching
// runs 1 + sum over its states X of (options(X) - 1) executions (each
// execution is a leaf of the tree of first visits), and every reachable
// state is visited: so the executions and the states of an exhaustive search
// are the same whichever unit visits what, and the same as the sequential
// depth-first search's, for every --jobs and every sharding (a merge unions
// the shards' states and counts them the same way).
//
// What does depend on the timing (which execution shows a finding, when
// max_executions is reached, which execution first reaches the most wasted
// wakeups) is then taken from the sequential depth-first search itself: a
// search that stops (a finding, a model problem, max_executions, the memory
// budget) is run again single-threaded, and the worst wasted-wakeup
// executions are found by a sequential search that stops at the first that
// reaches the known maxima. Those answers are exactly the sequential ones.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "checker/parallel.hpp"

namespace wakecheck {

// What one shard of a tree search (or the whole of it) gives.
struct TreeShard {
  std::uint32_t units_run = 0;
  std::uint64_t executions = 0;  // of its units
  std::uint64_t steps = 0;
  std::uint64_t states = 0;  // first reached by its units
  bool exhausted = true;     // each of its units ran to its end
  bool stopped = false;      // the answer needs the sequential search
  bool interrupted = false;
  std::uint32_t max_wasted = 0;
  std::vector<std::uint32_t> max_wasted_by_object;
  // With `log_states`: every state its units reached first, with its options.
  std::vector<std::pair<Fingerprint, std::uint32_t>> logged;
};

TreeShard run_tree_shard(const WorkPlan& plan, const SplitSearch& search, const RunOptions& run,
                         bool log_states);

// The search's result from every shard's part: one run's (counted as it
// ran), or the shards' of a merge (`from_logs`: counted from their states).
SearchResult finish_tree(const WorkPlan& plan, const SplitSearch& search, const RunOptions& run,
                         const std::vector<TreeShard>& shards, Program& program, bool from_logs);

}  // namespace wakecheck
