// wakecheck: flags -> command -> exit code. Nothing else lives here.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <string_view>
#include <vector>

#include "cli/commands.hpp"
#include "cli/interrupt.hpp"
#include "cli/main.hpp"
#include "scenarios/did_you_mean.hpp"

namespace wakecheck {
namespace {

const std::string kExitCodes =
    "exit codes: 0 expectations met; 1 not met, inconclusive, or a replay diverged; "
    "2 bad input or usage; 130 interrupted";

// A first argument that is neither an option nor a command: say which
// commands there are, and the nearest one.
int unknown_command(int argc, char** argv, const CLI::App& app) {
  if (argc < 2 || argv[1][0] == '-') return 0;
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  const std::string word = argv[1];
  if (std::find(names.begin(), names.end(), word) != names.end()) return 0;
  const std::vector<std::string_view> views(names.begin(), names.end());
  const std::string guess = did_you_mean(word, views);
  std::string list;
  for (const std::string& n : names) list += (list.empty() ? "" : ", ") + n;
  std::cerr << "wakecheck: unknown command '" << word << "'"
            << (guess.empty() ? "" : "; did you mean '" + guess + "'?") << " (commands: " << list
            << "; see wakecheck --help)\n";
  return kExitBadInput;
}

// A count of executions: digits only, at most 10^18 - 1 (CLI11's own range
// messages print doubles, and it takes "-1" for an unsigned).
const CLI::Validator kExecutionCount(
    [](const std::string& text) -> std::string {
      const bool digits =
          !text.empty() && text.size() <= 18 &&
          std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
      return digits ? ""
                    : "'" + text +
                          "' is not a number of executions (0 to 999999999999999999; 0: do not "
                          "minimise)";
    },
    "N");

// --minimise-budget N and --no-minimise (checker/minimise.hpp) on `sub`.
const CLI::Option* add_minimise_flags(CLI::App& sub, std::int64_t& budget,
                                      MinimiseFlags& minimise) {
  CLI::Option* off = sub.add_flag("--no-minimise", minimise.off,
                                  "report the counterexample as the search found it");
  return sub
      .add_option("--minimise-budget", budget,
                  "executions to spend shortening a counterexample (fewest preemptions, then "
                  "fewest operations; default: the scenario's minimise_budget, else 20000)")
      ->check(kExecutionCount)
      ->excludes(off);
}

}  // namespace

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
  MinimiseFlags minimise;
  std::int64_t budget = 0;
  const CLI::Option* run_budget = add_minimise_flags(*run, budget, minimise);
  bool quiet = false, verbose = false;
  run->add_flag("--quiet", quiet, "no progress display on stderr");
  run->add_flag("--verbose", verbose,
                "print the whole trace on stdout (a long one is otherwise summarised; "
                "trace.txt always has it whole)");
  CLI::App* replay = app.add_subcommand("replay", "re-run the execution of a schedule file");
  replay->add_option("schedule", schedule, "schedule file")->required();
  replay->add_option("--out", out,
                     "directory for trace.txt "
                     "(default: wakecheck-out/<schedule>-replay)");
  replay->add_flag("--verbose", verbose, "print the whole trace on stdout, however long");
  CLI::App* check = app.add_subcommand("check",
                                       "run every scenario under the paths and compare "
                                       "each with its [expect]");
  check->add_option("paths", paths, "scenario files or directories")->required();
  CheckOptions check_opt;
  check->add_option("--json", check_opt.json, "write every row's report as one JSON array");
  check->add_option("--junit", check_opt.junit, "write JUnit XML (one testcase per scenario)");
  check->add_option("--out", check_opt.out,
                    "write each failing row's trace, schedule and report.json in DIR/<scenario>/");
  const CLI::Option* check_budget = add_minimise_flags(*check, budget, minimise);
  check->add_flag("--quiet", quiet, "no progress display on stderr");
  run->footer(kExitCodes +
              "\nexample: wakecheck run scenarios/boundedq/sleep_on_w2.toml --out out/");
  replay->footer(kExitCodes + "\nexample: wakecheck replay out/sleep_on_w2.schedule");
  check->footer(kExitCodes + "\nexample: wakecheck check scenarios/ --junit results.xml");
  std::string kind;
  CLI::App* explain = app.add_subcommand("explain", "what a finding kind means and how to fix it");
  explain->add_option("kind", kind, "a finding kind, e.g. lost-wakeup")->required();
  explain->footer(kExitCodes + "\nexample: wakecheck explain thundering-herd");
  CLI::App* list =
      app.add_subcommand("list", "print every registered model, its variants and parameters");

  if (const int bad = unknown_command(argc, argv, app); bad != 0) return bad;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }
  if (*run_budget || *check_budget) minimise.budget = static_cast<std::uint64_t>(budget);
  check_opt.minimise = minimise;
  // Progress goes to stderr: redrawn in place on a terminal, a line every 10 s otherwise.
  const ProgressMode progress = quiet                     ? ProgressMode::off
                                : ::isatty(STDERR_FILENO) ? ProgressMode::in_place
                                                          : ProgressMode::lines;
  const Console io{std::cout, std::cerr, argv[0], progress};
  if (*run || *check) install_interrupt_handlers();
  try {
    if (*run) return run_command(io, scenario, strategy, out, minimise, verbose);
    if (*replay) return replay_command(io, schedule, out, verbose);
    if (*list) return list_command(io);
    if (*explain) return explain_command(io, kind);
    return check_command(io, paths, check_opt);
  } catch (const std::bad_alloc&) {
    std::cerr << "wakecheck: out of memory (lower search.max_steps or the workload)\n";
  } catch (const std::exception& e) {
    std::cerr << "wakecheck: internal error: " << e.what() << "\n";
  }
  return kExitBadInput;
}

}  // namespace wakecheck
