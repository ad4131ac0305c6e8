#include "tests/fuzz/oracle.hpp"

#include <fmt/format.h>

#include <array>
#include <map>
#include <optional>
#include <vector>

#include "checker/dfs.hpp"
#include "checker/execution.hpp"
#include "checker/explorer.hpp"
#include "checker/random.hpp"
#include "checker/replay.hpp"
#include "reports/schedule_file.hpp"
#include "reports/trace_report.hpp"
#include "tests/fuzz/interpreter.hpp"

namespace wakecheck::fuzz {
namespace {

const ScenarioIdentity kIdentity{"fuzz program", "generated"};

// "leaked-lock t1 l0": the finding without anything that depends on the path.
std::string finding_key(const Execution& ex) {
  const Finding& f = ex.finding();
  if (!f) return "none";
  return fmt::format("{} {} {}", finding_name(f.kind),
                     f.task == kNoTask ? "-" : ex.task_name(f.task),
                     f.object == kNoObject ? "-" : ex.object_name(f.object));
}

// The state an execution ended in: each task's status and each object's value.
// Built from state only (never trace positions), so any two searches that
// reach the same state write the same text.
std::string end_state(const Execution& ex) {
  std::string out;
  for (TaskId t = 0; t < ex.task_count(); ++t) {
    out += ex.task_name(t) + ": ";
    switch (ex.status(t)) {
      case TaskStatus::Finished:
        out += fmt::format("returned {}", ex.exit_code(t));
        break;
      case TaskStatus::Sleeping:
        out += "asleep";
        break;
      case TaskStatus::Runnable:
        out += fmt::format("stopped before {}", ex.pending_label(t));
        break;
    }
    out += ", ";
    ex.describe(ex.task_object(t), out);
    out += "\n";
  }
  for (ObjectId o = 0; o < ex.object_count(); ++o) {
    if (ex.object_kind(o) == ObjectKind::Task) continue;
    out += ex.object_name(o) + ": ";
    if (ex.object_kind(o) == ObjectKind::Spinlock)
      out += ex.owner(o) == kNoTask ? "free" : "held by " + ex.task_name(ex.owner(o));
    else
      ex.describe(o, out);
    out += "\n";
  }
  return out;
}

// What one search saw over all its executions that were not cut.
struct Outcomes {
  SearchResult result;
  std::set<std::string> findings;
  std::set<std::string> ends;                    // finding key, then the end state
  std::map<std::string, ExecutionRecord> first;  // the first execution with each finding
};

SearchLimits limits_of(const OracleOptions& o, std::uint64_t executions) {
  SearchLimits l;
  l.max_executions = executions;
  l.max_steps = o.max_steps;
  l.checked = true;
  l.stop_at_finding = false;
  return l;
}

Outcomes search(const FuzzProgram& p, Scheduler& s, const SearchLimits& limits) {
  InterpretedProgram program(p);
  Outcomes o;
  o.result = explore(program, s, limits, [&o](const Execution& ex) {
    if (ex.cut()) return;
    const std::string key = finding_key(ex);
    o.ends.insert(key + "\n" + end_state(ex));
    if (ex.finding() && o.findings.insert(key).second) o.first.emplace(key, ex.snapshot());
  });
  return o;
}

// Up to three members of `a` that `b` lacks, one per paragraph.
std::string only_in(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::string out;
  int shown = 0;
  for (const std::string& x : a)
    if (!b.count(x) && shown++ < 3) out += x + (x.back() == '\n' ? "\n" : "\n\n");
  return out.empty() ? "(nothing)\n\n" : out;
}

// The first member of `a` that `b` lacks, or "".
std::string first_only_in(const std::set<std::string>& a, const std::set<std::string>& b) {
  for (const std::string& x : a)
    if (!b.count(x)) return x;
  return "";
}

// The trace of the first execution of a search that met `item` (a finding
// key, or a finding key and an end state), or "" if none did.
std::string witness(const FuzzProgram& p, Scheduler& s, const SearchLimits& limits,
                    const std::string& item) {
  InterpretedProgram program(p);
  std::optional<ExecutionRecord> found;
  explore(program, s, limits, [&](const Execution& ex) {
    if (found || ex.cut()) return;
    const std::string key = finding_key(ex);
    if (key == item || key + "\n" + end_state(ex) == item) found = ex.snapshot();
  });
  return found ? format_trace(*found, kIdentity) : "";
}

OracleResult disagree(std::string check, std::string detail) {
  OracleResult r;
  r.verdict = Verdict::Disagree;
  r.check = std::move(check);
  r.detail = std::move(detail);
  return r;
}

// A search's own soundness: the scheduler kept its promises and no execution
// blamed the model or ran into the step bound.
std::optional<OracleResult> engine_problem(const std::string& name, const Outcomes& o) {
  if (!o.result.problem.empty()) return disagree("nondeterminism", name + ": " + o.result.problem);
  for (const char* kind : {"model-error", "livelock"})
    for (const auto& [key, record] : o.first)
      if (key.rfind(kind, 0) == 0)
        return disagree(kind, name + " found " + key + ":\n" + format_trace(record, kIdentity));
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
    return "an execution of plain dfs that met it:\n" + witness(p, plain, limits, base_only);
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
                              const OracleOptions& o) {
  InterpretedProgram program(p);
  ScheduleFile sf;
  sf.scenario_file = "fuzz";
  sf.scenario_name = "fuzz program";
  sf.strategy = "dfs";
  sf.finding = finding_name(record.finding.kind);
  sf.steps = record.steps;
  sf.decisions = record.decisions;
  for (TaskId t : record.decisions) sf.decision_names.push_back(record.task_names[t]);
  const ScheduleFile back = parse_schedule(write_schedule(sf), "fuzz.schedule");
  ReplayScheduler replay(back.decisions, program.task_names());
  std::optional<ExecutionRecord> again;
  const SearchResult r = explore(program, replay, limits_of(o, 1),
                                 [&again](const Execution& ex) { again = ex.snapshot(); });
  if (!r.problem.empty()) return r.problem;
  if (!again) return "the replay ran no execution";
  const std::string want = format_trace(record, kIdentity);
  const std::string got = format_trace(*again, kIdentity);
  return want == got ? "" : first_difference(want, got);
}

std::optional<OracleResult> check_replays(const FuzzProgram& p, const std::string& name,
                                          const Outcomes& o, const OracleOptions& options) {
  for (const auto& [key, record] : o.first) {
    const std::string diff = replay_difference(p, record, options);
    if (!diff.empty())
      return disagree("replay", fmt::format("{}'s first execution with {} does not replay: {}\n{}",
                                            name, key, diff, format_trace(record, kIdentity)));
  }
  return std::nullopt;
}

// A random walk that also sizes the decision tree: the product of the
// choices met along a random path is an unbiased estimate of the number of
// its leaves (Knuth, "Estimating the efficiency of backtrack programs", 1975),
// which is the number of executions plain DFS needs.
class SizingWalk final : public Scheduler {
 public:
  explicit SizingWalk(std::uint64_t seed) : random_(seed) {}
  bool begin_execution() override {
    product_ = 1;
    return true;
  }
  std::optional<TaskId> pick_task(const Decision& d) override {
    product_ *= static_cast<double>(d.enabled.size());
    return random_.pick_task(d);
  }
  void end_execution() override {
    sum_ += product_;
    ++walks_;
  }
  double sum() const { return sum_; }
  std::uint64_t walks() const { return walks_; }

