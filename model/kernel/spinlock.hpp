// spinlock_t. Spinning on a held lock is modelled as being blocked on it: the
// engine does not run a task that spins until the lock is its own.
//
// Linux spinlocks are fair: the ticket lock (arch_spinlock_t on older x86,
// arm) and the queued spinlock (include/asm-generic/qspinlock.h,
// kernel/locking/qspinlock.c: a pending bit, then an MCS queue) give the lock
// to waiters in the order they began to wait. The engine models a spinlock
// as a ticket lock (Execution::lock, SearchLimits::fair_spinlocks):
//
// clang-format off
// | Linux rule                                                  | test (tests/spinlock_test.cpp)                     |
// |-------------------------------------------------------------|----------------------------------------------------|
// | spin_lock() of a held lock takes a ticket (a place in the    | FairSpinlock.SpinnersTakeTheLockInArrivalOrder     |
// |   queue) and waiters get the lock in ticket order            |                                                    |
// | spin_unlock() with waiters hands the lock to the first one;  | FairSpinlock.AReleaseHandsTheLockToTheFirstSpinner |
// |   the releaser's next spin_lock() queues behind it           |                                                    |
// | spin_trylock() takes only a lock nobody holds or waits for   | FairSpinlock.SpinTrylockFailsWhileTheLockIsHandedOn|
// |   (queued_spin_trylock: the whole lock word must be 0)       |                                                    |
// | a handler on the CPU of a task spinning for the lock queues  | FairSpinlock.HandlerSpinningBehindTheTaskItInter-  |
// |   behind it: the lock goes to the task, which cannot run:    |   ruptedDeadlocks                                  |
// |   a same-CPU deadlock even though the task never held it     |                                                    |
// clang-format on
//
// Taking a ticket is a scheduling point of its own (the order of two tickets
// is a choice), so a contended acquisition is two steps: the ticket, then the
// run after the hand-off. The lock's state (its fingerprint) is its owner and
// its queue in order. `[search] fair_spinlocks = false` gives the older
// model, where a released lock goes to any waiter (a superset of the orders).
#pragma once

#include <string>

#include "model/kernel/irq.hpp"
#include "model/kernel/sched.hpp"

namespace wakecheck {

struct spinlock_t {
  spinlock_t(kernel& owner, std::string name)
      : k(&owner),
        ex(&owner.ex()),
        id(owner.ex().add_object(ObjectKind::Spinlock, std::move(name))) {}
  kernel* k;
  Execution* ex;
  ObjectId id;
};

// In an interrupt handler, a lock its interrupted task holds is a same-CPU
// deadlock (model/kernel/irq.hpp); a model without handlers skips the check.
inline void check_irq_lock(spinlock_t* l, const char* label, SourceLoc loc) {
  if (l->k->has_irq_handlers()) irq_check_lock(l, label, loc);
}

// The model promises that nothing ever spin_trylock()s `l`: the search may
// then run the operation after its acquisition, and its release, without a
// scheduling point of their own (checker Execution::promise_no_trylock; a
// lock without the promise keeps both, since a trylock could fail in either
// window). A spin_trylock() of it is a model error. The kernel makes it for
// the locks inside a wait_queue_head and a semaphore, which it never trylocks.
inline void spin_lock_no_trylock(spinlock_t* l) {
  l->ex->promise_no_trylock(l->id);
}

// The model promises that no task takes another lock while it holds `l`
// (and that nothing trylocks it): the search may then take `l` without a
// scheduling point while it is free, right after an acquisition or a wakeup,
// as no lock-order deadlock can wait on it (Execution::promise_innermost).
// Taking a lock while holding it is a model error. The kernel makes it for
// the locks inside a wait_queue_head and a semaphore: nothing it calls under
// them takes a lock.
inline void spin_lock_innermost(spinlock_t* l) {
  l->ex->promise_no_trylock(l->id);
  l->ex->promise_innermost(l->id);
}

inline void spin_lock(spinlock_t* l, SourceLoc loc = SourceLoc::current()) {
  check_irq_lock(l, "spin_lock", loc);
  l->ex->lock(l->id, "spin_lock", loc);
}
inline void spin_unlock(spinlock_t* l, SourceLoc loc = SourceLoc::current()) {
  l->ex->unlock(l->id, "spin_unlock", loc);
}
// spin_trylock(): takes the lock if it is free and returns 1, else returns 0 at
// once (never spins). A scheduling point either way. A fair lock with waiters
// is never free: the release hands it to the first.
inline int spin_trylock(spinlock_t* l, SourceLoc loc = SourceLoc::current()) {
  return l->ex->try_lock(l->id, "spin_trylock", loc) ? 1 : 0;
}
// The _irq forms disable interrupts on this CPU before spinning, and enable
// them after the release; _irqsave/_irqrestore save and restore the state.
inline void spin_lock_irq(spinlock_t* l, SourceLoc loc = SourceLoc::current()) {
  local_irq_disable(l->k->current(), loc);
  check_irq_lock(l, "spin_lock_irq", loc);
  l->ex->lock(l->id, "spin_lock_irq", loc);
}
inline void spin_unlock_irq(spinlock_t* l, SourceLoc loc = SourceLoc::current()) {
  l->ex->unlock(l->id, "spin_unlock_irq", loc);
  local_irq_enable(l->k->current(), loc);
}
inline void spin_lock_irqsave(spinlock_t* l, unsigned long& flags,
                              SourceLoc loc = SourceLoc::current()) {
  local_irq_save(l->k->current(), flags, loc);
  check_irq_lock(l, "spin_lock_irqsave", loc);
  l->ex->lock(l->id, "spin_lock_irqsave", loc);
}
inline void spin_unlock_irqrestore(spinlock_t* l, unsigned long flags,
                                   SourceLoc loc = SourceLoc::current()) {
  l->ex->unlock(l->id, "spin_unlock_irqrestore", loc);
  local_irq_restore(l->k->current(), flags, loc);
}

}  // namespace wakecheck
