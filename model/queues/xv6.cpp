#include "model/queues/xv6.hpp"

#include <array>
#include <cerrno>

namespace wakecheck::xv6 {
namespace {

Execution& ex_of(Queue_t* q) {
  return *q->lock.ex;
}

// Up to this many threads are woken by one wakeup (the models run 2-3).
constexpr std::size_t kMaxWoken = 8;

}  // namespace

int Queue_isempty(Queue_t* q, SourceLoc loc) {
  return q->list.empty(loc) ? 1 : 0;
}

void Queue_push_back(Queue_t* q, task_struct* node, SourceLoc loc) {
  q->list.push_back(node->pid, loc);
  // Also a wait-queue enqueue, for the engine's lost-wakeup diagnosis. At the
  // tail (a = 1, which the trace calls exclusive: whether one waiter or all
  // wake is the waker's choice here, cond_signal or wakeup/cond_broadcast).
  Execution& ex = ex_of(q);
  ex.record(OpKind::WaitQueueAdd, q->list.id(), Access::None, "Queue_push_back", loc)
      .result(1)
      .detail(node->pid);
  ex.note_wait_queue(node->pid, q->list.id());
}

task_struct* Queue_pop(Queue_t* q, SourceLoc loc) {
  if (Queue_isempty(q, loc)) return nullptr;
  return q->procs->find(q->list.pop_front(loc));
}

int Queue_isempty_atomic(Queue_t* q, SourceLoc loc) {
  spin_lock(&q->lock, loc);
  const int empty = Queue_isempty(q, loc);
  spin_unlock(&q->lock, loc);
  return empty;
}

void Queue_push_back_atomic(Queue_t* q, task_struct* node, SourceLoc loc) {
  spin_lock(&q->lock, loc);
  Queue_push_back(q, node, loc);
  spin_unlock(&q->lock, loc);
}

task_struct* Queue_provide_atomic(Queue_t* q, SourceLoc loc) {
  spin_lock(&q->lock, loc);
  task_struct* first = Queue_pop(q, loc);
  spin_unlock(&q->lock, loc);
  return first;
}

void wake_from(Queue_t* q, task_struct* const* woken, int n, SourceLoc loc) {
  ex_of(q)
      .record(OpKind::WakeUp, q->list.id(), Access::ReadWrite, "wakeup", loc)
      .result(n)
      .detail(n);
  for (int i = 0; i < n; ++i) try_to_wake_up(woken[i], TASK_NORMAL, loc);
}

void sleep(task_struct* current, Queue_t* chan, spinlock_t* lk, SourceLoc loc) {
  set_current_state(current, TASK_UNINTERRUPTIBLE, loc);  // p->state = SLEEPING, before it is
                                                          // findable: a wakeup makes it RUNNING
  Queue_push_back_atomic(chan, current, loc);
  spin_unlock(lk, loc);    // only now: a waker that changed the condition under lk finds us queued
  schedule(current, loc);  // sched()
  spin_lock(lk, loc);
}

void wakeup(Queue_t* chan, SourceLoc loc) {
  std::array<task_struct*, kMaxWoken> woken{};
  int n = 0;
  spin_lock(&chan->lock, loc);
  while (!Queue_isempty(chan, loc) && n < static_cast<int>(woken.size()))
    woken[static_cast<std::size_t>(n++)] = Queue_pop(chan, loc);
  wake_from(chan, woken.data(), n, loc);
  spin_unlock(&chan->lock, loc);
}

void cond_wait(task_struct* current, cond* c, spinlock_t* lk, SourceLoc loc) {
  sleep(current, &c->waiting_queue, lk, loc);
}

void cond_signal(cond* c, SourceLoc loc) {
  Queue_t* q = &c->waiting_queue;
  spin_lock(&q->lock, loc);
  task_struct* first = Queue_pop(q, loc);
  wake_from(q, &first, first ? 1 : 0, loc);
  spin_unlock(&q->lock, loc);
}

void cond_broadcast(cond* c, SourceLoc loc) {
  wakeup(&c->waiting_queue, loc);
}

void sem_wait(task_struct* current, semaphore* s, SourceLoc loc) {
  spin_lock(&s->sem_lock, loc);
  s->value.store(s->value.load(loc) - 1, loc);
  if (s->value.load(loc) < 0) {
    do {
      cond_wait(current, &s->sem_cond, &s->sem_lock, loc);
    } while (s->wakeup.load(loc) == 0);  // woken by another's signal: wait again
    s->wakeup.store(s->wakeup.load(loc) - 1, loc);
  }
  spin_unlock(&s->sem_lock, loc);
}

void sem_post(semaphore* s, SourceLoc loc) {
  spin_lock(&s->sem_lock, loc);
  s->value.store(s->value.load(loc) + 1, loc);
  if (s->value.load(loc) <= 0) {
    s->wakeup.store(s->wakeup.load(loc) + 1, loc);
    cond_signal(&s->sem_cond, loc);
  }
  spin_unlock(&s->sem_lock, loc);
}

int futex_wait(task_struct* current, futex* f, shared_var* uaddr, std::int64_t val, SourceLoc loc) {
  spin_lock(&f->lock, loc);
  if (uaddr->load(loc) != val) {
    spin_unlock(&f->lock, loc);
    return -EAGAIN;
  }
  sleep(current, &f->waiting_queue, &f->lock, loc);
  spin_unlock(&f->lock, loc);
  return 0;
}

int futex_wake(futex* f, int n, SourceLoc loc) {
  std::array<task_struct*, kMaxWoken> woken{};
  int woke = 0;
  spin_lock(&f->lock, loc);
  spin_lock(&f->waiting_queue.lock, loc);
  while (woke < n && woke < static_cast<int>(woken.size()) &&
         !Queue_isempty(&f->waiting_queue, loc))
    woken[static_cast<std::size_t>(woke++)] = Queue_pop(&f->waiting_queue, loc);
  wake_from(&f->waiting_queue, woken.data(), woke, loc);
  spin_unlock(&f->waiting_queue.lock, loc);
  spin_unlock(&f->lock, loc);
  return woke;
}

}  // namespace wakecheck::xv6
