// --jobs, --shard + merge and --memory: the verdict, the counts and the
// counterexample are the same for every number of jobs and every sharding,
// and bad input gets one clear message with exit code 2.
#include <fmt/format.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "checker/dfs.hpp"
#include "checker/parallel.hpp"
#include "checker/strategies.hpp"
#include "cli/commands.hpp"
#include "cli/shard.hpp"
#include "model/model.hpp"
#include "tests/console_capture.hpp"
#include "tests/test_files.hpp"

// CppUTest last: its new/delete macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

namespace fs = std::filesystem;

const fs::path kScratch = fs::temp_directory_path() / "wakecheck-tests" / "parallel";

CheckOutcome run_with(const std::string& path, unsigned jobs, std::uint64_t memory = 0,
                      const std::string& strategy = "", bool reverse = false) {
  RunOptions run;
  run.jobs = jobs;
  run.memory = memory;
  run.reverse_units = reverse;
  return check_scenario(load_scenario(path), strategy, run);
}

// A copy of `path` in the scratch directory with max_executions = n.
std::string capped(const std::string& path, std::uint64_t n, const std::string& extra = "") {
  fs::create_directories(kScratch);
  const std::string out =
      (kScratch / fmt::format("{}_{}.toml", fs::path(path).stem().string(), n)).string();
  // The file's bound replaced, or one added to its [search] table.
  const std::string text = read_file(path);
  const std::string bound = fmt::format("max_executions = {}", n);
  const std::string capped_text =
      text.find("max_executions = ") != std::string::npos
          ? std::regex_replace(text, std::regex("max_executions = [0-9]+"), bound)
          : std::regex_replace(text, std::regex("\\[search\\]\n"), "[search]\n" + bound + "\n");
  write_file_atomically(out, capped_text + extra);
  return out;
}

// Everything a user is told about the outcome, but the wall clock, and the
// cut executions. (The scheduling points re-run are not compared: a
// parallel dfs re-runs other prefixes; no report shows them.)
std::string summary(const CheckOutcome& o) {
  const SearchStats& st = o.result.stats;
  return fmt::format(
      "{} {} {} exec {} cut {} states {} exhausted {} wasted {} stop {} coverage [{}] "
      "minimised [{}]\n{}",
      finding_name(o.found), verdict_text(o), o.strategy, st.executions, st.cut, st.states,
      st.exhausted, waste_line(o), o.stop, o.coverage, minimised_line(o), o.trace);
}

void same_for_jobs(const std::string& path, const std::string& strategy = "") {
  const std::string one = summary(run_with(path, 1, 0, strategy));
  STRCMP_EQUAL_TEXT(one.c_str(), summary(run_with(path, 2, 0, strategy)).c_str(), path.c_str());
  STRCMP_EQUAL_TEXT(one.c_str(), summary(run_with(path, 3, 0, strategy)).c_str(), path.c_str());
}

}  // namespace

TEST_GROUP(ParallelSearch){};

TEST(ParallelSearch, ExhaustiveOkIsTheSameForEveryJobs) {
  const CheckOutcome o = run_with("scenarios/boundedq/ok_w2.toml", 2);
  CHECK(o.verdict == Verdict::Met);
  CHECK(o.result.stats.exhausted);
  same_for_jobs("scenarios/boundedq/ok_w2.toml");
}

TEST(ParallelSearch, CounterexampleIsTheSameForEveryJobs) {
  const CheckOutcome o = run_with("scenarios/boundedq/sleep_on_w2.toml", 2);
  CHECK(o.found == FindingKind::LostWakeup);
  CHECK(!o.trace.empty());
  same_for_jobs("scenarios/boundedq/sleep_on_w2.toml");
  same_for_jobs("scenarios/boundedq/nowake_w3.toml");
  same_for_jobs("scenarios/boundedq/leak_w2.toml");
}

TEST(ParallelSearch, WastedWakeupsAreTheSameForEveryJobs) {
  same_for_jobs("scenarios/boundedq/herd_w2.toml");
  same_for_jobs("scenarios/herd/herd_w2_over_budget.toml");
}

// A huge max_executions (a scenario may give 10^18) asks for at most
// kMaxSeedChunks units: the chunks grow instead. It once asked for billions,
// and the bench table's unbounded random rows died of it.
TEST(ParallelSearch, AHugeExecutionBudgetMakesBiggerSeedChunksNotMoreOfThem) {
  SplitSearch search;
  search.make_program = [] {
    return find_model("boundedq")
        ->make("ok", {{"producers", 1}, {"consumers", 1}, {"items", 1}, {"capacity", 1}});
  };
  search.strategy = find_strategy("random");
  search.limits.max_executions = 1'000'000'000'000'000'000ULL;
  auto program = search.make_program();
  const WorkPlan plan(search, *program);
  UNSIGNED_LONGS_EQUAL(kMaxSeedChunks, plan.units());
  CHECK(plan.limits(0).max_executions > kSeedChunk);
  search.limits.max_executions = 3000;  // small budgets keep their chunks of 1,024
  const WorkPlan small(search, *program);
  UNSIGNED_LONGS_EQUAL(3, small.units());
  UNSIGNED_LONGS_EQUAL(kSeedChunk, small.limits(0).max_executions);
  UNSIGNED_LONGS_EQUAL(3000 - 2 * kSeedChunk, small.limits(2).max_executions);
}

