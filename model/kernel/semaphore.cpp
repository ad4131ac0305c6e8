#include "model/kernel/semaphore.hpp"

#include <cerrno>
#include <cstddef>

namespace wakecheck {
namespace {

// Lives on the stack of the task in down().
struct semaphore_waiter {
  list_head list;
  task_struct* task;
  bool up;
};

semaphore_waiter* waiter_of(list_head* node) {
  return reinterpret_cast<semaphore_waiter*>(reinterpret_cast<char*>(node) -
                                             offsetof(semaphore_waiter, list));
}

Execution& ex_of(semaphore* sem) {
  return *sem->lock.ex;
}

// The wait list's value for the state fingerprint: the waiting tasks in
// order, each as label[pid] (nullptr: as itself).
std::uint64_t waiters_hash(const semaphore* sem, const TaskId* label) {
  std::uint64_t h = 0;
  for (const list_head* n = sem->wait_list.next; n != &sem->wait_list; n = n->next) {
    const TaskId pid = waiter_of(const_cast<list_head*>(n))->task->pid;
    h = fold(h, label ? label[pid] : pid);
  }
  return h;
}

void rehash(semaphore* sem) {
  ex_of(sem).set_hash(sem->waiters_id, waiters_hash(sem, nullptr));
}

void describe_waiters(const void* self, const Execution& ex, std::string& out) {
  const auto* sem = static_cast<const semaphore*>(self);
  if (list_empty(&sem->wait_list)) {
    out += "no waiters";
    return;
  }
  const char* sep = "waiters ";
  for (list_head* n = sem->wait_list.next; n != &sem->wait_list; n = n->next) {
    out += sep + ex.task_name(waiter_of(n)->task->pid);
    sep = ", ";
  }
}

// A waiter that gives up (signal, timeout) leaves the list itself.
int give_up(semaphore* sem, semaphore_waiter* waiter, int err, SourceLoc loc) {
  list_del(&waiter->list);
  ex_of(sem)
      .record(OpKind::WaitQueueRemove, sem->waiters_id, Access::Write,
              err == -EINTR ? "down: interrupted" : "down: timed out", loc)
      .detail(waiter->task->pid);
  rehash(sem);
  return err;
}

// ___down_common(): queue at the tail; the lock is dropped only around
// schedule_timeout(); the waiter leaves when up() marked it (the unit is its
// own), or gives up on a signal its state lets in or when its time ran out.
int __down_common(semaphore* sem, task_struct* current, unsigned state, long timeout,
                  const char* label, SourceLoc loc) {
  semaphore_waiter waiter{{}, current, false};
  list_add_tail(&waiter.list, &sem->wait_list);
  ex_of(sem)
      .record(OpKind::WaitQueueAdd, sem->waiters_id, Access::Write, label, loc)
      .result(1)
      .detail(current->pid);
  ex_of(sem).note_wait_queue(current->pid, sem->waiters_id);
  rehash(sem);
  for (;;) {
    if (signal_pending_state(state, current)) return give_up(sem, &waiter, -EINTR, loc);
    if (timeout <= 0) return give_up(sem, &waiter, -ETIME, loc);
    __set_current_state(current, state, loc);
    spin_unlock_irq(&sem->lock, loc);
    timeout = schedule_timeout(current, timeout, loc);
    spin_lock_irq(&sem->lock, loc);
    if (waiter.up) return 0;
  }
}

// down() and its forms: a unit if count > 0, else __down_common().
int down_common(semaphore* sem, unsigned state, long timeout, const char* label, SourceLoc loc) {
  task_struct* current = sem->lock.k->current();
  might_sleep(current, label, loc);
  unsigned long flags;
  int ret = 0;
  spin_lock_irqsave(&sem->lock, flags, loc);
  const std::int64_t count = sem->count.load(loc);
  if (count > 0)
    sem->count.store(count - 1, loc);
  else
    ret = __down_common(sem, current, state, timeout, label, loc);
  spin_unlock_irqrestore(&sem->lock, flags, loc);
  return ret;
}

}  // namespace

semaphore::semaphore(kernel& k, std::string name, int val)
    : lock(k, name + ".lock"),
      count(k.ex(), name + ".count", val, lock.id),
      waiters_id(k.ex().add_object(ObjectKind::WaitQueue, name + ".wait_list")) {
  INIT_LIST_HEAD(&wait_list);
  spin_lock_innermost(&lock);  // only the semaphore functions take it, and last
  k.ex().set_describe(waiters_id, describe_waiters, this);
  k.ex().set_relabel(
      waiters_id,
      [](const void* self, const TaskId* label) {
        return waiters_hash(static_cast<const semaphore*>(self), label);
      },
      this);
}

void down(semaphore* sem, SourceLoc loc) {
  down_common(sem, TASK_UNINTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, "down", loc);
}

int down_interruptible(semaphore* sem, SourceLoc loc) {
  return down_common(sem, TASK_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, "down_interruptible", loc);
}

int down_killable(semaphore* sem, SourceLoc loc) {
  return down_common(sem, TASK_KILLABLE, MAX_SCHEDULE_TIMEOUT, "down_killable", loc);
}

int down_timeout(semaphore* sem, long timeout, SourceLoc loc) {
  return down_common(sem, TASK_UNINTERRUPTIBLE, timeout, "down_timeout", loc);
}

int down_trylock(semaphore* sem, SourceLoc loc) {
  unsigned long flags;
  spin_lock_irqsave(&sem->lock, flags, loc);
  const std::int64_t count = sem->count.load(loc) - 1;
  if (count >= 0) sem->count.store(count, loc);
  spin_unlock_irqrestore(&sem->lock, flags, loc);
  return count < 0 ? 1 : 0;
}

// __up(): the first waiter gets the unit: unlinked, marked, woken.
void up(semaphore* sem, SourceLoc loc) {
  unsigned long flags;
  spin_lock_irqsave(&sem->lock, flags, loc);
  if (list_empty(&sem->wait_list)) {
    sem->count.store(sem->count.load(loc) + 1, loc);
  } else {
    semaphore_waiter* waiter = waiter_of(sem->wait_list.next);
    list_del(&waiter->list);
    waiter->up = true;
    ex_of(sem)
        .record(OpKind::WaitQueueRemove, sem->waiters_id, Access::Write, "up", loc)
        .detail(waiter->task->pid);
    rehash(sem);
    wake_up_process(waiter->task, loc);
  }
  spin_unlock_irqrestore(&sem->lock, flags, loc);
}

}  // namespace wakecheck
