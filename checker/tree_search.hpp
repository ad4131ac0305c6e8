// The parallel tree search (dfs, Split::tree) and why its counts do not
// depend on the timing.
//
// The work units share one visited set (checker/shared_states.hpp): each
// reachable state is first reached, and explored from, exactly once, by
// whichever unit gets there first. A depth-first search with state caching
// runs 1 + sum over its states X of (options(X) - 1) executions (each
// execution is a leaf of the tree of first visits) and cuts every arrival at
// a state but the first. With the state abstraction (a task is where it is
// and what it declares it carries) what a state can do next depends on its
// fingerprint alone, so the set of states reached, the executions and the
// cut executions of an exhaustive search are the same whichever unit visits
// what, and equal to the sequential depth-first search's, for every --jobs,
// every order of the units and every sharding (a merge unions the shards'
// states and counts them the same way). Measured on boundedq ok/herd/nowake/
// leak W1..W4 with the units in order, in reverse order and on two threads:
// the same executions and states as the sequential search, every one.
//
// What does depend on the timing (which execution shows a finding, where
// max_executions or the memory budget stops a search, which execution first
// reaches the most wasted wakeups, the scheduling points re-run) is taken
// from the sequential depth-first search itself: a search that stops early
// is run again on one thread, and the worst wasted-wakeup executions (only
// when the scenario bounds them) are found by a sequential search that stops
// at the first execution reaching the known maxima. Those answers are exactly
// the sequential ones.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "checker/parallel.hpp"

namespace wakecheck {

// What one shard of a tree search (or the whole of it) gives.
struct TreeShard {
  std::uint32_t units_run = 0;
  unsigned offered_events = 0;   // SearchResult::offered_events of its units
  std::uint64_t executions = 0;  // of its units
  std::uint64_t cut = 0;
  std::uint64_t steps = 0;
  std::uint64_t states = 0;  // first reached by its units
  bool exhausted = true;     // each of its units ran to its end
  bool stopped = false;      // a finding, a problem, max_executions, the memory budget
  bool interrupted = false;
  std::uint32_t max_wasted = 0;
  std::vector<std::uint32_t> max_wasted_by_object;
  // With `log_states`: every state its units reached first, with its options,
  // ordered by fingerprint.
  std::vector<std::pair<Fingerprint, std::uint32_t>> logged;
};

// Runs the units u with u mod run.shards == run.shard - 1 on run.jobs threads
// sharing one visited set. `reverse`: hand the units out last first (tests,
// and the measurement above, show it changes nothing).
TreeShard run_tree_shard(const WorkPlan& plan, const SplitSearch& search, const RunOptions& run,
                         bool log_states, bool reverse = false);

// The search's result from every shard's part: one run's (counted as it
// ran), or the shards' of a merge (`from_logs`: counted from their states).
SearchResult finish_tree(const WorkPlan& plan, const SplitSearch& search, const RunOptions& run,
                         const std::vector<TreeShard>& shards, Program& program, bool from_logs);

// The plain depth-first search over the whole tree on one thread, with the
// visited set the parallel search uses (so the memory budget stops both alike).
SearchResult sequential_tree(const SplitSearch& search, Program& program, const RunOptions& run,
                             const ExecutionObserver& observe = nullptr,
                             const SearchLimits* limits = nullptr);

}  // namespace wakecheck
