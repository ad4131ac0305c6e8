// xv6's sleep(chan, lk)/wakeup(chan) on the seed's generic Queue
// (../shared/seeds/003): a producer hands items to consumers through a buffer
// guarded by lk, and consumers sleep on the Queue `chan` while it is empty.
//
// | the seed's rule                                  | variant            | finding          |
// |--------------------------------------------------|--------------------|------------------|
// | (all kept)                                       | ok                 | none             |
// | re-test the condition after sleep(): `while`,    | if_not_while       | invariant: a     |
// |   since wakeup() wakes every sleeper on chan     |                    |   take from an   |
// |                                                  |                    |   empty buffer   |
// | test and sleep under one hold of lk (sleep()     | test_then_sleep    | lost-wakeup: the |
// |   drops it only once queued)                     |                    |   wakeup fell    |
// |                                                  |                    |   between them   |
// | a plain Queue operation only under the Queue's   | wakeup_plain       | data-race on     |
// |   lock: wakeup() must lock or use _atomic        |                    |   chan           |
// | the same in sleep(): Queue_push_back_atomic,     | sleep_plain        | data-race on     |
// |   not Queue_push_back, without the lock          |                    |   chan           |
// | no _atomic operation while holding the lock it   | wakeup_atomic_     | deadlock: chan.  |
// |   takes                                          |   locked           |   lock taken     |
// |                                                  |                    |   twice          |
#include <fmt/format.h>

#include <array>
#include <stdexcept>

#include "model/assert.hpp"
#include "model/model.hpp"
#include "model/queues/xv6.hpp"

namespace wakecheck::xv6 {
namespace {

enum class Variant {
  ok,
  if_not_while,
  test_then_sleep,
  wakeup_plain,
  sleep_plain,
  wakeup_atomic_locked
};
constexpr std::array<std::string_view, 6> kVariants = {
    "ok", "if_not_while", "test_then_sleep", "wakeup_plain", "sleep_plain", "wakeup_atomic_locked"};

Variant variant_named(std::string_view name) {
  for (std::size_t i = 0; i < kVariants.size(); ++i)
    if (kVariants[i] == name) return static_cast<Variant>(i);
  throw std::invalid_argument(fmt::format("xv6_sleep has no variant '{}'", name));
}

// wakeup_plain: Queue_isempty/Queue_pop without chan->lock.
void wakeup_plain(Queue_t* chan) {
  std::array<task_struct*, 4> woken{};
  int n = 0;
  while (!Queue_isempty(chan) && n < static_cast<int>(woken.size()))
    woken[static_cast<std::size_t>(n++)] = Queue_pop(chan);
  wake_from(chan, woken.data(), n, SourceLoc::current());
}

// wakeup_atomic_locked: holds chan->lock, then Queue_provide_atomic takes it again.
void wakeup_atomic_locked(Queue_t* chan) {
  spin_lock(&chan->lock);
  while (task_struct* p = Queue_provide_atomic(chan)) wake_from(chan, &p, 1, SourceLoc::current());
  spin_unlock(&chan->lock);
}

// sleep_plain: xv6's sleep() with Queue_push_back where the _atomic one was needed.
void sleep_plain(task_struct* current, Queue_t* chan, spinlock_t* lk) {
  set_current_state(current, TASK_UNINTERRUPTIBLE);
  Queue_push_back(chan, current);  // holds lk, not chan->lock
  spin_unlock(lk);
  schedule(current);
  spin_lock(lk);
}

class xv6_sleep_model {
 public:
  xv6_sleep_model(kernel& k, const model_args& args)
      : variant_(variant_named(args.variant)),
        consumers_(static_cast<int>(args.params.get("consumers"))),
        items_(static_cast<int>(args.params.get("items"))),
        lk_(k, "lk"),
        buf_(k.ex(), "buf", static_cast<std::size_t>(consumers_ * items_), lk_.id),
        chan_(k, procs_, "chan", static_cast<std::size_t>(consumers_)) {
    procs_.procs.push_back(
        k.kthread_run("producer", 0, [this](task_struct*) { return producer(); }));
    for (int c = 0; c < consumers_; ++c)
      procs_.procs.push_back(
          k.kthread_run(fmt::format("consumer{}", c), 1,
                        [this](task_struct* current) { return consumer(current); }));
  }

  std::string work_left(TaskId, ObjectId wq) const {
    const std::size_t n = buf_.peek_size();
    if (wq != chan_.list.id() || n == 0) return "";
    return fmt::format("{} item{} in buf", n, n == 1 ? " is" : "s are");
  }

  void at_end(kernel& k) {
    WC_ASSERT(k, taken_ == consumers_ * items_);  // every item was taken
  }

 private:
  int producer() {
    for (int i = 0; i < consumers_ * items_; ++i) {
      spin_lock(&lk_);
      buf_.push_back(i);
      spin_unlock(&lk_);
      if (variant_ == Variant::wakeup_plain)
        wakeup_plain(&chan_);
      else if (variant_ == Variant::wakeup_atomic_locked)
        wakeup_atomic_locked(&chan_);
      else
        wakeup(&chan_);
    }
    return 0;
  }

  // Waits until buf holds an item; returns holding lk.
  void wait_for_item(task_struct* current) {
    spin_lock(&lk_);
    switch (variant_) {
      case Variant::if_not_while:
        if (buf_.empty()) sleep(current, &chan_, &lk_);
        return;
      case Variant::test_then_sleep:
        while (buf_.empty()) {
          spin_unlock(&lk_);  // the test's hold of lk ends here: a wakeup now finds no one
          spin_lock(&lk_);
          sleep(current, &chan_, &lk_);
        }
        return;
      case Variant::sleep_plain:
        while (buf_.empty()) sleep_plain(current, &chan_, &lk_);
        return;
      default:
        while (buf_.empty()) sleep(current, &chan_, &lk_);
    }
  }

  int consumer(task_struct* current) {
    for (int k = 0; k < items_; ++k) {
      wait_for_item(current);
      buf_.pop_front();  // on an empty buf: an invariant finding naming this line
      ++taken_;
      spin_unlock(&lk_);
    }
    return 0;
  }

  Variant variant_;
  int consumers_;
  int items_;
  int taken_ = 0;  // for at_end; a function of the tasks' histories, which the fingerprint covers
  proc_table procs_;
  spinlock_t lk_;
  shared_fifo buf_;  // guarded by lk_
  Queue_t chan_;
};

const register_model<xv6_sleep_model> registered{{
    .name = "xv6_sleep",
    .version = 1,
    .summary = "xv6 sleep(chan, lk)/wakeup(chan) on the seed's generic Queue (seeds/003)",
    .variants = {kVariants.begin(), kVariants.end()},
    .params = {int_param("consumers", 1, 3, 1, "consumer threads; one producer"),
               int_param("items", 1, 3, 1, "items each consumer takes")},
}};

}  // namespace
}  // namespace wakecheck::xv6
