// A one-shot completion in the style of include/linux/completion.h, written
// here as the code under test, and the model that checks it: `waiters` tasks
// each wait_for_completion() while a completer calls complete() once per waiter.
//
// Variants: "ok"; "test_then_sleep", whose waiter tests `done` and only then
// goes to sleep with sleep_on() (the wake can fall in between);
// "wake_before_done", whose complete() wakes the waiter before it counts the
// completion (the waiter wakes, sees nothing, and sleeps again).
#include <wakecheck/wakecheck.hpp>

#include <string>

using namespace wakecheck;

namespace {

struct completion {
  explicit completion(kernel& k)
      : lock(k, "lock"), done(k.ex(), "done", 0, lock.id), wait(k, "wait") {}
  spinlock_t lock;
  shared_var done;  // completions not yet consumed; guarded by lock
  wait_queue_head wait;
};

void complete(completion* x, bool wake_first) {
  if (wake_first) wake_up(&x->wait);  // bad: nothing is done yet
  spin_lock(&x->lock);
  x->done.store(x->done.load() + 1);
  spin_unlock(&x->lock);
  if (!wake_first) wake_up(&x->wait);
}

// Enqueue, then test, under the lock the completer takes: no wake is lost.
void wait_for_completion(completion* x, task_struct* current) {
  spin_lock(&x->lock);
  while (x->done.load() == 0) {
    wait_queue_entry wait = DEFINE_WAIT(current);
    prepare_to_wait_exclusive(&x->wait, &wait, TASK_UNINTERRUPTIBLE);
    spin_unlock(&x->lock);
    schedule(current);
    finish_wait(&x->wait, &wait);
    spin_lock(&x->lock);
  }
  x->done.store(x->done.load() - 1);
  spin_unlock(&x->lock);
}

// Tests, then sleeps: a complete() between the two is lost.
void wait_for_completion_racy(completion* x) {
  for (;;) {
    spin_lock(&x->lock);
    if (x->done.load() > 0) break;
    spin_unlock(&x->lock);
    sleep_on(&x->wait);
  }
  x->done.store(x->done.load() - 1);
  spin_unlock(&x->lock);
}

class completion_model {
 public:
  completion_model(kernel& k, const model_args& args) : x_(k) {
    const auto waiters = static_cast<int>(args.params.get("waiters"));
    const bool racy = args.variant == "test_then_sleep";
    for (int i = 0; i < waiters; ++i)
      k.kthread_run("waiter" + std::to_string(i), 0, [this, racy](task_struct* current) {
        if (racy)
          wait_for_completion_racy(&x_);
        else
          wait_for_completion(&x_, current);
        return 0;
      });
    const bool wake_first = args.variant == "wake_before_done";
    k.kthread_run("completer", 1, [this, waiters, wake_first](task_struct*) {
      for (int i = 0; i < waiters; ++i) complete(&x_, wake_first);
      return 0;
    });
  }

  // For the lost-wakeup diagnosis: a waiter asleep while a completion is pending.
  std::string work_left(TaskId, ObjectId wq) const {
    const std::int64_t done = x_.done.peek();
    if (wq != x_.wait.id || done == 0) return "";
    return "a completion is pending (done = " + std::to_string(done) + ")";
  }

  // Every completion was consumed by exactly one waiter.
  void at_end(kernel& k) { WC_ASSERT(k, x_.done.peek() == 0); }

 private:
  completion x_;
};

const register_model<completion_model> registered{{
    .name = "completion",
    .version = 1,
    .summary = "a one-shot completion: wait_for_completion() and complete()",
    .variants = {"ok", "test_then_sleep", "wake_before_done"},
    .params = {int_param("waiters", 1, 3, 1,
                         "tasks in wait_for_completion(), one complete() each")},
}};

}  // namespace