TEST(ParallelSearch, MaxExecutionsCutsTheSameExecutionsForEveryJobs) {
  // ok W5 takes 52,528 executions in all: 3,000 stops it part way.
  const std::string path = capped("scenarios/boundedq/ok_w5.toml", 3000, "exhaustive = false\n");
  const CheckOutcome o = run_with(path, 2);
  CHECK_EQUAL(3000U, o.result.stats.executions);
  CHECK(!o.result.stats.exhausted);
  same_for_jobs(path);
}

TEST(ParallelSearch, TheOrderOfTheWorkUnitsChangesNothing) {
  // Units handed out last first meet the states in another order; with the
  // state abstraction a state's future depends on its fingerprint alone, so
  // the same states, executions and cut executions come out.
  for (const char* path :
       {"scenarios/boundedq/ok_w2.toml", "scenarios/boundedq/herd_w2.toml",
        "scenarios/boundedq/seed_fixed_w2.toml", "scenarios/xv6/futex_ok_w3.toml"}) {
    const std::string one = summary(run_with(path, 1));
    STRCMP_EQUAL_TEXT(one.c_str(), summary(run_with(path, 1, 0, "", true)).c_str(), path);
    STRCMP_EQUAL_TEXT(one.c_str(), summary(run_with(path, 2, 0, "", true)).c_str(), path);
  }
}

TEST(ParallelSearch, ExhaustiveCountsAreTheSequentialSearchs) {
  // One job is the plain depth-first search; two jobs give its counts.
  const CheckOutcome o = run_with("scenarios/boundedq/ok_w2.toml", 2);
  const Scenario s = load_scenario("scenarios/boundedq/ok_w2.toml");
  auto program = find_model(s.model)->make(s.variant, s.params);
  DfsScheduler dfs(true);
  const SearchResult plain = explore(*program, dfs, search_limits(s));
  CHECK(plain.stats.exhausted);
  CHECK_EQUAL(plain.stats.executions, o.result.stats.executions);
  CHECK_EQUAL(plain.stats.states, o.result.stats.states);
  CHECK_EQUAL(plain.stats.cut, o.result.stats.cut);
}

TEST(ParallelSearch, EveryStrategyIsTheSameForEveryJobs) {
  same_for_jobs("scenarios/boundedq/sleep_on_w3_random.toml");
  // Several seed chunks, the last one short.
  const std::string few = capped("scenarios/boundedq/ok_w1.toml", 2500);
  for (const char* strategy : {"random", "pct", "pb", "db"}) same_for_jobs(few, strategy);
  same_for_jobs("scenarios/boundedq/nowake_w3.toml", "pct");
}

TEST(ParallelSearch, ABugIsFoundInTheFirstSeedChunkAsBefore) {
  // Chunk 0 runs with the scenario's own seed: a bug found in the first
  // executions is found in the same execution as by an unsplit random walk.
  const CheckOutcome o = run_with("scenarios/boundedq/sleep_on_w3_random.toml", 2);
  CHECK(o.found == FindingKind::LostWakeup);
  CHECK(o.result.stats.executions <= kSeedChunk);
}

TEST_GROUP(MemoryBudget){};

TEST(MemoryBudget, ATinyBudgetIsInconclusiveNotACrash) {
  for (unsigned jobs : {1U, 2U}) {
    const CheckOutcome o = run_with("scenarios/boundedq/ok_w2.toml", jobs, 1024);
    CHECK(o.verdict == Verdict::Inconclusive);
    STRCMP_EQUAL("memory-budget", o.stop.c_str());
    STRCMP_CONTAINS("INCONCLUSIVE: memory budget", verdict_text(o).c_str());
  }
}

TEST(MemoryBudget, AnAmpleBudgetChangesNothing) {
  const std::string unlimited = summary(run_with("scenarios/boundedq/ok_w2.toml", 2));
  // 4 MiB: room for one work unit's set, not for many at once.
  STRCMP_EQUAL(unlimited.c_str(),
               summary(run_with("scenarios/boundedq/ok_w2.toml", 2, 4U << 20)).c_str());
}

TEST(MemoryBudget, SizesAreParsed) {
  CHECK_EQUAL(512ULL << 20, parse_memory_size("512M"));
  CHECK_EQUAL(2ULL << 30, parse_memory_size("2G"));
  CHECK_EQUAL(64ULL << 10, parse_memory_size("64k"));
  CHECK_EQUAL(4096ULL, parse_memory_size("4096"));
  for (const char* bad : {"", "0", "M", "12Q", "-1", "1.5G", "99999999999999999999G"}) {
    try {
      parse_memory_size(bad);
      FAIL(fmt::format("accepted --memory '{}'", bad).c_str());
    } catch (const UsageError& e) {
      STRCMP_CONTAINS(fmt::format("--memory '{}': expected a size", bad).c_str(), e.what());
    }
  }
}

}  // namespace wakecheck
