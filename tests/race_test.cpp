// Data races on data that declares its guarding lock (checker/race.hpp): two
// accesses, one a write, not ordered by a lock or a wake. Both sites named.
#include <string>

#include "checker/explorer.hpp"
#include "model/kernel/completion.hpp"
#include "model/kernel/spinlock.hpp"
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
using ktest::World;

void increment(World& w, bool locked) {
  if (locked) spin_lock(&w.l);
  w.counter.store(w.counter.load() + 1);
  if (locked) spin_unlock(&w.l);
}

TEST_GROUP(DataRace){};

TEST(DataRace, AccessesUnderTheDeclaredGuardDoNotRace) {
  KernelProgram p;
  for (const char* name : {"t0", "t1"})
    p.task(name, [](World& w, task_struct*) {
      increment(w, true);
      return 0;
    });
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
}

TEST(DataRace, AnAccessWithoutTheGuardRacesAndBothSitesAreNamed) {
  KernelProgram p;
  p.task("locked", [](World& w, task_struct*) {
     increment(w, true);
     return 0;
   }).task("unlocked", [](World& w, task_struct*) {
    increment(w, false);  // bad: counter is guarded by l
    return 0;
  });
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("data-race", kind_of(r));
  const Finding& f = r.failure->finding;
  CHECK_TEXT(contains(f.summary, "data race on counter: "), f.summary.c_str());
  CHECK_TEXT(contains(f.summary, "unordered by l or a wake"), f.summary.c_str());
  CHECK_TEXT(contains(f.explanation, "locked ") && contains(f.explanation, "unlocked "),
             f.explanation.c_str());
  CHECK_TEXT(contains(f.explanation, "counter at tests/race_test.cpp:"), f.explanation.c_str());
  CHECK_TEXT(contains(f.explanation, ", without l"), f.explanation.c_str());
  UNSIGNED_LONGS_EQUAL(p.world->counter.id(), f.object);
  CHECK(f.window_first != 0 && f.window_first < f.window_last);
}

// A completion orders the completer's write before the waiter's read (through
// the completion's lock), in every interleaving.
TEST(DataRace, ACompletionOrdersTheWriteBeforeTheRead) {
  KernelProgram p;
  p.task("writer", [](World& w, task_struct*) {
     w.counter.store(1);  // without l, but published by complete()
     complete(&w.done);
     return 0;
   }).task("reader", [](World& w, task_struct*) {
    wait_for_completion(&w.done);
    return static_cast<int>(w.counter.load());
  });
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
}

// try_to_wake_up() orders the waker's past before the woken task's future:
// the sleeper reads counter after schedule() returns.
TEST(DataRace, AWakeOrdersTheWakerBeforeTheSleeper) {
  KernelProgram p;
  p.task("sleeper", [](World& w, task_struct* current) {
     set_current_state(current, TASK_UNINTERRUPTIBLE);
     schedule(current);
     return static_cast<int>(w.counter.load());
   }).task("waker", [](World& w, task_struct*) {
    w.counter.store(1);
    wake_up_process(w.task[0]);
    return 0;
  });
  STRCMP_EQUAL("none", kind_of(run_lowest_first(p)));
}

// Without the wake (the reader does not wait at all) the same accesses race.
TEST(DataRace, WithoutTheWakeTheSameAccessesRace) {
  KernelProgram p;
  p.task("reader", [](World& w, task_struct*) {
     return static_cast<int>(w.counter.load());
   }).task("writer", [](World& w, task_struct*) {
    w.counter.store(1);
    return 0;
  });
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("data-race", kind_of(r));
}

}  // namespace
}  // namespace wakecheck
