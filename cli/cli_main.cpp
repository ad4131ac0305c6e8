// wakecheck: flags -> command -> exit code. Nothing else lives here.
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/main.hpp"

namespace wakecheck {

int main(int argc, char** argv) {
  // A model registered twice, or registered wrongly, makes every answer
  // doubtful: say so before doing anything.
  if (const std::string problem = registry_problem(); !problem.empty()) {
    std::cerr << "wakecheck: bad model registration:\n" << problem << "\n";
    return kExitBadInput;
  }
  CLI::App app{"wakecheck: a deterministic model checker for kernel wait queues"};
  app.set_version_flag("--version", "wakecheck 0.1");
  app.require_subcommand(1);

  std::string scenario, strategy, out, schedule;
  std::vector<std::string> paths;
  CLI::App* run = app.add_subcommand("run",
                                     "search one scenario; on a finding, write its trace "
                                     "and schedule");
  run->add_option("scenario", scenario, "scenario file (.toml)")->required();
  run->add_option("--strategy", strategy, "search strategy: dfs or random (default: the file's)");
  run->add_option("--out", out,
                  "directory for trace.txt and the schedule "
                  "(default: wakecheck-out/<scenario>)");
  CLI::App* replay = app.add_subcommand("replay", "re-run the execution of a schedule file");
  replay->add_option("schedule", schedule, "schedule file")->required();
  replay->add_option("--out", out,
                     "directory for trace.txt "
                     "(default: wakecheck-out/<schedule>-replay)");
  CLI::App* check = app.add_subcommand("check",
                                       "run every scenario under the paths and compare "
                                       "each with its [expect]");
  check->add_option("paths", paths, "scenario files or directories")->required();
  CLI::App* list =
      app.add_subcommand("list", "print every registered model, its variants and parameters");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  const Console io{std::cout, std::cerr, argv[0]};
  try {
    if (*run) return run_command(io, scenario, strategy, out);
    if (*replay) return replay_command(io, schedule, out);
    if (*list) return list_command(io);
    return check_command(io, paths);
  } catch (const std::bad_alloc&) {
    std::cerr << "wakecheck: out of memory (lower search.max_steps or the workload)\n";
  } catch (const std::exception& e) {
    std::cerr << "wakecheck: internal error: " << e.what() << "\n";
  }
  return kExitBadInput;
}

}  // namespace wakecheck