 private:
  RandomScheduler random_;
  double product_ = 1;
  double sum_ = 0;
  std::uint64_t walks_ = 0;
};

struct Walk {
  std::uint64_t seed;
  Outcomes outcomes;
};

std::vector<Walk> random_walks(const FuzzProgram& p, const OracleOptions& o, double& estimate) {
  std::vector<Walk> walks;
  double sum = 0;
  std::uint64_t n = 0;
  for (int w = 0; w < o.random_walks; ++w) {
    const std::uint64_t seed = mix64(p.seed + 0x72616e64ULL * static_cast<std::uint64_t>(w + 1));
    SizingWalk walk(seed);
    walks.push_back({seed, search(p, walk, limits_of(o, o.walk_executions))});
    sum += walk.sum();
    n += walk.walks();
  }
  estimate = n ? sum / static_cast<double>(n) : 0;
  return walks;
}

// Random walks may only meet what the exhaustive search met.
std::optional<OracleResult> check_random(const FuzzProgram& p, const std::vector<Walk>& walks,
                                         const Outcomes& base, const OracleOptions& o) {
  for (const Walk& w : walks) {
    const std::string extra = first_only_in(w.outcomes.ends, base.ends);  // ends hold findings
    if (extra.empty()) continue;
    SizingWalk again(w.seed);
    return disagree("random",
                    fmt::format("random walk (seed {}) met what plain dfs did not:\n{}"
                                "the walk's execution that met it:\n{}",
                                w.seed, only_in(w.outcomes.ends, base.ends),
                                witness(p, again, limits_of(o, o.walk_executions), extra)));
  }
  return std::nullopt;
}

}  // namespace

std::span<const Reduction> reductions() {
  static const std::array<Reduction, 1> kReductions = {
      {{"dfs+caching", [] { return std::make_unique<DfsScheduler>(true); }}}};
  return kReductions;
}

OracleResult check_program(const FuzzProgram& p, const OracleOptions& options,
                           std::span<const Reduction> under_test) {
  double estimate = 0;
  const std::vector<Walk> walks = random_walks(p, options, estimate);
  for (const Walk& w : walks)
    if (auto bad = engine_problem(fmt::format("random walk {}", w.seed), w.outcomes)) return *bad;
  OracleResult ok;
  ok.estimate = estimate;
  if (estimate > options.discard_factor * static_cast<double>(options.max_executions)) {
    ok.verdict = Verdict::Discarded;  // without spending the budget on it
    return ok;
  }
  DfsScheduler plain(false);
  const Outcomes base = search(p, plain, limits_of(options, options.max_executions));
  if (auto bad = engine_problem("plain dfs", base)) return *bad;
  ok.executions = base.result.stats.executions;
  ok.findings = base.findings;
  if (!base.result.stats.exhausted) {
    ok.verdict = Verdict::Discarded;
    return ok;
  }
  if (auto bad = check_replays(p, "plain dfs", base, options)) return *bad;
  for (const Reduction& reduction : under_test) {
    const std::unique_ptr<Scheduler> scheduler = reduction.make();
    const Outcomes o = search(p, *scheduler, limits_of(options, options.max_executions));
    if (auto bad = engine_problem(reduction.name, o)) return *bad;
    if (auto bad = compare(reduction.name, base, o)) {
      bad->detail += explain(p, options, reduction, base, o, bad->check);
      return *bad;
    }
    if (auto bad = check_replays(p, reduction.name, o, options)) return *bad;
  }
  if (auto bad = check_random(p, walks, base, options)) return *bad;
  for (const Walk& w : walks)
    if (auto bad = check_replays(p, fmt::format("random walk {}", w.seed), w.outcomes, options))
      return *bad;
  return ok;
}

}  // namespace wakecheck::fuzz
