// Shortest counterexamples (checker/minimise.hpp): shorter, the same finding,
// replayable byte for byte, deterministic, and never over the budget.
#include <fmt/format.h>

#include <csignal>
#include <filesystem>

#include "checker/minimise.hpp"
#include "checker/replay.hpp"
#include "cli/commands.hpp"
#include "reports/trace_report.hpp"
#include "tests/console_capture.hpp"
#include "tests/test_files.hpp"

// CppUTest last: its new/delete macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

namespace fs = std::filesystem;

constexpr const char* kNowakeW5 = "scenarios/boundedq/nowake_w5.toml";

// The counterexample as the search found it, before any minimising.
ExecutionRecord found_by_search(const std::string& path) {
  Scenario s = load_scenario(path);
  s.minimise_budget = 0;
  CheckOutcome o = check_scenario(s);
  CHECK_TEXT(o.result.failure.has_value(), path.c_str());
  CHECK_TEXT(!o.minimised.has_value(), path.c_str());
  return *o.result.failure;
}

Minimised minimise_scenario(const std::string& path, std::uint64_t budget) {
  const Scenario s = load_scenario(path);
  auto program = find_model(s.model)->make(s.variant, s.params);
  return minimise(*program, found_by_search(path), search_limits(s), budget);
}

// The trace of an execution run again by its recorded decisions alone.
std::string replayed_trace(const std::string& path, const ExecutionRecord& r) {
  const Scenario s = load_scenario(path);
  auto program = find_model(s.model)->make(s.variant, s.params);
  ReplayScheduler replay(r.decisions, r.task_names);
  SearchLimits limits = search_limits(s);
  limits.max_executions = 1;
  const SearchResult again = explore(*program, replay, limits);
  CHECK_TEXT(again.problem.empty(), again.problem.c_str());
  CHECK(again.failure.has_value());
  return format_trace(*again.failure, {s.name, s.path});
}

fs::path scratch(const std::string& name) {
  fs::path p = fs::temp_directory_path() / "wakecheck-tests" / "minimise" / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

}  // namespace

TEST_GROUP(Minimise){};

TEST(Minimise, NowakeW5GetsStrictlyShorterWithTheSameFinding) {
  const ExecutionRecord original = found_by_search(kNowakeW5);
  const Minimised m = minimise_scenario(kNowakeW5, kDefaultMinimiseBudget);
  CHECK(m.stats.improved());
  LONGS_EQUAL(original.trace.size(), m.stats.operations_before);
  CHECK(m.stats.operations_after < m.stats.operations_before);
  CHECK(m.stats.preemptions_after <= m.stats.preemptions_before);
  LONGS_EQUAL(m.stats.operations_after, m.record.trace.size());
  CHECK(m.record.finding.kind == original.finding.kind);
  LONGS_EQUAL(original.finding.object, m.record.finding.object);
  STRCMP_EQUAL("consumers_wq", m.record.objects[m.record.finding.object].name.c_str());
}

TEST(Minimise, TheCountedPreemptionsAreTheReplayedExecutions) {
  const Scenario s = load_scenario(kNowakeW5);
  auto program = find_model(s.model)->make(s.variant, s.params);
  const ExecutionRecord original = found_by_search(kNowakeW5);
  const Minimised m = minimise(*program, original, search_limits(s), kDefaultMinimiseBudget);
  LONGS_EQUAL(m.stats.preemptions_before, count_preemptions(*program, original, search_limits(s)));
  LONGS_EQUAL(m.stats.preemptions_after, count_preemptions(*program, m.record, search_limits(s)));
}

TEST(Minimise, TheMinimisedScheduleReplaysByteForByte) {
  const Minimised m = minimise_scenario(kNowakeW5, kDefaultMinimiseBudget);
  const Scenario s = load_scenario(kNowakeW5);
  const std::string trace = format_trace(m.record, {s.name, s.path});
  STRCMP_EQUAL(trace.c_str(), replayed_trace(kNowakeW5, m.record).c_str());
}

TEST(Minimise, SameResultInEveryRun) {
  const Minimised a = minimise_scenario(kNowakeW5, kDefaultMinimiseBudget);
  const Minimised b = minimise_scenario(kNowakeW5, kDefaultMinimiseBudget);
  CHECK(a.record.decisions == b.record.decisions);
  LONGS_EQUAL(a.stats.executions, b.stats.executions);
}

