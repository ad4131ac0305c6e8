// struct mutex (include/linux/mutex.h, kernel/locking/mutex.c): a sleeping
// lock with an owner.
//
// | Linux rule                                             | here                          |
// |--------------------------------------------------------|-------------------------------|
// | mutex_lock() may sleep: might_sleep() first            | sleep-in-atomic under a spinlock |
// | a waiter sleeps until the owner releases it            | the task is not enabled while it is
// held | | a released mutex may go to a woken waiter or to a task | any waiter may take it next:
// every order | |   spinning on it (optimistic spinning)                 |   Linux allows is
// explored    | | only the owner may unlock (DEBUG_MUTEXES warns)        | bad-unlock | |
// mutex_lock() of a mutex the task holds deadlocks       | deadlock (recursive locking)  | |
// holding a mutex across schedule() is allowed           | no finding                    | |
// mutex_trylock() returns 1 if it took it, 0 if held     | a scheduling point, never waits |
#pragma once

#include <string>

#include "model/kernel/sched.hpp"

namespace wakecheck {

struct mutex {
  mutex(kernel& owner, std::string name)
      : k(&owner), id(owner.ex().add_object(ObjectKind::Mutex, std::move(name))) {}
  kernel* k;
  ObjectId id;
};

inline void mutex_lock(mutex* m, SourceLoc loc = SourceLoc::current()) {
  might_sleep(m->k->current(), "mutex_lock", loc);
  m->k->ex().lock(m->id, "mutex_lock", loc);
}
inline void mutex_unlock(mutex* m, SourceLoc loc = SourceLoc::current()) {
  m->k->ex().unlock(m->id, "mutex_unlock", loc);
}
inline int mutex_trylock(mutex* m, SourceLoc loc = SourceLoc::current()) {
  return m->k->ex().try_lock(m->id, "mutex_trylock", loc) ? 1 : 0;
}

}  // namespace wakecheck
