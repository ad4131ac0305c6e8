#include "checker/cycle.hpp"

#include <fmt/format.h>

#include <string>

#include "checker/diagnose.hpp"
#include "checker/execution.hpp"

namespace wakecheck {

namespace {

constexpr std::size_t kMinSlots = 256;

}  // namespace

CycleDetector::CycleDetector(std::size_t decisions) : slots_(kMinSlots), used_(kMinSlots) {
  marks_.reserve(decisions);
}

void CycleDetector::next_generation() {
  if (++generation_ != 0) return;
  for (Slot& s : slots_) s.generation = 0;  // once in 2^32 executions
  generation_ = 1;
}

void CycleDetector::clear() {
  marks_.clear();
  used_ = kMinSlots;
  anchored_ = false;
  next_generation();
}

void CycleDetector::place(const Fingerprint& state, std::uint32_t decision) {
  const std::size_t mask = used_ - 1;
  for (std::size_t i = state.lo & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.generation != generation_ || s.state == state) {
      s = {state, decision, generation_};
      return;
    }
  }
}

// Twice the slots, every decision so far placed again (the latest of equal
// states last, so it is the one kept). Allocates only when an execution has
// more decisions than any before it.
void CycleDetector::grow() {
  used_ *= 2;
  if (slots_.size() < used_) slots_.resize(used_);
  next_generation();
  for (std::uint32_t d = 0; d + 1 < marks_.size(); ++d) place(marks_[d].state, d);
}

std::uint32_t CycleDetector::decision(const Mark& m) {
  anchored_ = false;  // a run of forced steps ends here
  const auto index = static_cast<std::uint32_t>(marks_.size());
  marks_.push_back(m);
  if (marks_.size() * 2 > used_) grow();
  const std::size_t mask = used_ - 1;
  for (std::size_t i = m.state.lo & mask;; i = (i + 1) & mask) {
    Slot& s = slots_[i];
    if (s.generation != generation_) {
      s = {m.state, index, generation_};
      return kNone;
    }
    if (s.state == m.state) {
      const std::uint32_t earlier = s.decision;
      s.decision = index;  // the next repeat is measured from here: the shortest cycle
      return earlier;
    }
  }
}

namespace {

std::string names_of(const Execution& ex, std::uint64_t tasks) {
  std::string out;
  for (TaskId t = 0; t < ex.task_count(); ++t)
    if (tasks & task_bit(t)) out += (out.empty() ? "" : ", ") + ex.task_name(t);
  return out;
}

// "spin_lock(l)", "read len = 0": as the trace writes it (reports/
// trace_report.cpp), for the operations a loop is made of.
std::string operation(const Execution& ex, const TraceEntry& e) {
  const std::string obj = e.object == kNoObject ? "" : ex.object_name(e.object);
  switch (e.kind) {
    case OpKind::Read:
      return fmt::format("read {} = {}", obj, e.a);
    case OpKind::Write:
      if (ex.object_kind(e.object) == ObjectKind::Container)
        return fmt::format("{}({}, {})", e.label, obj, e.a);
      return fmt::format("write {} = {}", obj, e.a);
    case OpKind::AtomicRead:
    case OpKind::LockTry:
      return fmt::format("{}({}) = {}", e.label, obj, e.a);
    case OpKind::AtomicWrite:
      return fmt::format("{}({}, {})", e.label, obj, e.a);
    case OpKind::Resume:
      return "woken: schedule() returns";
    case OpKind::Schedule:
      return e.a ? "schedule(): sleeps" : "schedule(): returns at once";
    case OpKind::TaskExit:
      return fmt::format("returns {}", e.a);
    case OpKind::SetState:
    case OpKind::Wake:
    case OpKind::Note:
      return e.label;
    default:
      return obj.empty() ? std::string(e.label) : fmt::format("{}({})", e.label, obj);
  }
}

// What the polling task looks at: the first data it reads in the cycle, else
// the first lock it takes (or tries).
ObjectId polled_object(const Execution& ex, std::size_t first, TaskId t) {
  const auto& trace = ex.trace();
  ObjectId lock = kNoObject;
  for (std::size_t i = first; i < trace.size(); ++i) {
    const TraceEntry& e = trace[i];
    if (e.task != t || e.object == kNoObject) continue;
    if (e.kind == OpKind::Read || e.kind == OpKind::AtomicRead) return e.object;
    if (lock == kNoObject && (e.kind == OpKind::LockAcquire || e.kind == OpKind::LockTry))
      lock = e.object;
  }
  return lock;
}

// The cycle's operations, one a line (at most kShown, then how many more).
std::string cycle_lines(const Execution& ex, std::size_t first) {
  constexpr std::size_t kShown = 24;
  const auto& trace = ex.trace();
  std::string out;
  for (std::size_t i = first; i < trace.size() && i < first + kShown; ++i) {
    const TraceEntry& e = trace[i];
    out += fmt::format("    #{} {} {} at {}\n", i + 1,
                       e.task == kNoTask ? std::string("-") : ex.task_name(e.task),
                       operation(ex, e), where(e.loc));
  }
  if (trace.size() > first + kShown)
    out += fmt::format("    ... {} more\n", trace.size() - first - kShown);
  return out;
}

}  // namespace

