#include "checker/execution.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <utility>

#include "checker/diagnose.hpp"
#include "checker/outside_task.hpp"
#include "checker/program.hpp"
#include "checker/scheduler.hpp"

namespace wakecheck {
namespace {

// Entries a task records for the report, whose values its code never looks
// at (and which may hold trace positions, which differ from path to path).
bool folded_into_history(OpKind kind) {
  return kind != OpKind::Wake && kind != OpKind::WakeMiss && kind != OpKind::WastedWakeup &&
         kind != OpKind::LockWait;
}

// Entries whose detail (b) is a task id, and what a task's own object and id
// fold as in its history.
bool detail_names_task(OpKind kind) {
  return kind == OpKind::WaitQueueAdd || kind == OpKind::WaitQueueRemove;
}
constexpr std::uint64_t kSelfObject = 0xfffffffeULL;
constexpr std::int64_t kSelfTask = -2;
constexpr std::int64_t kOtherOfGroup = -1000;  // minus the group

// The site of a declare_task_state(): FNV-1a over its file name, then line
// and column (no addresses: the same site hashes alike in every process).
// The file name's hash is kept for the last file-name string seen (one
// pointer comparison): the same string of the same file hashes alike, and a
// loop declares from one file over and over.
std::uint64_t site_hash(SourceLoc loc) {
  thread_local const char* last_file = nullptr;
  thread_local std::uint64_t last_hash = 0;
  if (loc.file_name() != last_file) {
    last_file = loc.file_name();
    last_hash = fnv1a64(last_file);
  }
  return fold(fold(last_hash, loc.line()), loc.column());
}

}  // namespace

Execution::Execution(StackPool& stacks, std::uint32_t max_steps)
    : stacks_(stacks), max_steps_(max_steps), cycles_(std::min(max_steps, 1u << 14)) {
  // Enough for typical executions; a longer one grows the buffers once, and
  // they keep their capacity for every later execution.
  constexpr std::uint32_t kReserveSteps = 1 << 14;
  trace_.reserve(std::size_t{std::min(max_steps, kReserveSteps)} * 4);
  decisions_.reserve(std::min(max_steps, kReserveSteps));
}

Execution::~Execution() {
  reset();
}

ObjectId Execution::add_object(ObjectKind kind, std::string name, std::uint64_t hash) {
  const auto id = static_cast<ObjectId>(objects_.size());
  Object& obj = objects_.emplace_back();
  obj.name = std::move(name);
  obj.kind = kind;
  obj.fifo = fair_locks_ && kind == ObjectKind::Spinlock;
  set_hash(id, hash);  // adds its term (removing the empty one changes nothing)
  return id;
}

void Execution::set_describe(ObjectId id, DescribeFn fn, const void* self) {
  objects_[id].describe = fn;
  objects_[id].self = self;
}

TaskId Execution::spawn(std::string name, std::uint32_t group, std::function<int()> body,
                        ObjectId object) {
  const auto id = static_cast<TaskId>(tasks_.size());
  Task& t = tasks_.emplace_back();
  t.name = std::move(name);
  t.group = group;
  t.body = std::move(body);
  t.object = object;
  t.fiber = boost::context::fiber(std::allocator_arg, PooledStack(stacks_),
                                  [this, id](boost::context::fiber&& engine) {
                                    engine_ = std::move(engine);
                                    task_main(id);
                                    return std::move(engine_);
                                  });
  t.term = fingerprint_term(kTaskSalt ^ id, 0);
  add_term(fingerprint_, t.term);
  enabled_.reserve(tasks_.size());
  return id;
}

void Execution::task_main(TaskId t) {
  int code = 0;
  try {
    code = tasks_[t].body();
  } catch (const boost::context::detail::forced_unwind&) {
    throw;  // the engine is tearing this fiber down: let it unwind
  } catch (const std::exception& e) {
    raise({FindingKind::ModelError, t, kNoObject, static_cast<std::uint32_t>(trace_.size()),
           "the model threw: " + std::string(e.what()), ""});
  }
  finish_task(t, code);
}

void Execution::finish_task(TaskId t, int code) {
  const SourceLoc loc = tasks_[t].unfolded < trace_.size() ? trace_.back().loc : SourceLoc{};
  append(OpKind::TaskExit, kNoObject, Access::None, "exit", loc, false).a = code;
  for (ObjectId o = 0; o < objects_.size(); ++o)
    if (objects_[o].owner == t) raise(leaked_lock(*this, t, o));
  tasks_[t].status = TaskStatus::Finished;
  tasks_[t].exit_code = code;
  ++progress_;
  if (const TaskId h = tasks_[t].host; h != kNoTask && tasks_[h].guest_running == t)
    tasks_[h].guest_running = kNoTask;
  fold_history(t);
}

TraceEntry& Execution::append(OpKind kind, ObjectId obj, Access access, const char* label,
                              SourceLoc loc, bool scheduling_point) {
  TraceEntry& e = trace_.emplace_back();
  e.task = current_;
  e.object = obj;
  e.kind = kind;
  e.access = access;
  e.scheduling_point = scheduling_point;
  e.label = label;
  e.loc = loc;
  return e;
}

OpRecord Execution::step(OpKind kind, ObjectId obj, Access access, const char* label,
                         SourceLoc loc) {
  if (current_ == kNoTask) called_outside_a_task(label, loc);
  Task& t = tasks_[current_];
  if (moves_without_yield(t, kind, obj)) {
    t.scheduled_for = obj;
    append(kind, obj, access, label, loc, false).moved = true;
    return {*this, trace_.size() - 1};
  }
  t.pending = kind;
  t.pending_object = obj;
  t.pending_label = label;
  t.pending_loc = loc;
  t.scheduled_for = kNoObject;
  fold_history(current_);
  yield_to_engine();
  Task& now = tasks_[current_];
  now.unfolded = trace_.size();  // others' entries since are not its history
  now.scheduled_for = obj;
  // After an acquisition the next operation moves, unless another task could
  // see the lock held in between (a lock that may be trylocked, a guest).
  // After a Resume too, unless an event ended the sleep: the event and the
  // Resume are one decision, so the task was never runnable before its run,
  // and a signal for a sleeper that is offered only while some task can run
  // (collect_sleep_events) would lose the state between them (a fuzz program:
  // t0 and t1 in interruptible_sleep_on, both signalled).
  const bool acquired_unseen = kind == OpKind::LockAcquire && !held_lock_observable(obj);
  const bool woken_by_task = kind == OpKind::Resume && now.woke_by == WakeEvent::None;
  now.phase = acquired_unseen || woken_by_task ? Phase::Moves : Phase::Fresh;
  append(kind, obj, access, label, loc, true);
  return {*this, trace_.size() - 1};
}

// Whether another task could see `lock` held between its acquisition and the
// next operation, or between an operation and its release: any task, if the
// lock may be trylocked (promise_no_trylock); else a guest of this task (an
// interrupt handler on its processor, which would deadlock on it there rather
// than wait). Then neither moves: each keeps its scheduling point.
bool Execution::held_lock_observable(ObjectId lock) const {
  if (!objects_[lock].no_trylock) return true;
  for (TaskId u = 0; u < tasks_.size(); ++u)
    if (u != current_ && tasks_[u].status == TaskStatus::Runnable && tasks_[u].host == current_)
      return true;
  return false;
}

// Lipton's reduction (movers). A lock release commutes with every operation
// of another task before it (none touches a held lock, unless it trylocks
// it), so it needs no scheduling point of its own, unless
// held_lock_observable(). A successful acquisition commutes with every
// operation of another task after it, and so does a Resume (the task only
// starts to run: the wake that made it runnable happened already), so the
// task's next operation may follow either at once, unless that operation may
// block or waits for others (another acquisition, whose order against
// others' makes lock-order deadlocks; a trylock; a sleep), or another task
// could see the lock held just after its acquisition (held_lock_observable).
// A trylock breaks both: it may fail in either window, after its task saw
// the operation's effect by other means (a fuzz program found it: t0 `lock;
// y = 1; unlock`, t1 `read y == 1; trylock fails`), so only a lock promised
// never to be trylocked moves. An acquisition waits for others, so it keeps
// its scheduling point, unless it takes a free lock promised innermost
// (takes_innermost_at_once). So between two scheduling points a task runs
// `acquire innermost* op release*`, `resume innermost* op release*` or
// `op release*`. A step that
// may fail offers its failure at a scheduling point, and a release of a lock
// the task does not hold is a bug whose outcome others' order decides:
// neither moves.
bool Execution::moves_without_yield(Task& t, OpKind kind, ObjectId obj) {
  if (!reduction_ || t.fallible) return false;
  if (kind == OpKind::LockRelease) {
    if (objects_[obj].owner != current_ || held_lock_observable(obj)) return false;
    t.phase = Phase::Committed;  // after a left mover, only left movers follow
    return true;
  }
  if (kind == OpKind::LockAcquire && t.phase == Phase::Moves && takes_innermost_at_once(obj))
    return true;  // a right mover: the phase stays Moves
  if (t.phase != Phase::Moves || kind == OpKind::LockAcquire || kind == OpKind::LockTry ||
      kind == OpKind::Resume)
    return false;
  t.phase = Phase::Committed;
  return true;
}

// An acquisition that may follow the previous operation at once: of a lock
// promised innermost and never trylocked, free (nobody holds or queues for
// it), that no guest of the task could see held. Taken later, it would wait
// for a task that holds no other lock one could wait for: a right mover.
bool Execution::takes_innermost_at_once(ObjectId l) const {
  const Object& o = objects_[l];
  return o.innermost && o.owner == kNoTask && o.waiting == 0 && !held_lock_observable(l);
}

OpRecord Execution::record(OpKind kind, ObjectId obj, Access access, const char* label,
                           SourceLoc loc) {
  if (current_ == kNoTask) called_outside_a_task(label, loc);
  tasks_[current_].scheduled_for = obj;
  append(kind, obj, access, label, loc, false);
  return {*this, trace_.size() - 1};
}

void Execution::check_observe(ObjectId obj, SourceLoc loc) {
  const ObjectId guard = objects_[obj].guard;
  if (guard != kNoObject && objects_[guard].owner == current_) return;
  raise({FindingKind::ModelError, current_, obj, static_cast<std::uint32_t>(trace_.size()),
         "checked mode: " + task_name(current_) + " looked at " + object_name(obj) +
             " outside an operation on it, at " + where(loc),
         "  a wrapper read shared state before its scheduling point (or after the operation "
         "ended): the value recorded would not be the one the task used.\n"});
}

void Execution::lock(ObjectId l, const char* label, SourceLoc loc) {
  if (current_ == kNoTask) called_outside_a_task(label, loc);
  if (objects_[l].owner == current_) {
    append(OpKind::LockAcquire, l, Access::ReadWrite, label, loc, false);
    fail(recursive_lock(*this, current_, l));
  }
  if (tasks_[current_].innermost_held != 0) broken_innermost_promise(l, label, loc);
  OpRecord op = step(OpKind::LockAcquire, l, Access::ReadWrite, label, loc);
  if (objects_[l].owner != kNoTask) {  // a fair lock, held: take a ticket and spin
    op.result(kLockQueued);
    enqueue(l, current_);
    step(OpKind::LockAcquire, l, Access::ReadWrite, label, loc).result(kLockHandedOff);
  }
  set_owner(l, current_);  // handed off: it is ours from here (where it was taken)
  if (races_.active()) races_.acquire(current_, l);
}

void Execution::unlock(ObjectId l, const char* label, SourceLoc loc) {
  step(OpKind::LockRelease, l, Access::ReadWrite, label, loc);
  Object& o = objects_[l];
  if (o.owner != current_) fail(bad_unlock(*this, current_, l));
  if (races_.active()) races_.release(current_, l);
  if (o.waiting == 0) {
    set_owner(l, kNoTask);
    return;
  }
  // A fair lock hands itself to the first task spinning for it: nobody can
  // take it in between (its trylock fails, a later ticket queues behind).
  const TaskId next = rings_[o.ring + o.head];
  o.head = (o.head + 1) % o.capacity;
  --o.waiting;
  tasks_[next].queued = false;
  set_owner(l, next);
}

// Takes a ticket: t spins behind the tasks queued before it. The ring is
// taken at the lock's first contention and kept (rings_ keeps its capacity
// across executions, so this allocates only in the first ones).
void Execution::enqueue(ObjectId l, TaskId t) {
  Object& o = objects_[l];
  if (o.capacity == 0) {
    o.ring = static_cast<std::uint32_t>(rings_.size());
    o.capacity = static_cast<std::uint32_t>(tasks_.size());
    rings_.resize(rings_.size() + o.capacity, kNoTask);
  }
  rings_[o.ring + (o.head + o.waiting) % o.capacity] = t;
  ++o.waiting;
  tasks_[t].queued = true;
  rehash_lock(l);  // the queue is part of the lock's state
}

bool Execution::try_lock(ObjectId l, const char* label, SourceLoc loc) {
  if (objects_[l].no_trylock) {
    append(OpKind::LockTry, l, Access::ReadWrite, label, loc, false);
    fail({FindingKind::ModelError, current_, l, static_cast<std::uint32_t>(trace_.size()),
          fmt::format("{} trylocks {}, which the model promised is never trylocked",
                      task_name(current_), object_name(l)),
          fmt::format("  at {}. The search moved operations across this lock's acquisitions and "
                      "releases on that promise (Execution::promise_no_trylock): drop it.\n",
                      where(loc))});
  }
  OpRecord op = step(OpKind::LockTry, l, Access::ReadWrite, label, loc);
  if (objects_[l].owner != kNoTask) return false;  // held, perhaps by this task: trylock fails
  set_owner(l, current_);
  if (races_.active()) races_.acquire(current_, l);
  op.result(1);
  return true;
}

void Execution::broken_innermost_promise(ObjectId l, const char* label, SourceLoc loc) {
  ObjectId held = kNoObject;
  for (ObjectId o = 0; o < objects_.size() && held == kNoObject; ++o)
    if (objects_[o].innermost && objects_[o].owner == current_) held = o;
  append(OpKind::LockAcquire, l, Access::ReadWrite, label, loc, false);
  fail({FindingKind::ModelError, current_, held, static_cast<std::uint32_t>(trace_.size()),
        fmt::format("{} takes {} while holding {}, which the model promised is innermost",
                    task_name(current_), object_name(l), object_name(held)),
        fmt::format("  at {}. The search took {} without a scheduling point on that promise "
                    "(Execution::promise_innermost): drop it.\n",
                    where(loc), object_name(held))});
}

void Execution::set_owner(ObjectId l, TaskId owner) {
  if (objects_[l].innermost) {
    if (objects_[l].owner != kNoTask) --tasks_[objects_[l].owner].innermost_held;
    if (owner != kNoTask) ++tasks_[owner].innermost_held;
  }
  objects_[l].owner = owner;
  objects_[l].taken_at = owner == kNoTask ? 0 : static_cast<std::uint32_t>(trace_.size());
  rehash_lock(l);
}

// A lock's state: its owner, then the tasks queued for it in ticket order.
void Execution::rehash_lock(ObjectId l) {
  const Object& o = objects_[l];
  std::uint64_t h = o.owner == kNoTask ? 0 : std::uint64_t{o.owner} + 1;
  for (std::uint32_t k = 0; k < o.waiting; ++k)
    h = fold(h, std::uint64_t{rings_[o.ring + (o.head + k) % o.capacity]} + 1);
  set_hash(l, h);
}

bool Execution::holds_any(TaskId t, ObjectKind lock_kind) const {
  for (const Object& o : objects_)
    if (o.owner == t && o.kind == lock_kind) return true;
  return false;
}

WakeEvent Execution::sleep(SourceLoc loc, unsigned events) {
  // Not enabled until wake() or an event; then its Resume is an ordinary scheduling point.
  Task& t = tasks_[current_];
  t.status = TaskStatus::Sleeping;
  t.events = events;
  offered_ |= events;
  if (events != 0) ++event_sleepers_;
  t.woke_by = WakeEvent::None;
  retally_task(current_);
  step(OpKind::Resume, kNoObject, Access::None, "schedule() returns", loc);
  return tasks_[current_].woke_by;
}

// Events go after the tasks, event kind by kind: ids stay ascending.
void Execution::collect_events() {
  if (event_sleepers_ != 0) collect_sleep_events();
  if (fallible_ == 0) return;  // the common case: no operation that may fail
  for (TaskId t = 0; t < tasks_.size(); ++t)
    if (tasks_[t].fallible && tasks_[t].status == TaskStatus::Runnable)
      enabled_.push_back(event_id(t, WakeEvent::Fail));
}

void Execution::collect_sleep_events() {
  const bool others = !enabled_.empty();
  bool timers = false;
  for (const WakeEvent e : {WakeEvent::Timer, WakeEvent::Signal, WakeEvent::Spurious}) {
    if (e != WakeEvent::Timer && !others && !timers) return;  // optional: never the last resort
    const unsigned bit = 1u << static_cast<unsigned>(e);
    for (TaskId t = 0; t < tasks_.size(); ++t) {
      if (tasks_[t].status != TaskStatus::Sleeping || !(tasks_[t].events & bit)) continue;
      enabled_.push_back(event_id(t, e));
      timers = timers || e == WakeEvent::Timer;
    }
  }
}

bool Execution::step_or_fail(OpKind kind, ObjectId obj, Access access, const char* label,
                             SourceLoc loc) {
  if (!choices_.failures) {
    step(kind, obj, access, label, loc);
    return false;
  }
  tasks_[current_].fallible = true;
  ++fallible_;
  offered_ |= 1u << static_cast<unsigned>(WakeEvent::Fail);
  OpRecord op = step(kind, obj, access, label, loc);
  Task& t = tasks_[current_];
  t.fallible = false;
  --fallible_;
  const bool failed = std::exchange(t.woke_by, WakeEvent::None) == WakeEvent::Fail;
  op.result(failed ? 1 : 0);
  return failed;
}

void Execution::deliver(TaskId t, WakeEvent e) {
  static constexpr const char* kLabels[] = {"", "the timer fires", "a signal arrives",
                                            "a spurious wakeup"};
  Task& task = tasks_[t];
  if (e == WakeEvent::Fail) {  // not asleep: it runs, and its operation fails
    task.woke_by = e;
    return;
  }
  task.status = TaskStatus::Runnable;
  task.events = 0;
  --event_sleepers_;
  task.woke_by = e;
  retally_task(t);
  TraceEntry& entry = append(OpKind::Wake, task.object, Access::Write,
                             kLabels[static_cast<unsigned>(e)], task.pending_loc, false);
  entry.task = t;
  entry.b = t;
}

bool Execution::wake(TaskId t) {
  // A wake orders the waker's past before the woken task's future, also when
  // it lands before the task reached schedule() (try_to_wake_up's barrier).
  if (races_.active() && current_ != kNoTask) races_.wake(current_, t);
  if (tasks_[t].status != TaskStatus::Sleeping) return false;
  tasks_[t].status = TaskStatus::Runnable;
  if (tasks_[t].events != 0) --event_sleepers_;
  tasks_[t].events = 0;
  retally_task(t);
  return true;
}

void Execution::set_hash(ObjectId o, std::uint64_t hash) {
  Object& obj = objects_[o];
  remove_term(fingerprint_, obj.term);
  obj.hash = hash;
  obj.term = fingerprint_term(kObjectSalt ^ o, object_term_value(hash, obj.wasted));
  add_term(fingerprint_, obj.term);
}

void Execution::wasted_wakeup(ObjectId o) {
  ++objects_[o].wasted;
  set_hash(o, objects_[o].hash);
}

void Execution::fold_history(TaskId t) {
  Task& task = tasks_[t];
  for (std::size_t i = task.unfolded; i < trace_.size(); ++i) {
    const TraceEntry& e = trace_[i];
    if (!folded_into_history(e.kind)) continue;
    // The task's own object and id fold as "self", so that interchangeable
    // tasks at the same place with the same values carry the same history
    // (symmetry). Per task a bijection: nothing is lost without symmetry.
    const bool own = e.object != kNoObject && e.object == task.object;
    const std::uint64_t object = own ? kSelfObject : e.object;
    std::int64_t b = e.b;
    if (detail_names_task(e.kind) && e.b == t) b = kSelfTask;
    // Under symmetry, an interchangeable task named in another's record is
    // "one of its group": a raw id would not be renamed with the rest of the
    // state. (The record is the task's view of a wait queue's change; the
    // queue itself holds who, renamed.)
    else if (symmetry_active_ && detail_names_task(e.kind) && e.b >= 0 &&
             static_cast<std::size_t>(e.b) < tasks_.size() &&
             tasks_[static_cast<TaskId>(e.b)].interchangeable)
      b = kOtherOfGroup - tasks_[static_cast<TaskId>(e.b)].group;
    // A value the task wrote is a function of what it carried before (tasks
    // are deterministic): folding it adds nothing, and it would tell apart
    // interchangeable tasks that write their own values (producers putting
    // their own items, which the model renames with them).
    const std::uint64_t a = e.access == Access::Write ? 0 : static_cast<std::uint64_t>(e.a);
    std::uint64_t h = fold(task.history, static_cast<std::uint64_t>(e.kind) << 32 | object);
    task.history = fold(fold(h, a), static_cast<std::uint64_t>(b));
  }
  task.unfolded = trace_.size();
  retally_task(t);
}

void Execution::retally_task(TaskId t) {
  Task& task = tasks_[t];
  remove_term(fingerprint_, task.term);
  const std::uint64_t status = static_cast<std::uint64_t>(task.status) | task.events << 8 |
                               static_cast<std::uint64_t>(task.woke_by) << 16 |
                               std::uint64_t{task.wrote_since_mark} << 24 |
                               std::uint64_t{task.closed} << 25;
  task.local = fold(task.history, status);
  task.term = fingerprint_term(kTaskSalt ^ t, task.local);
  add_term(fingerprint_, task.term);
}

std::uint64_t Execution::task_state() {
  fold_history(current_);
  return tasks_[current_].history;
}

void Execution::declare_task_state(std::uint64_t summary, SourceLoc loc) {
  if (!abstraction_) return;
  if (current_ == kNoTask) called_outside_a_task("declare_task_state", loc);
  Task& task = tasks_[current_];
  task.history = fold(site_hash(loc), summary);
  task.unfolded = trace_.size();  // what came before is in `summary`
  retally_task(current_);
}

void Execution::mark_writes(TaskId t) {
  if (!tasks_[t].wrote_since_mark) return;
  tasks_[t].wrote_since_mark = false;
  retally_task(t);
}

void Execution::raise(Finding f) {
  if (!finding_) finding_ = std::move(f);
}

void Execution::fail(Finding f) {
  raise(std::move(f));
  yield_to_engine();  // never resumed: reset() unwinds this fiber
  std::terminate();
}

void Execution::yield_to_engine() {
  engine_ = std::move(engine_).resume();
}

void Execution::resume(TaskId t) {
  current_ = t;
  tasks_[t].fiber = std::move(tasks_[t].fiber).resume();
  current_ = kNoTask;
}

void Execution::check_race(ObjectId obj, bool write, std::size_t index) {
  const auto entry = static_cast<std::uint32_t>(index + 1);
  const RaceDetector::Conflict c = races_.access(current_, obj, write, entry);
  if (c.task != kNoTask) raise(data_race(*this, obj, c.task, c.entry, c.write));
}

void Execution::refresh_race_term() {
  remove_term(fingerprint_, race_term_);
  race_term_ = fingerprint_term(kRaceSalt, races_.state_hash());
  add_term(fingerprint_, race_term_);
}

void Execution::start_tasks() {
  bool guarded = false;
  for (const Object& o : objects_) guarded = guarded || o.guard != kNoObject;
  if (guarded) races_.start(tasks_.size(), objects_.size());
  start_symmetry();
  // Each task runs alone up to its first visible operation: what it does
  // before that is local to it, so no interleaving is lost.
  for (TaskId t = 0; t < tasks_.size() && !finding_; ++t) {
    tasks_[t].unfolded = trace_.size();
    resume(t);
  }
}

void Execution::collect_enabled() {
  enabled_.clear();
  for (TaskId t = 0; t < tasks_.size(); ++t) {
    const Task& task = tasks_[t];
    if (task.status != TaskStatus::Runnable || task.guest_running != kNoTask) continue;
    if (task.pending == OpKind::LockAcquire && !may_acquire(t, task)) continue;
    if (task.pending == OpKind::GuestEnter && !host_admits(task.host)) continue;
    enabled_.push_back(t);
  }
  collect_events();
}

bool Execution::host_admits(TaskId h) const {
  const Task& host = tasks_[h];
  return host.guest_running == kNoTask && (host.status != TaskStatus::Runnable || !host.closed);
}

void Execution::enter_guest(const char* label, SourceLoc loc) {
  const TaskId h = tasks_[current_].host;
  step(OpKind::GuestEnter, tasks_[h].object, Access::None, label, loc).detail(h);
  tasks_[h].guest_running = current_;
}

void Execution::leave_guest(const char* label, SourceLoc loc) {
  const TaskId h = tasks_[current_].host;
  record(OpKind::GuestLeave, tasks_[h].object, Access::None, label, loc).detail(h);
  tasks_[h].guest_running = kNoTask;
}

void Execution::run(Scheduler& scheduler, Program& program) {
  scheduler.attach(*this);
  start_tasks();
  while (!finding_) {
    collect_enabled();
    if (enabled_.empty()) {
      end_with_nothing_enabled(program);
      break;
    }
    if (enabled_.size() > 1 && races_.active()) refresh_race_term();
    if (closes_cycle()) break;
    if (steps_ >= max_steps_) {
      raise(step_bound(*this, max_steps_));
      break;
    }
    TaskId next = enabled_.front();
    if (enabled_.size() > 1) {
      const Fingerprint& state = symmetry_active_ ? canonical_fingerprint() : fingerprint_;
      const std::optional<TaskId> pick =
          scheduler.pick_task(Decision{enabled_, state, previous_, steps_});
      if (!pick) {
        cut_ = true;
        break;
      }
      next = *pick;
      decisions_.push_back(next);
    }
    ++steps_;
    previous_ = task_of(next);
    if (event_of(next) != WakeEvent::None) deliver(task_of(next), event_of(next));
    resume(task_of(next));
  }
}

// Before each scheduling point: does this state repeat one of this
// execution's (checker/cycle.hpp)? At a decision the table says; in a run of
// forced steps, Brent's anchor. A repeat with progress since is no cycle. A
// cycle is a livelock or a busy-wait, or else one that a fair scheduler
// leaves: then the execution is cut, as at a state explored before (what
// follows is what followed the first visit, which this search explores).
bool Execution::closes_cycle() {
  const CycleDetector::Mark here{fingerprint_, static_cast<std::uint32_t>(trace_.size()), progress_,
                                 0};
  if (enabled_.size() == 1) {
    if (!cycles_.forced(here)) return false;
    return end_cycle(cycles_.forced_start().trace_size, task_bit(task_of(enabled_[0])));
  }
  CycleDetector::Mark m = here;
  for (const TaskId id : enabled_)
    if (event_of(id) == WakeEvent::None || event_of(id) == WakeEvent::Timer)
      m.can_move |= task_bit(task_of(id));  // signals and spurious wakeups need not come
  const std::uint32_t earlier = cycles_.decision(m);
  if (earlier == CycleDetector::kNone || cycles_.mark(earlier).progress != progress_) return false;
  std::uint64_t can_move = 0;
  for (std::uint32_t d = earlier; d < cycles_.decisions(); ++d)
    can_move |= cycles_.mark(d).can_move;
  return end_cycle(cycles_.mark(earlier).trace_size, can_move);
}

bool Execution::end_cycle(std::size_t first, std::uint64_t can_move) {
  Finding f = cycle_finding(*this, first, can_move);
  if (f)
    raise(std::move(f));
  else
    cut_ = true;
  return true;
}

void Execution::end_with_nothing_enabled(Program& program) {
  quiescent_ = true;
  bool all_finished = true;
  for (const Task& t : tasks_) all_finished = all_finished && t.status == TaskStatus::Finished;
  if (all_finished) {
    program.at_end(*this);
    return;
  }
  record_blocked_acquisitions();
  for (TaskId t = 0; t < tasks_.size(); ++t) {
    if (tasks_[t].status != TaskStatus::Sleeping) continue;
    std::string work = program.work_left(*this, t, tasks_[t].last_wait_queue);
    if (!work.empty()) {
      raise(lost_wakeup(*this, t, tasks_[t].last_wait_queue, work));
      return;
    }
  }
  raise(stuck(*this));
}

// A task that waits for a held lock never performed its acquisition, so the
// trace would not show it: record where each one stopped.
void Execution::record_blocked_acquisitions() {
  for (TaskId t = 0; t < tasks_.size(); ++t) {
    const Task& task = tasks_[t];
    if (task.status != TaskStatus::Runnable || task.pending != OpKind::LockAcquire) continue;
    TraceEntry& e = append(OpKind::LockWait, task.pending_object, Access::None, task.pending_label,
                           task.pending_loc, false);
    e.task = t;
    e.b = objects_[task.pending_object].owner;
  }
}

ExecutionRecord Execution::snapshot() const {
  ExecutionRecord r;
  r.finding = finding_;
  r.trace = trace_;
  r.decisions = decisions_;
  r.steps = steps_;
  for (const Task& t : tasks_) r.task_names.push_back(t.name);
  for (const Object& o : objects_) r.objects.push_back({o.name, o.kind, o.wasted});
  describe_final_state(*this, r.final_state);
  return r;
}

bool Execution::describe(ObjectId o, std::string& out) const {
  if (o == kNoObject || !objects_[o].describe) return false;
  objects_[o].describe(objects_[o].self, *this, out);
  return true;
}

void Execution::reset() {
  // Destroying a suspended fiber unwinds its stack (boost forced_unwind), so
  // task-local destructors run; task code must not swallow that exception.
  for (Task& t : tasks_) t.fiber = {};
  tasks_.clear();
  objects_.clear();
  trace_.clear();
  decisions_.clear();
  enabled_.clear();
  rings_.clear();
  races_.stop();  // keeps its buffers for the next execution
  fingerprint_ = {};
  race_term_ = {};
  symmetric_groups_ = 0;
  symmetry_active_ = false;
  finding_ = {};
  steps_ = 0;
  previous_ = kNoTask;
  event_sleepers_ = 0;
  fallible_ = 0;
  progress_ = 0;
  cycles_.clear();
  offered_ = 0;
  cut_ = false;
  quiescent_ = false;
  current_ = kNoTask;
}

}  // namespace wakecheck
