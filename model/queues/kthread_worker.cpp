// A worker kernel thread and the module exit that stops it (kernel/kthread.c):
// a producer hands work to the worker (under work.lock) and wakes it with
// wake_up_process(); module exit calls kthread_stop(worker), which wakes it
// and waits until it returned.
//
// clang-format off
// | the rule                                                      | variant                      | finding                |
// |---------------------------------------------------------------|------------------------------|------------------------|
// | set the state, then test kthread_should_stop() and the work,  | ok                           | none                   |
// |   then schedule(): a stop or a wake in between sets RUNNING   |                              |                        |
// | testing before setting the state loses a stop that comes in    | test_then_sleep              | lost-wakeup: the worker |
// |   between (TASK_UNINTERRUPTIBLE)                              |                              |   sleeps, exit waits   |
// | the same window with TASK_INTERRUPTIBLE is closed by            | test_then_sleep_interruptible | none                  |
// |   kthread_stop's TIF_NOTIFY_SIGNAL (signal_pending() is true)  |                              |                        |
// | a thread that polls (a timed sleep between tries) must still   | poll_forever                 | livelock: once exit    |
// |   test kthread_should_stop(), or it never returns and          |                              |   waits, the worker    |
// |   kthread_stop() waits for ever                               |                              |   and its timer loop   |
// clang-format on
#include <fmt/format.h>

#include <array>
#include <stdexcept>

#include "checker/shared.hpp"
#include "model/kernel/kthread.hpp"
#include "model/kernel/spinlock.hpp"
#include "model/model.hpp"

namespace wakecheck {
namespace {

enum class Variant { ok, test_then_sleep, test_then_sleep_interruptible, poll_forever };
constexpr std::array<std::string_view, 4> kVariants = {
    "ok", "test_then_sleep", "test_then_sleep_interruptible", "poll_forever"};

Variant variant_named(std::string_view name) {
  for (std::size_t i = 0; i < kVariants.size(); ++i)
    if (kVariants[i] == name) return static_cast<Variant>(i);
  throw std::invalid_argument(fmt::format("kthread_worker has no variant '{}'", name));
}

class kthread_worker_model {
 public:
  kthread_worker_model(kernel& k, const model_args& args)
      : k_(k),
        variant_(variant_named(args.variant)),
        items_(static_cast<int>(args.params.get("items"))),
        lock_(k, "work.lock"),
        work_(k.ex(), "work.list", static_cast<std::size_t>(items_), lock_.id) {
    worker_ = k.kthread_run("worker", 0, [this](task_struct* current) { return worker(current); });
    k.kthread_run("producer", 1, [this](task_struct*) { return producer(); });
    k.kthread_run("exit", 2, [this](task_struct*) { return kthread_stop(worker_); });
  }

  std::string work_left(TaskId sleeper, ObjectId) const {
    if (sleeper != worker_->pid || !worker_->should_stop) return "";
    return "kthread_stop() waits for it to return: kthread_should_stop() is true";
  }

 private:
  int producer() {
    for (int i = 0; i < items_; ++i) {
      spin_lock(&lock_);
      work_.push_back(i);
      spin_unlock(&lock_);
      wake_up_process(worker_);
    }
    return 0;
  }

  // Takes one item if there is one; false when the list is empty.
  bool take_work() {
    spin_lock(&lock_);
    const bool has = !work_.empty();
    if (has) work_.pop_front();
    spin_unlock(&lock_);
    return has;
  }

  int worker(task_struct* current) {
    if (variant_ == Variant::poll_forever) return poll_forever(current);
    if (variant_ != Variant::ok) return test_then_sleep(current);
    for (;;) {
      set_current_state(current, TASK_UNINTERRUPTIBLE);
      if (kthread_should_stop(current)) break;
      if (!take_work()) schedule(current);
    }
    __set_current_state(current, TASK_RUNNING);
    return 0;
  }

  // The window: the tests come before the state is set.
  int test_then_sleep(task_struct* current) {
    const unsigned state = variant_ == Variant::test_then_sleep_interruptible
                               ? TASK_INTERRUPTIBLE
                               : TASK_UNINTERRUPTIBLE;
    while (!kthread_should_stop(current)) {
      if (take_work()) continue;
      set_current_state(current, state);
      schedule(current);
    }
    return 0;
  }

  // Polls its list with a timed sleep between tries (no wake needed), and
  // never tests kthread_should_stop(). It carries nothing from one try to the
  // next, and says so: each try starts in the same state.
  int poll_forever(task_struct* current) {
    for (;;) {
      k_.ex().declare_task_state(0);
      if (take_work()) continue;
      set_current_state(current, TASK_UNINTERRUPTIBLE);
      schedule_timeout(current, 1);
    }
  }

  kernel& k_;
  Variant variant_;
  int items_;
  spinlock_t lock_;
  shared_fifo work_;  // guarded by lock_
  task_struct* worker_ = nullptr;
};

const register_model<kthread_worker_model> registered{{
    .name = "kthread_worker",
    .version = 1,
    .summary = "a worker kthread fed by wake_up_process() and stopped by kthread_stop()",
    .variants = {kVariants.begin(), kVariants.end()},
    .params = {int_param("items", 0, 3, 1, "work items the producer hands over")},
}};

}  // namespace
}  // namespace wakecheck
