// What `run --out DIR` and `check --out DIR` leave in DIR, written all or
// none (temporary files, then renames):
//   report.json           always (reports/json_report.hpp)
//   trace.txt             when there is an execution to show: a finding, a
//   <scenario>.schedule   thundering-herd's worst execution, a step bound hit
//   trace.html            (reports/html_report.hpp)
//   trace.perfetto.json   (reports/perfetto_report.hpp)
// Files of these names left by an earlier run and not written by this one
// are removed, so DIR never mixes two runs.
#pragma once

#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "reports/json_report.hpp"

namespace wakecheck {

// Makes `dir` (and its parents) or checks it is a writable directory; throws
// FileError ("DIR: ...") when it cannot hold artifacts. Called before a search.
void prepare_out_dir(const std::string& dir);

// Checks that `path` can be created: its directory exists and is writable,
// and it is not a directory itself; throws FileError. Called before a search.
void check_output_file(const std::string& path, const char* option);

// The report of one outcome; `schedule`/`trace` name the files written ("": none).
ReportData report_data(const Scenario& s, const CheckOutcome& o, const std::string& strategy,
                       const std::string& schedule, const std::string& trace);

// Writes DIR's artifacts for the outcome and returns the paths written
// (report.json last). Throws FileError or std::filesystem errors.
std::vector<std::string> write_artifacts(const Scenario& s, const CheckOutcome& o,
                                         const std::string& strategy, const std::string& dir);

}  // namespace wakecheck
