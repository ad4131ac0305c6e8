// Choices of the environment other than "which task runs": signals, timers
// and spurious wakeups (checker Execution::sleep's events, model/kernel/sched.cpp
// schedule_timeout / send_sig, wait.hpp's ___wait_event). Each is a recorded
// decision, explored by the search and replayed exactly.
#include <set>
#include <string>

#include "checker/dfs.hpp"
#include "checker/explorer.hpp"
#include "checker/replay.hpp"
#include "model/kernel/wait.hpp"
#include "reports/schedule_file.hpp"
#include "scenarios/scenario.hpp"
#include "tests/kernel_harness.hpp"

// CppUTest last: its headers redefine new/delete for leak checks.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

using ktest::contains;
using ktest::KernelProgram;
using ktest::kind_of;
using ktest::run_lowest_first;
using ktest::World;

// Exit codes of task `t` over every execution that finished.
struct Exits {
  std::set<int> codes;
  void attach(KernelProgram& p, TaskId t) {
    p.at_end_do([this, t](World&, Execution& ex) { codes.insert(ex.exit_code(t)); });
  }
};

SearchResult search(KernelProgram& p, ChoiceFamilies choices, bool caching = true) {
  DfsScheduler dfs(caching);
  SearchLimits limits;
  limits.choices = choices;
  return explore(p, dfs, limits);
}

int wait_for_flag_interruptibly(World& w, task_struct*) {
  return wait_event_interruptible(&w.wq, [&] { return w.flag.load() != 0; });
}

TEST_GROUP(Signals){};

// Only send_sig() can end the wait (no flag, no signals from the environment):
// whether it comes before the wait or during it, -ERESTARTSYS.
TEST(Signals, SendSigInterruptsAnInterruptibleWait) {
  KernelProgram p;
  p.task("waiter", wait_for_flag_interruptibly).task("sender", [](World& w, task_struct*) {
    return send_sig(9, w.task[0]);
  });
  Exits exits;
  exits.attach(p, 0);
  const SearchResult r = search(p, {.timeouts = true, .signals = false, .spurious = false});
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
  CHECK(exits.codes == std::set<int>{-ERESTARTSYS});
}

// The environment may send a signal while the task sleeps interruptibly: the
// search reaches both outcomes, and with the family off only the first.
TEST(Signals, TheEnvironmentMaySendASignalDuringAnInterruptibleSleep) {
  for (const bool signals : {true, false}) {
    KernelProgram p;
    p.task("waiter", wait_for_flag_interruptibly).task("waker", [](World& w, task_struct*) {
      w.flag.store(1);
      wake_up(&w.wq);
      return 0;
    });
    Exits exits;
    exits.attach(p, 0);
    const SearchResult r = search(p, {.timeouts = true, .signals = signals, .spurious = false});
    STRCMP_EQUAL("none", kind_of(r));
    CHECK(exits.codes == (signals ? std::set<int>{0, -ERESTARTSYS} : std::set<int>{0}));
  }
}

// ___wait_event tests the condition before it looks at the signal: a waiter
// woken by a signal whose condition also holds returns 0 (it consumes the
// event; an exclusive waiter so never swallows a wake it was chosen for).
TEST(Signals, AConditionThatHoldsWinsOverAPendingSignal) {
  KernelProgram p;
  p.task("waiter", wait_for_flag_interruptibly).task("waker", [](World& w, task_struct*) {
    w.flag.store(1);
    send_sig(9, w.task[0]);
    wake_up(&w.wq);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  LONGS_EQUAL(0, p.finished->trace.back().a);  // the waiter returned last, with 0
  CHECK(signal_pending(p.world->task[0]));
}

// schedule() does not put a task with a pending signal to sleep in
// TASK_INTERRUPTIBLE (__schedule: signal_pending_state), but it does in
// TASK_UNINTERRUPTIBLE.
TEST(Signals, SchedulePassesOverAnInterruptibleSleepWithASignalPending) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
    send_sig(9, current);
    set_current_state(current, TASK_INTERRUPTIBLE);
    schedule(current);
    w.seen["state"] = current->state;
    return 0;
  });
  STRCMP_EQUAL("none", kind_of(run_lowest_first(p)));
  LONGS_EQUAL(TASK_RUNNING, ktest::seen(*p.world, "state"));
}

// ---------------------------------------------------------------------------

TEST_GROUP(Timeouts){};

// Nobody wakes the waiter: the timer fires (it always does in the end).
TEST(Timeouts, WaitEventTimeoutWithoutAWakerTimesOut) {
  KernelProgram p;
  p.task("waiter", [](World& w, task_struct*) {
    return static_cast<int>(wait_event_timeout(
        &w.wq, [&] { return w.flag.load() != 0; }, 5));
  });
  Exits exits;
  exits.attach(p, 0);
  const SearchResult r = search(p, {});
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(exits.codes == std::set<int>{0});
}

// With a waker, the wake may come first (all 5 left), or the timer: 0 when the
// flag is still clear, 1 when it was set meanwhile (___wait_cond_timeout: a
// condition that holds returns at least 1).
TEST(Timeouts, TheTimerAndTheWakeRace) {
  KernelProgram p;
  p.task("waiter", [](World& w, task_struct*) {
     return static_cast<int>(wait_event_timeout(
         &w.wq, [&] { return w.flag.load() != 0; }, 5));
   }).task("waker", [](World& w, task_struct*) {
    w.flag.store(1);
    wake_up(&w.wq);
    return 0;
  });
  Exits exits;
  exits.attach(p, 0);
  STRCMP_EQUAL("none", kind_of(search(p, {})));
  CHECK(exits.codes == (std::set<int>{0, 1, 5}));
}

