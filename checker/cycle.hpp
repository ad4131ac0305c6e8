// Cycles: an execution that comes back to a state it was in, with nothing
// done in between, would go round forever. That is a finding, not a bound:
//
//  - livelock: a fair cycle. Every task that could move somewhere on the
//    cycle (run, or have its timer fire) moves in it, so no fair scheduler
//    leaves it: the tasks run on forever and never get anywhere.
//  - busy-wait: an unfair cycle in which a task keeps running without ever
//    sleeping (it polls: lock, test, unlock, retry) while another task that
//    could change what it tests is starved. A fair scheduler would leave the
//    cycle; the poller burns the CPU until it does, and an unfair one (a
//    non-preemptive kernel with the poller on the only CPU) never does.
//  - otherwise (an unfair cycle whose tasks all sleep in it: a poll with a
//    timed sleep between tries) no finding: the execution is cut there, as a
//    stateful search cuts a state it explored before (what can follow is
//    what followed the first visit, which the search explores), so a
//    stateless or random search does not go round it up to the step bound.
//
// "Nothing done" (progress) is model-independent: no task finished, and no
// Execution::progress() event, which a model calls when its work moves (an
// item queued or taken). A cycle with progress is no finding either.
//
// The state is the engine's 128-bit fingerprint, so a state repeats only if
// every task declares what it carries (Execution::declare_task_state): a task
// that keeps its whole history never comes back to a state, and a loop of it
// runs into the step bound (inconclusive) instead.
//
// How a repeat is seen, independent of the strategy (so a schedule replays to
// the same finding): at each decision the state goes into a small open
// addressing table of this execution's decisions (a generation stamp empties
// it per execution; it only allocates when an execution has more decisions
// than any before). A run of forced steps (one task or event enabled: the
// next state is a function of this one) is checked with Brent's algorithm:
// one saved state and one comparison per step. Every cycle through a decision
// repeats that decision's state; every other cycle is all forced steps.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/finding.hpp"
#include "checker/hash.hpp"
#include "checker/types.hpp"

namespace wakecheck {

class Execution;

// A bit per task (tasks 63 and up share the last one).
inline std::uint64_t task_bit(TaskId t) {
  return std::uint64_t{1} << (t < 63 ? t : 63);
}

class CycleDetector {
 public:
  // Where an execution was at one of its decisions (or at a forced step).
  struct Mark {
    Fingerprint state;
    std::uint32_t trace_size = 0;  // entries recorded before it
    std::uint32_t progress = 0;    // progress events before it
    std::uint64_t can_move = 0;    // task_bit()s of the tasks (or their timers) enabled there
  };
  static constexpr std::uint32_t kNone = UINT32_MAX;

  explicit CycleDetector(std::size_t decisions = 0);
  // A new execution: forgets every state.
  void clear();
  // A decision at `m`: the latest earlier decision of this execution with the
  // same state (its index), or kNone.
  std::uint32_t decision(const Mark& m);
  const Mark& mark(std::uint32_t decision) const { return marks_[decision]; }
  std::uint32_t decisions() const { return static_cast<std::uint32_t>(marks_.size()); }
  // A forced step at `m` (since the last decision, only one thing could run
  // at each step): true when it repeats forced_start() with no progress since.
  bool forced(const Mark& m) {
    if (!anchored_) {
      anchor_ = m;
      anchored_ = true;
      power_ = 1;
      lambda_ = 0;
      return false;
    }
    ++lambda_;
    if (m.state == anchor_.state && m.progress == anchor_.progress) return true;
    if (lambda_ == power_ || m.state == anchor_.state) {  // Brent: move the anchor
      anchor_ = m;
      power_ *= 2;
      lambda_ = 0;
    }
    return false;
  }
  const Mark& forced_start() const { return anchor_; }

 private:
  struct Slot {
    Fingerprint state;
    std::uint32_t decision = 0;
    std::uint32_t generation = 0;  // 0: never used
  };
  void next_generation();
  void grow();
  void place(const Fingerprint& state, std::uint32_t decision);

  std::vector<Mark> marks_;  // this execution's decisions, in order
  std::vector<Slot> slots_;
  std::size_t used_ = 0;  // slots in use this execution: a power of two
  std::uint32_t generation_ = 1;
  Mark anchor_;
  bool anchored_ = false;
  std::uint32_t power_ = 1;
  std::uint32_t lambda_ = 0;
};

// The finding a cycle makes: the operations from trace entry `first`
// (0-based) to the end of `ex`'s trace lead back to the state before `first`
// with no progress; `can_move`: the tasks that could move at some point of
// it. Livelock, busy-wait, or a Finding of kind None (no finding).
Finding cycle_finding(const Execution& ex, std::size_t first, std::uint64_t can_move);

}  // namespace wakecheck
