// run --shard I/N and merge: the shards' results merged give the verdict,
// the counts and the counterexample of one run; a bad shard spec or a bad set
// of result files is exit 2 with a message naming the problem.
#include <fmt/format.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/shard.hpp"
#include "tests/console_capture.hpp"
#include "tests/test_files.hpp"

// CppUTest last: its new/delete macros break standard headers included after it.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

namespace fs = std::filesystem;

const fs::path kScratch = fs::temp_directory_path() / "wakecheck-tests" / "shard";

// report.json without its one timing field.
std::string report_of(const fs::path& dir) {
  return std::regex_replace(read_file((dir / "report.json").string()),
                            std::regex("\"seconds\": [0-9.e+-]+"), "\"seconds\": 0");
}

// Runs shards 1..n of `scenario` into dir/shards and returns their files.
std::vector<std::string> run_shards(const std::string& scenario, std::uint32_t n,
                                    const fs::path& dir, unsigned jobs = 1) {
  std::vector<std::string> files;
  for (std::uint32_t i = 1; i <= n; ++i) {
    Streams s;
    RunOptions run;
    run.jobs = jobs;
    run.shard = i;
    run.shards = n;
    LONGS_EQUAL_TEXT(kExitMet, shard_command(s.io, scenario, "", (dir / "shards").string(), run),
                     s.err.str().c_str());
    files.push_back((dir / "shards" / shard_file_name({i, n})).string());
    CHECK(fs::exists(files.back()));
  }
  return files;
}

// One run and a merge of n shards write the same report and trace.
void merge_equals_one_run(const std::string& scenario, std::uint32_t n) {
  const fs::path dir = kScratch / fmt::format("{}-{}", fs::path(scenario).stem().string(), n);
  fs::remove_all(dir);
  Streams one;
  const int code = run_command(one.io, scenario, "", (dir / "one").string());
  const std::vector<std::string> files = run_shards(scenario, n, dir);
  Streams merged;
  LONGS_EQUAL_TEXT(code, merge_command(merged.io, files, (dir / "merged").string()),
                   merged.err.str().c_str());
  STRCMP_EQUAL(report_of(dir / "one").c_str(), report_of(dir / "merged").c_str());
  if (fs::exists(dir / "one" / "trace.txt"))
    STRCMP_EQUAL(read_file((dir / "one" / "trace.txt").string()).c_str(),
                 read_file((dir / "merged" / "trace.txt").string()).c_str());
}

// Merges `files`, expects exit 2 and one line naming the problem.
void merge_refused(const std::vector<std::string>& files, const std::string& message) {
  Streams s;
  LONGS_EQUAL_TEXT(kExitBadInput, merge_command(s.io, files, (kScratch / "never").string()),
                   s.out.str().c_str());
  STRCMP_CONTAINS(message.c_str(), s.err.str().c_str());
  STRCMP_CONTAINS("wakecheck: merge: ", s.err.str().c_str());
}

}  // namespace

TEST_GROUP(Shard){};

TEST(Shard, TwoShardsMergedEqualOneRun) {
  merge_equals_one_run("scenarios/boundedq/ok_w2.toml", 2);
  merge_equals_one_run("scenarios/boundedq/sleep_on_w2.toml", 2);
  merge_equals_one_run("scenarios/herd/herd_w2_over_budget.toml", 2);
}

TEST(Shard, UnevenShardsAndCapsMergedEqualOneRun) {
  merge_equals_one_run("scenarios/boundedq/nowake_w3.toml", 3);
  // max_executions ends the search inside a unit: the merge runs that unit again, cut there.
  fs::create_directories(kScratch);
  const std::string capped = (kScratch / "capped.toml").string();
  write_file_atomically(
      capped, std::regex_replace(read_file("scenarios/boundedq/ok_w2.toml"),
                                 std::regex("max_executions = 1000000"), "max_executions = 500") +
                  "exhaustive = false\n");
  merge_equals_one_run(capped, 3);
  merge_equals_one_run("scenarios/boundedq/sleep_on_w3_random.toml", 2);
}

