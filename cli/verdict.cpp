#include "cli/verdict.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <utility>

#include "checker/diagnose.hpp"
#include "checker/execution.hpp"
#include "checker/program.hpp"
#include "checker/scheduler.hpp"
#include "checker/stack_pool.hpp"
#include "scenarios/did_you_mean.hpp"

namespace wakecheck {
namespace {

constexpr std::array<const char*, 3> kVerdictNames = {"met", "not-met", "inconclusive"};

// One wake_up call and the wasted wakeups it caused (0-based trace indices).
struct Herd {
  std::size_t wake_up = 0;
  std::vector<std::size_t> wasted;
};

// The wake_up entry a Wake entry belongs to: the nearest WakeUp by the same
// task before it (a wake_up's Wake entries follow it).
std::size_t wake_up_of(const ExecutionRecord& r, std::size_t wake) {
  for (std::size_t i = wake + 1; i-- > 0;)
    if (r.trace[i].kind == OpKind::WakeUp && r.trace[i].task == r.trace[wake].task) return i;
  return wake;
}

// The wasted wakeups on `q`, grouped by the wake_up that caused them, in order.
std::vector<Herd> herds_on(const ExecutionRecord& r, ObjectId q) {
  std::vector<Herd> herds;
  for (std::size_t i = 0; i < r.trace.size(); ++i) {
    const TraceEntry& e = r.trace[i];
    if (e.kind != OpKind::WastedWakeup || e.object != q || e.a < 1) continue;
    const std::size_t w = wake_up_of(r, static_cast<std::size_t>(e.a - 1));
    auto it =
        std::find_if(herds.begin(), herds.end(), [w](const Herd& h) { return h.wake_up == w; });
    if (it == herds.end()) it = herds.insert(herds.end(), Herd{w, {}});
    it->wasted.push_back(i);
  }
  return herds;
}

std::string task_of(const ExecutionRecord& r, std::int64_t t) {
  return t >= 0 && static_cast<std::size_t>(t) < r.task_names.size()
             ? r.task_names[static_cast<std::size_t>(t)]
             : fmt::format("task {}", t);
}

// Fills r.finding: the queue, the wake_up that woke the largest herd, who
// found nothing, and the fix.
void describe_herd(ExecutionRecord& r, ObjectId q, std::string summary) {
  const std::vector<Herd> herds = herds_on(r, q);
  const auto worst = std::max_element(herds.begin(), herds.end(), [](const Herd& a, const Herd& b) {
    return a.wasted.size() < b.wasted.size();
  });
  Finding& f = r.finding;
  const std::string& wq = r.objects[q].name;
  f = Finding{FindingKind::ThunderingHerd, kNoTask, q, 0, "", ""};
  f.summary = std::move(summary);
  if (worst == herds.end()) return;
  const TraceEntry& w = r.trace[worst->wake_up];
  f.task = w.task;
  f.entry = static_cast<std::uint32_t>(worst->wasted.back() + 1);
  f.window_first = static_cast<std::uint32_t>(worst->wake_up + 1);
  f.window_last = f.entry;
  f.explanation =
      fmt::format("  the herd: {}({}) at #{} by {} ({}) woke {} task{}.\n", w.label, wq,
                  worst->wake_up + 1, task_of(r, w.task), where(w.loc), w.a, w.a == 1 ? "" : "s");
  std::string who;
  for (std::size_t i : worst->wasted)
    who += fmt::format("{}{} at #{} (woken at #{})", who.empty() ? "" : ", ",
                       task_of(r, r.trace[i].b), i + 1, r.trace[i].a);
  f.explanation += fmt::format("  found nothing and waited again: {}.\n", who);
  if (herds.size() > 1)
    f.explanation += fmt::format(
        "  {} wake_up calls on {} caused wasted wakeups in this execution.\n", herds.size(), wq);
  f.explanation +=
      "  fix: wake one waiter per unit of work: exclusive waiters "
      "(prepare_to_wait_exclusive()) and wake_up(), not wake_up_all().\n";
}

std::uint32_t total_wasted(const ExecutionRecord& r) {
  std::uint32_t total = 0;
  for (const ObjectInfo& o : r.objects) total += o.wasted;
  return total;
}

// Follows a recorded execution's decisions, then runs the lowest enabled
// task: completes an execution the search cut at a state explored before.
class CompletingScheduler final : public Scheduler {
 public:
  explicit CompletingScheduler(std::vector<TaskId> prefix) : prefix_(std::move(prefix)) {}
  bool begin_execution() override { return !std::exchange(started_, true); }
  std::optional<TaskId> pick_task(const Decision& d) override {
    if (next_ < prefix_.size()) {
      const TaskId t = prefix_[next_++];
      if (std::find(d.enabled.begin(), d.enabled.end(), t) != d.enabled.end()) return t;
    }
    return d.enabled.front();
  }
  void end_execution() override {}

