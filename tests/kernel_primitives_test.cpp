// The sleeping primitives and the atomic-context rules around them: might_sleep(),
// struct mutex, struct completion, struct semaphore, spin_trylock() and the
// locked wait-queue forms. One test per rule of the tables in
// model/kernel/{mutex,completion,semaphore}.hpp.
#include <string>

#include "checker/explorer.hpp"
#include "model/kernel/completion.hpp"
#include "model/kernel/mutex.hpp"
#include "model/kernel/semaphore.hpp"
#include "model/kernel/wait.hpp"
#include "tests/kernel_harness.hpp"

// CppUTest last: its headers redefine new/delete for leak checks.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

using ktest::contains;
using ktest::entries_of;
using ktest::KernelProgram;
using ktest::kind_of;
using ktest::run_dfs;
using ktest::run_lowest_first;
using ktest::seen;
using ktest::World;

// Runs one task that does `body` while holding spinlock l; expects the
// might_sleep() finding for `caller`.
void check_sleeps_under_spinlock(KernelProgram& p, const std::string& caller) {
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("sleep-in-atomic", kind_of(r));
  const Finding& f = r.failure->finding;
  STRCMP_EQUAL(("t calls " + caller +
                "(), which may sleep, while holding spinlock l (sleeping function called from "
                "invalid context)")
                   .c_str(),
               f.summary.c_str());
  CHECK_TEXT(contains(f.explanation, "l was taken at #"), f.explanation.c_str());
  CHECK_TEXT(contains(f.explanation, " (tests/kernel_primitives_test.cpp:"), f.explanation.c_str());
  UNSIGNED_LONGS_EQUAL(p.world->l.id, f.object);
}

TEST_GROUP(MightSleep){};

// wait_event() calls might_sleep() before it tests the condition: under a
// spinlock it is a bug even when the condition holds and it never sleeps.
TEST(MightSleep, WaitEventUnderASpinlockIsFoundEvenWhenTheConditionHolds) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    spin_lock(&w.l);
    wait_event(&w.wq, [] { return true; });
    spin_unlock(&w.l);
    return 0;
  });
  check_sleeps_under_spinlock(p, "wait_event");
}

TEST(MightSleep, MutexLockUnderASpinlockIsFound) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    spin_lock(&w.l);
    mutex_lock(&w.m);
    mutex_unlock(&w.m);
    spin_unlock(&w.l);
    return 0;
  });
  check_sleeps_under_spinlock(p, "mutex_lock");
}

TEST(MightSleep, WaitForCompletionUnderASpinlockIsFound) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    complete(&w.done);
    spin_lock(&w.l);
    wait_for_completion(&w.done);
    spin_unlock(&w.l);
    return 0;
  });
  check_sleeps_under_spinlock(p, "wait_for_completion");
}

TEST(MightSleep, DownUnderASpinlockIsFound) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    spin_lock(&w.l);
    down(&w.sem);
    spin_unlock(&w.l);
    return 0;
  });
  check_sleeps_under_spinlock(p, "down");
}

// ---------------------------------------------------------------------------

TEST_GROUP(Mutex){};

// Two read-modify-writes of busy: under the mutex no update is lost; without
// it one is (the test can fail).
TEST(Mutex, MutexExcludesAndCanBeHeldAcrossSchedule) {
  for (const bool locked : {true, false}) {
    KernelProgram p;
    for (const char* name : {"t0", "t1"})
      p.task(name, [locked](World& w, task_struct* current) {
        if (locked) mutex_lock(&w.m);
        w.busy.store(w.busy.load() + 1);
        schedule(current);  // TASK_RUNNING: returns at once; holding a mutex is allowed
        if (locked) mutex_unlock(&w.m);
        return 0;
      });
    p.at_end_do([](World& w, Execution& ex) {
      if (w.busy.peek() != 2) ex.raise({FindingKind::Invariant, 0, w.busy.id(), 0, "lost", ""});
    });
    STRCMP_EQUAL(locked ? "none" : "invariant", kind_of(run_dfs(p)));
  }
}

