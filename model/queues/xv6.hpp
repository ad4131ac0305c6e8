// The xv6 generic Queue of ../shared/seeds/003 and what the seed builds on it:
// xv6's sleep(chan, lk)/wakeup(chan) with a Queue as the channel, cond,
// the semaphore on cond (value + wakeup counter) and futex. The code under
// test of the xv6_sleep and xv6_sync models; their variants break it.
//
// A Queue is a spinlock and a list of waiting threads (here their pids, in a
// shared_fifo declared guarded by the Queue's lock, so the engine checks that
// every access holds it). The seed's rule: "the _atomic operations take the
// lock themselves; think hard about whether an operation needs to be atomic,
// or it triggers all kinds of concurrency bugs":
//   - a plain operation without the lock: a data race on the list;
//   - an _atomic one while holding the lock: it takes its own lock again, a
//     deadlock (spinlocks do not nest).
//
// sleep() is safe for the same reason as Linux's prepare_to_wait(): the
// sleeper sets its state and is on the channel's Queue before it releases the
// lock that guards its condition, so a wakeup() that follows a change of the
// condition (made under that lock) finds it, or makes its schedule() return.
#pragma once

#include <string>
#include <vector>

#include "checker/shared.hpp"
#include "model/kernel/sched.hpp"
#include "model/kernel/spinlock.hpp"

namespace wakecheck::xv6 {

// The threads a Queue can name: pids to task_structs (xv6's proc table).
struct proc_table {
  std::vector<task_struct*> procs;  // by pid
  task_struct* find(std::int64_t pid) const { return procs[static_cast<std::size_t>(pid)]; }
};

struct Queue_t {
  // Queue_init(): `capacity` bounds the threads queued at once.
  Queue_t(kernel& k, proc_table& table, const std::string& name, std::size_t capacity)
      : lock(k, name + ".lock"), list(k.ex(), name, capacity, lock.id), procs(&table) {}
  spinlock_t lock;
  shared_fifo list;  // pids, FIFO; guarded by lock
  proc_table* procs;
};

// The plain operations: the caller holds q->lock.
int Queue_isempty(Queue_t* q, SourceLoc loc = SourceLoc::current());
void Queue_push_back(Queue_t* q, task_struct* node, SourceLoc loc = SourceLoc::current());
// The first thread, unlinked; nullptr when empty (the seed's Queue_pop(q, 1),
// the form its wait queues use).
task_struct* Queue_pop(Queue_t* q, SourceLoc loc = SourceLoc::current());
// The _atomic operations: take q->lock themselves.
int Queue_isempty_atomic(Queue_t* q, SourceLoc loc = SourceLoc::current());
void Queue_push_back_atomic(Queue_t* q, task_struct* node, SourceLoc loc = SourceLoc::current());
task_struct* Queue_provide_atomic(Queue_t* q, SourceLoc loc = SourceLoc::current());

// Makes `p` runnable, as xv6's wakeup does (p->state = RUNNABLE), recording
// which Queue the wake came from and how many it woke: the engine's
// lost-wakeup report reads it as a wake_up on that queue. Under q->lock.
void wake_from(Queue_t* q, task_struct* const* woken, int n, SourceLoc loc);

// sleep(chan, lk): called holding lk; state, enqueue, release lk, sched(),
// then takes lk again.
void sleep(task_struct* current, Queue_t* chan, spinlock_t* lk,
           SourceLoc loc = SourceLoc::current());
// wakeup(chan): every thread queued on chan becomes runnable.
void wakeup(Queue_t* chan, SourceLoc loc = SourceLoc::current());

struct cond {
  cond(kernel& k, proc_table& table, const std::string& name, std::size_t capacity)
      : waiting_queue(k, table, name, capacity) {}
  Queue_t waiting_queue;
};
// cond_wait(cond, lk) = sleep(&cond->waiting_queue, lk): Mesa semantics, the
// caller re-tests its condition in a loop.
void cond_wait(task_struct* current, cond* c, spinlock_t* lk, SourceLoc loc = SourceLoc::current());
void cond_signal(cond* c, SourceLoc loc = SourceLoc::current());     // wakes the first waiter
void cond_broadcast(cond* c, SourceLoc loc = SourceLoc::current());  // wakes every waiter

// The seed's semaphore: `value` counts units (negative: waiters), `wakeup`
// counts signals not yet taken, so a waiter woken by anything but its own
// signal waits again.
struct semaphore {
  semaphore(kernel& k, proc_table& table, const std::string& name, std::int64_t init,
            std::size_t capacity)
      : sem_lock(k, name + ".sem_lock"),
        value(k.ex(), name + ".value", init, sem_lock.id),
        wakeup(k.ex(), name + ".wakeup", 0, sem_lock.id),
        sem_cond(k, table, name + ".sem_cond", capacity) {}
  spinlock_t sem_lock;
  shared_var value;   // guarded by sem_lock
  shared_var wakeup;  // guarded by sem_lock
  cond sem_cond;
};
void sem_wait(task_struct* current, semaphore* s, SourceLoc loc = SourceLoc::current());
void sem_post(semaphore* s, SourceLoc loc = SourceLoc::current());

struct futex {
  futex(kernel& k, proc_table& table, const std::string& name, std::size_t capacity)
      : lock(k, name + ".lock"), waiting_queue(k, table, name + ".waiting_queue", capacity) {}
  spinlock_t lock;
  Queue_t waiting_queue;
};
// futex_wait: under f->lock, sleeps only if *uaddr still equals val (else
// -EAGAIN); the test and the enqueue are one critical section with the
// waker's futex_wake, so a wake after the user's change cannot pass it by.
int futex_wait(task_struct* current, futex* f, shared_var* uaddr, std::int64_t val,
               SourceLoc loc = SourceLoc::current());
// Wakes up to n waiters; returns how many.
int futex_wake(futex* f, int n, SourceLoc loc = SourceLoc::current());

}  // namespace wakecheck::xv6
