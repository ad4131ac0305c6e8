// What the seed (../shared/seeds/003) builds on its Queue: cond, the
// semaphore on cond (value + wakeup counter) and futex, each driven by one
// waker and `waiters` waiting threads.
//
// - cond_*: the waker puts one item per waiter in buf (guarded by lk), drops
//   lk and signals; each waiter takes one, waiting on the cond while buf is empty.
// - sem_*: each waiter does sem_wait, the waker sem_post once per waiter.
// - futex_*: waiters wait until a user word is 1; the waker sets it and wakes all.
//
// | the seed's rule                                  | variant              | finding         |
// |--------------------------------------------------|----------------------|-----------------|
// | (all kept)                                       | cond_ok, cond_broad- | none            |
// |                                                  |   cast, sem_ok, sem_ |                 |
// |                                                  |   broadcast, futex_ok|                 |
// | a cond waiter re-tests in a `while`: broadcast   | cond_broadcast_if    | invariant: a    |
// |   (and Mesa signal) wake it with no promise      |                      |   take from an  |
// |                                                  |                      |   empty buf     |
// | cond_wait enqueues before it drops the lock      | cond_wait_unlocked   | lost-wakeup     |
// | cond_signal pops the Queue under its lock        | cond_signal_plain    | data-race on    |
// |                                                  |                      |   the Queue     |
// | the semaphore's waiter loops while wakeup == 0:  | sem_broadcast_if     | invariant:      |
// |   a wake meant for another leaves it at 0        |                      |   wakeup < 0    |
// | futex_wait tests *uaddr under the futex's lock,  | futex_unlocked_test  | lost-wakeup     |
// |   the one futex_wake takes                       |                      |                 |
#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <stdexcept>

#include "model/assert.hpp"
#include "model/model.hpp"
#include "model/queues/xv6.hpp"

namespace wakecheck::xv6 {
namespace {

enum class Variant {
  cond_ok,
  cond_broadcast,
  cond_broadcast_if,
  cond_wait_unlocked,
  cond_signal_plain,
  sem_ok,
  sem_broadcast,
  sem_broadcast_if,
  futex_ok,
  futex_unlocked_test
};
constexpr std::array<std::string_view, 10> kVariants = {
    "cond_ok", "cond_broadcast", "cond_broadcast_if", "cond_wait_unlocked", "cond_signal_plain",
    "sem_ok",  "sem_broadcast",  "sem_broadcast_if",  "futex_ok",           "futex_unlocked_test"};

Variant variant_named(std::string_view name) {
  for (std::size_t i = 0; i < kVariants.size(); ++i)
    if (kVariants[i] == name) return static_cast<Variant>(i);
  throw std::invalid_argument(fmt::format("xv6_sync has no variant '{}'", name));
}

// cond_wait_unlocked: drops lk, then enqueues: a signal in between is lost.
void cond_wait_unlocked(task_struct* current, cond* c, spinlock_t* lk) {
  spin_unlock(lk);
  set_current_state(current, TASK_UNINTERRUPTIBLE);
  Queue_push_back_atomic(&c->waiting_queue, current);
  schedule(current);
  spin_lock(lk);
}

// cond_signal_plain: Queue_pop without the Queue's lock.
void cond_signal_plain(cond* c) {
  task_struct* first = Queue_pop(&c->waiting_queue);
  wake_from(&c->waiting_queue, &first, first ? 1 : 0, SourceLoc::current());
}

// sem_broadcast*: sem_post with cond_broadcast instead of cond_signal.
void sem_post_broadcast(semaphore* s) {
  spin_lock(&s->sem_lock);
  s->value.store(s->value.load() + 1);
  if (s->value.load() <= 0) {
    s->wakeup.store(s->wakeup.load() + 1);
    cond_broadcast(&s->sem_cond);
  }
  spin_unlock(&s->sem_lock);
}

// sem_broadcast_if: waits once (`if`), not `do ... while (wakeup == 0)`.
void sem_wait_once(task_struct* current, semaphore* s) {
  spin_lock(&s->sem_lock);
  s->value.store(s->value.load() - 1);
  if (s->value.load() < 0) {
    cond_wait(current, &s->sem_cond, &s->sem_lock);
    s->wakeup.store(s->wakeup.load() - 1);
  }
  spin_unlock(&s->sem_lock);
}

// futex_unlocked_test: tests *uaddr before taking the futex's lock.
int futex_wait_unlocked_test(task_struct* current, futex* f, shared_var* uaddr, std::int64_t val) {
  if (uaddr->load() != val) return -EAGAIN;
  spin_lock(&f->lock);
  sleep(current, &f->waiting_queue, &f->lock);
  spin_unlock(&f->lock);
  return 0;
}

class xv6_sync_model {
 public:
  xv6_sync_model(kernel& k, const model_args& args)
      : v_(variant_named(args.variant)),
        waiters_(static_cast<int>(args.params.get("waiters"))),
        lk_(k, "lk"),
        buf_(k.ex(), "buf", static_cast<std::size_t>(waiters_), lk_.id),
        c_(k, procs_, "cond", static_cast<std::size_t>(waiters_)),
        sem_(k, procs_, "sem", 0, static_cast<std::size_t>(waiters_)),
        f_(k, procs_, "futex", static_cast<std::size_t>(waiters_)),
        word_(k.ex(), "word", 0) {  // the futex's user word: no kernel lock guards it
    procs_.procs.push_back(k.kthread_run("waker", 0, [this](task_struct*) { return waker(); }));
    for (int w = 0; w < waiters_; ++w)
      procs_.procs.push_back(k.kthread_run(
          fmt::format("waiter{}", w), 1, [this](task_struct* current) { return waiter(current); }));
  }

