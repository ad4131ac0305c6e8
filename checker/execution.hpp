// One execution: tasks on fibers, the objects they share, and the loop that
// asks a Scheduler which enabled task performs the next visible operation.
//
// Invariants:
//  - Exactly one task runs at a time; between two of its scheduling points a
//    task runs alone, so its plain accesses are atomic with respect to others.
//  - A task is enabled iff it is Runnable and, if its pending operation is a
//    lock acquisition, the lock is free. Sleeping and Finished tasks are not.
//  - fingerprint_ equals the sum of every task's and object's term at every
//    scheduling point (maintained incrementally, never recomputed), plus the
//    race detector's term (race_term_), which is brought up to date at every
//    decision (the only place a scheduler reads it).
//  - Nothing on the per-step path allocates once reserve() has run: the trace,
//    the decisions and the enabled list keep their capacity across executions.
#pragma once

#include <boost/context/fiber.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "checker/cycle.hpp"
#include "checker/finding.hpp"
#include "checker/hash.hpp"
#include "checker/race.hpp"
#include "checker/stack_pool.hpp"
#include "checker/trace.hpp"

namespace wakecheck {

class Program;
class Scheduler;

// The record of an operation a task is performing, handed back by step(),
// record() and access(). Holds an index, not a reference: the trace may grow
// (and move) while the operation records further entries.
class OpRecord {
 public:
  OpRecord(class Execution& ex, std::size_t index) : ex_(&ex), index_(index) {}
  OpRecord& result(std::int64_t a);  // entry.a
  OpRecord& detail(std::int64_t b);  // entry.b
  std::size_t index() const { return index_; }

 private:
  class Execution* ex_;
  std::size_t index_;
};

enum class TaskStatus : std::uint8_t { Runnable, Sleeping, Finished };

// Appends a one-line description of an object's final state (model-defined).
using DescribeFn = void (*)(const void* self, const class Execution& ex, std::string& out);

class Execution {
 public:
  explicit Execution(StackPool& stacks, std::uint32_t max_steps = 10000);
  ~Execution();
  Execution(const Execution&) = delete;
  Execution& operator=(const Execution&) = delete;

  // --- Building the initial state (from Program::setup) ---
  ObjectId add_object(ObjectKind kind, std::string name, std::uint64_t hash = 0);
  void set_describe(ObjectId id, DescribeFn fn, const void* self);
  // `group`: tasks of one group run the same code on the same kind of data.
  // `object`: the model's object for this task (its task_struct), if any.
  TaskId spawn(std::string name, std::uint32_t group, std::function<int()> body,
               ObjectId object = kNoObject);

  // --- Instrumentation, called from task code ---
  // A scheduling point: the task stops here until the scheduler runs it again,
  // then the operation happens and is recorded. Results go into the returned
  // OpRecord through its member calls, which the language sequences after the
  // scheduling point (`step(...).result(x)` reads x once the task runs again;
  // an assignment `step(...).a = x` would read x before it: a stale value).
  OpRecord step(OpKind kind, ObjectId obj, Access access, const char* label, SourceLoc loc);
  // Records an operation that is not a scheduling point (data under a lock).
  OpRecord record(OpKind kind, ObjectId obj, Access access, const char* label, SourceLoc loc);
  // Declares that `lock` guards the data object `obj` (the kernel's
  // __guarded_by): accesses made holding it need not be scheduling points.
  void set_guard(ObjectId obj, ObjectId lock) { objects_[obj].guard = lock; }
  ObjectId guard(ObjectId obj) const { return objects_[obj].guard; }
  // A plain access to shared data: only recorded while the task holds the
  // object's declared guard, a scheduling point otherwise (no guard declared,
  // or accessed without it), so every unguarded access interleaves.
  // Guarded data is also checked for data races (checker/race.hpp).
  OpRecord access(OpKind kind, ObjectId obj, Access access, const char* label, SourceLoc loc) {
    const ObjectId guard = objects_[obj].guard;
    if (access != Access::Read) note_write();
    if (guard == kNoObject) return step(kind, obj, access, label, loc);
    const bool held = objects_[guard].owner == current_;
    OpRecord op =
        held ? record(kind, obj, access, label, loc) : step(kind, obj, access, label, loc);
    trace_[op.index()].guarded = held;
    if (races_.active()) check_race(obj, access != Access::Read, op.index());
    return op;
  }
  // The one way data wrappers touch their value: access(), then `op` computes
  // the result from the state as it is once the task is scheduled, and that
  // result is both recorded (entry.a) and returned. Nothing the operation
  // depends on can be read before its scheduling point.
  template <class Op>
  std::int64_t perform(OpKind kind, ObjectId obj, Access acc, const char* label, SourceLoc loc,
                       Op op) {
    const std::size_t at = access(kind, obj, acc, label, loc).index();
    const std::int64_t result = op();
    trace_[at].a = result;
    tasks_[current_].scheduled_for = kNoObject;  // the operation is over
    return result;
  }
  // Checked mode (SearchLimits::checked): a data wrapper calls this before it
  // reads its own value; it is a model error unless the task is inside an
  // operation on `obj` (between its scheduling point and its end) or holds the
  // lock declared to guard it. Catches a value read before its scheduling
  // point, which would record (and hash into the task's state) a stale value.
  void observe(ObjectId obj, SourceLoc loc) {
    if (checked_ && current_ != kNoTask && tasks_[current_].scheduled_for != obj)
      check_observe(obj, loc);
  }
  void set_checked(bool on) { checked_ = on; }

