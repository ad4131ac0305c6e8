// Cycles without progress (checker/cycle.hpp): a busy-wait when a task polls
// without sleeping while another that could run is starved, a livelock when
// every task that could run on the cycle runs in it; neither when the poller
// sleeps between its tries, when its retries are bounded, or when work moves
// on the cycle. A step bound hit without a repeated state is no finding.
#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "checker/random.hpp"
#include "tests/kernel_harness.hpp"

// CppUTest last: its new/delete macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

using ktest::contains;
using ktest::KernelProgram;
using ktest::kind_of;
using ktest::World;

// lock, test, unlock, retry: the seed's `goto out` consumer in small.
int busy_poller(World& w, task_struct*) {
  for (;;) {
    w.k.ex().declare_task_state(0);  // every try starts alike
    spin_lock(&w.l);
    const std::int64_t set = w.flag.load();
    spin_unlock(&w.l);
    if (set) return 0;
  }
}

int setter(World& w, task_struct*) {
  spin_lock(&w.l);
  w.flag.store(1);
  spin_unlock(&w.l);
  return 0;
}

KernelProgram busy_wait_program() {
  KernelProgram p;
  p.task("poller", busy_poller).task("setter", setter);
  return p;
}

std::string task_of(const ExecutionRecord& r) {
  return r.finding.task == kNoTask ? "-" : r.task_names[r.finding.task];
}

std::string object_of(const ExecutionRecord& r) {
  return r.finding.object == kNoObject ? "-" : r.objects[r.finding.object].name;
}

SearchResult run_with(Program& p, Scheduler& s, std::uint32_t max_steps = 10'000) {
  SearchLimits limits;
  limits.max_steps = max_steps;
  return explore(p, s, limits);
}

// Runs the task that did not run last whenever it can: a fair scheduler.
class AlternatingScheduler final : public Scheduler {
 public:
  bool begin_execution() override { return !std::exchange(ran_, true); }
  std::optional<TaskId> pick_task(const Decision& d) override {
    for (const TaskId t : d.enabled)
      if (t != d.previous) return t;
    return d.enabled.front();
  }
  void end_execution() override {}

 private:
  bool ran_ = false;
};

// Both tasks flip one flag under a lock forever, each declaring it carries
// nothing: one round of one task changes the state, a round of each (or two
// of one) brings it back.
KernelProgram two_spinners() {
  KernelProgram p;
  const auto spin = [](World& w, task_struct*) -> int {
    for (;;) {
      w.k.ex().declare_task_state(0);
      spin_lock(&w.l);
      w.flag.store(w.flag.load() ^ 1);
      spin_unlock(&w.l);
    }
  };
  p.task("t0", spin).task("t1", spin);
  return p;
}

}  // namespace

TEST_GROUP(Cycle){};

TEST(Cycle, APollerThatNeverSleepsWhileTheSetterStarvesIsABusyWait) {
  KernelProgram p = busy_wait_program();
  const SearchResult r = ktest::run_dfs(p);
  STRCMP_EQUAL("busy-wait", kind_of(r));
  const ExecutionRecord& rec = *r.failure;
  STRCMP_EQUAL("poller", task_of(rec).c_str());
  STRCMP_EQUAL("flag", object_of(rec).c_str());
  STRCMP_CONTAINS("poller busy-waits on flag: it polls without sleeping while setter could run",
                  rec.finding.summary.c_str());
  // The trace ends where the cycle closes; the window is the cycle.
  LONGS_EQUAL(rec.trace.size(), rec.finding.entry);
  LONGS_EQUAL(rec.trace.size(), rec.finding.window_last);
  CHECK(rec.finding.window_first >= 1 && rec.finding.window_first < rec.finding.window_last);
  for (std::uint32_t n = rec.finding.window_first; n <= rec.finding.window_last; ++n)
    LONGS_EQUAL(0, static_cast<long>(rec.trace[n - 1].task));  // only the poller moves
  // The explanation lists the cycle's operations with their lines.
  CHECK_TEXT(contains(rec.finding.explanation, "spin_lock(l) at tests/cycle_test.cpp:"),
             rec.finding.explanation.c_str());
  CHECK_TEXT(contains(rec.finding.explanation, "read flag = 0 at tests/cycle_test.cpp:"),
             rec.finding.explanation.c_str());
}

