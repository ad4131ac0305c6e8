// Tasks, task states and the scheduler entry points (include/linux/sched.h,
// kernel/sched/core.c), on the checker's instrumentation API.
#pragma once

#include <climits>
#include <csignal>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checker/execution.hpp"

namespace wakecheck {

// Task state bits, as in include/linux/sched.h. Only TASK_RUNNING tasks are on
// the runqueue.
inline constexpr unsigned TASK_RUNNING = 0x0000;
inline constexpr unsigned TASK_INTERRUPTIBLE = 0x0001;
inline constexpr unsigned TASK_UNINTERRUPTIBLE = 0x0002;
inline constexpr unsigned TASK_NORMAL = TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE;
// A sleep that only a fatal signal (SIGKILL) may end early, as in down_killable().
inline constexpr unsigned TASK_WAKEKILL = 0x0100;
inline constexpr unsigned TASK_KILLABLE = TASK_WAKEKILL | TASK_UNINTERRUPTIBLE;
// A parked kthread (kthread_parkme): only kthread_unpark's
// wake_up_state(k, TASK_PARKED) wakes it; wake_up_process() (TASK_NORMAL) does not.
inline constexpr unsigned TASK_PARKED = 0x0040;

// SIGKILL (<csignal>, 9 as in include/uapi/asm-generic/signal.h) is the one
// fatal signal: send_sig(SIGKILL, p) also ends TASK_KILLABLE sleeps.

// include/linux/errno.h: a sleep interrupted by a signal; the syscall restarts.
inline constexpr int ERESTARTSYS = 512;
// include/linux/sched.h: schedule_timeout() with this never times out.
inline constexpr long MAX_SCHEDULE_TIMEOUT = LONG_MAX;

const char* task_state_name(unsigned state);

class kernel;

struct task_struct {
  kernel* k;
  TaskId pid;    // the engine's task number
  ObjectId obj;  // the engine object that stands for this task's state
  unsigned state = TASK_RUNNING;
  // The queue of each of this task's entries that is linked now (a queue once
  // per entry). Entries live on the task's stack, so one still linked when it
  // returns dangles. Reserved at creation: no allocation when queueing.
  std::vector<struct wait_queue_head*> queued_on;
  // Set when a wake_up walk of a wait queue woke this task: which queue and
  // the trace entry of the wake (for the report only). If
  // it calls schedule() again while still queued there, with no write since
  // (Execution::mark_writes), it found nothing to do: a wasted wakeup. Part
  // of the task's object hash: it decides a future count.
  struct wait_queue_head* woken_from = nullptr;
  std::uint32_t woken_at = 0;
  // A signal is pending (send_sig, or one the environment sent during an
  // interruptible sleep); signals_left / spurious_left: how many more the
  // environment may send this task in one execution (a bound on the search).
  bool sigpending = false;
  bool sigkill = false;  // the pending signal is fatal (SIGKILL): it also ends TASK_KILLABLE sleeps
  std::uint8_t signals_left = 1;
  std::uint8_t spurious_left = 1;
  // kthread_stop() (model/kernel/kthread.hpp): KTHREAD_SHOULD_STOP, and
  // TIF_NOTIFY_SIGNAL, which makes signal_pending() true without a signal.
  bool should_stop = false;
  bool notify_signal = false;
  // Set as its thread function returns (the kthread's `exited` completion),
  // with what it returned; `stopper` sleeps in kthread_stop() until then.
  bool exited = false;
  int result = 0;
  task_struct* stopper = nullptr;
  // kthread_park() (model/kernel/kthread.hpp): KTHREAD_SHOULD_PARK, and the
  // kthread's `parked` completion, done once the thread is about to sleep in
  // TASK_PARKED; `parker` sleeps in kthread_park() until then. Part of the
  // task's object hash.
  bool should_park = false;
  bool park_done = false;
  task_struct* parker = nullptr;
  // An interrupt handler (model/kernel/irq.hpp): the task whose CPU it fires
  // on. nullptr for a kernel thread. Its code runs only in interrupt context.
  task_struct* irq_cpu = nullptr;
};

// Sets task_struct::woken_from and the task's object hash with it.
void set_woken_from(task_struct* p, struct wait_queue_head* wq);

// signal_pending(), fatal_signal_pending() and signal_pending_state()
// (include/linux/sched/signal.h).
inline bool signal_pending(const task_struct* p) {
  return p->sigpending || p->notify_signal;
}
inline bool fatal_signal_pending(const task_struct* p) {
  return p->sigpending && p->sigkill;
}
inline bool signal_pending_state(unsigned state, const task_struct* p) {
  if (!(state & (TASK_INTERRUPTIBLE | TASK_WAKEKILL)) || !signal_pending(p)) return false;
  return (state & TASK_INTERRUPTIBLE) || fatal_signal_pending(p);
}
// in_interrupt(): the code runs in an interrupt handler.
inline bool in_interrupt(const task_struct* current) {
  return current->irq_cpu != nullptr;
}

// The simulated kernel of one execution: its tasks. Objects (locks, wait
// queues) are made with a reference to it, which is how model code reaches
// the engine without globals.
class kernel {
 public:
  explicit kernel(Execution& ex) : ex_(&ex) {}
  kernel(const kernel&) = delete;
  kernel& operator=(const kernel&) = delete;