  // --- What a task carries (the state abstraction) ---
  // A task's part of the state is where it is and the values it carries
  // across scheduling points. By default that is its whole history (every
  // operation and result since it started): sound, since tasks are
  // deterministic, but two interleavings that bring a task to the same place
  // with the same values never merge. A model that knows better declares it:
  // from here on, everything the current task carries from its past is
  // `summary` (its locals that its future depends on, beside shared state),
  // at this site. Unsound if `summary` leaves out such a value: the
  // differential tests compare every model with and without it. Ignored while
  // set_abstraction(false) (the search then hashes histories).
  void declare_task_state(std::uint64_t summary, SourceLoc loc = SourceLoc::current());
  // What the current task carries now, summarised: a primitive that declares
  // its own loop state folds it on top of this, taken on entry (its caller's
  // locals are whatever the caller carried then).
  std::uint64_t task_state();
  void set_abstraction(bool on) { abstraction_ = on; }
  bool abstraction() const { return abstraction_; }
  // The wasted-wakeup rule's memory (kernel sched.cpp): a mark taken when a
  // task is woken, and whether the task wrote shared data since. A bit, not a
  // count, so that it merges in the state.
  void mark_writes(TaskId t);
  bool wrote_since_mark(TaskId t) const { return tasks_[t].wrote_since_mark; }
  // Lipton reduction (execution.cpp, moves_without_yield): no scheduling
  // point before a lock release or right after a lock acquisition. Off: every
  // step is a scheduling point (the reference the differential tests use).
  void set_reduction(bool on) { reduction_ = on; }
  // --- Symmetry (checker/symmetry.cpp) ---
  // Tasks of `group` are interchangeable: they run the same code on the same
  // kind of data and know themselves only through their own task object and
  // id. Swapping two of them gives a state that behaves as the first with the
  // names swapped, so a stateful search needs to cache one state per class of
  // such renamings (canonical_fingerprint). The promise the model makes, and
  // the differential tests check: every object it hashes either names no task
  // (declare_task_free), belongs to one task (its task object), is a lock
  // (the engine relabels its owner), or hashes itself with the tasks renamed
  // (set_relabel). An object that is none of these keeps symmetry off.
  void declare_symmetric(std::uint32_t group) { symmetric_groups_ |= 1ULL << (group & 63); }
  // The object's hash with each task reference t written as label[t]; with
  // label[t] == t for every t it must equal the hash the model last set.
  using RelabelFn = std::uint64_t (*)(const void* self, const TaskId* label);
  void set_relabel(ObjectId id, RelabelFn fn, const void* self) {
    objects_[id].relabel = fn;
    objects_[id].relabel_self = self;
  }
  void declare_task_free(ObjectId id) { objects_[id].task_free = true; }
  // Off: canonical_fingerprint() is fingerprint() (the explorer turns it on
  // for strategies that cache states, when SearchLimits::symmetry allows).
  void set_symmetry(bool on) { symmetry_ = on; }
  bool symmetry_active() const { return symmetry_active_; }
  // Why symmetry is off although the model declared a group: the object that
  // names tasks without a relabelling ("" otherwise).
  const std::string& symmetry_refused() const { return symmetry_refused_; }
  // Declared interchangeable (whether or not the search uses it).
  bool interchangeable(TaskId a, TaskId b) const;
  // The fingerprint of the state's class under renamings of interchangeable
  // tasks: the least fingerprint over the renamings that order each group by
  // its tasks' own state. Exact (equal for every member of the class) unless
  // more than kMaxTieRenamings renamings tie; then one of them, which is
  // still sound (two states share it only if one is a renaming of the other),
  // but then the counts of a parallel search may depend on which member it
  // meets first. 720 covers the states where all of three producers and three
  // consumers tie (3! x 3! = 36: Q-ok W6) and one group of six; such states
  // are few (the start, and a few like it).
  const Fingerprint& canonical_fingerprint();
  static constexpr std::uint32_t kMaxTieRenamings = 720;
  // Lock objects: acquisition waits while another task holds it. A fair lock
  // (set_fair_locks, spinlocks only) is a ticket lock: a task that finds it
  // held takes a ticket (a scheduling point of its own, OpRecord result
  // kLockQueued), spins in a FIFO queue of the lock, and the release hands the
  // lock to the first in it, who then runs on (result kLockHandedOff). Every
  // other lock goes to whichever waiter runs first after the release.
  void lock(ObjectId lock, const char* label, SourceLoc loc);
  void unlock(ObjectId lock, const char* label, SourceLoc loc);
  // Takes the lock if it is free; never waits. A scheduling point either way.
  // A fair lock is never free while tasks queue for it (the release hands it
  // on), so a trylock fails while any task holds or waits for it. On a lock
  // promised never to be trylocked (below) it is a model error.
  bool try_lock(ObjectId lock, const char* label, SourceLoc loc);
  // The model promises that no task ever trylocks `lock`. Only then are its
  // acquisition and release Lipton movers (moves_without_yield): a trylock,
  // which sees the lock held without waiting for it, could otherwise fail
  // between the acquisition and the next operation or between an operation
  // and the release, after the trylocking task saw that operation's effect
  // through anything else. A task cannot know that another one will trylock
  // later, so the promise is the model's; try_lock() checks it.
  void promise_no_trylock(ObjectId lock) { objects_[lock].no_trylock = true; }
  // The model promises that `lock` is innermost: no task takes another lock
  // while it holds it. An acquisition of it, free then and promised never
  // trylocked, then moves like the operation after an acquisition
  // (moves_without_yield): no lock-order deadlock can wait on a task holding
  // it, so taking it at once loses none. Taking a lock while holding it is a
  // model error.
  void promise_innermost(ObjectId lock) { objects_[lock].innermost = true; }
  // Spinlocks created from now on are fair (FIFO ticket locks, as Linux's
  // are), or, off, go to any waiter. Call before the locks are made.
  void set_fair_locks(bool on) { fair_locks_ = on; }
  bool fair(ObjectId lock) const { return objects_[lock].fifo; }
  // A fair lock's queue: the tasks spinning for it, in ticket order.
  std::uint32_t lock_waiters(ObjectId lock) const { return objects_[lock].waiting; }
  TaskId lock_waiter(ObjectId lock, std::uint32_t k) const {
    const Object& o = objects_[lock];
    return rings_[o.ring + (o.head + k) % o.capacity];
  }
  // The task took a ticket and spins for the lock it stopped at.
  bool spinning(TaskId t) const { return tasks_[t].queued; }
  // The current task sleeps until wake() or, for each event in `events` (a
  // bit per WakeEvent), until the environment ends its sleep that way; then
  // records its Resume and returns what ended the sleep (None: a wake()).
  // A timer always fires eventually, so it is a choice like any task; a
  // signal or spurious wakeup is offered only while something else can run.
  WakeEvent sleep(SourceLoc loc, unsigned events = 0);
  // A scheduling point at which, when choices().failures is on, the
  // environment may also pick "this operation fails" (an event like a
  // signal, offered beside the task itself). Returns true when it did; the
  // recorded entry's result says so.
  bool step_or_fail(OpKind kind, ObjectId obj, Access access, const char* label, SourceLoc loc);
  // Guests: tasks that run in place of another on its processor (the model
  // gives them meaning: interrupt handlers). A guest's enter_guest() is a
  // scheduling point enabled only while no guest of its host runs and the
  // host is off its processor (sleeping, finished) or admits guests; from
  // then until leave_guest() (or its end) the host is not enabled: it stays
  // stopped where it was. Whether the host admits guests is a function of
  // the host's own operations, which the model records (so its history, and
  // the fingerprint, tell the states apart).
  void set_host(TaskId guest, TaskId host) { tasks_[guest].host = host; }
  void enter_guest(const char* label, SourceLoc loc);
  void leave_guest(const char* label, SourceLoc loc);
  void admit_guests(TaskId host, bool admit) {
    tasks_[host].closed = !admit;
    retally_task(host);  // part of the host's state: it decides what may run next
  }
  TaskId host(TaskId t) const { return tasks_[t].host; }
  bool admits_guests(TaskId host) const { return !tasks_[host].closed; }
  // Which choice families the environment may use (SearchLimits::choices).
  const ChoiceFamilies& choices() const { return choices_; }
  // Bits of the WakeEvents this execution offered somewhere (a sleep one may
  // end, a step that may fail): a family never offered changes nothing.
  unsigned offered_events() const { return offered_; }
  void set_choices(const ChoiceFamilies& c) { choices_ = c; }
  // The model woke `task` (its state matched): a happens-before edge from the
  // current task, and a sleeping task becomes runnable; false if it was not asleep.
  bool wake(TaskId task);
  void set_hash(ObjectId obj, std::uint64_t hash);
  // Remembers the wait queue `task` was last enqueued on, for end-of-execution diagnosis.
  void note_wait_queue(TaskId task, ObjectId wq) { tasks_[task].last_wait_queue = wq; }
  // A wasted wakeup on `obj` (a wait queue): a task woken from it found nothing
  // to do and waits again. Counted per object; part of the state fingerprint,
  // so that state caching keeps the worst case over a search exact.
  void wasted_wakeup(ObjectId obj);
  std::uint32_t wasted(ObjectId obj) const { return objects_[obj].wasted; }
  // Progress: the model's work moved (an item queued, taken or delivered). A
  // cycle back to an earlier state with progress on it is no livelock or
  // busy-wait (checker/cycle.hpp); a task that finishes is progress too.
  void progress() { ++progress_; }
  // Raises a finding; the first one raised in an execution wins.
  void raise(Finding f);
  // Raises a finding from task code and stops the task for good.
  [[noreturn]] void fail(Finding f);