TEST(Shard, ShardsRunWithSeveralJobsGiveTheSameFile) {
  const fs::path a = kScratch / "jobs1", b = kScratch / "jobs2";
  fs::remove_all(a);
  fs::remove_all(b);
  const auto one = run_shards("scenarios/boundedq/ok_w2.toml", 2, a, 1);
  const auto two = run_shards("scenarios/boundedq/ok_w2.toml", 2, b, 2);
  for (std::size_t i = 0; i < one.size(); ++i)
    STRCMP_EQUAL(read_file(one[i]).c_str(), read_file(two[i]).c_str());
}

TEST(Shard, BadShardSpecsAreRejected) {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"3/2", "I must be 1..2"}, {"0/2", "I must be 1..2"}, {"1/0", "N must be 1..1000000"},
      {"x", "expected I/N"},     {"1/2/3", "expected I/N"}, {"", "expected I/N"},
      {"-1/2", "expected I/N"},  {"1/", "expected I/N"},
  };
  for (const auto& [spec, message] : cases) {
    try {
      parse_shard(spec);
      FAIL(fmt::format("accepted --shard '{}'", spec).c_str());
    } catch (const UsageError& e) {
      STRCMP_CONTAINS(fmt::format("--shard '{}': {}", spec, message).c_str(), e.what());
    }
  }
  CHECK_EQUAL(2U, parse_shard("2/3").index);
  CHECK_EQUAL(3U, parse_shard("2/3").count);
}

TEST(Shard, MergeRefusesMissingAndDuplicateShards) {
  const fs::path dir = kScratch / "set";
  fs::remove_all(dir);
  const auto files = run_shards("scenarios/boundedq/ok_w1.toml", 2, dir);
  merge_refused({files[0]}, "shard 2/2 is missing");
  merge_refused({files[0], files[1], files[0]}, "are both shard 1/2");
}

TEST(Shard, MergeRefusesShardsOfDifferentScenarios) {
  const fs::path dir = kScratch / "mixed";
  fs::remove_all(dir);
  const auto w1 = run_shards("scenarios/boundedq/ok_w1.toml", 2, dir / "w1");
  const auto herd = run_shards("scenarios/boundedq/herd_w1.toml", 2, dir / "herd");
  merge_refused({w1[0], herd[1]}, "are not shards of one search: /scenario/");
  const auto three = run_shards("scenarios/boundedq/ok_w1.toml", 3, dir / "three");
  merge_refused({w1[0], three[1]}, "/shards is 2 in the first and 3 in the second");
}

TEST(Shard, MergeRefusesOtherVersionsAndDamagedFiles) {
  const fs::path dir = kScratch / "versions";
  fs::remove_all(dir);
  const auto files = run_shards("scenarios/boundedq/ok_w1.toml", 2, dir);
  const std::string text = read_file(files[1]);
  const std::string old = (dir / "old.json").string();
  write_file_atomically(old, std::regex_replace(text, std::regex("\"wakecheck\": \"[^\"]*\""),
                                                "\"wakecheck\": \"0.0\""));
  merge_refused({files[0], old}, "old.json: made by wakecheck \"0.0\", this is wakecheck");
  const std::string format = (dir / "format.json").string();
  write_file_atomically(format,
                        std::regex_replace(text, std::regex("\"version\": 1"), "\"version\": 9"));
  merge_refused({files[0], format}, "format.json: result file format version 9");
  const std::string cut = (dir / "cut.json").string();
  write_file_atomically(cut, text.substr(0, text.size() / 2));
  merge_refused({files[0], cut}, "cut.json: not a shard result file");
  merge_refused({files[0], (dir / "none.json").string()}, "none.json");
}

}  // namespace wakecheck
