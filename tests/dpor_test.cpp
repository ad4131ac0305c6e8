// Source-set DPOR (checker/dpor.hpp) over the event graph
// (checker/event_graph.hpp): what it reduces, that it reaches every end and
// finding plain DFS reaches on small kernel programs, and the shipped
// scenarios under it. The generated programs of the differential fuzzer
// (Fuzz group) hold it to plain DFS too.
#include <fmt/format.h>

#include <set>
#include <string>

#include "checker/dpor.hpp"
#include "checker/event_graph.hpp"
#include "checker/strategies.hpp"
#include "cli/commands.hpp"
#include "tests/kernel_harness.hpp"

// CppUTest last: its headers redefine new/delete for leak checks.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

using ktest::KernelProgram;
using ktest::kind_of;
using ktest::World;

// What the executions in which every task finished ended with: the values the
// tasks put in World::seen, and the flag. Path-independent.
struct Ends {
  std::set<std::string> seen;
  void attach(KernelProgram& p) {
    p.at_end_do([this](World& w, Execution& ex) {
      std::string end;
      for (TaskId t = 0; t < ex.task_count(); ++t)
        end += fmt::format("exit{}={} ", t, ex.exit_code(t));
      for (const auto& [key, value] : w.seen) end += fmt::format("{}={} ", key, value);
      seen.insert(end + fmt::format("flag={}", w.flag.peek()));
    });
  }
};

// Every step a scheduling point: the counts below are dpor's own reduction.
SearchLimits every_execution(ChoiceFamilies choices = {}) {
  SearchLimits l;
  l.reduction = false;
  l.stop_at_finding = false;
  l.choices = choices;
  return l;
}

struct Searched {
  SearchResult result;
  Ends ends;
};

// Runs the program `build` makes under plain DFS and under DPOR.
template <class Build>
std::pair<Searched, Searched> both(Build build, ChoiceFamilies choices = {}) {
  Searched dfs, dpor;
  KernelProgram p;
  build(p);
  dfs.ends.attach(p);
  DfsScheduler plain(false);
  dfs.result = explore(p, plain, every_execution(choices));
  KernelProgram q;
  build(q);
  dpor.ends.attach(q);
  DporScheduler reduced;
  dpor.result = explore(q, reduced, every_execution(choices));
  return {std::move(dfs), std::move(dpor)};
}

void two_lock_users(KernelProgram& p) {
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

// Both add one to the guarded counter; each remembers what it read.
void two_increments(KernelProgram& p) {
  for (const char* name : {"t0", "t1"})
    p.task(name, [name](World& w, task_struct*) {
      spin_lock(&w.l);
      const std::int64_t v = w.counter.load();
      w.counter.store(v + 1);
      spin_unlock(&w.l);
      w.seen[name] = v;
      return 0;
    });
}

// The same without the lock, on unguarded data: a lost update is possible.
void racy_increments(KernelProgram& p) {
  for (const char* name : {"t0", "t1"})
    p.task(name, [name](World& w, task_struct*) {
      const std::int64_t v = w.flag.load();
      w.flag.store(v + 1);
      w.seen[name] = v;
      return 0;
    });
}

// The waiter sleeps with a timeout; the waker sets the flag and wakes it: the
// wake may come first, or the timer, before or after the flag is set.
void timer_and_wake(KernelProgram& p) {
  p.task("waiter", [](World& w, task_struct*) {
     return static_cast<int>(wait_event_timeout(
         &w.wq, [&] { return w.flag.load() != 0; }, 5));
   }).task("waker", [](World& w, task_struct*) {
    w.flag.store(1);
    wake_up(&w.wq);
    return 0;
  });
}

// An interruptible waiter and a waker: a signal may end the sleep first.
void signal_and_wake(KernelProgram& p) {
  p.task("waiter", [](World& w, task_struct*) {
     return wait_event_interruptible(&w.wq, [&] { return w.flag.load() != 0; });
   }).task("waker", [](World& w, task_struct*) {
    w.flag.store(1);
    wake_up_all(&w.wq);
    return 0;
  });
}

// sleep_on's race: the test and the enqueue are apart, a wake between is lost.
void sleep_on_race(KernelProgram& p) {
  p.task("sleeper", [](World& w, task_struct*) {
     while (w.flag.load() == 0) sleep_on(&w.wq);
     return 0;
   }).task("waker", [](World& w, task_struct*) {
    w.flag.store(1);
    wake_up(&w.wq);
    return 0;
  });
  p.work_left_when([](const World& w, TaskId, ObjectId) {
    return w.flag.peek() != 0 ? std::string("the flag is set") : std::string();
  });
}

// t0 takes and drops the lock twice, then returns holding it the third time;
// t1 returns holding it: which leaks depends on who takes it when.
void two_leaks(KernelProgram& p) {
  p.task("t0", [](World& w, task_struct*) {
     for (int i = 0; i < 2; ++i) {
       spin_lock(&w.a);
       spin_unlock(&w.a);
     }
     spin_lock(&w.a);
     return 0;
   }).task("t1", [](World& w, task_struct*) {
    spin_lock(&w.a);
    return 0;
  });
}

// Every finding kind a search met ("leaked-lock t1"), with its task.
std::set<std::string> findings_of(KernelProgram& p, Scheduler& s) {
  std::set<std::string> out;
  explore(p, s, every_execution(), [&out](const Execution& ex) {
    if (ex.finding())
      out.insert(std::string(finding_name(ex.finding().kind)) + " " +
                 ex.task_name(ex.finding().task));
  });
  return out;
}

}  // namespace