  // --- Queries ---
  TaskId current() const { return current_; }
  std::size_t task_count() const { return tasks_.size(); }
  std::size_t object_count() const { return objects_.size(); }
  const std::string& task_name(TaskId t) const { return tasks_[t].name; }
  const std::string& object_name(ObjectId o) const { return objects_[o].name; }
  ObjectKind object_kind(ObjectId o) const { return objects_[o].kind; }
  TaskStatus status(TaskId t) const { return tasks_[t].status; }
  OpKind pending(TaskId t) const { return tasks_[t].pending; }
  ObjectId pending_object(TaskId t) const { return tasks_[t].pending_object; }
  ObjectId task_object(TaskId t) const { return tasks_[t].object; }
  ObjectId last_wait_queue(TaskId t) const { return tasks_[t].last_wait_queue; }
  int exit_code(TaskId t) const { return tasks_[t].exit_code; }
  // Appends the model's description of an object; false if it has none.
  bool describe(ObjectId o, std::string& out) const;
  TaskId owner(ObjectId lock) const { return objects_[lock].owner; }
  // Trace entry (1-based) that took `lock`, 0 when free.
  std::uint32_t lock_taken_at(ObjectId lock) const { return objects_[lock].taken_at; }
  bool holds_any(TaskId t, ObjectKind lock_kind) const;
  const std::vector<TraceEntry>& trace() const { return trace_; }
  TraceEntry& entry(std::size_t index) { return trace_[index]; }
  // Where the task stopped: the operation it is about to perform (its label and site).
  const char* pending_label(TaskId t) const { return tasks_[t].pending_label; }
  SourceLoc pending_loc(TaskId t) const { return tasks_[t].pending_loc; }
  const Finding& finding() const { return finding_; }
  bool cut() const { return cut_; }
  // It ended because nothing could run on (every task returned, sleeps or
  // waits for a held lock), not at a finding raised mid-run or a bound.
  bool quiescent() const { return quiescent_; }
  std::uint32_t steps() const { return steps_; }
  const Fingerprint& fingerprint() const { return fingerprint_; }

