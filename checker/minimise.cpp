#include "checker/minimise.hpp"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "checker/bounded.hpp"
#include "checker/execution.hpp"
#include "checker/program.hpp"
#include "checker/replay.hpp"
#include "checker/scheduler.hpp"
#include "checker/stack_pool.hpp"

namespace wakecheck {
namespace {

bool is_enabled(std::span<const TaskId> enabled, TaskId t) {
  return std::find(enabled.begin(), enabled.end(), t) != enabled.end();
}

bool is_preemption(const Decision& d, TaskId pick) {
  return pick != d.previous && is_enabled(d.enabled, d.previous);
}

// Counts the preemptions among another scheduler's picks (a decorator: the
// strategy itself is unchanged).
class PreemptionCounter final : public Scheduler {
 public:
  explicit PreemptionCounter(Scheduler& inner) : inner_(inner) {}
  bool begin_execution() override {
    count_ = 0;
    return inner_.begin_execution();
  }
  std::optional<TaskId> pick_task(const Decision& d) override {
    const std::optional<TaskId> pick = inner_.pick_task(d);
    if (pick && is_preemption(d, *pick)) ++count_;
    return pick;
  }
  void end_execution() override { inner_.end_execution(); }
  const std::string& problem() const override { return inner_.problem(); }
  std::uint32_t count() const { return count_; }

 private:
  Scheduler& inner_;
  std::uint32_t count_ = 0;
};

// One execution by a list of decisions that may not fit any more: a decision
// naming a task that is not enabled, one marked kNoTask, and every decision
// after the list ends, run the previous task if it can go on (no
// preemption), else the lowest enabled task.
class LenientReplay final : public Scheduler {
 public:
  explicit LenientReplay(const std::vector<TaskId>& plan) : plan_(plan) {}
  bool begin_execution() override { return !std::exchange(ran_, true); }
  std::optional<TaskId> pick_task(const Decision& d) override {
    const TaskId want = next_ < plan_.size() ? plan_[next_] : kNoTask;
    ++next_;
    if (want != kNoTask && is_enabled(d.enabled, want)) return want;
    return is_enabled(d.enabled, d.previous) ? d.previous : d.enabled.front();
  }
  void end_execution() override {}

 private:
  const std::vector<TaskId>& plan_;
  std::size_t next_ = 0;
  bool ran_ = false;
};

struct Candidate {
  ExecutionRecord record;
  std::uint32_t preemptions = 0;
};

// Fewer preemptions first, then fewer operations.
bool better(const Candidate& a, const Candidate& b) {
  if (a.preemptions != b.preemptions) return a.preemptions < b.preemptions;
  return a.record.trace.size() < b.record.trace.size();
}

// Runs executions of the program against the budget, and says which ones
// reproduce the original finding (its kind and object).
class Runner {
 public:
  Runner(Program& program, const Finding& want, const SearchLimits& limits, std::uint64_t budget)
      : program_(program),
        want_(want),
        ex_(stacks_, limits.max_steps),
        cancel_(limits.cancel),
        budget_(budget) {
    ex_.set_checked(limits.checked);
    ex_.set_choices(limits.choices);
  }

  // Runs `strategy`'s executions, handing each that reproduces the finding
  // to `hit` (true: stop there), until the strategy is done, `cap`
  // executions have run in all, or the budget is spent.
  template <class Hit>
  void search(Scheduler& strategy, std::uint64_t cap, Hit hit) {
    PreemptionCounter s(strategy);
    while (executions_ < std::min(cap, budget_) && !cancelled() && s.begin_execution()) {
      ex_.reset();
      program_.setup(ex_);
      ex_.run(s, program_);
      ++executions_;
      bool stop = false;
      if (s.problem().empty() && !ex_.cut() && reproduces(ex_.finding()))
        stop = hit(Candidate{ex_.snapshot(), s.count()});
      s.end_execution();
      if (stop || !s.problem().empty()) return;
    }
  }
  // The first execution of `strategy` that reproduces the finding.
  std::optional<Candidate> find(Scheduler& strategy, std::uint64_t cap) {
    std::optional<Candidate> first;
    search(strategy, cap, [&first](Candidate&& c) {
      first = std::move(c);
      return true;
    });
    return first;
  }
  std::optional<Candidate> replay(const std::vector<TaskId>& plan) {
    LenientReplay lenient(plan);
    return find(lenient, budget_);
  }
  bool stopped() { return executions_ >= budget_ || cancelled(); }
  bool cancelled() const { return cancel_ != nullptr && *cancel_ != 0; }
  std::uint64_t executions() const { return executions_; }
  std::uint64_t budget() const { return budget_; }

 private:
  bool reproduces(const Finding& f) const {
    return f.kind == want_.kind && f.object == want_.object;
  }

