#include "cli/commands.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>

#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <ostream>

#include "checker/files.hpp"
#include "checker/strategies.hpp"
#include "cli/artifacts.hpp"
#include "cli/interrupt.hpp"
#include "reports/trace_report.hpp"
#include "scenarios/did_you_mean.hpp"

namespace wakecheck {
namespace {

namespace fs = std::filesystem;

std::string shown_path(const Scenario& s) {
  return s.path.empty() ? "in code" : s.path;
}

std::string stem_of(const std::string& path) {
  return fs::path(path).stem().string();
}

std::string strategy_error(const std::string& name) {
  std::vector<std::string_view> names;
  std::string list;
  for (const StrategyInfo& s : strategies()) {
    names.push_back(s.name);
    list += (list.empty() ? "" : ", ") + std::string(s.name);
  }
  const std::string guess = did_you_mean(name, names);
  return fmt::format("unknown strategy '{}'{} (one of: {})", name,
                     guess.empty() ? "" : "; did you mean '" + guess + "'?", list);
}

std::string counts(const Scenario& s, const CheckOutcome& o) {
  const SearchStats& st = o.result.stats;
  std::string scope;
  if (o.stop == "finding")
    scope = fmt::format("found after {} execution{}", st.executions, st.executions == 1 ? "" : "s");
  else if (o.stop == "step-bound")
    scope = fmt::format("stopped at the step bound ({} steps) in execution {}", s.max_steps,
                        st.executions);
  else if (o.stop == "interrupted")
    scope = fmt::format("interrupted after {} executions", st.executions);
  else if (o.stop == "memory-budget")
    scope = fmt::format("stopped at the memory budget after {} executions", st.executions);
  else if (st.exhausted)
    scope = fmt::format("exhaustive: {} executions", st.executions);
  else
    scope = fmt::format("not exhaustive: stopped after {} executions ({})", st.executions,
                        o.strategy == "dfs" ? "max_executions" : o.strategy + " search");
  if (st.states) scope += fmt::format(", {} states (hash-compacted)", st.states);
  return scope + fmt::format(", {:.2f} s", o.seconds);
}

// The verdict (cli/verdict.hpp): the engine's finding, else a herd above the
// scenario's bound; the step bound and an incomplete search are inconclusive.
void decide(const Scenario& s, std::string_view strategy, Program& program, CheckOutcome& o) {
  o.stop = stop_reason(o.result);
  o.found = o.result.failure ? o.result.failure->finding.kind : FindingKind::None;
  if (!o.result.problem.empty() && !o.result.failure) o.found = FindingKind::ModelError;
  if (o.stop == "step-bound") o.found = FindingKind::None;
  if (o.found == FindingKind::None && o.stop != "step-bound")
    if (auto herd = herd_execution(s, o.result, program)) {
      o.result.failure = std::move(herd);
      o.found = FindingKind::ThunderingHerd;
    }
  o.met = o.found == s.expect;
  // Everything covered: an exhaustive strategy that ran out of executions
  // (pb and db finish too, but only within their bound).
  const StrategyInfo* info = find_strategy(strategy);
  const bool covered = o.stop == "exhausted" && info != nullptr && info->exhaustive;
  const bool incomplete =
      o.found == FindingKind::None &&
      (o.stop == "step-bound" || o.stop == "interrupted" || o.stop == "memory-budget" ||
       (!covered && !bounded_search_accepted(s, std::string(strategy))));
  o.verdict = !o.met ? Verdict::NotMet : incomplete ? Verdict::Inconclusive : Verdict::Met;
}

// A finding the engine made in a search that stopped at it (not a
// thundering-herd, which the verdict layer makes from the worst execution, nor
// the step bound or a model error) is replaced by the shortest execution with
// the same finding that the budget finds.
void minimise_failure(const Scenario& s, Program& program, const SearchLimits& limits,
                      CheckOutcome& o) {
  if (s.minimise_budget == 0 || o.stop != "finding" || !o.result.failure ||
      !o.result.problem.empty() || o.found == FindingKind::ModelError)
    return;
  Minimised m = minimise(program, *o.result.failure, limits, s.minimise_budget);
  o.result.failure = std::move(m.record);
  o.minimised = m.stats;
}

// `trace`: the execution's trace as run prints it (whole, or summarised).
void print_outcome(const Console& io, const Scenario& s, const CheckOutcome& o,
                   const std::string& trace) {
  if (!o.result.problem.empty())
    fmt::print(io.out, "finding: {}: {}\n\n", finding_name(o.found), o.result.problem);
  if (o.result.failure) fmt::print(io.out, "{}\n", trace);
  if (const std::string line = minimised_line(o); !line.empty()) fmt::print(io.out, "{}\n", line);
  fmt::print(io.out, "{}: {} ({})\n", s.name, finding_name(o.found), counts(s, o));
  if (const std::string waste = waste_line(o); !waste.empty()) fmt::print(io.out, "{}\n", waste);
  if (!o.coverage.empty()) fmt::print(io.out, "covered: {}\n", o.coverage);
  fmt::print(io.out, "expected: {}: {}\n", finding_name(s.expect), verdict_text(o));
}

}  // namespace

std::string verdict_text(const CheckOutcome& o) {
  switch (o.verdict) {
    case Verdict::Met:
      return "met";
    case Verdict::NotMet:
      return "NOT met";
    case Verdict::Inconclusive:
      if (o.stop == "interrupted") return "INCONCLUSIVE: interrupted";
      if (o.stop == "memory-budget")
        return "INCONCLUSIVE: memory budget (a work unit's visited set needed more than "
               "--memory allows; raise it)";
      if (o.stop == "exhausted")
        return "INCONCLUSIVE: " + o.strategy + " covered only " + o.coverage +
               ", and the scenario asks for an exhaustive search";
      return o.stop == "step-bound"
                 ? "INCONCLUSIVE: step bound (an execution did not end within max_steps; "
                   "raise it, or the model does not terminate)"
                 : "INCONCLUSIVE: the search stopped at max_executions before covering every "
                   "execution (raise it, or say [expect] exhaustive = false)";
  }
  return "";
}

std::string minimised_line(const CheckOutcome& o) {
  if (!o.minimised) return "";
  const MinimiseStats& m = *o.minimised;
  const std::string runs =
      fmt::format("{} execution{}{}", m.executions, m.executions == 1 ? "" : "s",
                  m.interrupted ? ", interrupted" : "");
  if (!m.improved() && m.interrupted)
    return fmt::format("counterexample minimised: none shorter found before the interrupt ({})",
                       runs);
  if (!m.improved())
    return fmt::format(
        "counterexample minimised: none shorter found ({} operations, {} preemption{}; {})",
        m.operations_after, m.preemptions_after, m.preemptions_after == 1 ? "" : "s", runs);
  return fmt::format("counterexample minimised: {} -> {} operations, {} -> {} preemptions ({})",
                     m.operations_before, m.operations_after, m.preemptions_before,
                     m.preemptions_after, runs);
}

void MinimiseFlags::apply(Scenario& s) const {
  if (budget) s.minimise_budget = *budget;
  if (off) s.minimise_budget = 0;
}

std::string waste_line(const CheckOutcome& o) {
  if (o.wait_queues.empty()) return "";
  std::string per_queue;
  for (const WaitQueueName& q : o.wait_queues) {
    const auto& by = o.result.max_wasted_by_object;
    per_queue += fmt::format("{}{} {}", per_queue.empty() ? "" : ", ", q.name,
                             q.id < by.size() ? by[q.id] : 0);
  }
  return fmt::format("wasted wakeups: worst execution {} ({}){}", o.result.stats.max_wasted,
                     per_queue, o.stop == "exhausted" ? "" : " over the executions explored");
}

SplitSearch split_search(const Scenario& s, const std::string& strategy) {
  const StrategyInfo* info = find_strategy(strategy.empty() ? s.strategy : strategy);
  if (info == nullptr) throw ScenarioError(strategy_error(strategy));
  SplitSearch search;
  search.make_program = [s] { return find_model(s.model)->make(s.variant, s.params); };
  search.strategy = info;
  search.options = strategy_options(s);
  search.limits = search_limits(s);
  search.limits.cancel = interrupt_flag();  // set only when the command installed the handlers
  search.keep_worst_waste = s.max_wasted.has_value() || !s.max_wasted_by_queue.empty();
  return search;
}

std::uint64_t default_memory_budget() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page <= 0) return 1ULL << 30;
  return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) / 2;
}