  // --- Driving ---
  // Runs until every task finished, nothing is enabled, a finding (a cycle
  // back to an earlier state without progress among them: checker/cycle.hpp),
  // the step bound (a FindingKind::StepBound), or a cut: by the scheduler, or
  // at a cycle without progress that a fair scheduler leaves.
  void run(Scheduler& scheduler, Program& program);
  // Copies out what a report needs; call before reset().
  ExecutionRecord snapshot() const;
  // Tears down the fibers and objects, ready for the next setup().
  void reset();

 private:
  // Where a task is in its run since its last scheduling point (reduction).
  // Moves: it began with an acquisition or a Resume (the next operation may
  // follow at once); Committed: that operation happened.
  enum class Phase : std::uint8_t { Fresh, Moves, Committed };
  struct Task {
    std::string name;
    std::uint32_t group = 0;
    std::function<int()> body;
    boost::context::fiber fiber;
    TaskStatus status = TaskStatus::Runnable;
    OpKind pending = OpKind::Note;  // the operation it stopped at
    ObjectId pending_object = kNoObject;
    const char* pending_label = "";
    SourceLoc pending_loc;
    // Checked mode: the object of the operation the task is inside now.
    ObjectId scheduled_for = kNoObject;
    std::uint64_t history = 0;     // rolling hash of its operations and their results
    std::uint64_t local = 0;       // the value of its term: history and status, no id
    bool interchangeable = false;  // while symmetry is active: in one of its groups
    std::size_t unfolded = 0;      // first trace entry not yet in `history`
    ObjectId last_wait_queue = kNoObject;
    ObjectId object = kNoObject;
    int exit_code = 0;
    bool wrote_since_mark = false;  // a write since mark_writes() (part of its state)
    unsigned events = 0;            // while Sleeping: bits of the WakeEvents that may end it
    WakeEvent woke_by = WakeEvent::None;
    Phase phase = Phase::Fresh;
    bool fallible = false;             // stopped at a step_or_fail(): a Fail event is offered
    TaskId host = kNoTask;             // a guest: the task whose processor it runs on
    TaskId guest_running = kNoTask;    // a host: the guest running in its place
    bool closed = false;               // a host that admits no guest now
    bool queued = false;               // in a fair lock's queue, spinning for it
    std::uint32_t innermost_held = 0;  // locks promised innermost that it holds
    Fingerprint term;
  };
  struct Object {
    std::string name;
    ObjectKind kind;
    std::uint64_t hash = 0;
    Fingerprint term;
    ObjectId guard = kNoObject;  // data only: the lock declared to guard it
    TaskId owner = kNoTask;      // locks only
    std::uint32_t taken_at = 0;
    DescribeFn describe = nullptr;
    const void* self = nullptr;
    std::uint32_t wasted = 0;  // wasted wakeups counted against it (a wait queue)
    bool task_free = false;    // its hash names no task (symmetry)
    bool no_trylock = false;   // a lock promised never to be trylocked
    bool innermost = false;    // a lock promised to be taken last (promise_innermost)
    RelabelFn relabel = nullptr;
    const void* relabel_self = nullptr;
    // A fair lock: its queue is a ring in rings_ (capacity: one slot per task,
    // taken at its first contention), `waiting` tasks from `head` on.
    bool fifo = false;
    std::uint32_t ring = 0;
    std::uint32_t capacity = 0;
    std::uint32_t head = 0;
    std::uint32_t waiting = 0;
  };

