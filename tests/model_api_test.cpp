// The model API as a user meets it: models registered from this file,
// scenarios in code and in files, `list`, parameter validation, assertions,
// and a model's own bugs reported as model-error findings.
#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "checker/shared.hpp"
#include "cli/commands.hpp"
#include "model/assert.hpp"
#include "model/kernel/wait.hpp"
#include "model/model.hpp"
#include "tests/console_capture.hpp"
#include "tests/test_files.hpp"

// CppUTest last: its new/delete macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

// Lines the findings must name.
int assert_in_task_line = 0;
int outside_task_line = 0;
int load_at_end_line = 0;

// Waiters wait for a flag a waker sets. No work_left: a lost wakeup gets the
// generic explanation. Each variant is a bug of the model or of its code.
struct api_flag {
  api_flag(kernel& k, const model_args& a)
      : load_at_end(a.variant == "load_at_end"),
        lock(k, "lock"),
        wq(k, "wq"),
        ready(k.ex(), "ready", 0) {
    if (a.variant == "throws") throw std::runtime_error("no such queue");
    if (a.variant == "outside") {
      outside_task_line = __LINE__ + 1;
      spin_lock(&lock);
    }
    const bool racy = a.variant == "racy";
    for (int i = 0; i < a.params.get("waiters"); ++i)
      k.kthread_run(fmt::format("waiter{}", i), 0, [this, racy](task_struct*) {
        if (racy && !ready.load()) sleep_on(&wq);  // tests before it enqueues
        if (!racy) wait_event(&wq, [&] { return ready.load() != 0; });
        return 0;
      });
    // A nondeterministic model: a second waker in every other execution.
    static int executions = 0;
    const int wakers = a.variant == "nondeterministic" && executions++ % 2 ? 2 : 1;
    const bool assert_in_task = a.variant == "assert_in_task";
    for (int i = 0; i < wakers; ++i)
      k.kthread_run(fmt::format("waker{}", i), 1, [this, assert_in_task](task_struct* current) {
        ready.store(1);
        assert_in_task_line = __LINE__ + 1;
        if (assert_in_task) WC_ASSERT(current, ready.peek() == 0);
        wake_up_all(&wq);
        return 0;
      });
  }
  // A shared-data access where no task runs.
  void at_end(kernel&) {
    load_at_end_line = __LINE__ + 1;
    if (load_at_end) ready.load();
  }
  bool load_at_end;
  spinlock_t lock;  // only the "outside" variant takes it
  wait_queue_head wq;
  shared_var ready;  // no lock guards it: every access interleaves
};

const register_model<api_flag> flag_registered{{
    .name = "api_flag",
    .version = 3,
    .summary = "waiters wait for a flag (tests/model_api_test.cpp)",
    .variants = {"ok", "racy", "throws", "outside", "assert_in_task", "nondeterministic",
                 "load_at_end"},
    .params = {int_param("waiters", 1, 3, 1, "tasks that wait for the flag"),
               bool_param("spare", false, "changes nothing")},
}};

// Two tasks increment an unguarded counter: the lost update breaks at_end's assertion.
struct api_counter {
  api_counter(kernel& k, const model_args&) : count(k.ex(), "count", 0) {
    for (const char* name : {"inc0", "inc1"})
      k.kthread_run(name, 0, [this](task_struct*) {
        count.store(count.load() + 1);
        return 0;
      });
  }
  void at_end(kernel& k) { WC_ASSERT(k, count.peek() == 2); }
  shared_var count;
};

const register_model<api_counter> counter_registered{{
    .name = "api_counter",
    .summary = "a lost update (tests/model_api_test.cpp)",
}};

Scenario in_code(const std::string& variant, int waiters = 1) {
  Scenario s{};
  s.name = "in code";
  s.model = "api_flag";
  s.variant = variant;
  s.params = {{"waiters", waiters}};
  return s;
}

