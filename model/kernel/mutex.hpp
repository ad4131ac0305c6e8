// struct mutex (include/linux/mutex.h, kernel/locking/mutex.c): a sleeping
// lock with an owner.
//
// clang-format off
// | Linux rule                                               | here                                        |
// |----------------------------------------------------------|---------------------------------------------|
// | mutex_lock() may sleep: might_sleep() first               | sleep-in-atomic under a spinlock            |
// | a waiter sleeps until the owner releases it               | the task is not enabled while it is held    |
// | a released mutex may go to a woken waiter or to a task    | any waiter may take it next: every order    |
// |   spinning on it (optimistic spinning)                   |   Linux allows is explored                  |
// | only the owner may unlock (DEBUG_MUTEXES warns)           | bad-unlock                                  |
// | mutex_lock() of a mutex the task holds deadlocks          | deadlock (recursive locking)                |
// | holding a mutex across schedule() is allowed              | no finding                                  |
// | mutex_trylock() returns 1 if it took it, 0 if held        | a scheduling point, never waits             |
// | mutex_lock_interruptible(): a free mutex is taken even     | MutexLockInterruptibleReturnsEintrOnASignal |
// |   with a signal pending; waiting, a signal its state lets  |   (tests/sleep_forms_test.cpp)              |
// |   in ends the wait with -EINTR, the mutex not taken        |                                             |
// | mutex_lock_killable(): the same in TASK_KILLABLE: SIGKILL  | MutexLockKillableIgnoresAPlainSignal        |
// clang-format on
//
// Linux mutexes are not FIFO (unlike spinlocks, model/kernel/spinlock.hpp):
// the fast path and optimistic spinning take a released mutex ahead of the
// woken first waiter, which gets a hand-off (MUTEX_FLAG_HANDOFF) only after it
// woke and still found it taken. The model lets any waiter take it next, a
// superset of those orders.
//
// The interruptible forms wait in the model's own loop (trylock, then sleep
// on the mutex's wait_list until mutex_unlock() wakes its waiters), so the
// environment's signals reach them; mutex_lock() waits in the engine.
#pragma once

#include <string>

#include "model/kernel/list.hpp"
#include "model/kernel/sched.hpp"

namespace wakecheck {

struct mutex {
  mutex(kernel& owner, std::string name)
      : k(&owner), id(owner.ex().add_object(ObjectKind::Mutex, std::move(name))) {
    INIT_LIST_HEAD(&wait_list);
  }
  mutex(const mutex&) = delete;
  mutex& operator=(const mutex&) = delete;
  kernel* k;
  ObjectId id;
  list_head wait_list;  // tasks in mutex_lock_interruptible/_killable, on their stacks
};

inline void mutex_lock(mutex* m, SourceLoc loc = SourceLoc::current()) {
  might_sleep(m->k->current(), "mutex_lock", loc);
  m->k->ex().lock(m->id, "mutex_lock", loc);
}
// Releases it and wakes the tasks waiting in the interruptible forms.
void mutex_unlock(mutex* m, SourceLoc loc = SourceLoc::current());
inline int mutex_trylock(mutex* m, SourceLoc loc = SourceLoc::current()) {
  return m->k->ex().try_lock(m->id, "mutex_trylock", loc) ? 1 : 0;
}
// 0 with the mutex held, or -EINTR when a signal ended the wait.
int mutex_lock_interruptible(mutex* m, SourceLoc loc = SourceLoc::current());
// 0 with the mutex held, or -EINTR when SIGKILL ended the wait.
int mutex_lock_killable(mutex* m, SourceLoc loc = SourceLoc::current());

}  // namespace wakecheck
