// spinlock_t. Spinning on a held lock is modelled as being blocked on it: the
// engine does not run a task whose next operation takes a held lock.
#pragma once

#include <string>

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

inline void spin_lock(spinlock_t* l, SourceLoc loc = SourceLoc::current()) {
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
// Interrupts are not modelled yet: the _irq and _irqsave forms are the plain ones.
inline void spin_lock_irq(spinlock_t* l, SourceLoc loc = SourceLoc::current()) {
  l->ex->lock(l->id, "spin_lock_irq", loc);
}
inline void spin_unlock_irq(spinlock_t* l, SourceLoc loc = SourceLoc::current()) {
  l->ex->unlock(l->id, "spin_unlock_irq", loc);
}
inline void spin_lock_irqsave(spinlock_t* l, unsigned long& flags,
                              SourceLoc loc = SourceLoc::current()) {
  flags = 0;
  l->ex->lock(l->id, "spin_lock_irqsave", loc);
}
inline void spin_unlock_irqrestore(spinlock_t* l, unsigned long /*flags*/,
                                   SourceLoc loc = SourceLoc::current()) {
  l->ex->unlock(l->id, "spin_unlock_irqrestore", loc);
}

}  // namespace wakecheck
