#include "tests/fuzz/oracle.hpp"

#include <fmt/format.h>

#include <array>
#include <map>
#include <optional>
#include <vector>

#include "checker/bounded.hpp"
#include "checker/dfs.hpp"
#include "checker/dpor.hpp"
#include "checker/execution.hpp"
#include "checker/explorer.hpp"
#include "checker/pct.hpp"
#include "checker/replay.hpp"
#include "reports/schedule_file.hpp"
#include "reports/trace_report.hpp"
#include "tests/fuzz/interpreter.hpp"
#include "tests/fuzz/outcomes.hpp"
#include "tests/fuzz/sizing_walk.hpp"

namespace wakecheck::fuzz {
namespace {

SearchLimits limits_of(const OracleOptions& o, std::uint64_t executions) {
  SearchLimits l;
  l.max_executions = executions;
  l.max_steps = o.max_steps;
  l.checked = true;
  l.stop_at_finding = false;
  return l;
}

// The reference: every step a scheduling point, every task's whole history.
SearchLimits reference_limits(const OracleOptions& o, std::uint64_t executions) {
  SearchLimits l = limits_of(o, executions);
  l.abstraction = false;
  l.reduction = false;
  return l;
}

OracleResult disagree(std::string check, std::string detail) {
  OracleResult r;
  r.verdict = Verdict::Disagree;
  r.check = std::move(check);
  r.detail = std::move(detail);
  return r;
}

// A search's own soundness: the scheduler kept its promises and no execution
// blamed the model, ran into the step bound or went round a cycle (generated
// programs always terminate).
std::optional<OracleResult> engine_problem(const std::string& name, const Outcomes& o) {
  if (!o.result.problem.empty()) return disagree("nondeterminism", name + ": " + o.result.problem);
  for (const char* kind : {"model-error", "step-bound", "livelock", "busy-wait"})
    for (const auto& [key, record] : o.first)
      if (key.rfind(kind, 0) == 0)
        return disagree(kind, name + " found " + key + ":\n" + format_trace(record, kFuzzIdentity));
  return std::nullopt;
}

std::optional<OracleResult> compare(const std::string& name, const Outcomes& base,
                                    const Outcomes& other) {
  if (!other.result.stats.exhausted)
    return disagree("exhausted", name + " did not finish where plain dfs did");
  if (base.findings != other.findings)
    return disagree("findings", fmt::format("only plain dfs found:\n{}only {} found:\n{}",
                                            only_in(base.findings, other.findings), name,
                                            only_in(other.findings, base.findings)));
  if (base.worst_waste != other.worst_waste)
    return disagree("waste", fmt::format("the worst execution wasted {} wakeups under plain dfs, "
                                         "{} under {}",
                                         base.worst_waste, other.worst_waste, name));
  if (base.ends != other.ends)
    return disagree(
        "ends", fmt::format("only plain dfs reached:\n{}only {} reached:\n{}",
                            only_in(base.ends, other.ends), name, only_in(other.ends, base.ends)));
  return std::nullopt;
}

// For a failed compare(): an execution that met the first outcome only one
// side met, found again by re-running that side's search.
std::string explain(const FuzzProgram& p, const OracleOptions& options, const Reduction& reduction,
                    const Outcomes& base, const Outcomes& other, const std::string& check) {
  const SearchLimits limits = limits_of(options, options.max_executions);
  const bool ends = check == "ends";
  const std::string base_only =
      ends ? first_only_in(base.ends, other.ends) : first_only_in(base.findings, other.findings);
  if (!base_only.empty()) {
    DfsScheduler plain(false);
    return "an execution of plain dfs that met it:\n" +
           witness(p, plain, reference_limits(options, options.max_executions), base_only);
  }
  const std::string other_only =
      ends ? first_only_in(other.ends, base.ends) : first_only_in(other.findings, base.findings);
  if (other_only.empty()) return "";
  const std::unique_ptr<Scheduler> s = reduction.make();
  return "an execution of " + reduction.name + " that met it:\n" +
         witness(p, *s, limits, other_only);
}

std::string first_difference(const std::string& a, const std::string& b) {
  std::size_t line = 1, start = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()) && a[i] == b[i]; ++i)
    if (a[i] == '\n') ++line, start = i + 1;
  auto line_at = [start](const std::string& s) {
    return s.substr(start, s.find('\n', start) - start);
  };
  return fmt::format("line {}:\n  recorded: {}\n  replayed: {}\n", line, line_at(a), line_at(b));
}

