// wait_woken() and woken_wake_function() (kernel/sched/wait.c), with
// DEFINE_WAIT_FUNC: the WQ_FLAG_WOKEN protocol. The rules are in
// model/kernel/wait.hpp, above wait_woken().
//
// clang-format off
// | Linux rule                                                      | test                                        |
// |-----------------------------------------------------------------|---------------------------------------------|
// | woken_wake_function sets WQ_FLAG_WOKEN, then wakes; the entry    | WaitWokenLoopIsCleanInEveryInterleaving     |
// |   stays queued (no autoremove)                                  |                                             |
// | a wake between the caller's test and wait_woken() is not lost:  | WakeBeforeWaitWokenSkipsTheSleep            |
// |   wait_woken() sees WQ_FLAG_WOKEN and does not sleep            |                                             |
// | wait_woken() clears WQ_FLAG_WOKEN before it returns             | WaitWokenClearsTheFlag                      |
// | wait_woken() does not sleep once kthread_should_stop()          | WaitWokenDoesNotSleepOnceTheThreadShouldStop |
// | without woken_wake_function nothing sets the flag: the test-    | DefaultWakeFunctionLosesTheWake             |
// |   then-sleep window of sleep_on comes back                      |                                             |
// | DEFINE_WAIT_FUNC: current, the given function, flags 0, linked  | DefineWaitFuncMakesASelfLinkedEntry         |
// |   to itself                                                     |                                             |
// clang-format on
#include <string>

#include "checker/dfs.hpp"
#include "checker/explorer.hpp"
#include "model/kernel/kthread.hpp"
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
using ktest::run_lowest_first;
using ktest::seen;
using ktest::World;

// The wait_woken() idiom (as in drivers and net/): the condition is tested
// outside any lock, before wait_woken().
int woken_waiter(World& w, task_struct* current, wait_queue_func_t func) {
  wait_queue_entry wait = DEFINE_WAIT_FUNC(current, func);
  add_wait_queue(&w.wq, &wait);
  while (w.flag.load() == 0) wait_woken(&wait, TASK_UNINTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT);
  w.seen["flags_after"] = wait.flags & WQ_FLAG_WOKEN;
  remove_wait_queue(&w.wq, &wait);
  return 0;
}

KernelProgram& add_waker(KernelProgram& p) {
  return p.task("waker", [](World& w, task_struct*) {
    w.flag.store(1);
    wake_up(&w.wq);
    return 0;
  });
}

std::string flag_set(const World& w, TaskId, ObjectId) {
  return w.flag.peek() != 0 ? "flag = 1" : "";
}

TEST_GROUP(WaitWoken){};

TEST(WaitWoken, WaitWokenLoopIsCleanInEveryInterleaving) {
  KernelProgram p;
  p.task("waiter", [](World& w, task_struct* current) {
    return woken_waiter(w, current, woken_wake_function);
  });
  add_waker(p);
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
}

TEST(WaitWoken, WakeBeforeWaitWokenSkipsTheSleep) {
  KernelProgram p;
  int skipped = 0;  // executions in which the wake fell between the test and wait_woken()
  p.task("waiter", [](World& w, task_struct* current) {
    return woken_waiter(w, current, woken_wake_function);
  });
  add_waker(p).at_end_do([&skipped](World&, Execution& ex) {
    for (const TraceEntry& e : ex.trace())
      if (std::string(e.label) == "wait_woken: WQ_FLAG_WOKEN?" && e.a == 1) ++skipped;
  });
  const SearchResult r = run_dfs(p, false);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(skipped > 0);
}

TEST(WaitWoken, WaitWokenClearsTheFlag) {
  KernelProgram p;
  p.task("waiter", [](World& w, task_struct* current) {
    return woken_waiter(w, current, woken_wake_function);
  });
  add_waker(p);
  const SearchResult r = run_lowest_first(p);  // waiter sleeps, waker wakes it
  STRCMP_EQUAL("none", kind_of(r));
  LONGS_EQUAL(0, seen(*p.world, "flags_after"));
  const ExecutionRecord& rec = *p.finished;
  CHECK(!ktest::entries_of(rec, OpKind::Resume).empty());  // it did sleep
}

TEST(WaitWoken, WaitWokenDoesNotSleepOnceTheThreadShouldStop) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
    wait_queue_entry wait = DEFINE_WAIT_FUNC(current, woken_wake_function);
    add_wait_queue(&w.wq, &wait);
    while (!kthread_should_stop(current))
      wait_woken(&wait, TASK_UNINTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT);
    remove_wait_queue(&w.wq, &wait);
    return 0;
  });
  p.task("stopper", [](World& w, task_struct*) { return kthread_stop(w.task[0]); });
  DfsScheduler s(true);
  SearchLimits limits;
  limits.choices.signals = false;
  const SearchResult r = explore(p, s, limits);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
}

// The negative: default_wake_function never sets WQ_FLAG_WOKEN, so a wake
// between the test and wait_woken() finds the waiter running and is lost.
TEST(WaitWoken, DefaultWakeFunctionLosesTheWake) {
  KernelProgram p;
  p.task("waiter", [](World& w, task_struct* current) {
    return woken_waiter(w, current, default_wake_function);
  });
  add_waker(p).work_left_when(flag_set);
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("lost-wakeup", kind_of(r));
  const Finding& f = r.failure->finding;
  UNSIGNED_LONGS_EQUAL(0, f.task);
  UNSIGNED_LONGS_EQUAL(p.world->wq.id, f.object);
  STRCMP_EQUAL("waiter sleeps forever on wq while work remains: flag = 1", f.summary.c_str());
}

TEST(WaitWoken, DefineWaitFuncMakesASelfLinkedEntry) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
    wait_queue_entry wait = DEFINE_WAIT_FUNC(current, woken_wake_function);
    w.seen["self_linked"] = wait.entry.next == &wait.entry && wait.entry.prev == &wait.entry;
    w.seen["own_task"] = wait.private_ == current;
    w.seen["func"] = wait.func == woken_wake_function;
    w.seen["flags"] = wait.flags;
    w.flag.store(1);
    return 0;
  });
  run_lowest_first(p);
  LONGS_EQUAL(1, seen(*p.world, "self_linked"));
  LONGS_EQUAL(1, seen(*p.world, "own_task"));
  LONGS_EQUAL(1, seen(*p.world, "func"));
  LONGS_EQUAL(0, seen(*p.world, "flags"));
}

}  // namespace
}  // namespace wakecheck
