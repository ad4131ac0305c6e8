// spinlock_t. Spinning on a held lock is modelled as being blocked on it: the
// engine does not run a task whose next operation takes a held lock.
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

inline void spin_lock(spinlock_t* l, SourceLoc loc = SourceLoc::current()) {
  check_irq_lock(l, "spin_lock", loc);
  l->ex->lock(l->id, "spin_lock", loc);
}
inline void spin_unlock(spinlock_t* l, SourceLoc loc = SourceLoc::current()) {
  l->ex->unlock(l->id, "spin_unlock", loc);
}
// spin_trylock(): takes the lock if it is free and returns 1, else returns 0 at
// once (never spins). A scheduling point either way.
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
