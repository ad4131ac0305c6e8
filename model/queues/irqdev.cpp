// A device driver's read side, the teaching example for interrupt context:
// the device's interrupt handler puts items into dev.buf (guarded by
// dev.lock) and wakes the reader thread, which sleeps on dev.read_wq while the
// buffer is empty. The handler fires `items` times on the reader's CPU,
// wherever that CPU has interrupts enabled.
//
// clang-format off
// | the rule                                                  | variant           | finding                      |
// |-----------------------------------------------------------|-------------------|------------------------------|
// | (all kept)                                                | ok                | none                         |
// | a lock a handler takes is taken with interrupts off        | no_irqsave        | deadlock: the handler spins  |
// |   elsewhere (spin_lock_irq/_irqsave), on the same CPU     |                   |   on dev.lock held by reader |
// | an error path unlocks once                                | bad_unlock        | bad-unlock: -EAGAIN path and |
// |                                                           |                   |   `out:` both unlock         |
// | a handler never sleeps: GFP_ATOMIC, not GFP_KERNEL        | handler_sleeps    | sleep-in-atomic in interrupt |
// | GFP_ATOMIC may fail: check for NULL                       | kmalloc_unchecked | invariant: NULL dereference  |
// |                                                           |                   |   (with kmalloc_failures)    |
// clang-format on
#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <stdexcept>

#include "checker/shared.hpp"
#include "model/assert.hpp"
#include "model/kernel/slab.hpp"
#include "model/kernel/wait.hpp"
#include "model/model.hpp"

namespace wakecheck {
namespace {

enum class Variant { ok, no_irqsave, bad_unlock, handler_sleeps, kmalloc_unchecked };
constexpr std::array<std::string_view, 5> kVariants = {"ok", "no_irqsave", "bad_unlock",
                                                       "handler_sleeps", "kmalloc_unchecked"};

Variant variant_named(std::string_view name) {
  for (std::size_t i = 0; i < kVariants.size(); ++i)
    if (kVariants[i] == name) return static_cast<Variant>(i);
  throw std::invalid_argument(fmt::format("irqdev has no variant '{}'", name));
}

class irqdev_model {
 public:
  irqdev_model(kernel& k, const model_args& args)
      : variant_(variant_named(args.variant)),
        items_(static_cast<int>(args.params.get("items"))),
        lock_(k, "dev.lock"),
        wq_(k, "dev.read_wq"),
        buf_(k.ex(), "dev.buf", static_cast<std::size_t>(items_), lock_.id) {
    task_struct* reader =
        k.kthread_run("reader", 0, [this](task_struct* current) { return read_all(current); });
    k.request_irq("irq", 1, reader, items_, [this](task_struct* current) { handler(current); });
  }

  std::string work_left(TaskId, ObjectId wq) const {
    const std::size_t n = buf_.peek_size();
    if (wq != wq_.id || n == 0) return "";
    return fmt::format("{} item{} in dev.buf", n, n == 1 ? " is" : "s are");
  }

  void at_end(kernel& k) {
    WC_ASSERT(k, taken_ == items_);  // the reader took every item
  }

 private:
  // Interrupts are off in a handler: the plain spin_lock is the right form here.
  void handler(task_struct* current) {
    if (variant_ == Variant::handler_sleeps) kfree(kmalloc(current, 64, GFP_KERNEL));
    if (variant_ == Variant::kmalloc_unchecked) {
      auto* desc = static_cast<int*>(kmalloc(current, sizeof(int), GFP_ATOMIC));
      *deref(current, desc) = produced_;  // no NULL check
      kfree(desc);
    }
    spin_lock(&lock_);
    buf_.push_back(produced_++);
    spin_unlock(&lock_);
    wake_up(&wq_);
  }

  void lock() {
    if (variant_ == Variant::no_irqsave)
      spin_lock(&lock_);  // interrupts stay on: the handler may fire here
    else
      spin_lock_irq(&lock_);
  }
  void unlock() {
    if (variant_ == Variant::no_irqsave)
      spin_unlock(&lock_);
    else
      spin_unlock_irq(&lock_);
  }

  // read() with O_NONBLOCK: -EAGAIN when the buffer is empty.
  int read_nonblock() {
    int ret = -EAGAIN;
    lock();
    if (buf_.empty()) {
      unlock();  // the error path unlocks ...
      goto out;
    }
    buf_.pop_front();
    ++taken_;
    ret = 0;
  out:
    unlock();  // ... and so does out: a second unlock of a lock not held
    return ret;
  }

  // The blocking read: wait_event_lock_irq written out, the condition tested
  // under dev.lock and the lock dropped only around schedule().
  void read_blocking(task_struct* current) {
    lock();
    while (buf_.empty()) {
      wait_queue_entry wait = DEFINE_WAIT(current);
      prepare_to_wait(&wq_, &wait, TASK_UNINTERRUPTIBLE);
      unlock();
      schedule(current);
      finish_wait(&wq_, &wait);
      lock();
    }
    buf_.pop_front();
    ++taken_;
    unlock();
  }

  int read_all(task_struct* current) {
    if (variant_ == Variant::bad_unlock) read_nonblock();
    while (taken_ < items_) read_blocking(current);
    return 0;
  }

  Variant variant_;
  int items_;
  int produced_ = 0;
  int taken_ = 0;  // for at_end; a function of the tasks' histories, which the fingerprint covers
  spinlock_t lock_;
  wait_queue_head wq_;
  shared_fifo buf_;  // guarded by lock_
};

const register_model<irqdev_model> registered{{
    .name = "irqdev",
    .version = 1,
    .summary = "a driver's read side fed by its interrupt handler: interrupt context, irqsave",
    .variants = {kVariants.begin(), kVariants.end()},
    .params = {int_param("items", 1, 3, 2, "items the device delivers, one per interrupt")},
}};

}  // namespace
}  // namespace wakecheck
