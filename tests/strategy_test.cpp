// The bug-hunting strategies: preemption bounding (pb), delay bounding (db)
// and PCT. Each is checked for what it promises to cover, against plain DFS.
#include <set>
#include <string>

#include "checker/bounded.hpp"
#include "checker/dfs.hpp"
#include "checker/explorer.hpp"
#include "checker/pct.hpp"
#include "checker/strategies.hpp"
#include "model/kernel/spinlock.hpp"
#include "tests/kernel_harness.hpp"

// CppUTest last: its headers redefine new/delete for leak checks.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

using ktest::KernelProgram;
using ktest::kind_of;
using ktest::World;

using Measure = BoundedScheduler::Measure;

// Two tasks, two critical sections each, on different locks: nothing blocks,
// so every interleaving of their 4 + 4 scheduling points is a schedule.
void build_independent(KernelProgram& p) {
  p.task("t0", [](World& w, task_struct*) {
     spin_lock(&w.a);
     spin_unlock(&w.a);
     spin_lock(&w.a);
     spin_unlock(&w.a);
     return 0;
   }).task("t1", [](World& w, task_struct*) {
    spin_lock(&w.b);
    spin_unlock(&w.b);
    spin_lock(&w.b);
    spin_unlock(&w.b);
    return 0;
  });
}

// t0 takes a then b; t1 takes b then a: one preemption deadlocks them.
void build_abba(KernelProgram& p) {
  p.task("t0", [](World& w, task_struct*) {
     spin_lock(&w.a);
     spin_lock(&w.b);
     spin_unlock(&w.b);
     spin_unlock(&w.a);
     return 0;
   }).task("t1", [](World& w, task_struct*) {
    spin_lock(&w.b);
    spin_lock(&w.a);
    spin_unlock(&w.a);
    spin_unlock(&w.b);
    return 0;
  });
}

SearchResult run_bounded(KernelProgram& p, Measure m, std::uint32_t bound, bool caching = false,
                         std::string* coverage = nullptr) {
  BoundedScheduler s(m, bound, caching);
  SearchResult r = explore(p, s, SearchLimits{});
  if (coverage) *coverage = s.coverage();
  return r;
}

// Terminal states (fingerprints) that a search reached.
struct Ends {
  std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
  void attach(KernelProgram& p) {
    p.at_end_do([this](World&, Execution& ex) {
      seen.insert({ex.fingerprint().lo, ex.fingerprint().hi});
    });
  }
};

TEST_GROUP(Strategies){};

TEST(Strategies, EveryNameIsInTheTable) {
  for (const char* name : {"dfs", "pb", "db", "pct", "random"})
    CHECK_TEXT(find_strategy(name) != nullptr, name);
}

// With no preemption a task runs until it blocks or finishes: two schedules,
// t0 first or t1 first.
TEST(Strategies, PreemptionBoundZeroRunsEachTaskToTheEnd) {
  KernelProgram p;
  build_independent(p);
  std::string coverage;
  const SearchResult r = run_bounded(p, Measure::preemptions, 0, false, &coverage);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
  LONGS_EQUAL(2, r.stats.executions);
  STRCMP_EQUAL("every schedule with at most 0 preemptions", coverage.c_str());
}

TEST(Strategies, PreemptionBoundingFindsAbbaWithOnePreemptionNotZero) {
  KernelProgram none;
  build_abba(none);
  STRCMP_EQUAL("none", kind_of(run_bounded(none, Measure::preemptions, 0)));
  KernelProgram one;
  build_abba(one);
  const SearchResult r = run_bounded(one, Measure::preemptions, 1);
  STRCMP_EQUAL("deadlock", kind_of(r));
  CHECK(r.failure->finding.summary.find("lock-order inversion") != std::string::npos);
}

// With a bound no schedule needs, pb and db reach every terminal state plain
// DFS reaches, and say that they covered every schedule.
TEST(Strategies, BoundedSearchesWithAnAmpleBoundReachWhatDfsReaches) {
  Ends dfs_ends;
  KernelProgram d;
  build_independent(d);
  dfs_ends.attach(d);
  DfsScheduler dfs(false);
  const SearchResult rd = explore(d, dfs, SearchLimits{});
  CHECK(rd.stats.exhausted);
  for (const Measure m : {Measure::preemptions, Measure::delays}) {
    for (const bool caching : {false, true}) {
      Ends ends;
      KernelProgram p;
      build_independent(p);
      ends.attach(p);
      std::string coverage;
      const SearchResult r = run_bounded(p, m, 20, caching, &coverage);
      CHECK(r.stats.exhausted);
      CHECK(ends.seen == dfs_ends.seen);
      CHECK_TEXT(coverage.rfind("every schedule (none needs more than", 0) == 0, coverage.c_str());
    }
  }
}

// Round robin with no delay is one schedule.
TEST(Strategies, DelayBoundZeroIsOneSchedule) {
  KernelProgram p;
  build_independent(p);
  std::string coverage;
  const SearchResult r = run_bounded(p, Measure::delays, 0, false, &coverage);
  LONGS_EQUAL(1, r.stats.executions);
  STRCMP_EQUAL("every schedule with at most 0 delays", coverage.c_str());
}

TEST(Strategies, DelayBoundingFindsAbba) {
  KernelProgram p;
  build_abba(p);
  STRCMP_EQUAL("deadlock", kind_of(run_bounded(p, Measure::delays, 2)));
}

// PCT is seeded: the same seed gives the same search, and it finds the ABBA
// deadlock (a bug of depth 2).
TEST(Strategies, PctIsSeededAndFindsAbba) {
  std::uint64_t executions[2] = {0, 0};
  for (auto& n : executions) {
    KernelProgram p;
    build_abba(p);
    PctScheduler pct(7, 2);
    const SearchResult r = explore(p, pct, SearchLimits{1000, 1000});
    STRCMP_EQUAL("deadlock", kind_of(r));
    n = r.stats.executions;
  }
  LONGS_EQUAL(executions[0], executions[1]);
  CHECK(executions[0] < 1000);
}

}  // namespace
}  // namespace wakecheck
