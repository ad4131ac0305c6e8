#include "model/kernel/sched.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "checker/diagnose.hpp"
#include "model/kernel/kthread.hpp"
#include "model/kernel/wait.hpp"

namespace wakecheck {

const char* set_state_label(bool plain, unsigned state);

namespace {

// The task's object hash: its state, pending signal, stop request and what
// it may still receive from the environment (which decides the choices
// offered later). Task states fit in 12 bits.
void rehash_task(task_struct* p) {
  const std::uint64_t woken_from = p->woken_from ? std::uint64_t{p->woken_from->id} + 1 : 0;
  p->k->ex().set_hash(
      p->obj, p->state | std::uint64_t{p->sigpending} << 12 | std::uint64_t{p->sigkill} << 13 |
                  std::uint64_t{p->should_stop} << 14 | std::uint64_t{p->notify_signal} << 15 |
                  std::uint64_t{p->signals_left} << 16 | std::uint64_t{p->spurious_left} << 24 |
                  woken_from << 32 | std::uint64_t{p->should_park} << 62 |
                  std::uint64_t{p->park_done} << 63);
}

void set_state(task_struct* p, unsigned state) {
  p->state = state;
  rehash_task(p);
}

void describe_task(const void* self, const Execution&, std::string& out) {
  out += fmt::format("state {}", task_state_name(static_cast<const task_struct*>(self)->state));
}

// The first spinlock t holds (kNoObject: none). Holding one is atomic context.
ObjectId held_spinlock(const Execution& ex, TaskId t) {
  for (ObjectId o = 0; o < ex.object_count(); ++o)
    if (ex.object_kind(o) == ObjectKind::Spinlock && ex.owner(o) == t) return o;
  return kNoObject;
}

// `what`: "calls schedule()" or "calls mutex_lock(), which may sleep,"; `bug`:
// the kernel's own words for it.
Finding atomic_context(const Execution& ex, TaskId t, ObjectId lock, const std::string& what,
                       const char* bug) {
  Finding f = finding_here(ex, FindingKind::SleepInAtomic, t, lock);
  const TraceEntry& taken = ex.trace()[ex.lock_taken_at(lock) - 1];
  f.summary = fmt::format("{} {} while holding spinlock {} ({})", ex.task_name(t), what,
                          ex.object_name(lock), bug);
  f.explanation = fmt::format(
      "  {} was taken at #{} ({}). A task must not sleep holding a spinlock: release it first.\n",
      ex.object_name(lock), ex.lock_taken_at(lock), where(taken.loc));
  f.window_first = ex.lock_taken_at(lock);
  f.window_last = f.entry;
  return f;
}

// An interrupt handler must never sleep: it runs on the interrupted task's
// CPU and stack, with nothing to switch back to.
Finding in_interrupt_finding(const Execution& ex, const task_struct* current,
                             const std::string& what) {
  Finding f = finding_here(ex, FindingKind::SleepInAtomic, current->pid, current->obj);
  f.summary =
      fmt::format("interrupt handler {} {} in interrupt context", ex.task_name(current->pid), what);
  f.explanation = fmt::format(
      "  at {}. A handler must not sleep: hand the work to a thread (wake it, or use a "
      "workqueue).\n",
      where(ex.trace().back().loc));
  return f;
}

// In Linux the entry is on the exiting task's stack: the queue keeps a
// pointer into a dead frame, and the next wake_up walks it.
Finding exit_while_queued(const Execution& ex, const task_struct* p) {
  const ObjectId wq = p->queued_on.front()->id;
  Finding f = finding_here(ex, FindingKind::Invariant, p->pid, wq);
  f.summary = fmt::format("{} returns while its wait_queue_entry is still queued on {}",
                          ex.task_name(p->pid), ex.object_name(wq));
  f.explanation =
      "  the entry lives on the task's stack: the queue would point into a dead frame.\n"
      "  call finish_wait() or remove_wait_queue() before returning.\n";
  return f;
}

}  // namespace

// Trace labels are static strings (the trace holds pointers, never copies).
const char* set_state_label(bool plain, unsigned state) {
  switch (state) {
    case TASK_RUNNING:
      return plain ? "__set_current_state(TASK_RUNNING)" : "set_current_state(TASK_RUNNING)";
    case TASK_INTERRUPTIBLE:
      return plain ? "__set_current_state(TASK_INTERRUPTIBLE)"
                   : "set_current_state(TASK_INTERRUPTIBLE)";
    case TASK_UNINTERRUPTIBLE:
      return plain ? "__set_current_state(TASK_UNINTERRUPTIBLE)"
                   : "set_current_state(TASK_UNINTERRUPTIBLE)";
    case TASK_KILLABLE:
      return plain ? "__set_current_state(TASK_KILLABLE)" : "set_current_state(TASK_KILLABLE)";
    case TASK_PARKED:
      return plain ? "__set_current_state(TASK_PARKED)" : "set_special_state(TASK_PARKED)";
    default:
      return plain ? "__set_current_state(?)" : "set_current_state(?)";
  }
}

const char* task_state_name(unsigned state) {
  switch (state) {
    case TASK_RUNNING:
      return "TASK_RUNNING";
    case TASK_INTERRUPTIBLE:
      return "TASK_INTERRUPTIBLE";
    case TASK_UNINTERRUPTIBLE:
      return "TASK_UNINTERRUPTIBLE";
    case TASK_KILLABLE:
      return "TASK_KILLABLE";
    case TASK_PARKED:
      return "TASK_PARKED";
    default:
      return "TASK_?";
  }
}

task_struct* kernel::kthread_run(std::string name, std::uint32_t group,
                                 std::function<int(task_struct*)> fn) {
  return spawn_kthread(std::move(name), group, std::move(fn), false);
}

task_struct* kernel::kthread_create(std::string name, std::uint32_t group,
                                    std::function<int(task_struct*)> fn) {
  return spawn_kthread(std::move(name), group, std::move(fn), true);
}

task_struct* kernel::spawn_kthread(std::string name, std::uint32_t group,
                                   std::function<int(task_struct*)> fn, bool created) {
  auto p = std::make_unique<task_struct>();
  p->k = this;
  p->queued_on.reserve(4);
  p->obj = ex_->add_object(ObjectKind::Task, name);
  ex_->set_describe(p->obj, describe_task, p.get());
  task_struct* raw = p.get();
  // kthread(): the new thread sets TASK_UNINTERRUPTIBLE before it completes
  // kthread_create()'s `done`, so whoever gets the task_struct finds it so.
  if (created) set_state(raw, TASK_UNINTERRUPTIBLE);
  p->pid = ex_->spawn(
      std::move(name), group,
      [raw, created, f = std::move(fn)] {
        const int ret = created ? kthread_first_run(raw, f) : f(raw);
        if (mark_dangling_entries(raw)) raw->k->ex().fail(exit_while_queued(raw->k->ex(), raw));
        kthread_exited(raw, ret);
        return ret;
      },
      p->obj);
  tasks_.push_back(std::move(p));
  return raw;
}

void set_current_state(task_struct* current, unsigned state, SourceLoc loc) {
  Execution& ex = current->k->ex();
  ex.step(OpKind::SetState, current->obj, Access::Write, set_state_label(false, state), loc)
      .result(state);
  set_state(current, state);
}

void __set_current_state(task_struct* current, unsigned state, SourceLoc loc) {
  Execution& ex = current->k->ex();
  ex.step(OpKind::SetState, current->obj, Access::Write, set_state_label(true, state), loc)
      .result(state);
  set_state(current, state);
}

// A task woken from a wait queue that goes back to sleep on it without having
// written any shared data found its condition still false: a wasted wakeup.
void set_woken_from(task_struct* p, wait_queue_head* wq) {
  if (p->woken_from == wq) return;
  p->woken_from = wq;
  rehash_task(p);
}

void count_wasted_wakeup(task_struct* p, SourceLoc loc) {
  wait_queue_head* wq = p->woken_from;
  if (wq == nullptr) return;
  set_woken_from(p, nullptr);
  Execution& ex = p->k->ex();
  if (ex.wrote_since_mark(p->pid)) return;
  if (std::find(p->queued_on.begin(), p->queued_on.end(), wq) == p->queued_on.end()) return;
  ex.wasted_wakeup(wq->id);
  ex.record(OpKind::WastedWakeup, wq->id, Access::None, "wasted wakeup", loc)
      .result(p->woken_at)
      .detail(p->pid);
}

namespace {

// The events of the environment that may end this sleep (bits of WakeEvent).
unsigned wake_events(const task_struct* p, bool timer) {
  const ChoiceFamilies& c = p->k->ex().choices();
  unsigned events = 0;
  if (timer && c.timeouts) events |= 1u << static_cast<unsigned>(WakeEvent::Timer);
  if ((p->state & (TASK_INTERRUPTIBLE | TASK_WAKEKILL)) && c.signals && p->signals_left)
    events |= 1u << static_cast<unsigned>(WakeEvent::Signal);
  if (c.spurious && p->spurious_left) events |= 1u << static_cast<unsigned>(WakeEvent::Spurious);
  return events;
}

// schedule() and schedule_timeout(): what ended the sleep (None: a wake, or
// no sleep at all).
//
// schedule() is an await, not a scheduling point of its own: the task reads
// its own state where it calls it and, unless it is TASK_RUNNING, sleeps at
// once; the scheduling point is its Resume, enabled by a wake or an event.
// Nothing is lost. TASK_RUNNING can only be left by the task itself, so that
// read is stable. And a waker that would have run between the call and the
// read leaves the same state as one that runs after the task fell asleep:
//
//   waker runs ...             | then the sleeper           | try_to_wake_up sees
//   before schedule() reads    | returns, never slept       | state != RUNNING: wakes
//   after it fell asleep       | Resumes, returns           | state != RUNNING: wakes
//
// Both leave the task TASK_RUNNING, about to return from schedule(), with
// the same result (try_to_wake_up reads p->state, never whether the fiber
// sleeps). Only the trace tells them apart. A scheduling point here would
// make the search try both, and branch at every sleeper that is enabled for
// nothing but falling asleep: 331,731 executions on Q-ok W3 where the await
// needs 17,236 (GenMC models schedule() the same way).
WakeEvent schedule_common(task_struct* current, bool timer, SourceLoc loc) {
  Execution& ex = current->k->ex();
  OpRecord op = ex.record(OpKind::Schedule, current->obj, Access::Read, "schedule", loc);
  if (in_interrupt(current)) ex.fail(in_interrupt_finding(ex, current, "calls schedule()"));
  if (const ObjectId l = held_spinlock(ex, current->pid); l != kNoObject)
    ex.fail(atomic_context(ex, current->pid, l, "calls schedule()", "scheduling while atomic"));
  ex.observe(current->obj, loc);
  count_wasted_wakeup(current, loc);
  if (current->state == TASK_RUNNING) return WakeEvent::None;  // woken before it got here
  if (signal_pending_state(current->state, current)) {         // __schedule(): does not sleep
    set_state(current, TASK_RUNNING);
    return WakeEvent::None;
  }
  op.result(1);  // set before sleep() records its Resume
  const WakeEvent e = ex.sleep(loc, wake_events(current, timer));
  if (e == WakeEvent::Signal) {  // a killable sleep can only be ended by SIGKILL
    current->sigkill = current->sigkill || !(current->state & TASK_INTERRUPTIBLE);
    current->sigpending = true;
    --current->signals_left;
  } else if (e == WakeEvent::Spurious) {
    --current->spurious_left;
  }
  if (e != WakeEvent::None) set_state(current, TASK_RUNNING);
  return e;
}

}  // namespace

void schedule(task_struct* current, SourceLoc loc) {
  schedule_common(current, false, loc);
}

long schedule_timeout(task_struct* current, long timeout, SourceLoc loc) {
  if (timeout == MAX_SCHEDULE_TIMEOUT) {
    schedule_common(current, false, loc);
    return timeout;
  }
  return schedule_common(current, true, loc) == WakeEvent::Timer ? 0 : timeout;
}

int send_sig(int sig, task_struct* p, SourceLoc loc) {
  Execution& ex = p->k->ex();
  const bool fatal = sig == SIGKILL;
  OpRecord op = ex.step(OpKind::WakeUp, p->obj, Access::ReadWrite,
                        fatal ? "send_sig(SIGKILL)" : "send_sig", loc);
  p->sigpending = true;
  p->sigkill = p->sigkill || fatal;
  rehash_task(p);
  // signal_wake_up(p, fatal): SIGKILL also ends a TASK_KILLABLE sleep.
  op.result(
      try_to_wake_up(p, fatal ? TASK_INTERRUPTIBLE | TASK_WAKEKILL : TASK_INTERRUPTIBLE, loc));
  return 0;
}

void flush_signals(task_struct* p) {
  p->sigpending = false;
  p->sigkill = false;
  rehash_task(p);
}

void kthread_set_park(task_struct* p, bool should_park, bool park_done) {
  p->should_park = should_park;
  p->park_done = park_done;
  rehash_task(p);
}

void kthread_set_should_stop(task_struct* p) {
  p->should_stop = true;
  p->notify_signal = true;
  rehash_task(p);
}

namespace {

// Why try_to_wake_up() left a task as it was (a static string: the trace keeps the pointer).
const char* wake_miss_label(unsigned task_state, unsigned mode) {
  if (task_state == TASK_RUNNING) return "it is TASK_RUNNING already";
  if (task_state == TASK_UNINTERRUPTIBLE && mode == TASK_INTERRUPTIBLE)
    return "its state TASK_UNINTERRUPTIBLE does not match the wake's mode TASK_INTERRUPTIBLE";
  if (task_state == TASK_INTERRUPTIBLE && mode == TASK_UNINTERRUPTIBLE)
    return "its state TASK_INTERRUPTIBLE does not match the wake's mode TASK_UNINTERRUPTIBLE";
  return "its state does not match the wake's mode";
}

}  // namespace

void might_sleep(task_struct* current, const char* caller, SourceLoc loc) {
  Execution& ex = current->k->ex();
  if (in_interrupt(current)) {
    ex.record(OpKind::Note, current->obj, Access::None, caller, loc);
    ex.fail(in_interrupt_finding(ex, current, fmt::format("calls {}(), which may sleep,", caller)));
  }
  const ObjectId l = held_spinlock(ex, current->pid);
  if (l == kNoObject) return;
  ex.record(OpKind::Note, current->obj, Access::None, caller, loc);
  ex.fail(atomic_context(ex, current->pid, l, fmt::format("calls {}(), which may sleep,", caller),
                         "sleeping function called from invalid context"));
}

int try_to_wake_up(task_struct* p, unsigned state, SourceLoc loc) {
  Execution& ex = p->k->ex();
  if (!(p->state & state)) {
    ex.record(OpKind::WakeMiss, p->obj, Access::Read, wake_miss_label(p->state, state), loc)
        .result(p->state)
        .detail(p->pid);
    return 0;
  }
  set_state(p, TASK_RUNNING);
  ex.wake(p->pid);
  ex.record(OpKind::Wake, p->obj, Access::Write, "try_to_wake_up", loc).detail(p->pid);
  return 1;
}

int wake_up_process(task_struct* p, SourceLoc loc) {
  Execution& ex = p->k->ex();
  OpRecord op = ex.step(OpKind::WakeUp, p->obj, Access::ReadWrite, "wake_up_process", loc);
  const int woke = try_to_wake_up(p, TASK_NORMAL, loc);
  op.result(woke);
  return woke;
}

int wake_up_state(task_struct* p, unsigned state, SourceLoc loc) {
  Execution& ex = p->k->ex();
  OpRecord op = ex.step(OpKind::WakeUp, p->obj, Access::ReadWrite, "wake_up_state", loc);
  const int woke = try_to_wake_up(p, state, loc);
  op.result(woke);
  return woke;
}

}  // namespace wakecheck