std::string validation_error(Scenario s) {
  try {
    validate_scenario(s);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_GROUP(ModelApi){};

TEST(ModelApi, ListShowsEveryModelWithVariantsAndParameters) {
  Streams s;
  LONGS_EQUAL(kExitMet, list_command(s.io));
  const std::string out = s.out.str();
  for (const std::string_view name : registered_model_names())
    STRCMP_CONTAINS(fmt::format("{} (version", name).c_str(), out.c_str());
  STRCMP_CONTAINS("api_flag (version 3): waiters wait for a flag", out.c_str());
  STRCMP_CONTAINS(
      "  variants: ok, racy, throws, outside, assert_in_task, nondeterministic, load_at_end\n"
      "  parameters:\n"
      "    waiters  integer 1..3, default 1  tasks that wait for the flag\n"
      "    spare    boolean, default false   changes nothing\n"
      "  registered at tests/model_api_test.cpp:",
      out.c_str());
  STRCMP_CONTAINS(
      "api_counter (version 1): a lost update (tests/model_api_test.cpp)\n"
      "  parameters: none\n",
      out.c_str());
}

TEST(ModelApi, AnInCodeScenarioGivesVerdictCountsAndTrace) {
  Scenario s = in_code("racy", 2);
  s.expect = FindingKind::LostWakeup;
  const CheckOutcome o = check_scenario(s);
  CHECK(o.met);
  CHECK(o.found == FindingKind::LostWakeup);
  CHECK(o.result.stats.executions >= 1);
  STRCMP_CONTAINS("scenario: in code (in code)", o.trace.c_str());
  STRCMP_CONTAINS(
      "sleeps forever on wq while work remains: unknown (the model defines no "
      "work_left)",
      o.trace.c_str());
  const CheckOutcome fine = check_scenario(in_code("ok", 2));
  CHECK(fine.met);
  CHECK(fine.result.stats.exhausted);
  STRCMP_EQUAL("", fine.trace.c_str());
}

TEST(ModelApi, DefaultsFillInAndInCodeParametersAreChecked) {
  Scenario s = in_code("ok");
  s.params = {};
  validate_scenario(s);
  LONGS_EQUAL(1, s.params.get("waiters"));
  LONGS_EQUAL(0, s.params.get("spare"));
  s = in_code("ok");
  s.params = {{"waiter", 2}};
  STRCMP_EQUAL(
      "scenario 'in code': model 'api_flag' has no parameter 'waiter'; did you mean 'waiters'?",
      validation_error(s).c_str());
  STRCMP_EQUAL("scenario 'in code': 'waiters' must be at most 3, not 4",
               validation_error(in_code("ok", 4)).c_str());
  STRCMP_CONTAINS("unknown variant 'rasy' for model 'api_flag'; did you mean 'racy'?",
                  validation_error(in_code("rasy")).c_str());
  s = in_code("ok");
  s.model = "api_flga";
  STRCMP_CONTAINS("unknown model 'api_flga'; did you mean 'api_flag'?",
                  validation_error(s).c_str());
}

TEST(ModelApi, WorkloadKeysAreTheModelsParameters) {
  const std::string head =
      "[scenario]\nname = \"f\"\nmodel = \"api_flag\"\nvariant = \"ok\"\n[workload]\n";
  const Scenario s = parse_scenario(head + "spare = true\n", "f.toml");
  LONGS_EQUAL(1, s.params.get("waiters"));
  LONGS_EQUAL(1, s.params.get("spare"));
  const auto error = [](const std::string& text) {
    try {
      parse_scenario(text, "f.toml");
    } catch (const ScenarioError& e) {
      return std::string(e.what());
    }
    return std::string("(no error)");
  };
  STRCMP_EQUAL("f.toml:6:1: unknown key 'waitres' in [workload]; did you mean 'waiters'?",
               error(head + "waitres = 2\n").c_str());
  STRCMP_EQUAL(
      "f.toml:6:1: unknown key 'colour' in [workload] (parameters of model 'api_flag': "
      "waiters, spare)",
      error(head + "colour = 2\n").c_str());
  STRCMP_EQUAL("f.toml:6:9: 'spare' must be a boolean, not an integer",
               error(head + "spare = 1\n").c_str());
  STRCMP_EQUAL("f.toml:6:11: 'waiters' must be at least 1, not 0",
               error(head + "waiters = 0\n").c_str());
  STRCMP_EQUAL(
      "f.toml:2:1: unknown key 'n' in [workload]: model 'api_counter' has no parameters",
      error("[workload]\nn = 1\n[scenario]\nname = \"c\"\nmodel = \"api_counter\"\n").c_str());
  STRCMP_EQUAL(
      "f.toml:4:11: model 'api_counter' has no variants: remove 'variant'",
      error("[scenario]\nname = \"c\"\nmodel = \"api_counter\"\nvariant = \"ok\"\n").c_str());
}

TEST(ModelApi, AnAssertionInATaskIsAnInvariantAtItsLine) {
  const CheckOutcome o = check_scenario(in_code("assert_in_task"));
  CHECK(o.found == FindingKind::Invariant);
  const ExecutionRecord& r = *o.result.failure;
  STRCMP_EQUAL("waker0", r.task_names[r.finding.task].c_str());
  STRCMP_EQUAL("assertion failed: ready.peek() == 0", r.finding.summary.c_str());
  STRCMP_CONTAINS(
      fmt::format("asserted at tests/model_api_test.cpp:{}", assert_in_task_line).c_str(),
      r.finding.explanation.c_str());
}

TEST(ModelApi, AnAssertionAtTheEndFindsTheLostUpdate) {
  Scenario s{};
  s.name = "counter";
  s.model = "api_counter";
  const CheckOutcome o = check_scenario(s);
  CHECK(o.found == FindingKind::Invariant);
  STRCMP_EQUAL("assertion failed: count.peek() == 2", o.result.failure->finding.summary.c_str());
  CHECK(o.result.failure->finding.task == kNoTask);
}

TEST(ModelApi, AModelThatThrowsIsAModelError) {
  const CheckOutcome o = check_scenario(in_code("throws"));
  CHECK(o.found == FindingKind::ModelError);
  STRCMP_EQUAL("the model's constructor threw: no such queue",
               o.result.failure->finding.summary.c_str());
}

TEST(ModelApi, AKernelPrimitiveOutsideATaskIsAModelErrorAtItsLine) {
  const CheckOutcome o = check_scenario(in_code("outside"));
  CHECK(o.found == FindingKind::ModelError);
  STRCMP_CONTAINS(fmt::format("spin_lock called outside a task, at tests/model_api_test.cpp:{}",
                              outside_task_line)
                      .c_str(),
                  o.result.failure->finding.summary.c_str());
}

TEST(ModelApi, ASharedDataAccessInAtEndIsAModelErrorAtItsLine) {
  const CheckOutcome o = check_scenario(in_code("load_at_end"));
  CHECK(o.found == FindingKind::ModelError);
  STRCMP_EQUAL(
      fmt::format("the model's at_end threw: read called outside a task, at "
                  "tests/model_api_test.cpp:{}: kernel primitives and shared-data accesses belong "
                  "in task code, not in the model's constructor or at_end",
                  load_at_end_line)
          .c_str(),
      o.result.failure->finding.summary.c_str());
}

TEST(ModelApi, ANondeterministicModelIsAModelError) {
  Scenario s = in_code("nondeterministic");
  s.expect = FindingKind::ModelError;
  const CheckOutcome o = check_scenario(s);
  CHECK(o.found == FindingKind::ModelError);
  CHECK(o.met);
  STRCMP_CONTAINS("the model is not deterministic", o.result.problem.c_str());
}

TEST(ModelApi, AScenarioFileRunsThroughTheDirectApi) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "wakecheck-api";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "racy.toml").string();
  write_file_atomically(path,
                        "[scenario]\nname = \"racy\"\nmodel = \"api_flag\"\nvariant = \"racy\"\n"
                        "[expect]\nfinding = \"lost-wakeup\"\n");
  const CheckOutcome o = check_scenario_file(path);
  CHECK(o.met);
  STRCMP_CONTAINS(fmt::format("scenario: racy ({})", path).c_str(), o.trace.c_str());
}

}  // namespace wakecheck