// Writes `record`'s schedule file, reads it back and replays it; "" when the
// replayed trace is byte-identical.
std::string replay_difference(const FuzzProgram& p, const ExecutionRecord& record,
                              const SearchLimits& limits) {
  InterpretedProgram program(p);
  ScheduleFile sf;
  sf.scenario_file = "fuzz";
  sf.scenario_relative = "fuzz";
  sf.model = "fuzz";
  sf.model_version = 1;
  sf.scenario_name = "fuzz program";
  sf.strategy = "dfs";
  sf.finding = finding_name(record.finding.kind);
  sf.steps = record.steps;
  sf.decisions = record.decisions;
  for (TaskId t : record.decisions) sf.decision_names.push_back(record.task_names[task_of(t)]);
  ScheduleFile back;
  try {
    back = parse_schedule(write_schedule(sf), "fuzz.schedule");
  } catch (const ScheduleError& e) {
    return std::string("the schedule file does not read back: ") + e.what();
  }
  ReplayScheduler replay(back.decisions, program.task_names());
  std::optional<ExecutionRecord> again;
  const SearchResult r =
      explore(program, replay, limits, [&again](const Execution& ex) { again = ex.snapshot(); });
  if (!r.problem.empty()) return r.problem;
  if (!again) return "the replay ran no execution";
  const std::string want = format_trace(record, kFuzzIdentity);
  const std::string got = format_trace(*again, kFuzzIdentity);
  return want == got ? "" : first_difference(want, got);
}

// `reference`: the search ran under reference_limits(), and so does the replay.
std::optional<OracleResult> check_replays(const FuzzProgram& p, const std::string& name,
                                          const Outcomes& o, const OracleOptions& options,
                                          bool reference = false) {
  const SearchLimits limits = reference ? reference_limits(options, 1) : limits_of(options, 1);
  for (const auto& [key, record] : o.first) {
    const std::string diff = replay_difference(p, record, limits);
    if (!diff.empty())
      return disagree("replay", fmt::format("{}'s first execution with {} does not replay: {}\n{}",
                                            name, key, diff, format_trace(record, kFuzzIdentity)));
  }
  return std::nullopt;
}

// A search that may miss outcomes (random walks, bounded searches) but must
// never meet one plain DFS did not.
struct Partial {
  std::string name;
  std::function<std::unique_ptr<Scheduler>()> make;
  std::uint64_t executions;
  Outcomes outcomes;
};

Outcomes run_partial(const FuzzProgram& p, const Partial& partial, const OracleOptions& o) {
  const std::unique_ptr<Scheduler> s = partial.make();
  return search(p, *s, limits_of(o, partial.executions));
}

// The random walks, run first: their estimate of plain DFS's executions
// decides whether plain DFS is run at all.
std::vector<Partial> random_walks(const FuzzProgram& p, const OracleOptions& o, double& estimate) {
  std::vector<Partial> walks;
  double sum = 0;
  std::uint64_t n = 0;
  for (int w = 0; w < o.random_walks; ++w) {
    const std::uint64_t seed = mix64(p.seed + 0x72616e64ULL * static_cast<std::uint64_t>(w + 1));
    SizingWalk walk(seed);
    walks.push_back({fmt::format("random walk (seed {})", seed),
                     [seed] { return std::make_unique<SizingWalk>(seed); }, o.walk_executions,
                     search(p, walk, limits_of(o, o.walk_executions))});
    sum += walk.sum();
    n += walk.walks();
  }
  estimate = n ? sum / static_cast<double>(n) : 0;
  return walks;
}

