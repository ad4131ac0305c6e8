// Stopping and parking kernel threads (include/linux/kthread.h, kernel/kthread.c).
//
// clang-format off
// | Linux rule (kernel/kthread.c)                                  | test (tests/kthread_test.cpp)                 |
// |----------------------------------------------------------------|-----------------------------------------------|
// | kthread_should_stop(): test_bit(KTHREAD_SHOULD_STOP), no sleep  | ShouldStopIsFalseUntilKthreadStop             |
// | kthread_stop(k): set_bit(KTHREAD_SHOULD_STOP), then             | StopWakesASleeperThatRechecks                 |
// |   set_tsk_thread_flag(k, TIF_NOTIFY_SIGNAL), wake_up_process(k) | NotifySignalEndsAnInterruptibleSleepAtOnce    |
// | then wait_for_completion(&kthread->exited): sleeps until k's    | StopReturnsTheThreadFunctionsResult           |
// |   thread function returned, and returns what it returned       |                                               |
// | a thread that tests kthread_should_stop() and then sleeps       | TestThenSleepUninterruptibleIsALostWakeup     |
// |   TASK_UNINTERRUPTIBLE misses the stop: both sleep forever      |                                               |
// | setting the state before the test closes that window            | SetStateThenTestIsClean                       |
// | kthread_stop() may sleep: might_sleep() (wait_for_completion)   | StopUnderASpinlockIsFound                     |
// | kthread_stop(current) waits for itself: a deadlock              | StopOfItselfIsADeadlock                       |
// | kthread(): a created thread sleeps TASK_UNINTERRUPTIBLE until   | StopBeforeTheFirstWakeUpReturnsEintr          |
// |   woken, then runs threadfn only if !KTHREAD_SHOULD_STOP: a     | StopRacingTheFirstWakeUpMayOrMayNotRunTheFn   |
// |   kthread_stop() before that returns -EINTR, threadfn never ran |                                               |
// | kthread_should_park(): test_bit(KTHREAD_SHOULD_PARK), no sleep   | ShouldParkIsFalseUntilKthreadPark             |
// | kthread_park(k): -ENOSYS if k exited, -EBUSY if already asked;  | ParkReturnsOnceTheThreadIsParked              |
// |   set_bit(KTHREAD_SHOULD_PARK), wake_up_process(k), then        | ParkTwiceIsEbusyParkOfAnExitedThreadIsEnosys  |
// |   wait_for_completion(&parked): returns with k in TASK_PARKED   |                                               |
// | __kthread_parkme(): set_special_state(TASK_PARKED), test         | ParkReturnsOnceTheThreadIsParked              |
// |   SHOULD_PARK (clear: run on), complete(&parked), schedule();   |                                               |
// |   in a loop, so a stray wake parks it again                     |                                               |
// | wake_up_process() (TASK_NORMAL) leaves a TASK_PARKED thread     | WakeUpProcessDoesNotUnparkAParkedThread       |
// | kthread_unpark(k): nothing unless SHOULD_PARK; else             | WakeUpProcessDoesNotUnparkAParkedThread       |
// |   reinit_completion(&parked), clear_bit, wake_up_state(k,       |                                               |
// |   TASK_PARKED)                                                  |                                               |
// | kthread_stop(k) unparks k first, so a parked thread can stop    | StopUnparksAParkedThread                      |
// clang-format on
//
// TIF_NOTIFY_SIGNAL makes signal_pending() true for the stopped thread from
// then on (Linux 5.17+): its TASK_INTERRUPTIBLE sleeps end at once, so the
// test-then-sleep window only loses the stop for uninterruptible sleeps.
// A thread that returned before kthread_stop() still has its result: the
// model keeps every task_struct for the whole execution (as get_task_struct
// would).
#pragma once

#include <functional>

#include "model/kernel/sched.hpp"

namespace wakecheck {

// kthread_should_stop(): true once kthread_stop() was called for current.
// Not a scheduling point (a plain test_bit): the value read is recorded, so
// the task's history knows it.
bool kthread_should_stop(task_struct* current, SourceLoc loc = SourceLoc::current());

// kthread_stop(k): asks k to stop, unparks and wakes it and waits until it
// returned; returns its thread function's result, or -EINTR if k was made
// by kthread_create() and stopped before its first run.
int kthread_stop(task_struct* k, SourceLoc loc = SourceLoc::current());

// kthread_should_park(): true from kthread_park() until kthread_unpark().
// Not a scheduling point (a plain test_bit), recorded like kthread_should_stop.
bool kthread_should_park(task_struct* current, SourceLoc loc = SourceLoc::current());
// kthread_parkme(): sleeps in TASK_PARKED while the thread should park.
void kthread_parkme(task_struct* current, SourceLoc loc = SourceLoc::current());
// kthread_park(k): asks k to park and waits until it does (0), or -EBUSY /
// -ENOSYS (see the table). kthread_park(current) only sets the bit.
int kthread_park(task_struct* k, SourceLoc loc = SourceLoc::current());
// kthread_unpark(k): lets a parked k run on.
void kthread_unpark(task_struct* k, SourceLoc loc = SourceLoc::current());

// kthread() for a thread made by kernel::kthread_create(): its first sleep,
// the stop test, the park, then fn.
int kthread_first_run(task_struct* self, const std::function<int(task_struct*)>& fn);

// Called by kthread_run's wrapper as the thread function returns: the
// `exited` completion (do_exit -> mm_release -> complete_vfork_done).
void kthread_exited(task_struct* p, int result);
// set_bit(KTHREAD_SHOULD_STOP) and TIF_NOTIFY_SIGNAL, keeping p's hash right.
void kthread_set_should_stop(task_struct* p);
// KTHREAD_SHOULD_PARK and the `parked` completion, keeping p's hash right.
void kthread_set_park(task_struct* p, bool should_park, bool park_done);

}  // namespace wakecheck