 private:
  std::vector<TaskId> prefix_;
  std::size_t next_ = 0;
  bool started_ = false;
};

}  // namespace

std::optional<ExecutionRecord> herd_execution(const Scenario& s, const SearchResult& r,
                                              Program& program) {
  std::optional<ExecutionRecord> shown = herd_execution(s, r);
  if (!shown) return shown;
  // Wasted wakeups only add up, so the completed execution still exceeds the
  // bound (and, the count being exact, by no more than the worst case).
  CompletingScheduler complete(shown->decisions);
  const SearchResult again = explore(program, complete, SearchLimits{1, s.max_steps});
  if (again.failure || !again.problem.empty()) return shown;
  if (std::optional<ExecutionRecord> full = herd_execution(s, again)) return full;
  return shown;
}

const char* verdict_name(Verdict v) {
  return kVerdictNames[static_cast<std::size_t>(v)];
}

std::vector<WaitQueueName> wait_queues_of(Program& program) {
  StackPool stacks;
  Execution ex(stacks, 1);
  std::vector<WaitQueueName> queues;
  try {
    program.setup(ex);
  } catch (...) {
    ex.reset();
    return queues;
  }
  for (ObjectId o = 0; o < ex.object_count(); ++o)
    if (ex.object_kind(o) == ObjectKind::WaitQueue) queues.push_back({o, ex.object_name(o)});
  ex.reset();
  return queues;
}

void check_queue_bounds(const Scenario& s, const std::vector<WaitQueueName>& queues) {
  std::vector<std::string_view> names;
  std::string list;
  for (const WaitQueueName& q : queues) {
    names.push_back(q.name);
    list += (list.empty() ? "" : ", ") + q.name;
  }
  for (const Scenario::QueueBound& b : s.max_wasted_by_queue) {
    if (std::find(names.begin(), names.end(), b.queue) != names.end()) continue;
    const std::string guess = did_you_mean(b.queue, names);
    throw ScenarioError(fmt::format(
        "{}unknown wait queue '{}' in [expect.max_wasted_wakeups_by_queue]{} (model '{}' has: {})",
        b.where, b.queue, guess.empty() ? "" : "; did you mean '" + guess + "'?", s.model,
        list.empty() ? "no wait queues" : list));
  }
}

std::optional<ExecutionRecord> herd_execution(const Scenario& s, const SearchResult& r) {
  for (const Scenario::QueueBound& b : s.max_wasted_by_queue) {
    for (std::size_t q = 0; q < r.worst_waste_by_object.size(); ++q) {
      const auto& worst = r.worst_waste_by_object[q];
      if (!worst || worst->objects[q].name != b.queue || worst->objects[q].wasted <= b.max)
        continue;
      ExecutionRecord shown = *worst;
      describe_herd(shown, static_cast<ObjectId>(q),
                    fmt::format("{} wasted wakeups on {} in one execution, more than the {} "
                                "allowed (max_wasted_wakeups_by_queue)",
                                worst->objects[q].wasted, b.queue, b.max));
      return shown;
    }
  }
  if (!s.max_wasted || !r.worst_waste || total_wasted(*r.worst_waste) <= *s.max_wasted)
    return std::nullopt;
  ExecutionRecord shown = *r.worst_waste;
  const auto most = std::max_element(
      shown.objects.begin(), shown.objects.end(),
      [](const ObjectInfo& a, const ObjectInfo& b) { return a.wasted < b.wasted; });
  const auto q = static_cast<ObjectId>(most - shown.objects.begin());
  describe_herd(shown, q,
                fmt::format("{} wasted wakeups in one execution ({} on {}), more than the {} "
                            "allowed (max_wasted_wakeups)",
                            total_wasted(shown), most->wasted, most->name, *s.max_wasted));
  return shown;
}

std::string stop_reason(const SearchResult& r) {
  if (r.interrupted) return "interrupted";
  if (r.failure && r.failure->finding.kind == FindingKind::StepBound) return "step-bound";
  if (r.failure) return "finding";
  if (!r.problem.empty()) return "problem";
  if (r.memory != MemoryVerdict::ok) return "memory-budget";
  return r.stats.exhausted ? "exhausted" : "max-executions";
}

}  // namespace wakecheck
