// A counting semaphore: down() sleeps while the count is 0, up() adds one and
// wakes a sleeper. The model runs `downs` tasks calling down() against one
// task calling up() as often. Variants: "ok"; "lazy_up", whose up() wakes
// only when the count was 0 before (a second sleeper then never hears).
#include <wakecheck/wakecheck.hpp>

#include <string>

using namespace wakecheck;

namespace {

struct semaphore {
  explicit semaphore(kernel& k)
      : lock(k, "lock"), count(k.ex(), "count", 0, lock.id), wq(k, "wq") {}
  spinlock_t lock;
  shared_var count;  // guarded by lock
  wait_queue_head wq;
};

void down(semaphore* s, task_struct* current) {
  spin_lock(&s->lock);
  while (s->count.load() == 0) {
    wait_queue_entry wait = DEFINE_WAIT(current);
    prepare_to_wait_exclusive(&s->wq, &wait, TASK_UNINTERRUPTIBLE);
    spin_unlock(&s->lock);
    schedule(current);
    finish_wait(&s->wq, &wait);
    spin_lock(&s->lock);
  }
  s->count.store(s->count.load() - 1);
  spin_unlock(&s->lock);
}

void up(semaphore* s, bool lazy) {
  spin_lock(&s->lock);
  const std::int64_t before = s->count.load();
  s->count.store(before + 1);
  spin_unlock(&s->lock);
  if (!lazy || before == 0) wake_up(&s->wq);
}

struct semaphore_model {
  semaphore_model(kernel& k, const model_args& args) : sem(k) {
    const auto downs = static_cast<int>(args.params.get("downs"));
    for (int i = 0; i < downs; ++i)
      k.kthread_run("down" + std::to_string(i), 0, [this](task_struct* current) {
        down(&sem, current);
        return 0;
      });
    const bool lazy = args.variant == "lazy_up";
    k.kthread_run("up", 1, [this, downs, lazy](task_struct*) {
      for (int i = 0; i < downs; ++i) up(&sem, lazy);
      return 0;
    });
  }
  std::string work_left(TaskId, ObjectId wq) const {
    return wq == sem.wq.id && sem.count.peek() > 0 ? "count = " + std::to_string(sem.count.peek())
                                                   : "";
  }
  semaphore sem;
};

const register_model<semaphore_model> registered{{
    .name = "semaphore",
    .summary = "a counting semaphore: down() sleeps while the count is 0",
    .variants = {"ok", "lazy_up"},
    .params = {int_param("downs", 1, 3, 2, "tasks calling down(); up() runs as often")},
}};

}  // namespace
