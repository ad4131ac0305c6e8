// The engine on its own: small programs written directly on the
// instrumentation API (no kernel model), and the differential test that
// trusts state caching only because it reaches what plain DFS reaches.
#include <algorithm>
#include <functional>
#include <memory>
#include <set>
#include <utility>
#include <vector>

#include "checker/dfs.hpp"
#include "checker/execution.hpp"
#include "checker/explorer.hpp"
#include "checker/program.hpp"
#include "checker/random.hpp"
#include "checker/replay.hpp"
#include "checker/shared.hpp"
#include "model/models.hpp"

// CppUTest last: its new/delete macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

// Tasks given as lambdas over the execution; at_end records each terminal
// state's fingerprint.
class LambdaProgram final : public Program {
 public:
  using Setup = std::function<void(Execution&)>;
  explicit LambdaProgram(Setup setup) : setup_(std::move(setup)) {}
  void setup(Execution& ex) override { setup_(ex); }
  std::string work_left(const Execution&, TaskId, ObjectId) const override { return ""; }
  void at_end(Execution& ex) override { ends.insert({ex.fingerprint().lo, ex.fingerprint().hi}); }
  std::set<std::pair<std::uint64_t, std::uint64_t>> ends;

 private:
  Setup setup_;
};

const char* const kNames[] = {"t0", "t1", "t2"};

// Two tasks each take the lock twice and write their own variable under it.
// Neither reads what the other wrote, so different orders of the critical
// sections meet again in the same state.
void two_lockers(Execution& ex) {
  static std::vector<std::unique_ptr<shared_var>> mine;
  const ObjectId lock = ex.add_object(ObjectKind::Spinlock, "lock");
  mine.clear();
  for (int t = 0; t < 2; ++t) {
    mine.push_back(std::make_unique<shared_var>(ex, kNames[t], 0));
    shared_var* v = mine.back().get();
    ex.spawn(kNames[t], 0, [&ex, lock, v] {
      for (int i = 1; i <= 2; ++i) {
        ex.lock(lock, "lock", SourceLoc::current());
        v->store(i);
        ex.unlock(lock, "unlock", SourceLoc::current());
      }
      return 0;
    });
  }
}

}  // namespace

TEST_GROUP(Engine){};

TEST(Engine, PlainDfsEnumeratesEveryInterleavingOfCriticalSections) {
  LambdaProgram p(two_lockers);
  DfsScheduler dfs(false);
  const SearchResult r = explore(p, dfs, SearchLimits{});
  CHECK(r.stats.exhausted);
  CHECK(!r.failure);
  // A decision arises only while the lock is free (a task waiting for a held
  // lock is not enabled), so plain DFS enumerates the orders of the four
  // critical sections, two per task: C(4,2) = 6.
  LONGS_EQUAL(6, r.stats.executions);
  LONGS_EQUAL(0, r.stats.cut);
}

TEST(Engine, StateCachingCutsRepeatedStatesAndKeepsEveryEnd) {
  LambdaProgram plain(two_lockers), cached(two_lockers);
  DfsScheduler a(false), b(true);
  const SearchResult ra = explore(plain, a, SearchLimits{});
  const SearchResult rb = explore(cached, b, SearchLimits{});
  CHECK(rb.stats.exhausted);
  CHECK(rb.stats.executions < ra.stats.executions);
  CHECK(rb.stats.cut > 0);
  CHECK(plain.ends == cached.ends);
}

// The spinner keeps its whole history (it declares no state), so no state
// repeats: the step bound ends it, a StepBound (inconclusive), not a livelock.
TEST(Engine, TheStepBoundEndsARunawayExecutionWithoutACycle) {
  LambdaProgram p([](Execution& ex) {
    const ObjectId lock = ex.add_object(ObjectKind::Spinlock, "lock");
    ex.spawn("spinner", 0, [&ex, lock] {
      for (;;) {
        ex.lock(lock, "lock", SourceLoc::current());
        ex.unlock(lock, "unlock", SourceLoc::current());
      }
      return 0;
    });
  });
  DfsScheduler dfs(true);
  const SearchResult r = explore(p, dfs, SearchLimits{10, 50});
  CHECK(r.failure.has_value());
  CHECK(r.failure->finding.kind == FindingKind::StepBound);
  LONGS_EQUAL(50, r.failure->steps);
  STRCMP_CONTAINS("spinner", r.failure->finding.explanation.c_str());
}

TEST(Engine, AModelThatThrowsIsAModelErrorNotACrash) {
  LambdaProgram p([](Execution& ex) {
    const ObjectId lock = ex.add_object(ObjectKind::Spinlock, "lock");
    ex.spawn("thrower", 0, [&ex, lock]() -> int {
      ex.lock(lock, "lock", SourceLoc::current());
      throw std::runtime_error("boom");
    });
  });
  DfsScheduler dfs(true);
  const SearchResult r = explore(p, dfs, SearchLimits{});
  CHECK(r.failure.has_value());
  CHECK(r.failure->finding.kind == FindingKind::ModelError);
  STRCMP_EQUAL("the model threw: boom", r.failure->finding.summary.c_str());
}

TEST(Engine, ANondeterministicModelIsReported) {
  int run = 0;
  LambdaProgram p([&run](Execution& ex) {
    const ObjectId lock = ex.add_object(ObjectKind::Spinlock, "lock");
    const int tasks = ++run == 1 ? 2 : 3;  // a different world the second time
    for (int t = 0; t < tasks; ++t)
      ex.spawn(kNames[t], 0, [&ex, lock] {
        ex.lock(lock, "lock", SourceLoc::current());
        ex.unlock(lock, "unlock", SourceLoc::current());
        return 0;
      });
  });
  DfsScheduler dfs(false);
  const SearchResult r = explore(p, dfs, SearchLimits{});
  STRCMP_CONTAINS("the model is not deterministic", r.problem.c_str());
}