// Found by the state repeating, not by a bound: far below max_steps, and by
// every strategy, stateless or random.
TEST(Cycle, TheBusyWaitIsFoundLongBeforeTheStepBoundByAnyStrategy) {
  KernelProgram p = busy_wait_program();
  DfsScheduler plain(false);
  const SearchResult a = run_with(p, plain);
  STRCMP_EQUAL("busy-wait", kind_of(a));
  CHECK(a.failure->steps < 20);
  RandomScheduler random(7);
  const SearchResult b = run_with(p, random);
  STRCMP_EQUAL("busy-wait", kind_of(b));
  CHECK(b.failure->steps < 100);
}

// The schedule ends at the cycle's closing, and replaying it closes it again:
// the same finding at the same entry.
TEST(Cycle, TheBusyWaitReplaysExactly) {
  KernelProgram p = busy_wait_program();
  const SearchResult r = ktest::run_dfs(p);
  STRCMP_EQUAL("busy-wait", kind_of(r));
  const SearchResult again = ktest::run_replay(p, r.failure->decisions, true);
  CHECK_TEXT(again.problem.empty(), again.problem.c_str());
  STRCMP_EQUAL("busy-wait", kind_of(again));
  LONGS_EQUAL(r.failure->trace.size(), again.failure->trace.size());
  LONGS_EQUAL(r.failure->steps, again.failure->steps);
  STRCMP_EQUAL(r.failure->finding.explanation.c_str(), again.failure->finding.explanation.c_str());
}

// Deterministic: the same search closes the same cycle, byte for byte.
TEST(Cycle, TheSameSearchClosesTheSameCycleTwice) {
  KernelProgram a = busy_wait_program(), b = busy_wait_program();
  RandomScheduler ra(3), rb(3);
  const SearchResult x = run_with(a, ra), y = run_with(b, rb);
  STRCMP_EQUAL("busy-wait", kind_of(x));
  CHECK(x.failure->decisions == y.failure->decisions);
  LONGS_EQUAL(x.stats.executions, y.stats.executions);
  STRCMP_EQUAL(x.failure->finding.explanation.c_str(), y.failure->finding.explanation.c_str());
}