// The bug-hunting strategies: one preemption, one delay, and PCT.
std::vector<Partial> bounded_searches(const FuzzProgram& p, const OracleOptions& o) {
  using M = BoundedScheduler::Measure;
  std::vector<Partial> out = {
      {"pb(1)+caching",
       [] { return std::make_unique<BoundedScheduler>(M::preemptions, 1, true); },
       o.max_executions,
       {}},
      {"db(1)+caching",
       [] { return std::make_unique<BoundedScheduler>(M::delays, 1, true); },
       o.max_executions,
       {}},
      {"pct(d=2)",
       [seed = p.seed] { return std::make_unique<PctScheduler>(seed, 2); },
       o.walk_executions,
       {}}};
  for (Partial& s : out) s.outcomes = run_partial(p, s, o);
  return out;
}

std::optional<OracleResult> check_partial(const FuzzProgram& p, const Partial& s,
                                          const Outcomes& base, const OracleOptions& o) {
  if (auto bad = engine_problem(s.name, s.outcomes)) return bad;
  const std::string extra = first_only_in(s.outcomes.ends, base.ends);  // ends hold findings
  if (!extra.empty()) {
    const std::unique_ptr<Scheduler> again = s.make();
    return disagree("partial",
                    fmt::format("{} met what plain dfs did not:\n{}its execution that met it:\n{}",
                                s.name, only_in(s.outcomes.ends, base.ends),
                                witness(p, *again, limits_of(o, s.executions), extra)));
  }
  return check_replays(p, s.name, s.outcomes, o);
}

}  // namespace

// A bound no generated program reaches: the bounded searches then cover every
// schedule, so they must meet everything plain DFS meets.
constexpr std::uint32_t kUnbounded = 1'000;

std::span<const Reduction> reductions() {
  using M = BoundedScheduler::Measure;
  static const std::array<Reduction, 4> kReductions = {
      {{"dfs+caching", [] { return std::make_unique<DfsScheduler>(true); }},
       {"dpor", [] { return std::make_unique<DporScheduler>(); }},
       {"pb(unbounded)+caching",
        [] { return std::make_unique<BoundedScheduler>(M::preemptions, kUnbounded, true); }, 4},
       {"db(unbounded)+caching",
        [] { return std::make_unique<BoundedScheduler>(M::delays, kUnbounded, true); }, 4}}};
  return kReductions;
}

OracleResult check_program(const FuzzProgram& p, const OracleOptions& options,
                           std::span<const Reduction> under_test) {
  double estimate = 0;
  const std::vector<Partial> walks = random_walks(p, options, estimate);
  for (const Partial& w : walks)
    if (auto bad = engine_problem(w.name, w.outcomes)) return *bad;
  OracleResult ok;
  ok.estimate = estimate;
  if (estimate > options.discard_factor * static_cast<double>(options.max_executions)) {
    ok.verdict = Verdict::Discarded;  // without spending the budget on it
    return ok;
  }
  DfsScheduler plain(false);
  const Outcomes base = search(p, plain, reference_limits(options, options.max_executions));
  if (auto bad = engine_problem("plain dfs", base)) return *bad;
  ok.executions = base.result.stats.executions;
  ok.findings = base.findings;
  if (!base.result.stats.exhausted) {
    ok.verdict = Verdict::Discarded;
    return ok;
  }
  if (auto bad = check_replays(p, "plain dfs", base, options, true)) return *bad;
  for (const Reduction& reduction : under_test) {
    const std::uint64_t budget = options.max_executions * reduction.budget_factor;
    const std::unique_ptr<Scheduler> scheduler = reduction.make();
    const Outcomes o = search(p, *scheduler, limits_of(options, budget));
    if (!o.result.stats.exhausted && reduction.budget_factor > 1) {
      if (auto bad = check_partial(p, {reduction.name, reduction.make, budget, o}, base, options))
        return *bad;
      continue;
    }
    if (auto bad = engine_problem(reduction.name, o)) return *bad;
    if (auto bad = compare(reduction.name, base, o)) {
      bad->detail += explain(p, options, reduction, base, o, bad->check);
      return *bad;
    }
    if (auto bad = check_replays(p, reduction.name, o, options)) return *bad;
  }
  for (const std::vector<Partial>& group : {walks, bounded_searches(p, options)})
    for (const Partial& s : group)
      if (auto bad = check_partial(p, s, base, options)) return *bad;
  return ok;
}

}  // namespace wakecheck::fuzz
