// The benchmark table's formatting (bench/table.hpp): what each result reads
// as, the numbers, the strategy specs, and the reference figures compiled in.
// It runs no benchmark: figures are never part of a test.
#include <stdexcept>
#include <string>

#include "bench/table.hpp"

// CppUTest last: its headers redefine new/delete for leak checks.
#include <CppUTest/TestHarness.h>

namespace wakecheck::bench {
namespace {

TEST_GROUP(BenchTable){};

TEST(BenchTable, NumbersReadAsTheReadmeWritesThem) {
  STRCMP_EQUAL("0", thousands(0).c_str());
  STRCMP_EQUAL("999", thousands(999).c_str());
  STRCMP_EQUAL("1,000", thousands(1000).c_str());
  STRCMP_EQUAL("1,838,052", thousands(1838052).c_str());
  STRCMP_EQUAL("0.004 s", seconds_text(0.0042).c_str());
  STRCMP_EQUAL("0.52 s", seconds_text(0.523).c_str());
  STRCMP_EQUAL("12.3 s", seconds_text(12.34).c_str());
  STRCMP_EQUAL("139 s", seconds_text(139.4).c_str());
  STRCMP_EQUAL("6.0 MB", rss_text(6 * 1024).c_str());
  STRCMP_EQUAL("791 MB", rss_text(791 * 1024).c_str());
  STRCMP_EQUAL("5.3 GB", rss_text(5427 * 1024).c_str());
  STRCMP_EQUAL("-", rss_text(0).c_str());
  STRCMP_EQUAL("23,600", rate_text(236000, 10).c_str());
  STRCMP_EQUAL("-", rate_text(67, 0.0004).c_str());  // too short to mean anything
}

TEST(BenchTable, OutcomesSayHowTheRowEnded) {
  const Budget budget{30, 0};
  RowResult r;
  r.stop = "exhausted";
  STRCMP_EQUAL("exhaustive", outcome_text(r, budget).c_str());
  r.stop = "finding";
  r.finding = "lost-wakeup";
  STRCMP_EQUAL("found lost-wakeup", outcome_text(r, budget).c_str());
  r.stop = "interrupted";
  r.timed_out = true;
  STRCMP_EQUAL("not done in 30 s", outcome_text(r, budget).c_str());
  r.timed_out = false;  // a person's Ctrl-C
  STRCMP_EQUAL("interrupted", outcome_text(r, budget).c_str());
  r.stop = "max-executions";
  r.max_executions = 1000000;
  STRCMP_EQUAL("not done in 1,000,000 executions", outcome_text(r, budget).c_str());
  r.stop = "killed";
  r.message = "out of memory (limit 4096 MB)";
  STRCMP_EQUAL("killed: out of memory (limit 4096 MB)", outcome_text(r, budget).c_str());

  // A bounded strategy's budget is its normal end, not a failure to finish.
  r = RowResult{};
  r.exhaustive_strategy = false;
  r.stop = "interrupted";
  r.timed_out = true;
  STRCMP_EQUAL("budget: 30 s", outcome_text(r, budget).c_str());
  r.stop = "exhausted";
  r.coverage = "every schedule with at most 2 preemptions";
  STRCMP_EQUAL("bound covered", outcome_text(r, budget).c_str());
  r.coverage = "every schedule (none needs more than 2 preemptions)";
  STRCMP_EQUAL("exhaustive", outcome_text(r, budget).c_str());
}

TEST(BenchTable, AResultSurvivesTheTripFromTheChildProcess) {
  RowResult r;
  r.stop = "finding";
  r.finding = "lost-wakeup";
  r.executions = 629;
  r.states = 500;
  r.seconds = 0.25;
  r.rss_kb = 6000;
  r.operations = 152;
  r.coverage = "a \"quoted\" | piped text";
  const RowResult back = row_from_json(to_json(r));
  STRCMP_EQUAL(to_json(r).c_str(), to_json(back).c_str());
  CHECK_THROWS(std::invalid_argument, row_from_json("not json"));
  CHECK_THROWS(std::invalid_argument, row_from_json("{\"stop\": \"exhausted\"}"));
}

TEST(BenchTable, StrategySpecsCarrySearchKeysAndJobs) {
  const StrategySpec pb = parse_strategy("pb:bound=3:seed=2");
  STRCMP_EQUAL("pb", pb.name.c_str());
  LONGS_EQUAL(2, pb.search.size());
  STRCMP_EQUAL("bound", pb.search[0].first.c_str());
  STRCMP_EQUAL("3", pb.search[0].second.c_str());
  UNSIGNED_LONGS_EQUAL(1, pb.jobs);
  const StrategySpec dfs2 = parse_strategy("dfs:jobs=2");
  UNSIGNED_LONGS_EQUAL(2, dfs2.jobs);
  CHECK(dfs2.search.empty());
  STRCMP_EQUAL("dfs:jobs=2", dfs2.text.c_str());
  LONGS_EQUAL(6, parse_strategies(kDefaultStrategies).size());
  CHECK_THROWS(std::invalid_argument, parse_strategy("pb:bound"));
  CHECK_THROWS(std::invalid_argument, parse_strategy("dfs:jobs=0"));
  CHECK_THROWS(std::invalid_argument, parse_strategy("dfs:strategy=dpor"));
  CHECK_THROWS(std::invalid_argument, parse_strategies(" , "));
}

TEST(BenchTable, WorkloadsAreTheBenchmarksOnesOrPxCxKxM) {
  LONGS_EQUAL(7, standard_workloads().size());
  const auto w6 = find_workload("W6");
  CHECK(w6.has_value());
  LONGS_EQUAL(3, w6->producers);
  LONGS_EQUAL(2, w6->capacity);
  const auto custom = find_workload("4x2x1x3");
  CHECK(custom.has_value());
  LONGS_EQUAL(4, custom->producers);
  LONGS_EQUAL(3, custom->capacity);
  STRCMP_EQUAL("W6 (3x3x2x2)", workload_label(*w6).c_str());
  STRCMP_EQUAL("4x4x2x2", workload_label(*find_workload("4x4x2x2")).c_str());
  CHECK_FALSE(find_workload("W7").has_value());
  CHECK_FALSE(find_workload("4x4x2").has_value());
}

TEST(BenchTable, TheCompiledInReferenceHasSpinAndGenmcForEveryWorkload) {
  const Reference ref = parse_reference(builtin_reference_text(), "reference.toml");
  CHECK(ref.tools.size() >= 2);
  STRCMP_EQUAL("spin", ref.tools[0].id.c_str());
  STRCMP_EQUAL("genmc", ref.tools[1].id.c_str());
  for (const BenchWorkload& w : standard_workloads()) {
    CHECK(!ref.ok_figure(ref.tools[0], w.name).empty());
    CHECK(!ref.ok_figure(ref.tools[1], w.name).empty());
  }
  STRCMP_EQUAL("18,069 / 0.06 s", ref.ok_figure(ref.tools[0], "W3").c_str());
}

TEST(BenchTable, RowsAreMarkdownWithTheOtherToolsOnTheFirstRowOfAWorkload) {
  const Reference ref = parse_reference(builtin_reference_text(), "reference.toml");
  const MarkdownTable ok("ok", ref);
  const std::string header = ok.header();
  CHECK(header.find("| workload | strategy | jobs | result |") == 0);
  CHECK(header.find("SPIN 6.5 states / wall") != std::string::npos);
  RowResult r;
  r.stop = "exhausted";
  r.executions = 982;
  r.states = 845;
  r.seconds = 0.05;
  r.rss_kb = 6 * 1024;
  const BenchWorkload w2 = *find_workload("W2");
  const std::string first = ok.row(w2, parse_strategy("dfs"), r, Budget{}, true);
  STRCMP_EQUAL(
      "| W2 (2x2x1x1) | dfs | 1 | exhaustive | 982 | 845 | 0.05 s | 19,640 | 6.0 MB | 0 | 2,002 / "
      "0.03 s | 56 / 0.3 s | 14 |\n",
      first.c_str());
  r.states = 0;  // dpor keeps none
  const std::string next = ok.row(w2, parse_strategy("dpor"), r, Budget{}, false);
  STRCMP_EQUAL("|  | dpor | 1 | exhaustive | 982 | - | 0.05 s | 19,640 | 6.0 MB | 0 |  |  |  |\n",
               next.c_str());
  // Every row has as many cells as the header.
  const auto cells = [](const std::string& line) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < line.size(); ++i)
      if (line[i] == '|' && (i == 0 || line[i - 1] != '\\')) ++n;
    return n;
  };
  LONGS_EQUAL(cells(header.substr(0, header.find('\n'))), cells(first));

  const MarkdownTable nowake("nowake", ref);
  r.stop = "finding";
  r.finding = "lost-wakeup";
  r.operations = 152;
  const std::string found = nowake.row(w2, parse_strategy("random:seed=7"), r, Budget{}, true);
  CHECK(found.find("| found lost-wakeup |") != std::string::npos);
  CHECK(found.find("| 152 ops |") != std::string::npos);
  CHECK(nowake.notes().find("GenMC") != std::string::npos);
  CHECK(MarkdownTable("sleep_on", ref).notes().find("GenMC") != std::string::npos);
  CHECK(MarkdownTable("herd", ref).notes().find("GenMC 0.11 finds") == std::string::npos);
}

}  // namespace
}  // namespace wakecheck::bench
