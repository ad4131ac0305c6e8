// The schedule file: versioned text naming the scenario (path, name, content
// hash), the model and the version it declares, and every decision of one
// execution, in order. Format, version 2:
//
//   wakecheck-schedule 2
//   scenario-file scenarios/boundedq/sleep_on_w2.toml
//   scenario-relative ../../scenarios/boundedq/sleep_on_w2.toml
//   scenario-name sleep_on race, 2x2
//   scenario-hash fnv1a64:0123456789abcdef
//   model boundedq 1
//   strategy dfs
//   finding lost-wakeup
//   steps 51
//   decisions 2
//   run 1 producer1
//   run 3 consumer1
//   end
//
// Lines starting with '#' and blank lines are ignored. `scenario-file` is the
// path `run` was given (traces name the scenario so); `scenario-relative` is
// the same file relative to the schedule's directory, so a replay finds it
// from anywhere. `model NAME VERSION`: the model's declared version; a replay
// under another version is refused. `run ID NAME`: at the decision, run task
// ID (named NAME, checked on replay). Version 1 files (without the
// scenario-relative and model lines) are still read.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "checker/types.hpp"

namespace wakecheck {

// Task numbers in a schedule are below this (scenarios have far fewer tasks).
inline constexpr TaskId kMaxScheduleTask = 1 << 16;

struct ScheduleFile {
  std::string scenario_file;
  std::string scenario_relative;  // "" in version 1 files
  std::string model;              // "" in version 1 files
  int model_version = 0;
  std::string scenario_name;
  std::uint64_t scenario_hash = 0;
  std::string strategy;
  std::string finding;  // the finding's name ("lost-wakeup")
  std::uint32_t steps = 0;
  std::vector<TaskId> decisions;
  std::vector<std::string> decision_names;
  std::vector<int> decision_lines;  // where each decision stands in the file
};

// Bad schedule file: what() is "path:line:column: message", one line.
class ScheduleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string write_schedule(const ScheduleFile& s);
ScheduleFile parse_schedule(std::string_view text, const std::string& path);

// Reads a schedule file (a regular file, capped); throws FileError.
std::string read_schedule_file(const std::string& path);

}  // namespace wakecheck