TEST(Mutex, MutexUnlockByANonOwnerIsBadUnlock) {
  KernelProgram p;
  p.task("owner", [](World& w, task_struct*) {
     mutex_lock(&w.m);
     wait_event(&w.wq, [&] { return w.flag.load() != 0; });
     mutex_unlock(&w.m);
     return 0;
   }).task("other", [](World& w, task_struct*) {
    mutex_unlock(&w.m);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("bad-unlock", kind_of(r));
  STRCMP_EQUAL("other unlocks m, which it does not hold", r.failure->finding.summary.c_str());
  CHECK_TEXT(contains(r.failure->finding.explanation, "m is held by owner since #"),
             r.failure->finding.explanation.c_str());
}

TEST(Mutex, MutexLockOfAMutexTheTaskHoldsIsDeadlock) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    mutex_lock(&w.m);
    mutex_lock(&w.m);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("deadlock", kind_of(r));
  CHECK_TEXT(contains(r.failure->finding.explanation, "a mutex does not nest"),
             r.failure->finding.explanation.c_str());
}

TEST(Mutex, MutexTrylockTakesOnlyAFreeMutex) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    w.seen["free"] = mutex_trylock(&w.m);
    w.seen["held"] = mutex_trylock(&w.m);
    mutex_unlock(&w.m);
    return 0;
  });
  STRCMP_EQUAL("none", kind_of(run_lowest_first(p)));
  LONGS_EQUAL(1, seen(*p.world, "free"));
  LONGS_EQUAL(0, seen(*p.world, "held"));
}

TEST(Mutex, SpinTrylockNeverSpins) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    spin_lock(&w.l);
    w.seen["held"] = spin_trylock(&w.l);
    spin_unlock(&w.l);
    w.seen["free"] = spin_trylock(&w.l);
    spin_unlock(&w.l);
    return 0;
  });
  STRCMP_EQUAL("none", kind_of(run_lowest_first(p)));
  LONGS_EQUAL(0, seen(*p.world, "held"));
  LONGS_EQUAL(1, seen(*p.world, "free"));
}

// ---------------------------------------------------------------------------

TEST_GROUP(Completion){};

// done counts a complete() that came before anyone waited.
TEST(Completion, CompleteBeforeWaitIsNotLost) {
  KernelProgram p;
  p.task("waiter", [](World& w, task_struct*) {
     wait_for_completion(&w.done);
     return 0;
   }).task("completer", [](World& w, task_struct*) {
    complete(&w.done);
    return 0;
  });
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
}

// One complete() releases one of two waiters; the other sleeps for good.
TEST(Completion, CompleteWakesOneWaiterAndCountsTheRest) {
  for (const int completes : {1, 2}) {
    KernelProgram p;
    for (const char* name : {"w0", "w1"})
      p.task(name, [](World& w, task_struct*) {
        wait_for_completion(&w.done);
        return 0;
      });
    p.task("completer", [completes](World& w, task_struct*) {
      for (int i = 0; i < completes; ++i) complete(&w.done);
      return 0;
    });
    const SearchResult r = run_dfs(p);
    STRCMP_EQUAL(completes == 2 ? "none" : "deadlock", kind_of(r));
    if (completes == 1)
      STRCMP_EQUAL("every remaining task sleeps and nobody is left to wake it",
                   r.failure->finding.summary.c_str());
  }
}

// complete_all() wakes every waiter, and later waits return at once.
TEST(Completion, CompleteAllReleasesEveryWaiterForGood) {
  KernelProgram p;
  for (const char* name : {"w0", "w1"})
    p.task(name, [](World& w, task_struct*) {
      wait_for_completion(&w.done);
      wait_for_completion(&w.done);
      return 0;
    });
  p.task("completer", [](World& w, task_struct*) {
    complete_all(&w.done);
    return 0;
  });
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
}

