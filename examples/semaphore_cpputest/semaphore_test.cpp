// Each scenario run through wakecheck's direct API, with the verdict, the
// counts and the trace asserted on.
#include <wakecheck/wakecheck.hpp>

// CppUTest last: its new/delete macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

using namespace wakecheck;

namespace {

Scenario semaphore_scenario(const std::string& variant, int downs) {
  Scenario s;
  s.name = "semaphore " + variant;
  s.model = "semaphore";
  s.variant = variant;
  s.params = {{"downs", downs}};
  return s;
}

}  // namespace

TEST_GROUP(Semaphore){};

TEST(Semaphore, TheCorrectSemaphoreHasNoFindingInAnyInterleaving) {
  const CheckOutcome o = check_scenario(semaphore_scenario("ok", 2));
  CHECK(o.found == FindingKind::None);
  CHECK(o.met);
  CHECK(o.result.stats.exhausted);
  CHECK(o.result.stats.executions > 10);
  STRCMP_EQUAL("", o.trace.c_str());
}

TEST(Semaphore, LazyUpLosesTheSecondSleepersWakeup) {
  const CheckOutcome o = check_scenario(semaphore_scenario("lazy_up", 2));
  CHECK(o.found == FindingKind::LostWakeup);
  const ExecutionRecord& r = *o.result.failure;
  STRCMP_EQUAL("wq", r.objects[r.finding.object].name.c_str());
  STRCMP_CONTAINS("down", r.task_names[r.finding.task].c_str());
  STRCMP_CONTAINS("sleeps forever on wq while work remains: count = 1", o.trace.c_str());
  STRCMP_CONTAINS("semaphore.cpp:", o.trace.c_str());
}

TEST(Semaphore, OneSleeperIsWokenEvenByTheLazyUp) {
  CHECK(check_scenario(semaphore_scenario("lazy_up", 1)).found == FindingKind::None);
}

TEST(Semaphore, AScenarioFileGivesTheSameVerdict) {
  const CheckOutcome o = check_scenario_file("scenarios/lazy_up.toml");
  CHECK(o.met);
  CHECK(o.found == FindingKind::LostWakeup);
  STRCMP_CONTAINS("scenario: semaphore, lazy up (scenarios/lazy_up.toml)", o.trace.c_str());
}

TEST(Semaphore, AMisspeltParameterIsRefusedWithASuggestion) {
  Scenario s = semaphore_scenario("ok", 2);
  s.params = {{"down", 2}};
  try {
    check_scenario(s);
    FAIL("accepted a parameter the model does not declare");
  } catch (const ScenarioError& e) {
    STRCMP_CONTAINS("has no parameter 'down'; did you mean 'downs'?", e.what());
  }
}
