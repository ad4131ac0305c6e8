// Interrupt handlers on a task's CPU: where they may fire, the lock forms
// that keep them out, the same-CPU deadlock, wake_up() from a handler, and
// sleeping in one. One test per rule of the table in model/kernel/irq.hpp.
#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "checker/dfs.hpp"
#include "checker/explorer.hpp"
#include "model/kernel/irq.hpp"
#include "model/kernel/mutex.hpp"
#include "model/kernel/wait.hpp"
#include "tests/kernel_harness.hpp"

// CppUTest last: its headers redefine new/delete for leak checks.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

using ktest::contains;
using ktest::KernelProgram;
using ktest::kind_of;
using ktest::run_dfs;
using ktest::seen;
using ktest::World;
using Handler = std::function<void(World&, task_struct*)>;

// KernelProgram, plus one interrupt handler on the CPU of task `cpu`, made
// after the tasks (so the tasks keep their numbers).
class IrqProgram final : public Program {
 public:
  IrqProgram(KernelProgram& tasks, TaskId cpu, Handler handler, int fires = 1)
      : tasks_(&tasks), cpu_(cpu), handler_(std::move(handler)), fires_(fires) {}
  void setup(Execution& ex) override {
    tasks_->setup(ex);
    World* w = tasks_->world.get();
    w->task.push_back(w->k.request_irq("irq", 99, w->task[cpu_], fires_,
                                       [w, h = handler_](task_struct* self) { h(*w, self); }));
  }
  std::string work_left(const Execution& ex, TaskId t, ObjectId wq) const override {
    return tasks_->work_left(ex, t, wq);
  }
  void at_end(Execution& ex) override { tasks_->at_end(ex); }

 private:
  KernelProgram* tasks_;
  TaskId cpu_;
  Handler handler_;
  int fires_;
};

void handler_takes_l(World& w, task_struct*) {
  spin_lock(&w.l);
  w.counter.store(w.counter.load() + 1);
  spin_unlock(&w.l);
}

// t increments counter under l with `lock`/`unlock`; the handler does the same.
SearchResult counter_under(std::function<void(World&, task_struct*)> critical) {
  KernelProgram p;
  p.task("t", [critical](World& w, task_struct* current) {
    critical(w, current);
    return 0;
  });
  IrqProgram irq(p, 0, handler_takes_l);
  return run_dfs(irq);
}

TEST_GROUP(Irq){};

TEST(Irq, HandlerTakingALockItsTaskHoldsIsASameCpuDeadlock) {
  const SearchResult r = counter_under([](World& w, task_struct*) {
    spin_lock(&w.l);
    w.counter.store(w.counter.load() + 1);
    spin_unlock(&w.l);
  });
  STRCMP_EQUAL("deadlock", kind_of(r));
  const Finding& f = r.failure->finding;
  UNSIGNED_LONGS_EQUAL(1, f.task);  // the handler
  STRCMP_EQUAL(
      "interrupt handler irq takes spinlock l, which t holds on the CPU it interrupted: same-CPU "
      "deadlock",
      f.summary.c_str());
  CHECK_TEXT(contains(f.explanation, "t took l at #"), f.explanation.c_str());
  CHECK_TEXT(contains(f.explanation,
                      "with interrupts enabled; the handler spins at "
                      "tests/irq_test.cpp:"),
             f.explanation.c_str());
  CHECK(f.window_first != 0 && f.window_first < f.window_last);
}

TEST(Irq, SpinLockIrqsaveKeepsTheHandlerOut) {
  const SearchResult r = counter_under([](World& w, task_struct*) {
    unsigned long flags;
    spin_lock_irqsave(&w.l, flags);
    w.counter.store(w.counter.load() + 1);
    spin_unlock_irqrestore(&w.l, flags);
  });
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
}

TEST(Irq, SpinLockIrqKeepsTheHandlerOut) {
  const SearchResult r = counter_under([](World& w, task_struct*) {
    spin_lock_irq(&w.l);
    w.counter.store(w.counter.load() + 1);
    spin_unlock_irq(&w.l);
  });
  STRCMP_EQUAL("none", kind_of(r));
}

TEST(Irq, HandlerOnAnotherCpuOnlyWaits) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
     spin_lock(&w.l);
     w.counter.store(w.counter.load() + 1);
     spin_unlock(&w.l);
     return 0;
   }).task("u", [](World& w, task_struct*) {
    w.flag.store(1);
    return 0;
  });
  IrqProgram irq(p, 1, handler_takes_l);  // on u's CPU
  const SearchResult r = run_dfs(irq);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
}

// The handler records how far t had got. It fires before t's first store, or
// once t is done; never inside the section with interrupts off.
TEST(Irq, InterruptsFireOnlyWhereEnabled) {
  KernelProgram p;
  std::set<std::int64_t> at;
  p.task("t", [](World& w, task_struct* current) {
     w.flag.store(1);
     local_irq_disable(current);
     w.flag.store(2);
     w.flag.store(3);
     local_irq_enable(current);
     return 0;
   }).at_end_do([&at](World& w, Execution&) { at.insert(seen(w, "at")); });
  IrqProgram irq(p, 0, [](World& w, task_struct*) { w.seen["at"] = w.flag.load(); });
  const SearchResult r = run_dfs(irq, false);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK((at == std::set<std::int64_t>{0, 1, 3}));
}

TEST(Irq, LocalIrqSaveRestoresTheEarlierState) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
    unsigned long outer = 0;
    unsigned long inner = 0;
    local_irq_save(current, outer);
    local_irq_save(current, inner);
    local_irq_restore(current, inner);
    w.seen["after_inner"] = irqs_disabled(current);
    local_irq_restore(current, outer);
    w.seen["after_outer"] = irqs_disabled(current);
    w.seen["outer"] = static_cast<std::int64_t>(outer);
    w.flag.store(1);
    return 0;
  });
  IrqProgram irq(p, 0, [](World&, task_struct*) {});
  ktest::LowestFirstScheduler s;
  explore(irq, s, SearchLimits{});
  LONGS_EQUAL(1, seen(*p.world, "after_inner"));
  LONGS_EQUAL(0, seen(*p.world, "after_outer"));
  LONGS_EQUAL(0, seen(*p.world, "outer"));
}

// The classic irq-driven producer: the handler sets the condition and calls
// wake_up(), also while the consumer sleeps on the same CPU.
TEST(Irq, IrqDrivenProducerWakesASleeper) {
  KernelProgram p;
  p.task("consumer", [](World& w, task_struct*) {
    wait_event(&w.wq, [&w] { return w.flag.load() != 0; });
    w.seen["got"] = 1;
    return 0;
  });
  IrqProgram irq(p, 0, [](World& w, task_struct*) {
    w.flag.store(1);
    wake_up(&w.wq);
  });
  const SearchResult r = run_dfs(irq);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
  LONGS_EQUAL(1, seen(*p.world, "got"));
}

TEST(Irq, HandlerThatSleepsIsFound) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    w.flag.store(1);
    return 0;
  });
  IrqProgram irq(p, 0, [](World& w, task_struct*) {
    mutex_lock(&w.m);
    mutex_unlock(&w.m);
  });
  const SearchResult r = run_dfs(irq);
  STRCMP_EQUAL("sleep-in-atomic", kind_of(r));
  const Finding& f = r.failure->finding;
  UNSIGNED_LONGS_EQUAL(1, f.task);
  STRCMP_EQUAL("interrupt handler irq calls mutex_lock(), which may sleep, in interrupt context",
               f.summary.c_str());
}

}  // namespace
}  // namespace wakecheck