// With the family off a timer never fires: the lone waiter sleeps for good.
TEST(Timeouts, WithTimeoutsOffTheTimerNeverFires) {
  KernelProgram p;
  p.task("waiter", [](World&, task_struct* current) {
    set_current_state(current, TASK_UNINTERRUPTIBLE);
    return static_cast<int>(schedule_timeout(current, 5));
  });
  STRCMP_EQUAL("none", kind_of(search(p, {.timeouts = true, .signals = true, .spurious = false})));
  KernelProgram q;
  q.task("waiter", [](World&, task_struct* current) {
    set_current_state(current, TASK_UNINTERRUPTIBLE);
    return static_cast<int>(schedule_timeout(current, 5));
  });
  STRCMP_EQUAL("deadlock",
               kind_of(search(q, {.timeouts = false, .signals = true, .spurious = false})));
}

// ---------------------------------------------------------------------------

ScheduleFile schedule_of(const ExecutionRecord& r) {
  ScheduleFile sf;
  sf.scenario_file.assign("spurious.toml");
  sf.scenario_relative.assign("spurious.toml");
  sf.model.assign("kernel-test");
  sf.model_version = 1;
  sf.scenario_name.assign("if instead of while");
  sf.strategy.assign("dfs");
  sf.finding.assign("invariant");
  sf.steps = r.steps;
  sf.decisions = r.decisions;
  for (TaskId d : sf.decisions) sf.decision_names.push_back(r.task_names[task_of(d)]);
  return sf;
}

TEST_GROUP(SpuriousWakeups){};

// `if` where `while` is needed: correct as long as the only wake is the
// waker's, wrong once a spurious wakeup can end the sleep.
TEST(SpuriousWakeups, IfInsteadOfWhileIsFoundOnlyWithSpuriousWakeups) {
  for (const bool spurious : {false, true}) {
    KernelProgram p;
    p.task("waiter", [](World& w, task_struct* current) {
       wait_queue_entry wait = DEFINE_WAIT(current);
       prepare_to_wait(&w.wq, &wait, TASK_UNINTERRUPTIBLE);
       if (w.flag.load() == 0) schedule(current);  // bad: not a loop
       finish_wait(&w.wq, &wait);
       if (w.flag.load() == 0)
         w.k.ex().raise(
             {FindingKind::Invariant, current->pid, w.flag.id(), 0, "woke up with flag = 0", ""});
       return 0;
     }).task("waker", [](World& w, task_struct*) {
      w.flag.store(1);
      wake_up(&w.wq);
      return 0;
    });
    const SearchResult r = search(p, {.timeouts = true, .signals = true, .spurious = spurious});
    STRCMP_EQUAL(spurious ? "invariant" : "none", kind_of(r));
    if (spurious) {
      // The schedule names the event, and replaying it gives the same execution.
      bool spurious_decision = false;
      for (TaskId d : r.failure->decisions)
        spurious_decision = spurious_decision || event_of(d) == WakeEvent::Spurious;
      CHECK(spurious_decision);
      const std::string text = write_schedule(schedule_of(*r.failure));
      CHECK_TEXT(contains(text, "\nspurious 0 waiter\n"), text.c_str());
      const ScheduleFile back = parse_schedule(text, "x.schedule");
      CHECK(back.decisions == r.failure->decisions);
    }
  }
}

// ---------------------------------------------------------------------------

TEST_GROUP(ChoiceKeys){};

constexpr const char* kScenario =
    "[scenario]\nname = \"keys\"\nmodel = \"boundedq\"\nvariant = \"ok\"\n"
    "[workload]\nproducers = 1\nconsumers = 1\nitems = 1\ncapacity = 1\n";

std::string error_of(const std::string& text) {
  try {
    parse_scenario(text, "t.toml");
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}

TEST(ChoiceKeys, SearchKeysSetTheFamiliesAndTheBounds) {
  const Scenario s =
      parse_scenario(std::string(kScenario) +
                         "[search]\nstrategy = \"pb\"\nbound = 4\npct_depth = 2\n"
                         "timeouts = false\nsignals = false\nspurious_wakeups = true\n",
                     "t.toml");
  LONGS_EQUAL(4, strategy_options(s).bound);
  LONGS_EQUAL(2, strategy_options(s).pct_depth);
  const SearchLimits limits = search_limits(s);
  CHECK(!limits.choices.timeouts);
  CHECK(!limits.choices.signals);
  CHECK(limits.choices.spurious);
  // Defaults: timers and signals on, spurious wakeups off.
  const Scenario d = parse_scenario(kScenario, "t.toml");
  CHECK(search_limits(d).choices.timeouts && search_limits(d).choices.signals);
  CHECK(!search_limits(d).choices.spurious);
}

TEST(ChoiceKeys, BadValuesAreBadInputWithTheirPlace) {
  STRCMP_EQUAL("t.toml:11:9: 'bound' must be at least 0, not -1",
               error_of(std::string(kScenario) + "[search]\nbound = -1\n").c_str());
  CHECK_TEXT(contains(error_of(std::string(kScenario) + "[search]\nsignals = \"yes\"\n"),
                      "t.toml:11:11: 'signals' must be"),
             error_of(std::string(kScenario) + "[search]\nsignals = \"yes\"\n").c_str());
  STRCMP_EQUAL("t.toml:11:1: unknown key 'signal' in [search]; did you mean 'signals'?",
               error_of(std::string(kScenario) + "[search]\nsignal = true\n").c_str());
}

}  // namespace
}  // namespace wakecheck
