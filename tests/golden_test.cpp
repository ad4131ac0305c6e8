// Every shipped scenario against its golden file: the verdict, what the finding
// names, and the execution and state counts. A change in the counts is a change
// in the search (a reduction gained or lost, a soundness regression): review it,
// then regenerate with WAKECHECK_UPDATE_GOLDEN=1 build/wakecheck_tests -sg Golden.
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.hpp"
#include "reports/schedule_file.hpp"
#include "tests/test_files.hpp"

// CppUTest last: its new/delete macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

std::string verdict(const Scenario& s, const CheckOutcome& o) {
  std::string v = fmt::format("scenario {}\nfinding {}\n", s.path, finding_name(o.found));
  if (o.result.failure) {
    const ExecutionRecord& r = *o.result.failure;
    const Finding& f = r.finding;
    v += fmt::format("task {}\nobject {}\nsummary {}\ndecisions {}\n",
                     f.task == kNoTask ? "-" : r.task_names[f.task],
                     f.object == kNoObject ? "-" : r.objects[f.object].name, f.summary,
                     r.decisions.size());
  }
  if (o.minimised)
    v += fmt::format("minimised {} -> {} operations, {} -> {} preemptions, {} executions\n",
                     o.minimised->operations_before, o.minimised->operations_after,
                     o.minimised->preemptions_before, o.minimised->preemptions_after,
                     o.minimised->executions);
  v += fmt::format("executions {}\nstates {}\nexhausted {}\n", o.result.stats.executions,
                   o.result.stats.states, o.result.stats.exhausted);
  return v;
}

// Keyed by the scenario's path under scenarios/, so two folders may hold
// files of one name: scenarios/boundedq/ok_w1.toml -> tests/golden/boundedq/ok_w1.txt.
std::string golden_path(const Scenario& s) {
  std::filesystem::path p = std::filesystem::path(s.path).lexically_relative("scenarios");
  return (std::filesystem::path("tests/golden") / p.replace_extension(".txt")).string();
}

}  // namespace

TEST_GROUP(Golden){};

TEST(Golden, GoldenFilesAreKeyedByThePathUnderScenarios) {
  Scenario s;
  s.path = "scenarios/boundedq/ok_w1.toml";
  STRCMP_EQUAL("tests/golden/boundedq/ok_w1.txt", golden_path(s).c_str());
  s.path = "scenarios/other/ok_w1.toml";
  STRCMP_EQUAL("tests/golden/other/ok_w1.txt", golden_path(s).c_str());
}

TEST(Golden, EveryShippedScenarioMatchesItsGoldenFile) {
  const std::vector<std::string> files = find_scenarios({"scenarios"});
  CHECK(files.size() >= 15);
  const bool update = std::getenv("WAKECHECK_UPDATE_GOLDEN") != nullptr;
  for (const std::string& file : files) {
    const Scenario s = load_scenario(file);
    const CheckOutcome o = check_scenario(s);
    const std::string got = verdict(s, o);
    if (update) {
      std::filesystem::create_directories(std::filesystem::path(golden_path(s)).parent_path());
      write_file_atomically(golden_path(s), got);
    }
    std::string want;
    try {
      want = read_file(golden_path(s));
    } catch (const std::exception& e) {
      FAIL(fmt::format("{}; a new scenario needs its golden file: review its verdict, then "
                       "write it with WAKECHECK_UPDATE_GOLDEN=1 build/tests/wakecheck_tests "
                       "-sg Golden",
                       e.what())
               .c_str());
    }
    STRCMP_EQUAL(want.c_str(), got.c_str());
    CHECK_TEXT(o.met, file.c_str());
  }
}

TEST(Golden, OkAndHerdAreExhaustiveOnW1AndW2) {
  for (const char* name : {"ok_w1", "ok_w2", "herd_w1", "herd_w2"}) {
    const Scenario s = load_scenario(fmt::format("scenarios/boundedq/{}.toml", name));
    const CheckOutcome o = check_scenario(s);
    CHECK_TEXT(o.result.stats.exhausted, name);
    CHECK_TEXT(!o.result.failure, name);
    CHECK_TEXT(o.result.stats.executions > 10, name);  // W1: 14, W2: 71 and 111
  }
}

TEST(Golden, SleepOnW2IsALostWakeupWithItsRaceWindow) {
  const CheckOutcome o = check_scenario(load_scenario("scenarios/boundedq/sleep_on_w2.toml"));
  CHECK(o.result.failure.has_value());
  const ExecutionRecord& r = *o.result.failure;
  CHECK(r.finding.kind == FindingKind::LostWakeup);
  STRCMP_CONTAINS("consumer", r.task_names[r.finding.task].c_str());
  STRCMP_EQUAL("consumers_wq", r.objects[r.finding.object].name.c_str());
  STRCMP_CONTAINS("item is queued (len = 1)", r.finding.summary.c_str());
  STRCMP_CONTAINS("cause: a sleep_on race", r.finding.explanation.c_str());
  STRCMP_CONTAINS("prepare_to_wait()", r.finding.explanation.c_str());
}

TEST(Golden, NowakeWithCapacityTwoLosesAWakeupButNotWithCapacityOne) {
  const CheckOutcome bad = check_scenario(load_scenario("scenarios/boundedq/nowake_w5.toml"));
  CHECK(bad.found == FindingKind::LostWakeup);
  const ExecutionRecord& r = *bad.result.failure;
  STRCMP_EQUAL("consumers_wq", r.objects[r.finding.object].name.c_str());
  STRCMP_CONTAINS("no wake_up on that queue followed", r.finding.explanation.c_str());
  const CheckOutcome fine = check_scenario(load_scenario("scenarios/boundedq/nowake_w2.toml"));
  CHECK(fine.found == FindingKind::None);
  CHECK(fine.result.stats.exhausted);
}

TEST(Golden, LeakNamesTheLockAndWhereItWasTaken) {
  const CheckOutcome o = check_scenario(load_scenario("scenarios/boundedq/leak_w2.toml"));
  CHECK(o.found == FindingKind::LeakedLock);
  const ExecutionRecord& r = *o.result.failure;
  STRCMP_EQUAL("l", r.objects[r.finding.object].name.c_str());
  STRCMP_CONTAINS("producer", r.task_names[r.finding.task].c_str());
  STRCMP_CONTAINS("returned -28", r.finding.explanation.c_str());
  STRCMP_CONTAINS("spin_lock() at model/queues/boundedq.cpp:", r.finding.explanation.c_str());
}

}  // namespace wakecheck
