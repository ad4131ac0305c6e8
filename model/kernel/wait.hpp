// Linux wait queues (include/linux/wait.h, kernel/sched/wait.c) and the
// sleep_on family removed in Linux 3.15 (kernel/sched/core.c before it).
//
// Why prepare_to_wait() is safe and sleep_on() is not, with a waker that sets
// the condition and then calls wake_up() (time goes down):
//
//   sleeper (prepare_to_wait)          | sleeper (sleep_on)
//   -----------------------------------+-----------------------------------
//   prepare_to_wait: enqueue, state=S  | if (!cond)        <- tests first
//   if (cond) break;                   |      waker: cond = true; wake_up()
//        waker: cond = true; wake_up() |      finds no waiter: the wake is lost
//        finds us: state = RUNNING     | sleep_on: state=S, enqueue, schedule()
//   schedule(): state is RUNNING,      |      sleeps although cond holds
//        returns at once               |
//
// Either the sleeper's test sees the condition, or the waker's walk sees the
// sleeper on the list: enqueueing before testing closes the window.
//
// clang-format off
// | Linux rule (include/linux/wait.h, kernel/sched/wait.c)              | test                                            |
// |---------------------------------------------------------------------|-------------------------------------------------|
// | DECLARE_WAITQUEUE: .entry = { NULL, NULL }; init_waitqueue_entry     | WaitQueueFidelity.DeclareWaitqueueLeavesThe-    |
// |   leaves the node alone; DEFINE_WAIT[_FUNC] links it to itself      |   EntryUnlinked, WaitWoken.DefineWaitFunc...    |
// | prepare_to_wait queues only a list_empty() entry: a declared one is | WaitQueueFidelity.PrepareToWaitDoesNotQueue-    |
// |   never queued, and removing it unadded list_del()s NULL            |   ADeclaredEntry, ...RemovingANeverAdded...     |
// | prepare_to_wait/finish_wait set current's state                     | WaitQueueFidelity.PrepareToWaitSetsTheState-    |
// |                                                                     |   OfCurrent                                     |
// | __wake_up returns nr_exclusive - remaining (exclusive entries woken) | WaitQueueFidelity.WakeUpReturnsTheExclusive-   |
// |                                                                     |   EntriesWoken                                  |
// | woken_wake_function sets WQ_FLAG_WOKEN; wait_woken skips the sleep  | WaitWoken.* (tests/wait_woken_test.cpp)         |
// |   when it is set or the thread should stop, and clears it           |                                                 |
// clang-format on
// The README's "Linux rules modelled" lists the rest, each with its test.
#pragma once

#include <string>

#include "model/kernel/list.hpp"
#include "model/kernel/sched.hpp"
#include "model/kernel/spinlock.hpp"

namespace wakecheck {

inline constexpr unsigned WQ_FLAG_EXCLUSIVE = 0x01;
// Set by woken_wake_function() when it wakes the entry's task, cleared by
// wait_woken() when it returns: a wake that came before the sleep is remembered.
inline constexpr unsigned WQ_FLAG_WOKEN = 0x02;

struct wait_queue_entry;
// What __wake_up passes as `key` in this model (in Linux, a poll key): where
// the wake came from and which queue it walks, for the trace.
struct wake_key {
  SourceLoc loc;
  struct wait_queue_head* wq;
};
using wait_queue_func_t = int (*)(wait_queue_entry* wq_entry, unsigned mode, int flags, void* key);

// Wakes the entry's task if its state matches `mode` (try_to_wake_up).
int default_wake_function(wait_queue_entry* wq_entry, unsigned mode, int flags, void* key);
// default_wake_function, and unlinks the entry when it woke the task.
int autoremove_wake_function(wait_queue_entry* wq_entry, unsigned mode, int flags, void* key);

// Lives on the waiting task's stack. Not copyable: the list points into it.
// A default-made entry is unlinked with NULL pointers, as DECLARE_WAITQUEUE
// makes it (`.entry = { NULL, NULL }`) and as init_waitqueue_entry() leaves
// it: list_empty() of it is false, so prepare_to_wait() does not queue it.
// DEFINE_WAIT_FUNC's entry is linked to itself (LIST_HEAD_INIT).
struct wait_queue_entry {
  wait_queue_entry() = default;
  wait_queue_entry(task_struct* p, wait_queue_func_t f) : private_(p), func(f) {
    INIT_LIST_HEAD(&entry);
  }
  wait_queue_entry(const wait_queue_entry&) = delete;
  wait_queue_entry& operator=(const wait_queue_entry&) = delete;