TEST_GROUP(Dpor){};

TEST(Dpor, TheStrategyTableNamesIt) {
  const StrategyInfo* info = find_strategy("dpor");
  CHECK(info != nullptr);
  CHECK(info->exhaustive);
}

// Nothing the two tasks do depends on the other: one execution is every trace.
TEST(Dpor, IndependentTasksAreOneExecution) {
  const auto [dfs, dpor] = both(two_lock_users);
  CHECK(dpor.result.stats.exhausted);
  LONGS_EQUAL(1, dpor.result.stats.executions);
  CHECK(dfs.result.stats.executions > 10);
  CHECK(dpor.ends.seen == dfs.ends.seen);
}

// Two critical sections on one lock: which comes first is all that matters.
TEST(Dpor, TwoCriticalSectionsOnOneLockAreTwoExecutions) {
  const auto [dfs, dpor] = both(two_increments);
  CHECK(dpor.result.stats.exhausted);
  LONGS_EQUAL(2, dpor.result.stats.executions);
  CHECK(dpor.ends.seen == dfs.ends.seen);
  LONGS_EQUAL(2, dpor.ends.seen.size());
}

TEST(Dpor, UnguardedIncrementsLoseAnUpdateAsUnderDfs) {
  const auto [dfs, dpor] = both(racy_increments);
  CHECK(dpor.ends.seen == dfs.ends.seen);
  CHECK(dpor.ends.seen.count("exit0=0 exit1=0 t0=0 t1=0 flag=1") == 1);
  CHECK(dpor.result.stats.executions < dfs.result.stats.executions);
}

// The timer is an event of the environment: it races with the wake that
// would end the same sleep, and with the flag's write.
TEST(Dpor, TheTimerRacesWithTheWake) {
  const auto [dfs, dpor] = both(timer_and_wake);
  CHECK(dpor.ends.seen == dfs.ends.seen);
  CHECK(dpor.ends.seen.size() >= 3);  // returned 0, 1 and 5: timed out, flag set, woken
}

TEST(Dpor, ASignalMayEndTheSleepBeforeTheWake) {
  const auto [dfs, dpor] = both(signal_and_wake);
  CHECK(dpor.ends.seen == dfs.ends.seen);
  CHECK(dpor.ends.seen.count("exit0=-512 exit1=0 flag=1") == 1);
}

TEST(Dpor, FindsTheSleepOnRace) {
  KernelProgram p;
  sleep_on_race(p);
  DporScheduler s;
  const SearchResult r = explore(p, s, SearchLimits{});
  STRCMP_EQUAL("lost-wakeup", kind_of(r));
  STRCMP_CONTAINS("sleep_on race", r.failure->finding.explanation.c_str());
}

