// Stopping kernel threads (include/linux/kthread.h, kernel/kthread.c).
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
// clang-format on
//
// TIF_NOTIFY_SIGNAL makes signal_pending() true for the stopped thread from
// then on (Linux 5.17+): its TASK_INTERRUPTIBLE sleeps end at once, so the
// test-then-sleep window only loses the stop for uninterruptible sleeps.
// A thread that returned before kthread_stop() still has its result: the
// model keeps every task_struct for the whole execution (as get_task_struct
// would).
#pragma once

#include "model/kernel/sched.hpp"

namespace wakecheck {

// kthread_should_stop(): true once kthread_stop() was called for current.
// Not a scheduling point (a plain test_bit): the value read is recorded, so
// the task's history knows it.
bool kthread_should_stop(task_struct* current, SourceLoc loc = SourceLoc::current());

// kthread_stop(k): asks k to stop, wakes it and waits until it returned;
// returns its thread function's result.
int kthread_stop(task_struct* k, SourceLoc loc = SourceLoc::current());

// Called by kthread_run's wrapper as the thread function returns: the
// `exited` completion (do_exit -> mm_release -> complete_vfork_done).
void kthread_exited(task_struct* p, int result);
// set_bit(KTHREAD_SHOULD_STOP) and TIF_NOTIFY_SIGNAL, keeping p's hash right.
void kthread_set_should_stop(task_struct* p);

}  // namespace wakecheck
