// kthread_should_stop() and kthread_stop(): one test per rule of the table in
// model/kernel/kthread.hpp.
#include <cerrno>
#include <cstdint>
#include <set>
#include <string>

#include "checker/dfs.hpp"
#include "checker/explorer.hpp"
#include "model/kernel/kthread.hpp"
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

// The idiom of kernel/kthread.c's users: set the state, then test, then sleep.
int stoppable_thread(task_struct* current, unsigned state, int ret) {
  for (;;) {
    set_current_state(current, state);
    if (kthread_should_stop(current)) break;
    schedule(current);
  }
  __set_current_state(current, TASK_RUNNING);
  return ret;
}

// The window: the test comes before the state is set, so a stop between them
// finds the thread TASK_RUNNING and its wake does nothing.
int test_then_sleep_thread(task_struct* current, unsigned state) {
  while (!kthread_should_stop(current)) {
    set_current_state(current, state);
    schedule(current);
  }
  __set_current_state(current, TASK_RUNNING);
  return 0;
}

KernelProgram& add_stopper(KernelProgram& p) {
  return p.task("stopper", [](World& w, task_struct*) {
    w.seen["ret"] = kthread_stop(w.task[0]);
    return 0;
  });
}

SearchResult run_dfs_without_signals(Program& p) {
  DfsScheduler s(true);
  SearchLimits limits;
  limits.choices.signals = false;  // kthreads ignore signals unless they allow_signal()
  return explore(p, s, limits);
}

TEST_GROUP(Kthread){};

TEST(Kthread, ShouldStopIsFalseUntilKthreadStop) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
    w.seen["before"] = kthread_should_stop(current);
    set_current_state(current, TASK_UNINTERRUPTIBLE);
    while (!kthread_should_stop(current)) {
      schedule(current);
      set_current_state(current, TASK_UNINTERRUPTIBLE);
    }
    __set_current_state(current, TASK_RUNNING);
    w.seen["after"] = 1;
    return 0;
  });
  add_stopper(p);
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  LONGS_EQUAL(0, seen(*p.world, "before"));
  LONGS_EQUAL(1, seen(*p.world, "after"));
}

// kthread_stop() returns only after the thread returned, with its result, in
// every interleaving.
TEST(Kthread, StopWakesASleeperThatRechecks) {
  KernelProgram p;
  p.task("t", [](World&, task_struct* current) {
    return stoppable_thread(current, TASK_UNINTERRUPTIBLE, 7);
  });
  add_stopper(p).at_end_do([](World& w, Execution&) { LONGS_EQUAL(7, seen(w, "ret")); });
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
  CHECK(p.finished_executions > 1);
}

TEST(Kthread, StopReturnsTheThreadFunctionsResult) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    w.flag.store(1);
    return 3;  // may return before or after kthread_stop() begins
  });
  add_stopper(p).at_end_do([](World& w, Execution&) { LONGS_EQUAL(3, seen(w, "ret")); });
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(p.finished_executions > 1);
}

TEST(Kthread, TestThenSleepUninterruptibleIsALostWakeup) {
  KernelProgram p;
  p.task("t", [](World&, task_struct* current) {
    return test_then_sleep_thread(current, TASK_UNINTERRUPTIBLE);
  });
  add_stopper(p).work_left_when([](const World& w, TaskId sleeper, ObjectId) {
    return sleeper == 0 && w.task[0]->should_stop ? std::string("kthread_should_stop() is true")
                                                  : std::string();
  });
  const SearchResult r = run_dfs_without_signals(p);
  STRCMP_EQUAL("lost-wakeup", kind_of(r));
  const Finding& f = r.failure->finding;
  UNSIGNED_LONGS_EQUAL(0, f.task);
  CHECK_TEXT(contains(f.summary, "t sleeps forever"), f.summary.c_str());
  CHECK_TEXT(contains(f.summary, "kthread_should_stop() is true"), f.summary.c_str());
}

