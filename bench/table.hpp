// The benchmark table (`make bench`): what a row is, how its result reads, and
// the Markdown it prints. No processes and no searching here (table_main.cpp
// runs the rows), so a test can check every formatting rule.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wakecheck::bench {

// A boundedq workload: P producers x C consumers, K items per producer, capacity M.
struct BenchWorkload {
  std::string name;  // "W3", "4x4x2x2"
  int producers = 1, consumers = 1, items = 1, capacity = 1;
};

// "W3 (2x2x2x1)", "4x4x2x2".
std::string workload_label(const BenchWorkload& w);
// W1..W6 and 4x4x2x2, in that order.
const std::vector<BenchWorkload>& standard_workloads();
// "W3" or "4x4x2x2" (any PxCxKxM); nullopt for anything else.
std::optional<BenchWorkload> find_workload(std::string_view name);

// A strategy and the scenario [search] keys it runs with: "pb:bound=3:seed=2"
// is strategy pb with bound = 3 and seed = 2. Any [search] key a scenario file
// takes may appear (max_executions, state_caching, timeouts, ...); their values
// are checked by the scenario loader. One key is the table's own: jobs=N, the
// worker threads of a parallel search (the jobs column).
struct StrategySpec {
  std::string name;                                         // "dfs"
  std::vector<std::pair<std::string, std::string>> search;  // [search] keys, in order
  unsigned jobs = 1;
  std::string text;  // as written: how the table names the row
};
// Throws std::invalid_argument with a message naming what is wrong.
StrategySpec parse_strategy(std::string_view text);
// A comma-separated list of specs: "dfs,dpor,pb:bound=3".
std::vector<StrategySpec> parse_strategies(std::string_view list);
// A comma-separated list of names, each checked against `known` (workloads or variants).
std::vector<std::string> split_list(std::string_view list);

// The default list: every strategy the checker has, with its default settings.
inline constexpr std::string_view kDefaultStrategies = "dfs,dpor,pb,db,pct,random";

// What a row is given: wall seconds (0: no limit) and executions (0: no
// limit beyond the scenario default's own).
struct Budget {
  double seconds = 30;
  std::uint64_t executions = 0;
};

// One row's measurement, as the child process reports it.
struct RowResult {
  // "exhausted", "finding", "max-executions", "interrupted" (the wall budget
  // or a Ctrl-C), "step-bound", "problem" (as report.json's stop_reason),
  // "killed" (the child died or overran), "error" (it could not run).
  std::string stop;
  bool timed_out = false;           // "interrupted" by the row's wall budget, not by a person
  bool exhaustive_strategy = true;  // dfs, dpor: finishing proves there is no finding
  std::string finding;              // finding kind when stop == "finding"
  std::string coverage;             // the strategy's own account of what it covered
  std::string message;              // why "killed" or "error"
  std::uint64_t executions = 0;
  std::uint64_t max_executions = 0;  // the row's executions budget
  std::uint64_t states = 0;          // 0: the strategy keeps none
  double seconds = 0;                // wall clock of the search alone
  std::uint64_t rss_kb = 0;          // the row's process's peak resident set (ru_maxrss)
  std::uint32_t max_wasted = 0;
  std::uint32_t operations = 0;  // the counterexample's length when stop == "finding"
};

// JSON object (one line) and back: how a row's child process reports.
std::string to_json(const RowResult& r);
RowResult row_from_json(std::string_view text);  // throws std::invalid_argument

// "exhaustive", "found lost-wakeup", "not done in 30 s", "budget: 30 s", ...
std::string outcome_text(const RowResult& r, const Budget& budget);

// 1234567 -> "1,234,567".
std::string thousands(std::uint64_t n);
// Seconds for people: "0.004 s", "0.52 s", "12.3 s", "139 s".
std::string seconds_text(double s);
// A budget as people set it: "30 s", "2.5 s".
std::string budget_seconds(double s);
// Executions per second: "-" when too short to mean anything (under 10 ms).
std::string rate_text(std::uint64_t executions, double seconds);
// ru_maxrss (KiB) as "6 MB", "791 MB", "2.1 GB" (MB = 2^20 bytes).
std::string rss_text(std::uint64_t kb);

// The other tools' figures (bench/reference.toml, compiled in).
struct ReferenceTool {
  std::string id, name, counts, how;
  std::vector<std::pair<std::string, std::string>> ok;  // workload -> figure
};
struct Reference {
  std::string document, machine;
  std::vector<ReferenceTool> tools;
  // Per variant, what the source says beside its figures (printed under the table).
  std::vector<std::pair<std::string, std::vector<std::string>>> notes;
  // The tool's figure for Q-ok on `workload`, "" when it has none.
  std::string ok_figure(const ReferenceTool& tool, std::string_view workload) const;
};
// Parses reference.toml's text; throws std::invalid_argument.
Reference parse_reference(std::string_view toml_text, std::string_view source_name);
// The copy compiled into the binary.
std::string_view builtin_reference_text();

// The Markdown of one variant's table, row by row (so rows print as they finish).
class MarkdownTable {
 public:
  MarkdownTable(std::string variant, const Reference& reference);
  std::string title() const;   // "### Q-ok (variant `ok`)"
  std::string header() const;  // the column names and the separator line
  // first_of_workload: the first row of its workload (the other tools' figures go there).
  std::string row(const BenchWorkload& w, const StrategySpec& s, const RowResult& r,
                  const Budget& budget, bool first_of_workload) const;
  std::string notes() const;  // what the other tools say about this variant, under the table

 private:
  std::string variant_;
  const Reference& reference_;
  bool with_tools() const { return variant_ == "ok"; }
};

// "Q-ok", "B-herd", "B-nowake", "B-leak", "B-sleepon": the names BENCHMARKS.md
// gives the variants.
std::string variant_title(std::string_view variant);

}  // namespace wakecheck::bench