  Program& program_;
  Finding want_;
  StackPool stacks_;
  Execution ex_;
  const volatile std::sig_atomic_t* cancel_;
  std::uint64_t budget_;
  std::uint64_t executions_ = 0;
};

// Phase 1: the fewest preemptions, by iterative preemption bounding up to one
// fewer than the best so far; then every schedule within the fewest found,
// for the one with the fewest operations. That search does not depend on
// the original execution (only on its preemption count and finding), so
// different searches that find the same bug report the same counterexample
// when the budget lets it finish. It may use half of what is left of the
// budget: the rest is for shrinking.
void bound_preemptions(Runner& r, Candidate& best) {
  const std::uint64_t cap = r.executions() + (r.budget() - r.executions()) / 2;
  if (best.preemptions > 0) {
    BoundedScheduler fewer(BoundedScheduler::Measure::preemptions, best.preemptions - 1, true);
    if (std::optional<Candidate> c = r.find(fewer, cap)) best = std::move(*c);
  }
  std::optional<Candidate> shortest;
  BoundedScheduler all(BoundedScheduler::Measure::preemptions, best.preemptions, true);
  r.search(all, cap, [&shortest](Candidate&& next) {
    if (!shortest || better(next, *shortest)) shortest = std::move(next);
    return false;
  });
  if (shortest && !better(best, *shortest)) best = std::move(*shortest);
}

bool keep_if_better(Runner& r, Candidate& best, const std::vector<TaskId>& plan) {
  std::optional<Candidate> c = r.replay(plan);
  if (!c || !better(*c, best)) return false;
  best = std::move(*c);
  return true;
}

// Drops blocks of n decisions, n halving down to 1; true when one was kept.
bool drop_blocks(Runner& r, Candidate& best) {
  bool kept = false;
  for (std::size_t n = std::max<std::size_t>(1, best.record.decisions.size() / 2);; n /= 2) {
    for (std::size_t i = 0; i < best.record.decisions.size() && !r.stopped();) {
      std::vector<TaskId> plan = best.record.decisions;
      plan.erase(plan.begin() + static_cast<std::ptrdiff_t>(i),
                 plan.begin() + static_cast<std::ptrdiff_t>(std::min(i + n, plan.size())));
      if (keep_if_better(r, best, plan))
        kept = true;  // the same i now names the next block
      else
        i += n;
    }
    if (n <= 1 || r.stopped()) return kept;
  }
}

// Replaces single decisions by the non-preempting choice; true when one was kept.
bool unpreempt(Runner& r, Candidate& best) {
  bool kept = false;
  for (std::size_t i = 0; i < best.record.decisions.size() && !r.stopped(); ++i) {
    std::vector<TaskId> plan = best.record.decisions;
    plan[i] = kNoTask;
    kept = keep_if_better(r, best, plan) || kept;
  }
  return kept;
}

// Makes single decisions run another task; true when one was kept.
bool switch_tasks(Runner& r, Candidate& best) {
  bool kept = false;
  const auto tasks = static_cast<TaskId>(best.record.task_names.size());
  for (std::size_t i = 0; i < best.record.decisions.size() && !r.stopped(); ++i) {
    for (TaskId t = 0; t < tasks && !r.stopped(); ++t) {
      if (i >= best.record.decisions.size() || best.record.decisions[i] == t) continue;
      std::vector<TaskId> plan = best.record.decisions;
      plan[i] = t;
      kept = keep_if_better(r, best, plan) || kept;
    }
  }
  return kept;
}

}  // namespace

std::uint32_t count_preemptions(Program& program, const ExecutionRecord& record,
                                const SearchLimits& limits) {
  ReplayScheduler replay(record.decisions, record.task_names);
  PreemptionCounter counter(replay);
  SearchLimits one = limits;
  one.max_executions = 1;
  one.cancel = nullptr;
  explore(program, counter, one);
  return counter.count();
}

Minimised minimise(Program& program, const ExecutionRecord& original, const SearchLimits& limits,
                   std::uint64_t budget) {
  Minimised out{original, {}};
  out.stats.operations_before = out.stats.operations_after = original.trace.size();
  Runner r(program, original.finding, limits, budget);
  std::optional<Candidate> start = r.replay(original.decisions);
  if (start) {
    out.stats.preemptions_before = out.stats.preemptions_after = start->preemptions;
    Candidate best = std::move(*start);
    bound_preemptions(r, best);
    for (bool kept = true; kept && !r.stopped();) {
      kept = drop_blocks(r, best);
      kept = unpreempt(r, best) || kept;
      kept = switch_tasks(r, best) || kept;
    }
    out.stats.preemptions_after = best.preemptions;
    out.stats.operations_after = best.record.trace.size();
    if (out.stats.improved()) out.record = std::move(best.record);
  }
  out.stats.executions = r.executions();
  out.stats.interrupted = r.cancelled();
  return out;
}

}  // namespace wakecheck
