#include "model/kernel/mutex.hpp"

#include <cerrno>
#include <cstddef>

#include "checker/diagnose.hpp"

namespace wakecheck {
namespace {

// Lives on the stack of the task waiting in __mutex_lock_common().
struct mutex_waiter {
  list_head list;
  task_struct* task;
};

mutex_waiter* waiter_of(list_head* node) {
  return reinterpret_cast<mutex_waiter*>(reinterpret_cast<char*>(node) -
                                         offsetof(mutex_waiter, list));
}

// __mutex_lock_common(): take it if free; else, unless a signal the state
// lets in is pending, sleep until mutex_unlock() and try again. The owner is
// read again after the state is set: an unlock before that is seen, one
// after it wakes this task, so no release is missed.
int mutex_lock_common(mutex* m, unsigned state, const char* label, SourceLoc loc) {
  task_struct* current = m->k->current();
  Execution& ex = m->k->ex();
  might_sleep(current, label, loc);
  if (ex.owner(m->id) == current->pid) {
    ex.record(OpKind::LockAcquire, m->id, Access::ReadWrite, label, loc);
    ex.fail(recursive_lock(ex, current->pid, m->id));
  }
  mutex_waiter waiter{{}, current};
  for (;;) {
    if (ex.try_lock(m->id, label, loc)) return 0;
    if (signal_pending_state(state, current)) return -EINTR;
    set_current_state(current, state, loc);
    list_add_tail(&waiter.list, &m->wait_list);
    const bool free = ex.owner(m->id) == kNoTask;
    ex.record(OpKind::Read, m->id, Access::Read, "mutex owner", loc).result(free ? 0 : 1);
    if (!free) schedule(current, loc);
    list_del(&waiter.list);
    __set_current_state(current, TASK_RUNNING, loc);
  }
}

}  // namespace

void mutex_unlock(mutex* m, SourceLoc loc) {
  m->k->ex().unlock(m->id, "mutex_unlock", loc);
  // Every waiter tries again (Linux hands it to the first; waking all is a
  // superset of its orders, and each retries under trylock).
  for (list_head* n = m->wait_list.next; n != &m->wait_list; n = n->next)
    try_to_wake_up(waiter_of(n)->task, TASK_NORMAL, loc);
}

int mutex_lock_interruptible(mutex* m, SourceLoc loc) {
  return mutex_lock_common(m, TASK_INTERRUPTIBLE, "mutex_lock_interruptible", loc);
}

int mutex_lock_killable(mutex* m, SourceLoc loc) {
  return mutex_lock_common(m, TASK_KILLABLE, "mutex_lock_killable", loc);
}

}  // namespace wakecheck