Finding cycle_finding(const Execution& ex, std::size_t first, std::uint64_t can_move) {
  const auto& trace = ex.trace();
  std::uint64_t moved = 0, slept = 0;
  for (std::size_t i = first; i < trace.size(); ++i) {
    const TraceEntry& e = trace[i];
    if (e.task == kNoTask) continue;
    if (e.scheduling_point || e.moved) moved |= task_bit(e.task);
    if (e.kind == OpKind::Resume) slept |= task_bit(e.task);
  }
  const std::uint64_t starved = can_move & ~moved;
  const std::uint64_t busy = moved & ~slept;
  if (moved == 0 || (starved != 0 && busy == 0)) return {};  // a fair scheduler leaves it
  const auto first_entry = static_cast<std::uint32_t>(first + 1);
  const auto last_entry = static_cast<std::uint32_t>(trace.size());
  const std::size_t ops = trace.size() - first;
  Finding f;
  f.entry = last_entry;
  f.window_first = first_entry;
  f.window_last = last_entry;
  const std::string back = fmt::format(
      "  the state after #{} is the state before #{}: the {} operation{} #{}..#{} moved no work "
      "and finished no task, and can repeat forever:\n",
      last_entry, first_entry, ops, ops == 1 ? "" : "s", first_entry, last_entry);
  if (starved == 0) {
    TaskId t = 0;
    while (!(moved & task_bit(t))) ++t;
    f.kind = FindingKind::Livelock;
    f.task = t;
    f.object = polled_object(ex, first, t);
    f.summary = fmt::format("{} run{} in a cycle without progress that no fair scheduler leaves",
                            names_of(ex, moved), (moved & (moved - 1)) ? "" : "s");
    f.explanation = back + cycle_lines(ex, first);
    f.explanation += fmt::format(
        "  every task that could run on the cycle ran in it ({}); the others sleep or wait and "
        "nothing in the cycle wakes them.\n",
        names_of(ex, moved));
    f.explanation +=
        "  fix: make each round change something that ends it: back off asymmetrically (or in a "
        "fixed lock order) so one side wins, or sleep until another task has done its part.\n";
    return f;
  }
  TaskId t = 0;
  while (!(busy & task_bit(t))) ++t;
  f.kind = FindingKind::BusyWait;
  f.task = t;
  f.object = polled_object(ex, first, t);
  const std::string what =
      f.object == kNoObject ? std::string("") : " on " + ex.object_name(f.object);
  f.summary = fmt::format("{} busy-waits{}: it polls without sleeping while {} could run",
                          names_of(ex, busy), what, names_of(ex, starved));
  f.explanation = back + cycle_lines(ex, first);
  f.explanation += fmt::format(
      "  {} never sleeps in the cycle: it keeps its CPU, retrying, and only {} could change what "
      "it tests; the cycle repeats for as long as the scheduler lets it (forever on a CPU it does "
      "not give up).\n",
      names_of(ex, busy), names_of(ex, starved));
  f.explanation +=
      "  fix: sleep until the condition can have changed: prepare_to_wait(); test; schedule(); "
      "finish_wait() (or wait_event()), with a wake_up() where it changes.\n";
  return f;
}

}  // namespace wakecheck
