// Shortest counterexample: after a search finds a finding, look for an
// execution with the same finding (the same kind, about the same object) that
// has fewer preemptions, then fewer operations, within a budget of executions.
//
// A preemption is a decision that switches away from a task that could have
// gone on (the previous task is still enabled); it is what makes a schedule
// hard to follow, so it counts first (as in Musuvathi & Qadeer's iterative
// context bounding, whose searches find most bugs with 0-2 of them).
//
// Two phases, both deterministic (no clock, no randomness: the same original
// and budget give the same result in every run):
//  1. iterative preemption bounding restricted to the finding: every schedule
//     with 0 preemptions, then 1, ... up to the original's count; the first
//     that reproduces the finding has the fewest preemptions (up to the
//     bounded search's state caching, which is sound for findings);
//  2. step shrinking: drop blocks of decisions (halving block sizes, as delta
//     debugging does) and replace single decisions by the non-preempting
//     choice, each candidate replayed leniently (a decision that no longer
//     fits, and every decision after the list ends, runs the previous task if
//     it can, else the lowest enabled one); a candidate is kept when it
//     reproduces the finding and is strictly better (preemptions, then
//     operations). Rounds repeat until one keeps nothing.
//
// The result is an execution the engine ran, with the decisions it took, so
// replaying its decisions reproduces its trace byte for byte.
#pragma once

#include <cstddef>
#include <cstdint>

#include "checker/explorer.hpp"
#include "checker/trace.hpp"

namespace wakecheck {

class Program;

inline constexpr std::uint64_t kDefaultMinimiseBudget = 20000;

// How much shorter the counterexample got (before: the search's execution).
struct MinimiseStats {
  std::uint32_t preemptions_before = 0;
  std::uint32_t preemptions_after = 0;
  std::size_t operations_before = 0;  // trace entries
  std::size_t operations_after = 0;
  std::uint64_t executions = 0;  // executions the minimiser ran, at most the budget
  bool interrupted = false;      // SearchLimits::cancel stopped it: the best so far is kept
  bool improved() const {
    return preemptions_after < preemptions_before || operations_after < operations_before;
  }
};

struct Minimised {
  ExecutionRecord record;  // the original when nothing better was found in the budget
  MinimiseStats stats;
};

// Preemptions of an execution that `program` runs by the recorded decisions
// (one execution, which must not count against anything).
std::uint32_t count_preemptions(Program& program, const ExecutionRecord& record,
                                const SearchLimits& limits);

// REQUIRES: original has an engine finding (not a thundering-herd, which the
// verdict layer makes, nor the step bound) and came from `program` under
// `limits` (max_steps, choices). Runs at most `budget` executions; polls
// limits.cancel between them.
Minimised minimise(Program& program, const ExecutionRecord& original, const SearchLimits& limits,
                   std::uint64_t budget);

}  // namespace wakecheck
