#include <fmt/format.h>
#include <fmt/ostream.h>

#include <filesystem>
#include <ostream>

#include "checker/explorer.hpp"
#include "checker/files.hpp"
#include "checker/replay.hpp"
#include "cli/commands.hpp"
#include "cli/verdict.hpp"
#include "reports/schedule_file.hpp"
#include "reports/trace_report.hpp"

namespace wakecheck {
namespace {

namespace fs = std::filesystem;

// The task names a schedule mentions, by task number (for divergence messages).
std::vector<std::string> names_in(const ScheduleFile& sf) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < sf.decisions.size(); ++i) {
    // Task numbers are bounded by the parser (kMaxScheduleTask).
    const TaskId t = task_of(sf.decisions[i]);
    if (t >= names.size()) names.resize(std::size_t{t} + 1);
    names[t] = sf.decision_names[i];
  }
  return names;
}

// A decision that names a task by the wrong name: the scenario's tasks moved.
std::string name_mismatch(const ScheduleFile& sf, const ExecutionRecord& r,
                          const std::string& path) {
  for (std::size_t i = 0; i < sf.decisions.size(); ++i) {
    const TaskId t = task_of(sf.decisions[i]);
    if (t >= r.task_names.size() || r.task_names[t] != sf.decision_names[i])
      return fmt::format("{}:{}: task {} is {} in this execution, but the schedule says {}", path,
                         sf.decision_lines[i], t,
                         t < r.task_names.size() ? r.task_names[t] : "no task",
                         sf.decision_names[i]);
  }
  return "";
}

struct Loaded {
  ScheduleFile schedule;
  Scenario scenario;
};

// Where the schedule's scenario is: beside the schedule first (the path
// relative to it), then the path `run` was given, from the working directory.
std::string find_scenario(const ScheduleFile& sf, const std::string& schedule_path) {
  std::vector<std::string> tried;
  if (!sf.scenario_relative.empty()) {
    const fs::path p = fs::path(schedule_path).parent_path() / sf.scenario_relative;
    if (fs::exists(p)) return p.string();
    tried.push_back(p.string());
  }
  if (fs::exists(sf.scenario_file) || tried.empty()) return sf.scenario_file;
  throw ScenarioError(fmt::format("{}: cannot find its scenario: neither {} nor {} exists",
                                  schedule_path, tried.front(), sf.scenario_file));
}

// Reads the schedule and its scenario; prints why not and returns false.
bool load(const Console& io, const std::string& path, Loaded& l) {
  try {
    l.schedule = parse_schedule(read_schedule_file(path), path);
    l.scenario = load_scenario(find_scenario(l.schedule, path));
  } catch (const std::exception& e) {
    fmt::print(io.err, "wakecheck: {}\n", e.what());
    return false;
  }
  if (l.scenario.content_hash != l.schedule.scenario_hash) {
    fmt::print(io.err,
               "wakecheck: {}: the scenario changed since this schedule was recorded: {} has "
               "hash fnv1a64:{:016x}, the schedule was made from fnv1a64:{:016x}; run it again\n",
               path, l.scenario.path, l.scenario.content_hash, l.schedule.scenario_hash);
    return false;
  }
  const int version = find_model(l.scenario.model)->version();
  if (!l.schedule.model.empty() && l.schedule.model_version != version) {
    fmt::print(io.err,
               "wakecheck: {}: recorded with model '{}' version {}, but this executable's '{}' "
               "is version {}: the model's behaviour changed since, so the schedule cannot "
               "replay; run the scenario again\n",
               path, l.schedule.model, l.schedule.model_version, l.scenario.model, version);
    return false;
  }
  return true;
}

}  // namespace

int replay_command(const Console& io, const std::string& schedule_path, const std::string& out_dir,
                   bool verbose) {
  Loaded l;
  if (!load(io, schedule_path, l)) return kExitBadInput;
  const Scenario& s = l.scenario;
  auto program = find_model(s.model)->make(s.variant, s.params);
  ReplayScheduler replay(l.schedule.decisions, names_in(l.schedule));
  SearchLimits limits = search_limits(s);
  limits.max_executions = 1;
  SearchResult result = explore(*program, replay, limits);
  // A thundering-herd finding is the verdict layer's (cli/verdict.hpp): made
  // again from the replayed execution and the scenario's bounds.
  if (!result.failure && result.problem.empty()) result.failure = herd_execution(s, result);
  std::string problem = result.problem;
  if (problem.empty() && result.failure)
    problem = name_mismatch(l.schedule, *result.failure, schedule_path);
  const std::string found =
      result.failure ? finding_name(result.failure->finding.kind) : std::string("none");
  if (problem.empty() && result.failure && result.failure->steps != l.schedule.steps)
    problem = fmt::format("diverged: the recorded execution took {} steps, this one {}",
                          l.schedule.steps, result.failure->steps);
  if (problem.empty() && (found != l.schedule.finding || !result.failure))
    problem = fmt::format("diverged: the recorded execution ended in {}, this one in {}",
                          l.schedule.finding, found);
  if (!problem.empty()) {
    fmt::print(io.err, "wakecheck: replay of {}: {}\n", schedule_path, problem);
    return kExitNotMet;
  }
  // Named as `run` named it, wherever it was found: the same trace, byte for byte.
  const std::string trace = format_trace(*result.failure, {s.name, l.schedule.scenario_file});
  const std::string dir =
      out_dir.empty() ? "wakecheck-out/" + fs::path(schedule_path).stem().string() + "-replay"
                      : out_dir;
  try {
    fs::create_directories(dir);
    write_files_atomically({{(fs::path(dir) / "trace.txt").string(), trace}});
  } catch (const std::exception& e) {
    fmt::print(io.err, "wakecheck: {}\n", e.what());
    return kExitBadInput;
  }
  const std::string shown =
      verbose ? trace
              : format_trace_summary(*result.failure, {s.name, l.schedule.scenario_file},
                                     (fs::path(dir) / "trace.txt").string());
  fmt::print(io.out, "{}\nreplayed {}: {} reproduced ({} decisions); trace in {}\n", shown,
             schedule_path, found, l.schedule.decisions.size(),
             (fs::path(dir) / "trace.txt").string());
  return kExitMet;
}

}  // namespace wakecheck
