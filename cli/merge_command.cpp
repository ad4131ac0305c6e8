// run --shard I/N (one shard's units, written as a result file) and
// merge FILE... (the shards' results combined into one verdict).
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "checker/files.hpp"
#include "checker/program.hpp"
#include "checker/tree_search.hpp"
#include "cli/artifacts.hpp"
#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "cli/shard.hpp"

namespace wakecheck {
namespace {

namespace fs = std::filesystem;

std::string default_dir(const Scenario& s) {
  return "wakecheck-out/" + fs::path(s.path).stem().string();
}

void print_shard(const Console& io, const Scenario& s, const ShardSpec& spec, std::uint32_t units,
                 const std::vector<UnitResult>& results) {
  std::uint64_t executions = 0;
  std::optional<std::uint32_t> stop;
  for (const UnitResult& u : results) {
    executions += u.result.stats.executions;
    if (!stop && (u.result.failure || !u.result.problem.empty())) stop = u.unit;
  }
  fmt::print(io.out, "{}: shard {}/{}: {} of {} work units, {} executions{}\n", s.name, spec.index,
             spec.count, results.size(), units, executions,
             stop ? fmt::format(", a finding in unit {}", *stop) : "");
}

// Every file's units, checked to be its shard's, in unit order.
std::vector<UnitResult> units_of(const std::vector<ShardFile>& files, const WorkPlan& plan,
                                 Program& program, const SearchLimits& limits) {
  std::vector<UnitResult> units;
  for (const ShardFile& f : files)
    for (UnitResult& u : shard_results(f, program, limits)) {
      if (u.unit >= plan.units() || u.unit % f.spec.count != f.spec.index - 1)
        throw UsageError(fmt::format("{}: unit {} is not one of shard {}/{}'s", f.path, u.unit,
                                     f.spec.index, f.spec.count));
      units.push_back(std::move(u));
    }
  std::sort(units.begin(), units.end(),
            [](const UnitResult& a, const UnitResult& b) { return a.unit < b.unit; });
  return units;
}

// The outcome the shards' results make together, as one run would have it.
CheckOutcome merged_outcome(const Scenario& s, const std::vector<ShardFile>& files) {
  const SplitSearch search = split_search(s, files.front().strategy);
  auto program = search.make_program();
  CheckOutcome o;
  o.wait_queues = wait_queues_of(*program);
  check_queue_bounds(s, o.wait_queues);
  const WorkPlan plan(search, *program);
  if (plan.units() != files.front().units)
    throw UsageError(
        fmt::format("{}: the search now has {} work units and had {} when the "
                    "shards ran: the model or wakecheck changed",
                    s.path, plan.units(), files.front().units));
  if (search.strategy->split == Split::tree) {
    std::vector<TreeShard> shards;
    for (const ShardFile& f : files) shards.push_back(tree_shard(f));
    RunOptions run;
    run.jobs = 1;
    run.memory = default_memory_budget();
    o.result = finish_tree(plan, search, run, shards, *program, true);
  } else {
    Combined c = combine(plan, search, units_of(files, plan, *program, search.limits), *program);
    o.result = std::move(c.result);
    o.coverage = std::move(c.coverage);
  }
  finish_outcome(s, search, *program, o);
  return o;
}

Scenario scenario_of(const ShardFile& f) {
  Scenario s = load_scenario(f.scenario_path);
  if (s.content_hash != f.content_hash)
    throw UsageError(fmt::format("{}: the scenario file changed since the shards ran ({})",
                                 f.scenario_path, f.path));
  return s;
}

}  // namespace

int shard_command(const Console& io, const std::string& scenario_path, const std::string& strategy,
                  const std::string& out_dir, const RunOptions& run) {
  try {
    const Scenario s = load_scenario(scenario_path);
    const SplitSearch search = split_search(s, strategy);
    const std::string dir = out_dir.empty() ? default_dir(s) : out_dir;
    prepare_out_dir(dir);
    auto program = search.make_program();
    check_queue_bounds(s, wait_queues_of(*program));
    RunOptions options = run;
    if (options.memory == 0) options.memory = default_memory_budget();
    const WorkPlan plan(search, *program);
    const ShardSpec spec{run.shard, run.shards};
    const std::string file = (fs::path(dir) / shard_file_name(spec)).string();
    if (search.strategy->split == Split::tree) {
      const TreeShard tree = run_tree_shard(plan, search, options, true);
      if (tree.interrupted) {
        fmt::print(io.out, "{}: shard {}/{} interrupted; no result file written\n", s.name,
                   spec.index, spec.count);
        return kExitInterrupted;
      }
      fmt::print(io.out, "{}: shard {}/{}: {} of {} work units, {} executions, {} states{}\n",
                 s.name, spec.index, spec.count, tree.units_run, plan.units(), tree.executions,
                 tree.logged.size(),
                 tree.stopped ? ", stopped early (merge re-runs the search)" : "");
      write_files_atomically({{file, tree_shard_file_text(s, search, plan.units(), spec, tree)}});
      fmt::print(io.out, "wrote {}\nmerge: {} merge {}/shard-*-of-{}.json\n", file, io.program, dir,
                 spec.count);
      return kExitMet;
    }
    const std::vector<UnitResult> results = run_units(plan, search, options);
    if (std::any_of(results.begin(), results.end(),
                    [](const UnitResult& u) { return u.result.interrupted; })) {
      fmt::print(io.out, "{}: shard {}/{} interrupted; no result file written\n", s.name,
                 spec.index, spec.count);
      return kExitInterrupted;
    }
    print_shard(io, s, spec, plan.units(), results);
    write_files_atomically({{file, shard_file_text(s, search, plan.units(), spec, results)}});
    fmt::print(io.out, "wrote {}\nmerge: {} merge {}/shard-*-of-{}.json\n", file, io.program, dir,
               spec.count);
    return kExitMet;
  } catch (const std::runtime_error& e) {  // ScenarioError, FileError
    fmt::print(io.err, "wakecheck: {}\n", e.what());
    return kExitBadInput;
  }
}

int merge_command(const Console& io, const std::vector<std::string>& paths,
                  const std::string& out_dir) {
  Scenario s;
  CheckOutcome o;
  std::string dir;
  try {
    std::vector<ShardFile> files;
    for (const std::string& p : paths) files.push_back(read_shard_file(p));
    check_shard_set(files);
    s = scenario_of(files.front());
    dir = out_dir.empty() ? default_dir(s) : out_dir;
    prepare_out_dir(dir);
    o = merged_outcome(s, files);
  } catch (const std::runtime_error& e) {  // UsageError, ScenarioError, FileError
    fmt::print(io.err, "wakecheck: merge: {}\n", e.what());
    return kExitBadInput;
  }
  return report_outcome(io, s, o, o.strategy, dir);
}

}  // namespace wakecheck
