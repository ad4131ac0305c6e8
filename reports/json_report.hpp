// report.json: one scenario's result for machines, in a versioned format
// whose schema is reports/schema/report-1.schema.json (a test validates
// reports against it). `check --json` writes an array of the same objects.
// Deterministic but for search.seconds, the one timing field.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "checker/minimise.hpp"
#include "checker/trace.hpp"

namespace wakecheck {

inline constexpr int kReportVersion = 1;

struct ReportData {
  // scenario
  std::string path;
  std::string name;  // "" for a file that could not be read (then `error` says why)
  std::string model;
  std::string variant;
  std::vector<std::pair<std::string, std::int64_t>> workload;
  std::string expected;  // the finding [expect] names
  std::string verdict;   // met | not-met | inconclusive | bad-input
  std::string error;     // bad-input only: the one-line message
  // The shown execution and its finding (null when none).
  const ExecutionRecord* failure = nullptr;
  // search
  std::string strategy;
  std::uint64_t executions = 0;
  std::uint64_t states = 0;
  bool exhaustive = false;
  double seconds = 0;
  std::string
      stop_reason;  // exhausted | max-executions | step-bound | finding | problem | interrupted
  std::string coverage;  // the strategy's own words; "" when it has none
  std::string problem;   // the scheduler's problem (model-error), "" when none
  // How the finding's execution was shortened (null: it was not minimised).
  const MinimiseStats* minimised = nullptr;
  // wasted_wakeups
  std::uint32_t max_wasted = 0;
  std::vector<std::pair<std::string, std::uint32_t>> max_wasted_by_queue;
  // Artifacts beside report.json (file names, "" when not written).
  std::string schedule_file;
  std::string trace_file;
};

// One report object, pretty-printed, ending in a newline.
std::string report_json(const ReportData& report);
// An array of them (check --json).
std::string reports_json(const std::vector<ReportData>& reports);

}  // namespace wakecheck