  unsigned flags = 0;
  task_struct* private_ = nullptr;  // Linux's `private` (a C++ keyword)
  wait_queue_func_t func = nullptr;
  list_head entry{nullptr, nullptr};
};

// DECLARE_WAITQUEUE(name, tsk): tsk, default_wake_function, flags 0, and the
// list node NULL: for add_wait_queue(), never for prepare_to_wait().
inline void DECLARE_WAITQUEUE(wait_queue_entry* name, task_struct* tsk) {
  name->flags = 0;
  name->private_ = tsk;
  name->func = default_wake_function;
  name->entry = {nullptr, nullptr};
}

// DEFINE_WAIT_FUNC(name, function): an entry for the current task, flags 0,
// its list node self-linked (LIST_HEAD_INIT), calling `function` when woken.
inline wait_queue_entry DEFINE_WAIT_FUNC(task_struct* current, wait_queue_func_t function) {
  return wait_queue_entry(current, function);
}
// DEFINE_WAIT(name): an entry for the current task that unlinks itself when woken.
inline wait_queue_entry DEFINE_WAIT(task_struct* current) {
  return DEFINE_WAIT_FUNC(current, autoremove_wake_function);
}
// Sets WQ_FLAG_WOKEN, then default_wake_function: the entry stays queued.
int woken_wake_function(wait_queue_entry* wq_entry, unsigned mode, int flags, void* key);
// init_waitqueue_entry(): flags 0, default_wake_function.
void init_waitqueue_entry(wait_queue_entry* wq_entry, task_struct* p);

struct wait_queue_head {
  wait_queue_head(kernel& k, std::string name);
  wait_queue_head(const wait_queue_head&) = delete;
  wait_queue_head& operator=(const wait_queue_head&) = delete;