// A poll that sleeps (a timed sleep between tries) lets the CPU go: the cycle
// it can go round while the setter is starved is no finding, and the search
// ends with none.
TEST(Cycle, APollThatSleepsBetweenTriesIsNoFinding) {
  KernelProgram p;
  p.task("poller", [](World& w, task_struct* current) {
     for (;;) {
       w.k.ex().declare_task_state(0);
       if (w.flag.load()) return 0;
       set_current_state(current, TASK_UNINTERRUPTIBLE);
       schedule_timeout(current, 1);  // msleep(): the timer ends the sleep
     }
   }).task("setter", setter);
  const SearchResult r = ktest::run_dfs(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
}

// Retries that count (the count is part of the task's state) never repeat a
// state: trylock three times, then give up.
TEST(Cycle, BoundedRetriesAreNoFinding) {
  KernelProgram p;
  p.task("poller", [](World& w, task_struct*) {
     for (std::uint64_t tries = 0; tries < 3; ++tries) {
       w.k.ex().declare_task_state(tries);
       if (w.flag.load()) return 0;
     }
     return -EAGAIN;
   }).task("setter", setter);
  const SearchResult r = ktest::run_dfs(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
}

// A loop that comes back to its state with work done on the way (the model
// says so with progress()) is no cycle without progress: it runs into the
// step bound, which is no finding either.
TEST(Cycle, ACycleWithProgressIsNotAFinding) {
  KernelProgram p;
  p.task("worker", [](World& w, task_struct*) -> int {
    for (;;) {
      w.k.ex().declare_task_state(0);
      spin_lock(&w.l);
      spin_unlock(&w.l);
      w.k.ex().progress();  // say an item went through
    }
  });
  DfsScheduler dfs(true);
  const SearchResult r = run_with(p, dfs, 60);
  STRCMP_EQUAL("step-bound", kind_of(r));
  LONGS_EQUAL(60, r.failure->steps);
}

// Alone, a spinner's cycle is made of forced steps (nothing else can run):
// every task that can run runs in it, a livelock, found by Brent's check.
TEST(Cycle, ALoneSpinnerIsALivelock) {
  KernelProgram p;
  p.task("spinner", [](World& w, task_struct*) -> int {
    for (;;) {
      w.k.ex().declare_task_state(0);
      spin_lock(&w.l);
      spin_unlock(&w.l);
    }
  });
  const SearchResult r = ktest::run_dfs(p);
  STRCMP_EQUAL("livelock", kind_of(r));
  STRCMP_EQUAL("spinner", task_of(*r.failure).c_str());
  CHECK(r.failure->steps < 20);
  STRCMP_CONTAINS("no fair scheduler leaves", r.failure->finding.summary.c_str());
}

// The same loop without a declared state never repeats a state (its history
// grows): the step bound, inconclusive, not a finding.
TEST(Cycle, WithoutADeclaredStateTheLoopOnlyHitsTheStepBound) {
  KernelProgram p;
  p.task("spinner", [](World& w, task_struct*) -> int {
    for (;;) {
      spin_lock(&w.l);
      spin_unlock(&w.l);
    }
  });
  DfsScheduler dfs(true);
  const SearchResult r = run_with(p, dfs, 50);
  STRCMP_EQUAL("step-bound", kind_of(r));
}

// Two spinners: under a fair scheduler each round runs both, a fair cycle:
// livelock. A search that lets one spin alone finds the unfair cycle first:
// a busy-wait, the other task starved.
TEST(Cycle, AFairCycleIsALivelockAndAnUnfairOneABusyWait) {
  KernelProgram fair = two_spinners();
  AlternatingScheduler alternate;
  const SearchResult a = run_with(fair, alternate);
  STRCMP_EQUAL("livelock", kind_of(a));
  STRCMP_CONTAINS("t0, t1 run in a cycle without progress", a.failure->finding.summary.c_str());
  KernelProgram unfair = two_spinners();
  const SearchResult b = ktest::run_dfs(unfair);
  STRCMP_EQUAL("busy-wait", kind_of(b));
  STRCMP_CONTAINS("t0 busy-waits on flag: it polls without sleeping while t1 could run",
                  b.failure->finding.summary.c_str());
}

// Two tasks hand a turn back and forth forever, sleeping until it is theirs:
// no task can go round alone (it sleeps), so every cycle runs both: a
// livelock, whatever the search order.
TEST(Cycle, AnEndlessHandOffIsALivelock) {
  KernelProgram p;
  const auto player = [](int me) {
    return [me](World& w, task_struct*) -> int {
      for (;;) {
        w.k.ex().declare_task_state(0);
        wait_event(&w.wq, [&] { return w.flag.load() == me; });
        w.flag.store(1 - me);
        wake_up(&w.wq);
      }
    };
  };
  p.task("ping", player(0)).task("pong", player(1));
  const SearchResult r = ktest::run_dfs(p);
  STRCMP_EQUAL("livelock", kind_of(r));
  STRCMP_CONTAINS("ping, pong run in a cycle without progress", r.failure->finding.summary.c_str());
  CHECK_TEXT(contains(r.failure->finding.explanation, "every task that could run on the cycle ran"),
             r.failure->finding.explanation.c_str());
}

}  // namespace wakecheck