TEST(Completion, TryWaitForCompletionNeverSleeps) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    w.seen["before"] = try_wait_for_completion(&w.done);
    complete(&w.done);
    w.seen["done"] = completion_done(&w.done);
    w.seen["after"] = try_wait_for_completion(&w.done);
    w.seen["again"] = try_wait_for_completion(&w.done);
    return 0;
  });
  STRCMP_EQUAL("none", kind_of(run_lowest_first(p)));
  LONGS_EQUAL(0, seen(*p.world, "before"));
  LONGS_EQUAL(1, seen(*p.world, "done"));
  LONGS_EQUAL(1, seen(*p.world, "after"));
  LONGS_EQUAL(0, seen(*p.world, "again"));
}

// ---------------------------------------------------------------------------

TEST_GROUP(Semaphore){};

TEST(Semaphore, DownSleepsUntilUp) {
  KernelProgram p;
  for (const char* name : {"t0", "t1", "t2"})
    p.task(name, [](World& w, task_struct*) {
      down(&w.sem);
      w.busy.store(w.busy.load() + 1);
      up(&w.sem);
      return 0;
    });
  p.at_end_do([](World& w, Execution& ex) {
    if (w.busy.peek() != 3) ex.raise({FindingKind::Invariant, 0, w.busy.id(), 0, "lost", ""});
  });
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
}

// holder takes the unit; waiter queues on the semaphore; completer lets holder
// go on, whose up() hands the unit to waiter: count stays 0, so holder's own
// down_trylock() right after fails (Linux: no stealing from a woken waiter).
TEST(Semaphore, UpHandsTheUnitToTheFirstWaiterInOrder) {
  KernelProgram p;
  p.task("holder",
         [](World& w, task_struct*) {
           down(&w.sem);
           wait_for_completion(&w.done);
           up(&w.sem);
           w.seen["trylock"] = down_trylock(&w.sem);
           return 0;
         })
      .task("waiter",
            [](World& w, task_struct*) {
              down(&w.sem);
              w.seen["waiter_got_it"] = 1;
              up(&w.sem);
              return 0;
            })
      .task("completer", [](World& w, task_struct*) {
        complete(&w.done);
        return 0;
      });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  LONGS_EQUAL(1, seen(*p.world, "trylock"));  // 1: it did not get a unit
  LONGS_EQUAL(1, seen(*p.world, "waiter_got_it"));
  const ExecutionRecord& rec = *p.finished;
  const auto handed = entries_of(rec, OpKind::WaitQueueRemove, "up");
  UNSIGNED_LONGS_EQUAL(1, handed.size());
  LONGS_EQUAL(1, rec.trace[handed[0]].b);  // to waiter
}

TEST(Semaphore, DownTrylockNeverSleeps) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    w.seen["first"] = down_trylock(&w.sem);
    w.seen["second"] = down_trylock(&w.sem);
    return 0;
  });
  STRCMP_EQUAL("none", kind_of(run_lowest_first(p)));
  LONGS_EQUAL(0, seen(*p.world, "first"));
  LONGS_EQUAL(1, seen(*p.world, "second"));
}

// ---------------------------------------------------------------------------

TEST_GROUP(LockedForms){};

TEST(LockedForms, WakeUpLockedWithoutTheQueueLockIsAFinding) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    wake_up_locked(&w.wq);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("invariant", kind_of(r));
  STRCMP_EQUAL("t calls wake_up_locked(wq) without holding wq.lock",
               r.failure->finding.summary.c_str());
}

// wait_event_lock_irq() tests the condition under the caller's lock and drops
// it only around schedule(): with a waker that sets flag under the same lock,
// no wake is lost in any interleaving.
TEST(LockedForms, WaitEventLockIrqNeverLosesAWake) {
  KernelProgram p;
  p.task("sleeper", [](World& w, task_struct*) {
     spin_lock_irq(&w.l);
     wait_event_lock_irq(
         &w.wq, [&] { return w.flag.load() != 0; }, &w.l);
     spin_unlock_irq(&w.l);
     return 0;
   }).task("waker", [](World& w, task_struct*) {
    spin_lock_irq(&w.l);
    w.flag.store(1);
    wake_up(&w.wq);
    spin_unlock_irq(&w.l);
    return 0;
  });
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
}

}  // namespace
}  // namespace wakecheck