TEST(Minimise, NeverRunsMoreExecutionsThanTheBudget) {
  for (std::uint64_t budget : {1, 2, 3, 10, 50, 200}) {
    const Minimised m = minimise_scenario(kNowakeW5, budget);
    CHECK_TEXT(m.stats.executions <= budget, fmt::format("budget {}", budget).c_str());
    CHECK(m.record.finding.kind == FindingKind::LostWakeup);
    const std::string trace = format_trace(m.record, {"n", kNowakeW5});
    STRCMP_EQUAL(trace.c_str(), format_trace(m.record, {"n", kNowakeW5}).c_str());
  }
  // A budget of one execution only confirms the original: nothing shorter.
  const Minimised one = minimise_scenario(kNowakeW5, 1);
  LONGS_EQUAL(1, one.stats.executions);
  CHECK(!one.stats.improved());
  CHECK(one.record.decisions == found_by_search(kNowakeW5).decisions);
}

TEST(Minimise, TwoSearchesThatFindTheSameBugReportTheSameCounterexample) {
  // dfs and a random walk find different executions of the sleep_on race on W3.
  Scenario s = load_scenario("scenarios/boundedq/sleep_on_w3.toml");
  s.minimise_budget = 0;
  const ExecutionRecord by_dfs = *check_scenario(s, "dfs").result.failure;
  const ExecutionRecord by_random = *check_scenario(s, "random").result.failure;
  CHECK(by_dfs.decisions != by_random.decisions);
  auto program = find_model(s.model)->make(s.variant, s.params);
  const Minimised a = minimise(*program, by_dfs, search_limits(s), kDefaultMinimiseBudget);
  const Minimised b = minimise(*program, by_random, search_limits(s), kDefaultMinimiseBudget);
  CHECK(a.record.decisions == b.record.decisions);
  CHECK(a.stats.executions < kDefaultMinimiseBudget);
}

TEST(Minimise, ACancelledMinimisingKeepsTheOriginal) {
  const Scenario s = load_scenario(kNowakeW5);
  auto program = find_model(s.model)->make(s.variant, s.params);
  const ExecutionRecord original = found_by_search(kNowakeW5);
  volatile std::sig_atomic_t cancel = 1;
  SearchLimits limits = search_limits(s);
  limits.cancel = &cancel;
  const Minimised m = minimise(*program, original, limits, kDefaultMinimiseBudget);
  LONGS_EQUAL(0, m.stats.executions);
  CHECK(m.stats.interrupted);
  CHECK(!m.stats.improved());
  CHECK(m.record.decisions == original.decisions);
}

TEST(Minimise, ABiggerBudgetIsNeverWorse) {
  const Minimised small = minimise_scenario(kNowakeW5, 50);
  const Minimised big = minimise_scenario(kNowakeW5, kDefaultMinimiseBudget);
  CHECK(big.stats.preemptions_after <= small.stats.preemptions_after);
  if (big.stats.preemptions_after == small.stats.preemptions_after)
    CHECK(big.stats.operations_after <= small.stats.operations_after);
}

TEST(Minimise, EveryShippedBugKeepsItsFindingAndReplays) {
  for (const std::string& file : find_scenarios({"scenarios"})) {
    const Scenario s = load_scenario(file);
    if (s.expect == FindingKind::None) continue;  // nothing to minimise (ok_w6 alone is 200 s)
    const CheckOutcome o = check_scenario(s);
    if (!o.minimised) continue;
    CHECK_TEXT(o.met, file.c_str());
    const ExecutionRecord original = found_by_search(file);
    CHECK_TEXT(o.result.failure->finding.kind == original.finding.kind, file.c_str());
    LONGS_EQUAL_TEXT(original.finding.object, o.result.failure->finding.object, file.c_str());
    // Fewer preemptions first (possibly with more operations), then fewer operations.
    const MinimiseStats& m = *o.minimised;
    CHECK_TEXT(m.preemptions_after < m.preemptions_before ||
                   (m.preemptions_after == m.preemptions_before &&
                    m.operations_after <= m.operations_before),
               file.c_str());
    STRCMP_EQUAL_TEXT(o.trace.c_str(), replayed_trace(file, *o.result.failure).c_str(),
                      file.c_str());
  }
}