void finish_outcome(const Scenario& s, const SplitSearch& search, Program& program,
                    CheckOutcome& o) {
  o.strategy = std::string(search.strategy->name);
  decide(s, search.strategy->name, program, o);
  minimise_failure(s, program, search.limits, o);
  if (o.result.failure) o.trace = format_trace(*o.result.failure, {s.name, shown_path(s)});
}

std::vector<std::string> unused_family_warnings(const Scenario& s, const SearchResult& r) {
  // Indexed by WakeEvent: what the model would have to do for the family to act.
  static constexpr const char* kNeeds[] = {"", "sleep with a timeout", "sleep interruptibly",
                                           "sleep", "make an allocation that may fail"};
  std::vector<std::string> out;
  if (r.failure && !r.stats.exhausted) return out;
  for (const Scenario::FamilyKey& f : s.families_on) {
    const auto e = static_cast<unsigned>(f.event);
    if (r.offered_events & (1u << e)) continue;
    out.push_back(fmt::format(
        "{}warning: {} = true, but model {} did not {} in any of the {} executions: the choice "
        "changes nothing",
        f.where, f.key, s.model, kNeeds[e], r.stats.executions));
  }
  return out;
}

CheckOutcome check_scenario(const Scenario& given, const std::string& strategy,
                            const RunOptions& run, const ProgressFn& progress) {
  // What wakecheck::main refuses at startup, the direct API refuses at first use.
  if (const std::string problem = registry_problem(); !problem.empty())
    throw ScenarioError("bad model registration: " + problem);
  Scenario s = given;
  validate_scenario(s);
  const SplitSearch search = split_search(s, strategy);
  auto program = search.make_program();
  CheckOutcome o;
  o.wait_queues = wait_queues_of(*program);
  check_queue_bounds(s, o.wait_queues);  // before any search
  RunOptions options = run;
  if (options.memory == 0) options.memory = default_memory_budget();
  const auto start = std::chrono::steady_clock::now();
  SplitSearch search_with_progress = search;
  search_with_progress.limits.progress = progress;
  const WorkPlan plan(search_with_progress, *program);
  Combined c = search_all(plan, search_with_progress, options, *program);
  o.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  o.result = std::move(c.result);
  o.coverage = std::move(c.coverage);
  o.warnings = unused_family_warnings(s, o.result);
  finish_outcome(s, search, *program, o);
  return o;
}