// A finding stops the execution: the task that could have taken the lock
// before t0's last acquisition does so in another execution.
TEST(Dpor, AFindingStopsEveryTaskAndTheOthersRunFirstElsewhere) {
  KernelProgram p;
  two_leaks(p);
  DfsScheduler plain(false);
  KernelProgram q;
  two_leaks(q);
  DporScheduler s;
  const std::set<std::string> want = findings_of(p, plain);
  CHECK(want == (std::set<std::string>{"leaked-lock t0", "leaked-lock t1"}));
  CHECK(findings_of(q, s) == want);
}

// Each step is an event from its scheduling point to the next: the guarded
// counter's accesses under the lock belong to the lock's event.
TEST(Dpor, AnEventsFootprintHasEveryAccessOfItsStep) {
  KernelProgram p;
  two_increments(p);
  StackPool stacks;
  Execution ex(stacks);
  ex.set_reduction(false);  // one event per step as written
  p.setup(ex);
  ktest::LowestFirstScheduler lowest;
  ex.run(lowest, p);
  EventGraph g;
  g.extend(ex, kNoTask, kNoEvent);
  g.analyse(0);
  LONGS_EQUAL(4, g.size());  // each task: lock (with the counter's read and write), unlock
  const ObjectId counter = p.world->counter.id();
  bool counted = false;
  for (const ObjectAccess& a : g.footprint(0)) counted = counted || a.object == counter;
  CHECK(counted);
  CHECK(g.happens_before(0, 2));  // t0's unlock before t1's lock: one lock
  // t1's acquisition races with t0's: the lock race, not the release.
  bool lock_race = false;
  for (const Race& r : g.races()) lock_race = lock_race || (r.i == 0 && r.j == 2 && r.lock);
  CHECK(lock_race);
}

// ---------------------------------------------------------------------------

TEST_GROUP(DporScenarios){};

TEST(DporScenarios, EveryShippedBugScenarioIsFound) {
  int bugs = 0;
  for (const std::string& file : find_scenarios({"scenarios"})) {
    const Scenario s = load_scenario(file);
    if (s.expect == FindingKind::None) continue;
    ++bugs;
    const CheckOutcome o = check_scenario(s, "dpor");
    CHECK_TEXT(o.found == s.expect, file.c_str());
    CHECK_TEXT(o.met, file.c_str());
  }
  CHECK(bugs >= 20);
}

// Every clean scenario is covered exhaustively, with no finding and the
// same worst case of wasted wakeups as dfs (a property of the trace: the
// wakes a task got and what it wrote since).
TEST(DporScenarios, CleanScenariosAreExhaustiveWithDfsWorstWaste) {
  int clean = 0;
  for (const std::string& file : find_scenarios({"scenarios"})) {
    const Scenario s = load_scenario(file);
    // W5 and W6 take a million executions or more: left to the benchmark table.
    if (s.expect != FindingKind::None || file.find("_w5") != std::string::npos ||
        file.find("_w6") != std::string::npos)
      continue;
    ++clean;
    const CheckOutcome o = check_scenario(s, "dpor");
    CHECK_TEXT(o.result.stats.exhausted, file.c_str());
    CHECK_TEXT(!o.result.failure, file.c_str());
    const CheckOutcome dfs = check_scenario(s, "dfs");
    CHECK_TEXT(dfs.result.stats.exhausted, file.c_str());
    CHECK_TEXT(o.result.stats.max_wasted == dfs.result.stats.max_wasted, file.c_str());
    CHECK_TEXT(o.result.max_wasted_by_object == dfs.result.max_wasted_by_object, file.c_str());
  }
  CHECK(clean >= 15);
}

// The benchmark's Q-ok workloads: GenMC needs 8 (W1) and 56 (W2). A change
// here is a change in the reduction: review it, then update the numbers.
TEST(DporScenarios, ExecutionsOnTheBenchmarkWorkloads) {
  const CheckOutcome w1 = check_scenario(load_scenario("scenarios/boundedq/ok_w1.toml"), "dpor");
  const CheckOutcome w2 = check_scenario(load_scenario("scenarios/boundedq/ok_w2.toml"), "dpor");
  CHECK(w1.result.stats.exhausted);
  CHECK(w2.result.stats.exhausted);
  LONGS_EQUAL(8, w1.result.stats.executions);
  LONGS_EQUAL(56, w2.result.stats.executions);
}

}  // namespace wakecheck
