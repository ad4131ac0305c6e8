// Happens-before race detection on data that declares a guarding lock
// (Execution::set_guard), with vector clocks and FastTrack-style epochs
// (Flanagan & Freund, "FastTrack: efficient and precise dynamic race
// detection", PLDI 2009).
//
// Happens-before edges: program order; a lock's release to its next
// acquisition (spinlocks, mutexes, the wait queues' own locks); a wake to the
// woken task (try_to_wake_up: whatever the waker did before it, the sleeper
// sees after schedule() returns). Data without a declared guard is taken as
// marked (READ_ONCE/WRITE_ONCE, racy by design) and not checked.
//
// Invariants: clocks are sized when the tasks start, so nothing allocates per
// step; a task's own component starts at 1, so an epoch c of task u happened
// before task t iff c <= clock(t)[u].
#pragma once

#include <cstdint>
#include <vector>

#include "checker/types.hpp"

namespace wakecheck {

class RaceDetector {
 public:
  // The access that the current one races with, if any.
  struct Conflict {
    TaskId task = kNoTask;
    std::uint32_t entry = 0;  // 1-based trace entry of the earlier access
    bool write = false;
  };

  // Sizes everything for `tasks` tasks and `objects` objects.
  void start(std::size_t tasks, std::size_t objects);
  bool active() const { return active_; }
  void stop() { active_ = false; }

  void acquire(TaskId t, ObjectId lock);
  void release(TaskId t, ObjectId lock);
  void wake(TaskId waker, TaskId woken);
  // An access by t to guarded data `obj`, at trace entry `entry` (1-based).
  Conflict access(TaskId t, ObjectId obj, bool write, std::uint32_t entry);

  // The part of this state that decides every future verdict, hashed: for
  // each access still remembered (each object's last write, the reads since),
  // which tasks' clocks and which locks' release clocks cover it. The clock
  // values themselves are path-dependent counters and stay out: two states
  // that agree on these bits give the same verdict for every future access (a
  // join ORs the bits; an increment makes an event that no other clock
  // covers). State caching needs it in the fingerprint: without it, a state
  // first reached with an access ordered cut the path where it races.
  // Cached: recomputed only after something changed (most decisions follow
  // steps that touch no clock).
  std::uint64_t state_hash() const;
  // The same with every task t renamed label[t] (inverse: the task renamed
  // to each one), for symmetry; never cached.
  std::uint64_t state_hash(const TaskId* label, const TaskId* inverse) const {
    return compute_state_hash(label, inverse);
  }

 private:
  struct Epoch {
    std::uint32_t clock = 0;  // 0: none
    std::uint32_t entry = 0;
  };
  void join(std::vector<std::uint32_t>& into, const std::vector<std::uint32_t>& from);
  bool before(const Epoch& e, TaskId owner, TaskId t) const { return e.clock <= clocks_[t][owner]; }
  std::uint64_t cover(std::uint64_t h, TaskId owner, const Epoch& e, const TaskId* inverse) const;

  // label, inverse: nullptr for no renaming.
  std::uint64_t compute_state_hash(const TaskId* label, const TaskId* inverse) const;

  bool active_ = false;
  mutable bool changed_ = true;  // since state_hash() last computed hash_
  mutable std::uint64_t hash_ = 0;
  std::size_t tasks_ = 0;
  std::vector<std::vector<std::uint32_t>> clocks_;    // by task
  std::vector<std::vector<std::uint32_t>> released_;  // by object: the clock of its last release
  std::vector<TaskId> writer_;                        // by object: task of the last write
  std::vector<Epoch> write_;                          // by object: the last write
  std::vector<std::vector<Epoch>> reads_;             // by object, by task: reads since it
};

}  // namespace wakecheck