  std::string work_left(TaskId, ObjectId wq) const {
    if (wq == c_.waiting_queue.list.id() && buf_.peek_size() > 0)
      return fmt::format("buf holds {} item{}", buf_.peek_size(), buf_.peek_size() == 1 ? "" : "s");
    if (wq == sem_.sem_cond.waiting_queue.list.id() && sem_.wakeup.peek() > 0)
      return fmt::format("sem.wakeup = {}: a post is not taken", sem_.wakeup.peek());
    if (wq == f_.waiting_queue.list.id() && word_.peek() == 1)
      return "word = 1: the event it waits for happened";
    return "";
  }

  void at_end(kernel& k) {
    if (v_ >= Variant::sem_ok && v_ <= Variant::sem_broadcast_if)
      WC_ASSERT(k, sem_.value.peek() == 0 && sem_.wakeup.peek() == 0);
  }

 private:
  bool is_cond() const { return v_ <= Variant::cond_signal_plain; }
  bool is_sem() const { return !is_cond() && v_ <= Variant::sem_broadcast_if; }

  int waker() {
    if (is_cond()) {
      for (int i = 0; i < waiters_; ++i) {
        spin_lock(&lk_);
        buf_.push_back(i);
        spin_unlock(&lk_);
        // After dropping lk, as xv6's wakeup() callers may: a waiter that
        // found buf empty was on the Queue before it released lk.
        if (v_ == Variant::cond_broadcast || v_ == Variant::cond_broadcast_if)
          cond_broadcast(&c_);
        else if (v_ == Variant::cond_signal_plain)
          cond_signal_plain(&c_);
        else
          cond_signal(&c_);
      }
    } else if (is_sem()) {
      for (int i = 0; i < waiters_; ++i)
        if (v_ == Variant::sem_ok)
          sem_post(&sem_);
        else
          sem_post_broadcast(&sem_);
    } else {
      word_.store(1);
      futex_wake(&f_, waiters_);
    }
    return 0;
  }

  int waiter(task_struct* current) {
    if (is_cond()) {
      spin_lock(&lk_);
      if (v_ == Variant::cond_broadcast_if) {
        if (buf_.empty()) cond_wait(current, &c_, &lk_);
      } else {
        while (buf_.empty())
          if (v_ == Variant::cond_wait_unlocked)
            cond_wait_unlocked(current, &c_, &lk_);
          else
            cond_wait(current, &c_, &lk_);
      }
      buf_.pop_front();  // on an empty buf: an invariant finding naming this line
      spin_unlock(&lk_);
    } else if (is_sem()) {
      if (v_ == Variant::sem_broadcast_if)
        sem_wait_once(current, &sem_);
      else
        sem_wait(current, &sem_);
      // The seed's semaphore: every wakeup taken was posted.
      WC_ASSERT(current, sem_.wakeup.peek() >= 0);
    } else {
      while (word_.load() == 0)
        if (v_ == Variant::futex_unlocked_test)
          futex_wait_unlocked_test(current, &f_, &word_, 0);
        else
          futex_wait(current, &f_, &word_, 0);
    }
    return 0;
  }

  Variant v_;
  int waiters_;
  proc_table procs_;
  spinlock_t lk_;
  shared_fifo buf_;  // guarded by lk_
  cond c_;
  semaphore sem_;
  futex f_;
  shared_var word_;
};

const register_model<xv6_sync_model> registered{{
    .name = "xv6_sync",
    .version = 1,
    .summary = "the seed's cond, semaphore (on cond) and futex on its generic Queue (seeds/003)",
    .variants = {kVariants.begin(), kVariants.end()},
    .params = {int_param("waiters", 1, 3, 2, "threads that wait; one waker")},
}};

}  // namespace
}  // namespace wakecheck::xv6