// The same window with TASK_INTERRUPTIBLE: TIF_NOTIFY_SIGNAL makes
// signal_pending() true, so schedule() returns at once and the loop rechecks.
TEST(Kthread, NotifySignalEndsAnInterruptibleSleepAtOnce) {
  KernelProgram p;
  p.task("t", [](World&, task_struct* current) {
    return test_then_sleep_thread(current, TASK_INTERRUPTIBLE);
  });
  add_stopper(p);
  const SearchResult r = run_dfs_without_signals(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
}

TEST(Kthread, StopUnderASpinlockIsFound) {
  KernelProgram p;
  p.task("t", [](World&, task_struct* current) {
    return stoppable_thread(current, TASK_UNINTERRUPTIBLE, 0);
  });
  p.task("stopper", [](World& w, task_struct*) {
    spin_lock(&w.l);
    kthread_stop(w.task[0]);
    spin_unlock(&w.l);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("sleep-in-atomic", kind_of(r));
  const Finding& f = r.failure->finding;
  STRCMP_EQUAL(
      "stopper calls kthread_stop(), which may sleep, while holding spinlock l (sleeping "
      "function called from invalid context)",
      f.summary.c_str());
  UNSIGNED_LONGS_EQUAL(p.world->l.id, f.object);
}

TEST(Kthread, StopOfItselfIsADeadlock) {
  KernelProgram p;
  p.task("t", [](World&, task_struct* current) { return kthread_stop(current); });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("deadlock", kind_of(r));
  const Finding& f = r.failure->finding;
  STRCMP_EQUAL("t calls kthread_stop() on itself: it waits for its own exit", f.summary.c_str());
  CHECK_TEXT(contains(f.explanation, "tests/kthread_test.cpp:"), f.explanation.c_str());
}

// ---------------------------------------------------------------------------
// kthread_create()'s first run, and parking.

// The smpboot-style loop: set the state, test stop, then park, then sleep.
int parkable_thread(World& w, task_struct* current) {
  for (;;) {
    set_current_state(current, TASK_UNINTERRUPTIBLE);
    if (kthread_should_stop(current)) {
      __set_current_state(current, TASK_RUNNING);
      return 3;
    }
    if (kthread_should_park(current)) {
      __set_current_state(current, TASK_RUNNING);
      w.seen["saw park"] = 1;
      kthread_parkme(current);
      continue;
    }
    schedule(current);
  }
}

TEST(Kthread, StopBeforeTheFirstWakeUpReturnsEintr) {
  KernelProgram p;
  p.created_task("t", [](World& w, task_struct*) {
     w.seen["ran"] = 1;
     return 5;
   }).task("stopper", [](World& w, task_struct*) {
    w.seen["ret"] = kthread_stop(w.task[0]);
    return 0;
  });
  std::set<std::int64_t> rets;
  bool ran = false;
  p.at_end_do([&](World& w, Execution&) {
    rets.insert(seen(w, "ret"));
    ran = ran || seen(w, "ran") != ktest::kUnseen;
  });
  const SearchResult r = run_dfs_without_signals(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
  CHECK(rets == std::set<std::int64_t>{-EINTR});
  CHECK(!ran);
}

TEST(Kthread, StopRacingTheFirstWakeUpMayOrMayNotRunTheFn) {
  KernelProgram p;
  p.created_task("t",
                 [](World&, task_struct* current) {
                   return stoppable_thread(current, TASK_UNINTERRUPTIBLE, 7);
                 })
      .task("waker",
            [](World& w, task_struct*) {
              wake_up_process(w.task[0]);
              return 0;
            })
      .task("stopper", [](World& w, task_struct*) {
        w.seen["ret"] = kthread_stop(w.task[0]);
        return 0;
      });
  std::set<std::int64_t> rets;
  p.at_end_do([&](World& w, Execution&) { rets.insert(seen(w, "ret")); });
  const SearchResult r = run_dfs_without_signals(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
  CHECK((rets == std::set<std::int64_t>{-EINTR, 7}));
}

TEST(Kthread, ShouldParkIsFalseUntilKthreadPark) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
     w.seen["before"] = kthread_should_park(current);
     return parkable_thread(w, current);
   }).task("parker", [](World& w, task_struct*) {
    w.seen["park"] = kthread_park(w.task[0]);
    kthread_unpark(w.task[0]);
    w.seen["stop"] = kthread_stop(w.task[0]);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  LONGS_EQUAL(0, seen(*p.world, "before"));
  LONGS_EQUAL(1, seen(*p.world, "saw park"));
  LONGS_EQUAL(0, seen(*p.world, "park"));
  LONGS_EQUAL(3, seen(*p.world, "stop"));
}

// In every interleaving kthread_park() returns with the thread in
// TASK_PARKED, and the thread runs on only after kthread_unpark().
TEST(Kthread, ParkReturnsOnceTheThreadIsParked) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
     return parkable_thread(w, current);
   }).task("parker", [](World& w, task_struct*) {
    kthread_park(w.task[0]);
    w.seen["state"] = w.task[0]->state;
    kthread_unpark(w.task[0]);
    w.seen["stop"] = kthread_stop(w.task[0]);
    return 0;
  });
  std::set<std::int64_t> states;
  p.at_end_do([&](World& w, Execution&) { states.insert(seen(w, "state")); });
  const SearchResult r = run_dfs_without_signals(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
  CHECK(states == std::set<std::int64_t>{TASK_PARKED});
}

TEST(Kthread, WakeUpProcessDoesNotUnparkAParkedThread) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
     return parkable_thread(w, current);
   }).task("parker", [](World& w, task_struct*) {
    kthread_park(w.task[0]);
    w.seen["woke"] = wake_up_process(w.task[0]);
    w.seen["state"] = w.task[0]->state;
    kthread_unpark(w.task[0]);
    w.seen["after unpark"] = w.task[0]->state;
    w.seen["stop"] = kthread_stop(w.task[0]);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  LONGS_EQUAL(0, seen(*p.world, "woke"));
  LONGS_EQUAL(TASK_PARKED, seen(*p.world, "state"));
  LONGS_EQUAL(TASK_RUNNING, seen(*p.world, "after unpark"));
  LONGS_EQUAL(3, seen(*p.world, "stop"));
}

TEST(Kthread, ParkTwiceIsEbusyParkOfAnExitedThreadIsEnosys) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
     return parkable_thread(w, current);
   }).task("parker", [](World& w, task_struct*) {
    w.seen["first"] = kthread_park(w.task[0]);
    w.seen["second"] = kthread_park(w.task[0]);
    kthread_unpark(w.task[0]);
    kthread_stop(w.task[0]);
    w.seen["exited"] = kthread_park(w.task[0]);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  LONGS_EQUAL(0, seen(*p.world, "first"));
  LONGS_EQUAL(-EBUSY, seen(*p.world, "second"));
  LONGS_EQUAL(-ENOSYS, seen(*p.world, "exited"));
}

TEST(Kthread, StopUnparksAParkedThread) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
     return parkable_thread(w, current);
   }).task("parker", [](World& w, task_struct*) {
    kthread_park(w.task[0]);
    w.seen["stop"] = kthread_stop(w.task[0]);  // no kthread_unpark(): kthread_stop does it
    return 0;
  });
  std::set<std::int64_t> stops;
  p.at_end_do([&](World& w, Execution&) { stops.insert(seen(w, "stop")); });
  const SearchResult r = run_dfs_without_signals(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
  CHECK(stops == std::set<std::int64_t>{3});
}

}  // namespace
}  // namespace wakecheck
