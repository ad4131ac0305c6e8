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

namespace {

// do_wait_for_common(): an exclusive DECLARE_WAITQUEUE entry at the tail; the
// lock is dropped only around schedule_timeout(), and done is tested under
// it. A signal the state lets in ends the wait with -ERESTARTSYS, an expired
// timeout with 0; a done event consumed returns what is left (at least 1).
long wait_for_common(completion* x, long timeout, unsigned state, const char* label,
                     SourceLoc loc) {
  task_struct* current = x->wait.lock.k->current();
  might_sleep(current, label, loc);
  spin_lock_irq(&x->wait.lock, loc);
  if (x->done.load(loc) == 0) {
    wait_queue_entry wait;
    DECLARE_WAITQUEUE(&wait, current);
    wait.flags |= WQ_FLAG_EXCLUSIVE;
    __add_wait_queue_entry_tail(&x->wait, &wait, loc);
    do {
      if (signal_pending_state(state, current)) {
        timeout = -ERESTARTSYS;
        break;
      }
      __set_current_state(current, state, loc);
      spin_unlock_irq(&x->wait.lock, loc);
      timeout = schedule_timeout(current, timeout, loc);
      spin_lock_irq(&x->wait.lock, loc);
    } while (x->done.load(loc) == 0 && timeout != 0);
    __remove_wait_queue(&x->wait, &wait, loc);
    if (x->done.load(loc) == 0) {
      spin_unlock_irq(&x->wait.lock, loc);
      return timeout;
    }
  }
  const std::int64_t done = x->done.load(loc);
  if (done != kCompleteAll) x->done.store(done - 1, loc);
  spin_unlock_irq(&x->wait.lock, loc);
  return timeout != 0 ? timeout : 1;
}

}  // namespace

void wait_for_completion(completion* x, SourceLoc loc) {
  wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_UNINTERRUPTIBLE, "wait_for_completion", loc);
}

int wait_for_completion_interruptible(completion* x, SourceLoc loc) {
  const long t = wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_INTERRUPTIBLE,
                                 "wait_for_completion_interruptible", loc);
  return t == -ERESTARTSYS ? -ERESTARTSYS : 0;
}

int wait_for_completion_killable(completion* x, SourceLoc loc) {
  const long t =
      wait_for_common(x, MAX_SCHEDULE_TIMEOUT, TASK_KILLABLE, "wait_for_completion_killable", loc);
  return t == -ERESTARTSYS ? -ERESTARTSYS : 0;
}

unsigned long wait_for_completion_timeout(completion* x, unsigned long timeout, SourceLoc loc) {
  return static_cast<unsigned long>(wait_for_common(
      x, static_cast<long>(timeout), TASK_UNINTERRUPTIBLE, "wait_for_completion_timeout", loc));
}

long wait_for_completion_interruptible_timeout(completion* x, unsigned long timeout,
                                               SourceLoc loc) {
  return wait_for_common(x, static_cast<long>(timeout), TASK_INTERRUPTIBLE,
                         "wait_for_completion_interruptible_timeout", loc);
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
