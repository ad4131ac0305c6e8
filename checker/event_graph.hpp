// The events of one execution and happens-before between them: what a
// partial-order reduction reasons on. A weak-memory model adds its own
// relations (reads-from, modification order) on the same events.
//
// An event is one step: the task the scheduler ran (or an environment event
// that ended a task's sleep: the timer, a signal, a spurious wakeup), from its
// scheduling point up to its next one. Data accessed under its declared guard
// is recorded in between without being a scheduling point, so an event's
// footprint is every access of every trace entry it recorded, not only the
// first one.
//
// Dependency: two events of different tasks are dependent iff they access one
// object and at least one of them writes it. That covers, through the trace's
// accesses:
//  - lock operations: acquire, release and a trylock that took the lock write
//    the lock; a trylock that failed reads it;
//  - sleep and wake: a task's state changes (set_current_state) write its task
//    object, schedule() reads it (and, sleeping, is ended only by a write to
//    it), its Resume reads it; a wake writes it (Wake), a wake that left it as
//    it was reads it (WakeMiss), wake_up_process and send_sig write it;
//  - environment events: an event that ends t's sleep writes t's task object,
//    so it depends on t's sleep and on every waker of t.
// Over-approximating dependency is sound (less reduction); the differential
// fuzzer (tests/fuzz) checks that nothing is missed.
//
// Happens-before is the transitive closure of program order and dependency in
// trace order, kept as a vector clock per event: clock(e, t) is one more than
// the index of the last event of task t that happens before e (or is e).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "checker/types.hpp"

namespace wakecheck {

class Execution;

// Ordered by strength: an event that touches an object twice keeps the stronger.
enum class AccessMode : std::uint8_t {
  Read,
  Await,  // a read the event waited for: a sleeping task's Resume reads what woke it
  Write,
  TryAcquire,  // a trylock that took the lock: a write that never waits
  Acquire,     // a blocking acquisition: a write, enabled only while the lock is free
};

struct ObjectAccess {
  ObjectId object;
  AccessMode mode;
};

// In a footprint: an access that conflicts with every access (the event that
// raised a finding stopped every task).
inline constexpr ObjectId kEveryObject = kNoObject - 1;

// Two footprints conflict when they share an object that one of them writes.
bool conflicts(std::span<const ObjectAccess> a, std::span<const ObjectAccess> b);

inline constexpr std::uint32_t kNoEvent = 0xffffffffu;

struct StepEvent {
  TaskId id = kNoTask;      // what the scheduler picked: a task, or event_id(task, WakeEvent)
  TaskId task = kNoTask;    // task_of(id): whose code ran
  std::uint32_t entry = 0;  // its first trace entry
  std::uint32_t accesses = 0, accesses_end = 0;
  std::uint32_t node = kNoEvent;  // the scheduler's decision it was picked at (kNoEvent: forced)
  std::uint32_t prev = kNoEvent;  // the task's previous event (program order)
};

// A race (Abdulla et al., POPL 2014): i and j are dependent events of
// different tasks, i happens before j, and nothing happens between them. A
// partial-order reduction reverses it by running j first from i's decision.
// A lock race is wider (see find_races): reversing more pairs is sound.
struct Race {
  std::uint32_t i, j;
  // Lock race: j takes the lock i took; the release between them is left out
  // (j can only run before i, never between i and its release), so j's
  // predecessors for the reversal are those of `clock`, without the lock.
  bool lock = false;
  std::uint32_t clock = 0;  // lock races: offset of j's clock without the lock in race_clocks()
};

class EventGraph {
 public:
  // Forgets every event; the next extend() reads the trace from its start.
  void clear() { truncate(0); }
  // Keeps the first n events: the next execution repeats them exactly.
  void truncate(std::size_t n);

  // Reads the steps `ex` recorded since the last call. The first new event is
  // the one picked as `pick` at decision `node` (kNoTask: the events that
  // follow were forced, the only choice).
  void extend(const Execution& ex, TaskId pick, std::uint32_t node);

  std::size_t size() const { return events_.size(); }
  const StepEvent& operator[](std::size_t e) const { return events_[e]; }
  std::span<const ObjectAccess> footprint(std::size_t e) const {
    return {accesses_.data() + events_[e].accesses, accesses_.data() + events_[e].accesses_end};
  }

  // Computes every event's clock, and the races of the events from `from` on
  // (the events before it must be those of the last call: a repeated prefix).
  void analyse(std::size_t from);
  std::size_t task_count() const { return tasks_; }
  std::span<const std::uint32_t> clock(std::size_t e) const {
    return {clocks_.data() + e * tasks_, tasks_};
  }
  bool happens_before(std::size_t a, std::size_t b) const {
    return a == b || (a < b && clocks_[b * tasks_ + events_[a].task] > a);
  }
  const std::vector<Race>& races() const { return races_; }
  std::span<const std::uint32_t> race_clock(const Race& r) const {
    return {race_clocks_.data() + r.clock, tasks_};
  }
  // After analyse(): task t's last event, and the last event that took `lock`.
  std::uint32_t last_of(TaskId t) const { return last_of_task_[t]; }
  std::uint32_t last_acquire(ObjectId lock) const { return objects_[lock].last_acquire; }
  // The object whose writes change task t's sleep: its task object.
  ObjectId status_object(TaskId t) const { return status_[t]; }
  // True when event e writes `object`.
  bool writes_object(std::size_t e, ObjectId object) const;

 private:
  struct ObjectState {
    std::uint32_t last_write = kNoEvent;
    std::uint32_t last_acquire = kNoEvent;
    std::vector<std::uint32_t> reads;  // since last_write; the latest per task
  };
  struct Pred {
    std::uint32_t event;
    bool lock;    // through the lock the event acquires
    bool waited;  // through what the event waited for (a lock to be free, a wake)
  };

  void begin_event(TaskId id, TaskId task, std::size_t entry, std::uint32_t node);
  void add_access(ObjectId object, AccessMode mode);
  void reset_analysis();
  void collect_preds(std::uint32_t j, ObjectId& acquired);
  void join(std::vector<std::uint32_t>& into, std::size_t offset, std::uint32_t event) const;
  void find_races(std::uint32_t j, ObjectId acquired);
  bool direct(std::uint32_t c) const;
  void add_race(std::uint32_t i, std::uint32_t j, bool lock_race);
  void update_objects(std::uint32_t j);

  std::vector<StepEvent> events_;
  std::vector<ObjectAccess> accesses_;
  std::size_t parsed_ = 0;        // trace entries read so far
  std::vector<ObjectId> status_;  // per task

  std::size_t tasks_ = 0;
  std::size_t analysed_ = 0;        // events whose clocks are computed
  std::size_t status_objects_ = 0;  // objects; task t without a task object uses this + t
  std::vector<std::uint32_t> clocks_;
  std::vector<ObjectState> objects_;
  std::vector<std::uint32_t> last_of_task_;
  std::vector<Pred> preds_;
  std::vector<Race> races_;
  std::vector<std::uint32_t> race_clocks_;
};

}  // namespace wakecheck