CheckOutcome check_scenario_file(const std::string& path) {
  return check_scenario(load_scenario(path));
}

int report_outcome(const Console& io, const Scenario& s, const CheckOutcome& o,
                   const std::string& strategy, const std::string& dir, bool verbose) {
  // A long trace is summarised here; trace.txt always has it whole.
  print_outcome(io, s, o,
                verbose || !o.result.failure
                    ? o.trace
                    : format_trace_summary(*o.result.failure, {s.name, shown_path(s)},
                                           (fs::path(dir) / "trace.txt").string()));
  try {
    const auto written = write_artifacts(s, o, strategy, dir);
    fmt::print(io.out, "wrote {}\n", fmt::join(written, ", "));
  } catch (const std::exception& e) {
    fmt::print(io.err, "wakecheck: {}\n", e.what());
    return kExitBadInput;
  }
  if (o.result.failure)
    fmt::print(io.out, "replay: {} replay {}\n", io.program,
               (fs::path(dir) / (stem_of(s.path) + ".schedule")).string());
  if (o.stop == "interrupted") return kExitInterrupted;
  return o.verdict == Verdict::Met ? kExitMet : kExitNotMet;
}

int run_command(const Console& io, const std::string& scenario_path, const std::string& strategy,
                const std::string& out_dir, const MinimiseFlags& minimise, const RunOptions& run,
                bool verbose) {
  Scenario s;
  try {
    s = load_scenario(scenario_path);
    minimise.apply(s);
  } catch (const ScenarioError& e) {
    fmt::print(io.err, "wakecheck: {}\n", e.what());
    return kExitBadInput;
  }
  if (!strategy.empty() && !find_strategy(strategy)) {
    fmt::print(io.err, "wakecheck: --strategy: {}\n", strategy_error(strategy));
    return kExitBadInput;
  }
  const std::string dir = out_dir.empty() ? "wakecheck-out/" + stem_of(s.path) : out_dir;
  CheckOutcome o;
  try {
    prepare_out_dir(dir);  // before the search, not after it
    ProgressDisplay display(io.err, io.progress, stem_of(s.path), s.max_executions);
    o = check_scenario(s, strategy, run, display.callback());
  } catch (const std::runtime_error& e) {  // ScenarioError, FileError
    fmt::print(io.err, "wakecheck: {}\n", e.what());
    return kExitBadInput;
  }
  for (const std::string& w : o.warnings) fmt::print(io.err, "wakecheck: {}\n", w);
  return report_outcome(io, s, o, strategy.empty() ? s.strategy : strategy, dir, verbose);
}

}  // namespace wakecheck
