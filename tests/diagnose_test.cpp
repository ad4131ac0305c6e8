// Diagnoses name the real cause: each program here once got an explanation
// that pointed at the wrong read, the wrong wake or nothing at all.
#include <string>

#include "checker/explorer.hpp"
#include "model/kernel/sched.hpp"
#include "model/kernel/spinlock.hpp"
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
using ktest::World;

// Work is left for a sleeper on wq once flag is set.
std::string flag_set(const World& w, TaskId, ObjectId wq) {
  return wq == w.wq.id && w.flag.peek() != 0 ? "flag = 1" : "";
}

const Finding& lost_wakeup_of(const SearchResult& r) {
  STRCMP_EQUAL("lost-wakeup", kind_of(r));
  return r.failure->finding;
}

TEST_GROUP(Diagnosis){};

// The sleeper waits in TASK_UNINTERRUPTIBLE; the waker uses
// wake_up_interruptible(), which looks at it and leaves it asleep.
TEST(Diagnosis, AWakeThatFoundAWaiterButWokeNoneNamesTheStateFilter) {
  KernelProgram p;
  p.task("sleeper",
         [](World& w, task_struct*) {
           wait_event(&w.wq, [&] { return w.flag.load() != 0; });
           return 0;
         })
      .task("waker",
            [](World& w, task_struct*) {
              w.flag.store(1);
              wake_up_interruptible(&w.wq);
              return 0;
            })
      .work_left_when(flag_set);
  const SearchResult r = run_dfs(p);
  const Finding& f = lost_wakeup_of(r);
  CHECK_TEXT(contains(f.explanation,
                      "it looked at 1 waiter and woke none: the state filter left "
                      "sleeper asleep (its state TASK_UNINTERRUPTIBLE does not "
                      "match the wake's mode TASK_INTERRUPTIBLE)"),
             f.explanation.c_str());
  CHECK(!contains(f.explanation, "found no one to wake"));
  // The wake came after the sleep: the window still runs forwards and is marked.
  CHECK(f.window_first != 0 && f.window_first < f.window_last);
}

// The sleeper tests flag, then counts itself in (busy++), then sleeps: the
// sleep decision is the read of flag, not the read behind busy++.
TEST(Diagnosis, TheSleepDecisionIsTheReadTheBranchDependedOn) {
  KernelProgram p;
  p.task("sleeper",
         [](World& w, task_struct*) {
           if (w.flag.load() == 0) {
             w.busy.store(w.busy.load() + 1);
             sleep_on(&w.wq);
           }
           return 0;
         })
      .task("waker",
            [](World& w, task_struct*) {
              w.flag.store(1);
              wake_up(&w.wq);
              return 0;
            })
      .work_left_when(flag_set);
  const SearchResult r = run_dfs(p);
  const Finding& f = lost_wakeup_of(r);
  CHECK_TEXT(contains(f.explanation, "a sleep_on race. sleeper tested its condition at #"),
             f.explanation.c_str());
  CHECK_TEXT(contains(f.explanation, " (flag = 0, tests/diagnose_test.cpp:"),
             f.explanation.c_str());
  CHECK_TEXT(contains(f.explanation, "it decided to sleep after reading flag = 0 at #"),
             f.explanation.c_str());
  CHECK_TEXT(contains(f.explanation, "; waker set it to 1 at #"), f.explanation.c_str());
  CHECK(!contains(f.explanation, "busy = 0"));
}

// The waker wakes only when it sees a waiter counted in busy, read without a
// lock; the sleeper counts itself in after that read.
TEST(Diagnosis, AWakeSkippedOnAnUnlockedReadPointsAtThatRead) {
  KernelProgram p;
  p.task("sleeper",
         [](World& w, task_struct* current) {
           wait_queue_entry wait = DEFINE_WAIT(current);
           prepare_to_wait(&w.wq, &wait, TASK_UNINTERRUPTIBLE);
           if (w.flag.load() == 0) {
             w.busy.store(w.busy.load() + 1);
             schedule(current);
           }
           finish_wait(&w.wq, &wait);
           return 0;
         })
      .task("waker",
            [](World& w, task_struct*) {
              w.flag.store(1);
              if (w.busy.load() != 0) wake_up(&w.wq);
              return 0;
            })
      .work_left_when(flag_set);
  const SearchResult r = run_dfs(p);
  const Finding& f = lost_wakeup_of(r);
  CHECK_TEXT(contains(f.explanation, "no wake_up on wq ran in this execution"),
             f.explanation.c_str());
  CHECK_TEXT(contains(f.explanation, "cause: waker skipped its wake_up: it read busy = 0 at #"),
             f.explanation.c_str());
  CHECK_TEXT(contains(f.explanation, "without the lock that guards it, and sleeper set it to 1"),
             f.explanation.c_str());
  CHECK(f.window_first != 0 && f.window_first < f.window_last);
}

// The same with waitqueue_active() as the waker's test, and a sleeper that
// tests before it enqueues.
TEST(Diagnosis, AWakeSkippedOnWaitqueueActivePointsAtTheTest) {
  KernelProgram p;
  p.task("sleeper",
         [](World& w, task_struct*) {
           if (w.flag.load() == 0) sleep_on(&w.wq);
           return 0;
         })
      .task("waker",
            [](World& w, task_struct*) {
              w.flag.store(1);
              if (waitqueue_active(&w.wq)) wake_up(&w.wq);
              return 0;
            })
      .work_left_when(flag_set);
  const SearchResult r = run_dfs(p);
  const Finding& f = lost_wakeup_of(r);
  CHECK_TEXT(contains(f.explanation,
                      "cause: waker skipped its wake_up: waitqueue_active(wq) was false at #"),
             f.explanation.c_str());
  CHECK_TEXT(contains(f.explanation, "and sleeper enqueued itself only at #"),
             f.explanation.c_str());
}

// At the step bound one task is about to take a free lock: it is runnable,
// not "waiting for" it.
TEST(Diagnosis, FinalStateTellsAFreeLockFromAHeldOne) {
  KernelProgram p;
  p.task("spinner", [](World& w, task_struct*) {
    for (;;) {
      spin_lock(&w.l);
      spin_unlock(&w.l);
    }
    return 0;
  });
  DfsScheduler dfs(false);
  const SearchResult r = explore(p, dfs, SearchLimits{1, 10});
  STRCMP_EQUAL("step-bound", kind_of(r));
  CHECK_TEXT(contains(r.failure->final_state,
                      "  spinner: runnable, next takes l (free) at "
                      "tests/diagnose_test.cpp:"),
             r.failure->final_state.c_str());
  CHECK(!contains(r.failure->final_state, "waiting for l"));
}

}  // namespace
}  // namespace wakecheck