TEST(Engine, ReplayFollowsTheGivenDecisions) {
  // t1's first section, t0's first, t1's second; then t0 runs alone.
  LambdaProgram p(two_lockers);
  ReplayScheduler replay({1, 0, 1}, {"t0", "t1"});
  const SearchResult r = explore(p, replay, SearchLimits{});
  CHECK(r.problem.empty());
  LONGS_EQUAL(1, r.stats.executions);
}

TEST(Engine, ReplaySaysWhenTheScheduleOutlivesTheExecution) {
  // Running t1 twice first leaves t0 alone: only two decisions arise.
  LambdaProgram p(two_lockers);
  ReplayScheduler replay({1, 1, 0}, {"t0", "t1"});
  const SearchResult r = explore(p, replay, SearchLimits{});
  STRCMP_EQUAL("diverged: the execution ended after 2 decisions, but the schedule has 3",
               r.problem.c_str());
}

TEST(Engine, TheSameSeedGivesTheSameRandomSearch) {
  auto program = find_model("boundedq")->make("ok", Workload{2, 2, 1, 1});
  RandomScheduler a(7), b(7), c(8);
  const SearchResult ra = explore(*program, a, SearchLimits{200, 10000});
  const SearchResult rb = explore(*program, b, SearchLimits{200, 10000});
  const SearchResult rc = explore(*program, c, SearchLimits{200, 10000});
  LONGS_EQUAL(ra.stats.steps, rb.stats.steps);
  CHECK(ra.stats.steps != rc.stats.steps);
}

// t1 leaks `lock` only when it read t0's write first. By default the search
// stops at that execution; with stop_at_finding off it goes on to cover every
// interleaving, and the observer sees each execution, failing or not.
void leaks_after_seeing_write(Execution& ex) {
  static std::unique_ptr<shared_var> x;
  const ObjectId lock = ex.add_object(ObjectKind::Spinlock, "lock");
  x = std::make_unique<shared_var>(ex, "x", 0);
  ex.spawn("t0", 0, [] {
    x->store(1);
    return 0;
  });
  ex.spawn("t1", 1, [&ex, lock] {
    const std::int64_t seen = x->load();
    ex.lock(lock, "lock", SourceLoc::current());
    if (seen == 1) return 1;  // returns holding lock
    ex.unlock(lock, "unlock", SourceLoc::current());
    return 0;
  });
}

TEST(Engine, TheObserverSeesEveryExecutionAndTheSearchCanGoOnPastAFinding) {
  for (const bool stop : {true, false}) {
    LambdaProgram p(leaks_after_seeing_write);
    DfsScheduler dfs(false);
    SearchLimits limits;
    limits.stop_at_finding = stop;
    std::vector<FindingKind> seen;
    const SearchResult r = explore(
        p, dfs, limits, [&seen](const Execution& ex) { seen.push_back(ex.finding().kind); });
    UNSIGNED_LONGS_EQUAL(r.stats.executions, seen.size());
    CHECK(r.failure.has_value());
    CHECK(r.failure->finding.kind == FindingKind::LeakedLock);
    STRCMP_EQUAL("t1", r.failure->task_names[r.failure->finding.task].c_str());
    if (stop) CHECK(seen.back() == FindingKind::LeakedLock);  // the search ended there
    CHECK(r.stats.exhausted == !stop);
    // Plain DFS: t0's write before t1's read leaks, after it does not.
    const auto leaks = std::count(seen.begin(), seen.end(), FindingKind::LeakedLock);
    const auto clean = std::count(seen.begin(), seen.end(), FindingKind::None);
    LONGS_EQUAL(1, leaks);
    CHECK(stop ? clean == 0 : clean > 0);
  }
}

// `counter` is declared guarded by lock a; t0 increments it under a, t1 under
// the wrong lock b. Holding *a* lock must not hide t1's accesses: they
// interleave, and the race detector reports them unordered with t0's.
TEST(Engine, AnAccessUnderTheWrongLockIsADataRace) {
  struct Counter final : Program {
    void setup(Execution& ex) override {
      const ObjectId a = ex.add_object(ObjectKind::Spinlock, "a");
      const ObjectId b = ex.add_object(ObjectKind::Spinlock, "b");
      counter = std::make_unique<shared_var>(ex, "counter", 0, a);
      for (ObjectId lock : {a, b})
        ex.spawn(kNames[lock - a], 0, [this, &ex, lock] {
          ex.lock(lock, "lock", SourceLoc::current());
          counter->store(counter->load() + 1);
          ex.unlock(lock, "unlock", SourceLoc::current());
          return 0;
        });
    }
    std::string work_left(const Execution&, TaskId, ObjectId) const override { return ""; }
    void at_end(Execution&) override {}
    std::unique_ptr<shared_var> counter;
  } p;
  DfsScheduler dfs(false);
  const SearchResult r = explore(p, dfs, SearchLimits{});
  CHECK(r.failure.has_value());
  const Finding& f = r.failure->finding;
  STRCMP_EQUAL("data-race", finding_name(f.kind));
  STRCMP_CONTAINS("data race on counter: t", f.summary.c_str());
  STRCMP_CONTAINS("unordered by a or a wake", f.summary.c_str());
  STRCMP_CONTAINS("t1 ", f.explanation.c_str());
  STRCMP_CONTAINS("t0 ", f.explanation.c_str());
  STRCMP_CONTAINS("without a", f.explanation.c_str());
  STRCMP_CONTAINS("holding a", f.explanation.c_str());
}

}  // namespace wakecheck
