// The Lipton reduction (Execution::moves_without_yield) against every step a
// scheduling point, on the programs where a mover rule has an exception.
#include <set>
#include <string>
#include <utility>

#include "tests/kernel_harness.hpp"

// CppUTest last: its leak-detection macros redefine operator new.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

using namespace ktest;

// (what `first` reads at the end, what B's trylock returned) over every
// execution, with or without the reduction.
template <class First>
std::set<std::pair<std::int64_t, std::int64_t>> outcomes(KernelProgram& p, bool reduction,
                                                         First first) {
  std::set<std::pair<std::int64_t, std::int64_t>> out;
  DfsScheduler dfs(false);
  SearchLimits limits;
  limits.reduction = reduction;
  limits.stop_at_finding = false;
  explore(p, dfs, limits, [&](const Execution&) {
    out.insert({first(*p.world), seen(*p.world, "took")});
  });
  return out;
}

// Task A of both trylock programs: lock(l); flag = 1; unlock(l).
int store_flag_under_l(World& w, task_struct*) {
  spin_lock(&w.l);
  w.flag.store(1);
  spin_unlock(&w.l);
  return 0;
}

}  // namespace

TEST_GROUP(Reduction){};

// A: lock(l); flag = 1; unlock(l).  B: if (!trylock(l)) flag = 2.
// B's trylock can fail between A's acquisition and A's store, then B's
// store comes before A's: flag 1 with the trylock failed. The store right
// after the acquisition must not move while B is about to trylock l.
TEST(Reduction, ATrylockCanSeeTheLockHeldRightAfterItsAcquisition) {
  KernelProgram p;
  p.task("A", store_flag_under_l).task("B", [](World& w, task_struct*) {
    const int took = spin_trylock(&w.l);
    w.seen["took"] = took;
    if (!took)
      w.flag.store(2);
    else
      spin_unlock(&w.l);
    return 0;
  });
  const auto flag = [](const World& w) { return w.flag.peek(); };
  const auto reference = outcomes(p, false, flag);
  CHECK(reference.count({1, 0}) == 1);  // the case a careless reduction loses
  CHECK(outcomes(p, true, flag) == reference);
}

// Found by the fuzzer (seed 1000664): A: lock(l); flag = 1; unlock(l).
// B: read flag; trylock(l). B sees flag 1 and its trylock fails, both while A
// still holds l: B was not at its trylock when A took l, so only the promise
// that nobody trylocks l could let A's store and release move.
TEST(Reduction, ATrylockCanSeeTheLockHeldAfterSeeingTheOperationBeforeItsRelease) {
  KernelProgram p;
  p.task("A", store_flag_under_l).task("B", [](World& w, task_struct*) {
    w.seen["saw"] = w.flag.load();
    const int took = spin_trylock(&w.l);
    w.seen["took"] = took;
    if (took) spin_unlock(&w.l);
    return 0;
  });
  const auto saw = [](const World& w) { return seen(w, "saw"); };
  const auto reference = outcomes(p, false, saw);
  CHECK(reference.count({1, 0}) == 1);  // saw the store, then found l held
  CHECK(outcomes(p, true, saw) == reference);
}

// A lock promised never to be trylocked (spin_lock_no_trylock) moves; a
// spin_trylock of it is the model's error, named with the lock.
TEST(Reduction, TrylockOfALockPromisedNeverToBeTrylockedIsAModelError) {
  KernelProgram p;
  p.task("A", [](World& w, task_struct*) {
    spin_lock_no_trylock(&w.l);
    if (spin_trylock(&w.l)) spin_unlock(&w.l);
    return 0;
  });
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("model-error", kind_of(r));
  CHECK(r.failure.has_value());
  STRCMP_CONTAINS("A trylocks l, which the model promised is never trylocked",
                  r.failure->finding.summary.c_str());
}

// A lock promised innermost (spin_lock_innermost) is taken at once while
// free; taking another lock while holding it is the model's error, named
// with both locks.
TEST(Reduction, TakingALockUnderAnInnermostLockIsAModelError) {
  KernelProgram p;
  p.task("A", [](World& w, task_struct*) {
    spin_lock_innermost(&w.a);
    spin_lock(&w.a);
    spin_lock(&w.b);
    spin_unlock(&w.b);
    spin_unlock(&w.a);
    return 0;
  });
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("model-error", kind_of(r));
  CHECK(r.failure.has_value());
  STRCMP_CONTAINS("A takes b while holding a, which the model promised is innermost",
                  r.failure->finding.summary.c_str());
}

}  // namespace wakecheck