  void start_tasks();
  void collect_enabled();
  void resume(TaskId t);
  void yield_to_engine();
  void task_main(TaskId t);
  void finish_task(TaskId t, int code);
  void end_with_nothing_enabled(Program& program);
  void collect_events();
  void collect_sleep_events();
  bool host_admits(TaskId host) const;
  void deliver(TaskId t, WakeEvent e);
  void record_blocked_acquisitions();
  TraceEntry& append(OpKind kind, ObjectId obj, Access access, const char* label, SourceLoc loc,
                     bool scheduling_point);
  void fold_history(TaskId t);
  bool moves_without_yield(Task& t, OpKind kind, ObjectId obj);
  bool held_lock_observable(ObjectId lock) const;
  bool takes_innermost_at_once(ObjectId lock) const;
  [[noreturn]] void broken_innermost_promise(ObjectId lock, const char* label, SourceLoc loc);
  void note_write() {
    Task& t = tasks_[current_];
    if (!t.wrote_since_mark) {
      t.wrote_since_mark = true;
      retally_task(current_);
    }
  }
  void retally_task(TaskId t);
  void set_owner(ObjectId lock, TaskId owner);
  void enqueue(ObjectId lock, TaskId t);
  void rehash_lock(ObjectId lock);
  // Whether t, stopped at an acquisition, may run: the lock is free, was
  // handed to it, or is fair and t has yet to take its ticket.
  bool may_acquire(TaskId t, const Task& task) const {
    const Object& o = objects_[task.pending_object];
    return o.owner == kNoTask || o.owner == t || (o.fifo && !task.queued);
  }
  void check_observe(ObjectId obj, SourceLoc loc);
  void check_race(ObjectId obj, bool write, std::size_t index);
  void refresh_race_term();
  void start_symmetry();
  bool symmetric_member(TaskId t) const;
  bool classify_for_symmetry(ObjectId o);
  void sort_interchangeable();
  std::uint64_t tie_renamings() const;
  bool next_tie_renaming();
  Fingerprint renamed_fingerprint();
  bool closes_cycle();
  bool end_cycle(std::size_t first, std::uint64_t can_move);

