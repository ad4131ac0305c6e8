// struct semaphore (include/linux/semaphore.h, kernel/locking/semaphore.c):
// a count and a FIFO list of sleeping waiters under a spinlock.
//
// clang-format off
// | Linux rule                                                      | test (tests/kernel_primitives_test.cpp, *: tests/sleep_forms_test.cpp) |
// |-----------------------------------------------------------------|--------------------------------------------|
// | down(): might_sleep(); count > 0: count--; else queue at the     | DownUnderASpinlockIsFound, DownSleepsUntilUp |
// |   tail and sleep TASK_UNINTERRUPTIBLE until an up() hands over   |                                            |
// | up(): no waiter: count++; else the first waiter is unlinked,     | UpHandsTheUnitToTheFirstWaiterInOrder      |
// |   marked up and woken: the unit goes to it, not to a task that   |                                            |
// |   calls down() later (no stealing)                               |                                            |
// | down_trylock(): 0 if it took a unit, 1 if none, never sleeps     | DownTrylockNeverSleeps                     |
// | down_interruptible(): TASK_INTERRUPTIBLE; a signal: the waiter   | DownInterruptibleReturnsEintrOnASignal*    |
// |   leaves the list, -EINTR; a unit handed over first wins (0)     | DownInterruptibleIgnoringEintrIsFound*     |
// | down_killable(): TASK_KILLABLE: only SIGKILL ends it, -EINTR      | DownKillableIgnoresAPlainSignal*           |
// | down_timeout(): -ETIME when the time ran out, the waiter gone    | DownTimeoutReturnsEtime*                   |
// clang-format on
#pragma once

#include <string>

#include "checker/shared.hpp"
#include "model/kernel/list.hpp"
#include "model/kernel/sched.hpp"
#include "model/kernel/spinlock.hpp"

namespace wakecheck {

struct semaphore {
  semaphore(kernel& k, std::string name, int val);
  semaphore(const semaphore&) = delete;
  semaphore& operator=(const semaphore&) = delete;

  spinlock_t lock;
  shared_var count;     // guarded by lock
  list_head wait_list;  // of semaphore_waiter, FIFO
  ObjectId waiters_id;  // the engine's view of wait_list: who waits, in order
};

void down(semaphore* sem, SourceLoc loc = SourceLoc::current());
// 0 with a unit, or -EINTR when a signal came first.
int down_interruptible(semaphore* sem, SourceLoc loc = SourceLoc::current());
// 0 with a unit, or -EINTR when SIGKILL came first.
int down_killable(semaphore* sem, SourceLoc loc = SourceLoc::current());
// 0 with a unit, or -ETIME when `timeout` ran out first.
int down_timeout(semaphore* sem, long timeout, SourceLoc loc = SourceLoc::current());
int down_trylock(semaphore* sem, SourceLoc loc = SourceLoc::current());
void up(semaphore* sem, SourceLoc loc = SourceLoc::current());

}  // namespace wakecheck