  // Creates a kernel thread running fn(current). `group`: threads of one group
  // run the same code on the same kind of data.
  task_struct* kthread_run(std::string name, std::uint32_t group,
                           std::function<int(task_struct*)> fn);
  // kthread_create(): the same thread, but it first sleeps in
  // TASK_UNINTERRUPTIBLE until a wake_up_process() (kthread() in
  // kernel/kthread.c), then runs fn only if it should not stop: a
  // kthread_stop() before that returns -EINTR and fn never runs.
  // (kthread_run() threads start at setup, before any task runs: no stop can
  // come first.)
  task_struct* kthread_create(std::string name, std::uint32_t group,
                              std::function<int(task_struct*)> fn);
  // request_irq(): an interrupt handler that fires `fires` times on the CPU of
  // `cpu`, each time at a scheduling point where that CPU has interrupts
  // enabled (model/kernel/irq.hpp). The handler's task_struct is its own, for
  // the trace: in Linux `current` would be the interrupted task.
  task_struct* request_irq(std::string name, std::uint32_t group, task_struct* cpu, int fires,
                           std::function<void(task_struct*)> handler,
                           SourceLoc loc = SourceLoc::current());
  // True once a handler was requested: only then are interrupt states recorded.
  bool has_irq_handlers() const { return irq_handlers_; }

  // The task that is running now (the kernel's `current`).
  task_struct* current() const { return tasks_[ex_->current()].get(); }
  Execution& ex() const { return *ex_; }

 private:
  task_struct* spawn_kthread(std::string name, std::uint32_t group,
                             std::function<int(task_struct*)> fn, bool created);
  Execution* ex_;
  std::vector<std::unique_ptr<task_struct>> tasks_;
  bool irq_handlers_ = false;
};

// set_current_state(): a scheduling point; __set_current_state is the same here
// (the engine runs one task at a time, so the barrier changes nothing).
void set_current_state(task_struct* current, unsigned state, SourceLoc loc = SourceLoc::current());
void __set_current_state(task_struct* current, unsigned state,
                         SourceLoc loc = SourceLoc::current());

// schedule(): a task whose state is not TASK_RUNNING leaves the runqueue until
// woken. A wake that came after set_current_state() and before schedule() has
// already set TASK_RUNNING, so schedule() returns at once: that is why
// prepare_to_wait() is safe. Calling it while holding a spinlock is the
// "scheduling while atomic" bug.
void schedule(task_struct* current, SourceLoc loc = SourceLoc::current());

// might_sleep() (kernel/sched/core.c __might_sleep): every primitive that may
// sleep calls it first, so calling one while holding a spinlock is reported
// ("BUG: sleeping function called from invalid context") even in the
// executions where it does not sleep. `caller` names the primitive.
void might_sleep(task_struct* current, const char* caller, SourceLoc loc);

// schedule_timeout() (kernel/time/timer.c): sleeps like schedule(), with a
// timer that fires eventually if nothing wakes the task first. Returns 0 when
// it timed out, else `timeout` (time does not pass in the model: a task woken
// early has all of it left). MAX_SCHEDULE_TIMEOUT: no timer.
long schedule_timeout(task_struct* current, long timeout, SourceLoc loc = SourceLoc::current());

// send_sig(): a signal for p; it wakes p if p sleeps in TASK_INTERRUPTIBLE
// (signal_wake_up), and SIGKILL also a TASK_KILLABLE sleeper. A scheduling point.
int send_sig(int sig, task_struct* p, SourceLoc loc = SourceLoc::current());
void flush_signals(task_struct* p);

// try_to_wake_up(): if p's state matches `state`, set TASK_RUNNING and make it
// runnable; returns 1, else 0. Not a scheduling point: callers hold the wait
// queue's lock or are one themselves.
int try_to_wake_up(task_struct* p, unsigned state, SourceLoc loc);
// wake_up_process(p) = try_to_wake_up(p, TASK_NORMAL): a scheduling point.
int wake_up_process(task_struct* p, SourceLoc loc = SourceLoc::current());
// wake_up_state(p, state) = try_to_wake_up(p, state): a scheduling point.
int wake_up_state(task_struct* p, unsigned state, SourceLoc loc = SourceLoc::current());

}  // namespace wakecheck