  StackPool& stacks_;
  std::uint32_t max_steps_;
  std::vector<Task> tasks_;
  std::vector<Object> objects_;
  std::vector<TraceEntry> trace_;
  std::vector<TaskId> decisions_;
  std::vector<TaskId> enabled_;
  std::vector<TaskId> rings_;     // the fair locks' queues (Object::ring)
  boost::context::fiber engine_;  // the engine's continuation while a task runs
  TaskId current_ = kNoTask;
  TaskId previous_ = kNoTask;         // the task that took the last scheduling point
  std::uint32_t event_sleepers_ = 0;  // sleeping tasks whose sleep an event may end
  std::uint32_t fallible_ = 0;        // tasks stopped at a step_or_fail()
  unsigned offered_ = 0;              // offered_events()
  Fingerprint fingerprint_;
  Finding finding_;
  std::uint32_t steps_ = 0;
  bool cut_ = false;
  bool quiescent_ = false;
  bool checked_ = false;
  bool abstraction_ = true;
  bool reduction_ = true;
  bool fair_locks_ = false;
  RaceDetector races_;  // active only when some data declares a guard
  ChoiceFamilies choices_;
  Fingerprint race_term_;
  // Symmetry: the groups declared, and while active the interchangeable
  // tasks (by group, ascending ids; segments_ gives each group's range),
  // the objects a renaming changes, and scratch sized at start.
  std::uint64_t symmetric_groups_ = 0;
  bool symmetry_ = false;
  bool symmetry_active_ = false;
  std::string symmetry_refused_;
  std::vector<TaskId> sym_tasks_;
  std::vector<std::uint32_t> segments_;
  std::vector<ObjectId> sym_objects_;
  std::vector<TaskId> object_task_;  // by object: the task whose object it is
  std::vector<TaskId> order_;        // sym_tasks_ sorted by sort_key_
  std::vector<std::uint64_t> sort_key_;
  std::vector<TaskId> label_;    // by task: the task it is renamed to
  std::vector<TaskId> inverse_;  // by task: the task renamed to it
  Fingerprint canonical_;
  CycleDetector cycles_;        // this execution's states, to see one repeat
  std::uint32_t progress_ = 0;  // progress() calls and finished tasks so far
};

inline OpRecord& OpRecord::result(std::int64_t a) {
  ex_->entry(index_).a = a;
  return *this;
}

inline OpRecord& OpRecord::detail(std::int64_t b) {
  ex_->entry(index_).b = b;
  return *this;
}

}  // namespace wakecheck
