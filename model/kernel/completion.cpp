#include "model/kernel/completion.hpp"

namespace wakecheck {

void complete(completion* x, SourceLoc loc) {
  unsigned long flags;
  spin_lock_irqsave(&x->wait.lock, flags, loc);
  const std::int64_t done = x->done.load(loc);
  if (done != kCompleteAll) x->done.store(done + 1, loc);
  __wake_up_locked(&x->wait, TASK_NORMAL, 1, "complete", loc);
  spin_unlock_irqrestore(&x->wait.lock, flags, loc);
}

void complete_all(completion* x, SourceLoc loc) {
  unsigned long flags;
  spin_lock_irqsave(&x->wait.lock, flags, loc);
  x->done.store(kCompleteAll, loc);
  __wake_up_locked(&x->wait, TASK_NORMAL, 0, "complete_all", loc);
  spin_unlock_irqrestore(&x->wait.lock, flags, loc);
}

// do_wait_for_common(): an exclusive default_wake_function entry at the tail;
// the lock is dropped only around schedule(), and done is tested under it.
void wait_for_completion(completion* x, SourceLoc loc) {
  task_struct* current = x->wait.lock.k->current();
  might_sleep(current, "wait_for_completion", loc);
  spin_lock_irq(&x->wait.lock, loc);
  if (x->done.load(loc) == 0) {
    wait_queue_entry wait;
    init_waitqueue_entry(&wait, current);  // DECLARE_WAITQUEUE
    wait.flags |= WQ_FLAG_EXCLUSIVE;
    __add_wait_queue_entry_tail(&x->wait, &wait, loc);
    do {
      __set_current_state(current, TASK_UNINTERRUPTIBLE, loc);
      spin_unlock_irq(&x->wait.lock, loc);
      schedule(current, loc);
      spin_lock_irq(&x->wait.lock, loc);
    } while (x->done.load(loc) == 0);
    __remove_wait_queue(&x->wait, &wait, loc);
  }
  const std::int64_t done = x->done.load(loc);
  if (done != kCompleteAll) x->done.store(done - 1, loc);
  spin_unlock_irq(&x->wait.lock, loc);
}

bool try_wait_for_completion(completion* x, SourceLoc loc) {
  unsigned long flags;
  spin_lock_irqsave(&x->wait.lock, flags, loc);
  const std::int64_t done = x->done.load(loc);
  if (done != 0 && done != kCompleteAll) x->done.store(done - 1, loc);
  spin_unlock_irqrestore(&x->wait.lock, flags, loc);
  return done != 0;
}

bool completion_done(completion* x, SourceLoc loc) {
  return x->done.load(loc) != 0;
}

}  // namespace wakecheck
