// Interrupt context (include/linux/irqflags.h, include/linux/interrupt.h,
// include/linux/spinlock.h): handlers that fire on a task's CPU wherever it
// has interrupts enabled, and the lock forms that disable them.
//
// clang-format off
// | Linux rule                                                      | test (tests/irq_test.cpp)                       |
// |-----------------------------------------------------------------|-------------------------------------------------|
// | an interrupt may fire on a CPU at any point where that CPU has   | InterruptsFireOnlyWhereEnabled                  |
// |   interrupts enabled; the interrupted task runs again only      |                                                 |
// |   when the handler returned                                     |                                                 |
// | local_irq_disable()/local_irq_enable(), local_irq_save(flags)/  | InterruptsFireOnlyWhereEnabled                  |
// |   local_irq_restore(flags) turn them off and on (restore puts   | LocalIrqSaveRestoresTheEarlierState             |
// |   back the saved state)                                         |                                                 |
// | spin_lock_irq()/spin_lock_irqsave() disable them before taking  | SpinLockIrqsaveKeepsTheHandlerOut               |
// |   the lock; the unlock forms enable/restore after releasing it  | SpinLockIrqKeepsTheHandlerOut                   |
// | a handler taking a spinlock that the task it interrupted holds  | HandlerTakingALockItsTaskHoldsIsASameCpuDeadlock |
// |   spins forever: that task cannot run to release it             |                                                 |
// | a handler on another CPU only waits for the lock                | HandlerOnAnotherCpuOnlyWaits                    |
// | while a task sleeps its CPU runs others with interrupts on: a    | IrqDrivenProducerWakesASleeper                  |
// |   handler may fire then, and wake_up() from it wakes the task   |                                                 |
// | a handler must not sleep (might_sleep(), schedule())            | HandlerThatSleepsIsFound                        |
// clang-format on
//
// The engine knows handlers as guests of their task (Execution::set_host):
// it enables a guest's entry only while the host's CPU admits it. A model
// with no handler records nothing of this: its traces are as before.
#pragma once

#include "model/kernel/sched.hpp"

namespace wakecheck {

struct spinlock_t;

// Interrupts on the CPU of current (the interrupted task's, in a handler).
void local_irq_disable(task_struct* current, SourceLoc loc = SourceLoc::current());
void local_irq_enable(task_struct* current, SourceLoc loc = SourceLoc::current());
void local_irq_save(task_struct* current, unsigned long& flags,
                    SourceLoc loc = SourceLoc::current());
void local_irq_restore(task_struct* current, unsigned long flags,
                       SourceLoc loc = SourceLoc::current());
bool irqs_disabled(const task_struct* current);

// Called by every spin_lock form before it takes `lock`: in a handler, a
// lock held by the task it interrupted is the same-CPU deadlock.
void irq_check_lock(spinlock_t* lock, const char* label, SourceLoc loc);

}  // namespace wakecheck