  spinlock_t lock;
  list_head head;
  ObjectId id;
  // Set when a task returned with its entry still linked here: the entry's
  // memory is a dead stack frame, so the list must not be walked again.
  TaskId dangling_entry_of = kNoTask;
};

// Called as a task returns: if entries of it are still linked, marks each of
// their queues (see dangling_entry_of) and returns true.
bool mark_dangling_entries(task_struct* p);

void add_wait_queue(wait_queue_head* wq_head, wait_queue_entry* wq_entry,
                    SourceLoc loc = SourceLoc::current());  // clears EXCLUSIVE, adds at head
void add_wait_queue_exclusive(wait_queue_head* wq_head, wait_queue_entry* wq_entry,
                              SourceLoc loc = SourceLoc::current());  // sets it, adds at tail
void remove_wait_queue(wait_queue_head* wq_head, wait_queue_entry* wq_entry,
                       SourceLoc loc = SourceLoc::current());
// Unlocked emptiness test: a scheduling point, and racy by design.
bool waitqueue_active(wait_queue_head* wq_head, SourceLoc loc = SourceLoc::current());

// wait_woken() (kernel/sched/wait.c), for an entry with woken_wake_function
// that stays on its queue (add_wait_queue ... remove_wait_queue):
//   set_current_state(mode);                          /* A */
//   if (!(flags & WQ_FLAG_WOKEN) && !kthread_should_stop())
//           timeout = schedule_timeout(timeout);
//   __set_current_state(TASK_RUNNING);
//   flags &= ~WQ_FLAG_WOKEN;                          /* B, smp_store_mb */
// The caller tests its condition before calling it, outside any lock: a wake
// in between has set WQ_FLAG_WOKEN, so the sleep is skipped and the caller
// tests again. Returns what is left of `timeout` (0: it expired).
long wait_woken(wait_queue_entry* wq_entry, unsigned mode, long timeout,
                SourceLoc loc = SourceLoc::current());

// Under the queue's lock: enqueue if list_empty() (head; exclusive: tail),
// then set_current_state(state) of current, whoever the entry's task is.
void prepare_to_wait(wait_queue_head* wq_head, wait_queue_entry* wq_entry, unsigned state,
                     SourceLoc loc = SourceLoc::current());
void prepare_to_wait_exclusive(wait_queue_head* wq_head, wait_queue_entry* wq_entry, unsigned state,
                               SourceLoc loc = SourceLoc::current());
// current's state = TASK_RUNNING; unlink if still queued (a wake may have
// unlinked it). An entry with NULL pointers (DECLARE_WAITQUEUE, never added)
// would be dereferenced by list_del_init(): a finding.
void finish_wait(wait_queue_head* wq_head, wait_queue_entry* wq_entry,
                 SourceLoc loc = SourceLoc::current());

// Under the queue's lock, walk the list calling each entry's func; stop once
// nr_exclusive exclusive entries were woken (0: wake all). Returns what Linux
// returns (__wake_up_common_lock: nr_exclusive - remaining): the number of
// exclusive entries it woke, never the non-exclusive ones. The trace's WakeUp
// entry records every task woken.
int __wake_up(wait_queue_head* wq_head, unsigned mode, int nr_exclusive, const char* label,
              SourceLoc loc);
inline int wake_up(wait_queue_head* wq, SourceLoc loc = SourceLoc::current()) {
  return __wake_up(wq, TASK_NORMAL, 1, "wake_up", loc);
}
inline int wake_up_nr(wait_queue_head* wq, int nr, SourceLoc loc = SourceLoc::current()) {
  return __wake_up(wq, TASK_NORMAL, nr, "wake_up_nr", loc);
}
inline int wake_up_all(wait_queue_head* wq, SourceLoc loc = SourceLoc::current()) {
  return __wake_up(wq, TASK_NORMAL, 0, "wake_up_all", loc);
}
// Only TASK_INTERRUPTIBLE sleepers: a TASK_UNINTERRUPTIBLE one stays asleep.
inline int wake_up_interruptible(wait_queue_head* wq, SourceLoc loc = SourceLoc::current()) {
  return __wake_up(wq, TASK_INTERRUPTIBLE, 1, "wake_up_interruptible", loc);
}
inline int wake_up_interruptible_all(wait_queue_head* wq, SourceLoc loc = SourceLoc::current()) {
  return __wake_up(wq, TASK_INTERRUPTIBLE, 0, "wake_up_interruptible_all", loc);
}

// The locked forms (include/linux/wait.h): the caller holds wq->lock already,
// as in completion and wait_event_lock_irq code. Calling one without it is a
// finding (Linux: lockdep_assert_held).
// They return nothing, as in Linux.
void __wake_up_locked(wait_queue_head* wq_head, unsigned mode, int nr_exclusive, const char* label,
                      SourceLoc loc);
inline void wake_up_locked(wait_queue_head* wq, SourceLoc loc = SourceLoc::current()) {
  __wake_up_locked(wq, TASK_NORMAL, 1, "wake_up_locked", loc);
}
inline void wake_up_all_locked(wait_queue_head* wq, SourceLoc loc = SourceLoc::current()) {
  __wake_up_locked(wq, TASK_NORMAL, 0, "wake_up_all_locked", loc);
}
void __add_wait_queue(wait_queue_head* wq_head, wait_queue_entry* wq_entry,
                      SourceLoc loc = SourceLoc::current());  // at the head
void __add_wait_queue_entry_tail(wait_queue_head* wq_head, wait_queue_entry* wq_entry,
                                 SourceLoc loc = SourceLoc::current());
void __remove_wait_queue(wait_queue_head* wq_head, wait_queue_entry* wq_entry,
                         SourceLoc loc = SourceLoc::current());  // list_del: poisons

// sleep_on(): set state, enqueue, schedule(), dequeue. The caller tested its
// condition before, outside the queue's lock: a wake in between is lost.
void sleep_on(wait_queue_head* wq, SourceLoc loc = SourceLoc::current());
void interruptible_sleep_on(wait_queue_head* wq, SourceLoc loc = SourceLoc::current());
// The same with a timer (schedule_timeout): what is left of it, 0 when it expired.
long sleep_on_timeout(wait_queue_head* wq, long timeout, SourceLoc loc = SourceLoc::current());
long interruptible_sleep_on_timeout(wait_queue_head* wq, long timeout,
                                    SourceLoc loc = SourceLoc::current());

// prepare_to_wait_event() (kernel/sched/wait.c): under the queue's lock, if a
// signal is pending for `state`, unlink the entry and return -ERESTARTSYS;
// else enqueue it if it is not queued (exclusive: at the tail) and set the
// state. An exclusive waiter that a wake selected and a signal interrupted at
// once still consumes the event when its condition holds (the caller tests it
// first); when it does not, leaving the queue lets the next wake_up find
// another waiter.
long prepare_to_wait_event(wait_queue_head* wq_head, wait_queue_entry* wq_entry, unsigned state,
                           SourceLoc loc = SourceLoc::current());

// ___wait_event() (include/linux/wait.h):
//   for (;;) { intr = prepare_to_wait_event(); if (cond) break;
//              if (interruptible && intr) return intr;  // entry already unlinked
//              schedule() or timeout = schedule_timeout(timeout); }
//   finish_wait();
// `cond` is tested after enqueueing, so no wake is lost. `timeout` is
// MAX_SCHEDULE_TIMEOUT for the forms without one; with one, the loop also ends
// when it runs out, and the result is what is left (at least 1 when cond
// held: ___wait_cond_timeout), 0 when it timed out.
template <class Cond>
long ___wait_event(wait_queue_head* wq, Cond cond, unsigned state, bool exclusive, long timeout,
                   SourceLoc loc) {
  task_struct* current = wq->lock.k->current();
  const bool timed = timeout != MAX_SCHEDULE_TIMEOUT;
  wait_queue_entry wait(current, autoremove_wake_function);
  if (exclusive) wait.flags = WQ_FLAG_EXCLUSIVE;
  long ret = timeout;
  for (;;) {
    const long intr = prepare_to_wait_event(wq, &wait, state, loc);
    const bool held = cond();
    if (held && timed && ret == 0) ret = 1;
    if (held || (timed && ret == 0)) break;
    if ((state & TASK_INTERRUPTIBLE) && intr) {
      set_woken_from(current, nullptr);
      return intr;
    }
    if (timed)
      ret = schedule_timeout(current, ret, loc);
    else
      schedule(current, loc);
  }
  set_woken_from(current, nullptr);  // its condition held: the last wake was not wasted
  finish_wait(wq, &wait, loc);
  return timed ? ret : 0;
}

// wait_event(): might_sleep() first, so calling it under a spinlock is a
// finding even when the condition already holds and it never sleeps.
template <class Cond>
void wait_event(wait_queue_head* wq, Cond cond, SourceLoc loc = SourceLoc::current()) {
  might_sleep(wq->lock.k->current(), "wait_event", loc);
  if (cond()) return;
  ___wait_event(wq, cond, TASK_UNINTERRUPTIBLE, false, MAX_SCHEDULE_TIMEOUT, loc);
}

// 0 when cond held, -ERESTARTSYS when a signal interrupted the wait first.
template <class Cond>
int wait_event_interruptible(wait_queue_head* wq, Cond cond, SourceLoc loc = SourceLoc::current()) {
  might_sleep(wq->lock.k->current(), "wait_event_interruptible", loc);
  if (cond()) return 0;
  return static_cast<int>(
      ___wait_event(wq, cond, TASK_INTERRUPTIBLE, false, MAX_SCHEDULE_TIMEOUT, loc));
}

// An exclusive waiter: wake_up() wakes one of them.
template <class Cond>
int wait_event_interruptible_exclusive(wait_queue_head* wq, Cond cond,
                                       SourceLoc loc = SourceLoc::current()) {
  might_sleep(wq->lock.k->current(), "wait_event_interruptible_exclusive", loc);
  if (cond()) return 0;
  return static_cast<int>(
      ___wait_event(wq, cond, TASK_INTERRUPTIBLE, true, MAX_SCHEDULE_TIMEOUT, loc));
}

// What is left of `timeout` (at least 1) when cond held, 0 when it timed out.
template <class Cond>
long wait_event_timeout(wait_queue_head* wq, Cond cond, long timeout,
                        SourceLoc loc = SourceLoc::current()) {
  might_sleep(wq->lock.k->current(), "wait_event_timeout", loc);
  if (cond()) return timeout > 0 ? timeout : 1;
  if (timeout == 0) return 0;
  return ___wait_event(wq, cond, TASK_UNINTERRUPTIBLE, false, timeout, loc);
}

// As wait_event_timeout(), or -ERESTARTSYS when a signal came first.
template <class Cond>
long wait_event_interruptible_timeout(wait_queue_head* wq, Cond cond, long timeout,
                                      SourceLoc loc = SourceLoc::current()) {
  might_sleep(wq->lock.k->current(), "wait_event_interruptible_timeout", loc);
  if (cond()) return timeout > 0 ? timeout : 1;
  if (timeout == 0) return 0;
  return ___wait_event(wq, cond, TASK_INTERRUPTIBLE, false, timeout, loc);
}

// wait_event_lock_irq(wq, cond, lock): called holding `lock` (a spinlock that
// guards cond); it drops the lock only around schedule(), so the condition is
// always tested under it, and returns with it held.
template <class Cond>
void wait_event_lock_irq(wait_queue_head* wq, Cond cond, spinlock_t* lock,
                         SourceLoc loc = SourceLoc::current()) {
  if (cond()) return;
  task_struct* current = wq->lock.k->current();
  wait_queue_entry wait(current, autoremove_wake_function);
  for (;;) {
    prepare_to_wait(wq, &wait, TASK_UNINTERRUPTIBLE, loc);
    if (cond()) break;
    spin_unlock_irq(lock, loc);
    schedule(current, loc);
    spin_lock_irq(lock, loc);
  }
  set_woken_from(current, nullptr);  // its condition held: the last wake was not wasted
  finish_wait(wq, &wait, loc);
}

}  // namespace wakecheck
