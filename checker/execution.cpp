#include "checker/execution.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include "checker/diagnose.hpp"
#include "checker/outside_task.hpp"
#include "checker/program.hpp"
#include "checker/scheduler.hpp"

namespace wakecheck {
namespace {

constexpr std::uint64_t kTaskSalt = 0x7461736b00000000ULL;    // "task"
constexpr std::uint64_t kObjectSalt = 0x6f626a0000000000ULL;  // "obj"

}  // namespace

Execution::Execution(StackPool& stacks, std::uint32_t max_steps)
    : stacks_(stacks), max_steps_(max_steps) {
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
  append(kind, obj, access, label, loc, true);
  return {*this, trace_.size() - 1};
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
  step(OpKind::LockAcquire, l, Access::ReadWrite, label, loc);
  set_owner(l, current_);
  if (races_.active()) races_.acquire(current_, l);
}

void Execution::unlock(ObjectId l, const char* label, SourceLoc loc) {
  step(OpKind::LockRelease, l, Access::ReadWrite, label, loc);
  if (objects_[l].owner != current_) fail(bad_unlock(*this, current_, l));
  if (races_.active()) races_.release(current_, l);
  set_owner(l, kNoTask);
}

bool Execution::try_lock(ObjectId l, const char* label, SourceLoc loc) {
  OpRecord op = step(OpKind::LockTry, l, Access::ReadWrite, label, loc);
  if (objects_[l].owner != kNoTask) return false;  // held, perhaps by this task: trylock fails
  set_owner(l, current_);
  if (races_.active()) races_.acquire(current_, l);
  op.result(1);
  return true;
}

void Execution::set_owner(ObjectId l, TaskId owner) {
  objects_[l].owner = owner;
  objects_[l].taken_at = owner == kNoTask ? 0 : static_cast<std::uint32_t>(trace_.size());
  set_hash(l, owner == kNoTask ? 0 : std::uint64_t{owner} + 1);
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
  if (events != 0) ++event_sleepers_;
  t.woke_by = WakeEvent::None;
  retally_task(current_);
  step(OpKind::Resume, kNoObject, Access::None, "schedule() returns", loc);
  return tasks_[current_].woke_by;
}

// Events go after the tasks, event kind by kind: ids stay ascending.
void Execution::collect_events() {
  if (event_sleepers_ == 0) return;  // the common case: no sleep an event may end
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

void Execution::deliver(TaskId t, WakeEvent e) {
  static constexpr const char* kLabels[] = {"", "the timer fires", "a signal arrives",
                                            "a spurious wakeup"};
  Task& task = tasks_[t];
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
  obj.term = fingerprint_term(kObjectSalt ^ o, obj.wasted == 0 ? hash : fold(hash, obj.wasted));
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
    std::uint64_t h = fold(task.history, static_cast<std::uint64_t>(e.kind) << 32 | e.object);
    task.history = fold(fold(h, static_cast<std::uint64_t>(e.a)), static_cast<std::uint64_t>(e.b));
  }
  task.unfolded = trace_.size();
  retally_task(t);
}

void Execution::retally_task(TaskId t) {
  Task& task = tasks_[t];
  remove_term(fingerprint_, task.term);
  task.term = fingerprint_term(
      kTaskSalt ^ t,
      fold(task.history, static_cast<std::uint64_t>(task.status) | task.events << 8));
  add_term(fingerprint_, task.term);
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
  constexpr std::uint64_t kRaceSalt = 0x7261636500000000ULL;  // "race"
  remove_term(fingerprint_, race_term_);
  race_term_ = fingerprint_term(kRaceSalt, races_.state_hash());
  add_term(fingerprint_, race_term_);
}

void Execution::start_tasks() {
  bool guarded = false;
  for (const Object& o : objects_) guarded = guarded || o.guard != kNoObject;
  if (guarded) races_.start(tasks_.size(), objects_.size());
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
    if (task.status != TaskStatus::Runnable) continue;
    if (task.pending == OpKind::LockAcquire && objects_[task.pending_object].owner != kNoTask)
      continue;
    enabled_.push_back(t);
  }
  collect_events();
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
    if (steps_ >= max_steps_) {
      raise(livelock(*this, max_steps_));
      break;
    }
    TaskId next = enabled_.front();
    if (enabled_.size() > 1) {
      if (races_.active()) refresh_race_term();
      const std::optional<TaskId> pick =
          scheduler.pick_task(Decision{enabled_, fingerprint_, previous_, steps_});
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

void Execution::end_with_nothing_enabled(Program& program) {
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
  races_.stop();  // keeps its buffers for the next execution
  fingerprint_ = {};
  race_term_ = {};
  finding_ = {};
  steps_ = 0;
  previous_ = kNoTask;
  event_sleepers_ = 0;
  cut_ = false;
  current_ = kNoTask;
}

}  // namespace wakecheck