TEST(Minimise, RunSaysHowMuchShorterAndWritesTheMinimisedExecution) {
  const fs::path dir = scratch("run");
  Streams run, replay;
  LONGS_EQUAL(kExitMet, run_command(run.io, kNowakeW5, "", (dir / "run").string()));
  const Minimised m = minimise_scenario(kNowakeW5, kDefaultMinimiseBudget);
  STRCMP_CONTAINS(fmt::format("counterexample minimised: {} -> {} operations, {} -> {} preemptions",
                              m.stats.operations_before, m.stats.operations_after,
                              m.stats.preemptions_before, m.stats.preemptions_after)
                      .c_str(),
                  run.out.str().c_str());
  const std::string schedule = (dir / "run" / "nowake_w5.schedule").string();
  LONGS_EQUAL_TEXT(kExitMet, replay_command(replay.io, schedule, (dir / "replay").string()),
                   replay.err.str().c_str());
  const std::string trace = read_file((dir / "run" / "trace.txt").string());
  STRCMP_EQUAL(trace.c_str(), read_file((dir / "replay" / "trace.txt").string()).c_str());
  STRCMP_CONTAINS(fmt::format("({} decisions)", m.record.decisions.size()).c_str(),
                  replay.out.str().c_str());
  const std::string report = read_file((dir / "run" / "report.json").string());
  STRCMP_CONTAINS(fmt::format("\"entry\": {}", m.record.finding.entry).c_str(), report.c_str());
}

TEST(Minimise, CheckSaysHowMuchShorterUnderAFailingRow) {
  Streams s;
  LONGS_EQUAL(kExitNotMet, check_command(s.io, {"tests/data/expect_not_met"}));
  STRCMP_CONTAINS("\n      counterexample minimised: ", s.out.str().c_str());
  Streams quiet;
  CheckOptions off;
  off.minimise.off = true;
  LONGS_EQUAL(kExitNotMet, check_command(quiet.io, {"tests/data/expect_not_met"}, off));
  CHECK(quiet.out.str().find("counterexample minimised") == std::string::npos);
}

TEST(Minimise, NoMinimiseAndBudgetZeroReportTheSearchsOwn) {
  const ExecutionRecord original = found_by_search(kNowakeW5);
  for (const MinimiseFlags& flags : {MinimiseFlags{std::nullopt, true}, MinimiseFlags{0, false}}) {
    Streams run;
    const fs::path dir = scratch("off");
    LONGS_EQUAL(kExitMet, run_command(run.io, kNowakeW5, "", dir.string(), flags));
    CHECK(run.out.str().find("counterexample minimised") == std::string::npos);
    const Scenario s = load_scenario(kNowakeW5);
    STRCMP_EQUAL(format_trace(original, {s.name, s.path}).c_str(),
                 read_file((dir / "trace.txt").string()).c_str());
  }
}

TEST(Minimise, TheScenarioKeySetsTheBudget) {
  Scenario s = parse_scenario(
      "[scenario]\nname = \"n\"\nmodel = \"boundedq\"\nvariant = \"nowake\"\n"
      "[workload]\nproducers = 2\nconsumers = 2\nitems = 3\ncapacity = 2\n"
      "[search]\nminimise_budget = 7\n[expect]\nfinding = \"lost-wakeup\"\n",
      "key.toml");
  LONGS_EQUAL(7, s.minimise_budget);
  const CheckOutcome o = check_scenario(s);
  CHECK(o.minimised.has_value());
  CHECK(o.minimised->executions <= 7);
  MinimiseFlags{std::nullopt, true}.apply(s);
  LONGS_EQUAL(0, s.minimise_budget);
  CHECK(!check_scenario(s).minimised.has_value());
}

TEST(Minimise, ANegativeBudgetInTheFileIsBadInput) {
  try {
    parse_scenario(
        "[scenario]\nname = \"n\"\nmodel = \"boundedq\"\nvariant = \"ok\"\n"
        "[workload]\nproducers = 1\nconsumers = 1\nitems = 1\ncapacity = 1\n"
        "[search]\nminimise_budget = -1\n",
        "neg.toml");
    FAIL("no error");
  } catch (const ScenarioError& e) {
    STRCMP_CONTAINS("neg.toml:11:19:", e.what());
    STRCMP_CONTAINS("minimise_budget", e.what());
  }
}

TEST(Minimise, AThunderingHerdIsShownAsTheWorstExecutionNotMinimised) {
  const CheckOutcome o = check_scenario(load_scenario("scenarios/herd/herd_w2_over_budget.toml"));
  CHECK(o.found == FindingKind::ThunderingHerd);
  CHECK(!o.minimised.has_value());
}

}  // namespace wakecheck
