#include "reports/trace_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

#include "checker/diagnose.hpp"

namespace wakecheck {
namespace {

std::string task_name(const ExecutionRecord& r, std::int64_t t) {
  return t >= 0 && static_cast<std::size_t>(t) < r.task_names.size()
             ? r.task_names[static_cast<std::size_t>(t)]
             : fmt::format("task {}", t);
}

std::string object_name(const ExecutionRecord& r, ObjectId o) {
  return o < r.objects.size() ? r.objects[o].name : std::string("?");
}

std::string describe_wait_queue_op(const ExecutionRecord& r, const TraceEntry& e) {
  const std::string obj = object_name(r, e.object);
  switch (e.kind) {
    case OpKind::WaitQueueAdd:
      return fmt::format("{}: enqueue {} on {}{}", e.label, task_name(r, e.b), obj,
                         e.a ? " (exclusive, at the tail)" : " (at the head)");
    case OpKind::WaitQueueRemove:
      return fmt::format("{}{}: dequeue {} from {}", e.task == e.b ? "" : "  -> ", e.label,
                         task_name(r, e.b), obj);
    case OpKind::WaitQueueActive:
      return fmt::format("{}({}) = {}", e.label, obj, e.a ? "true" : "false");
    case OpKind::WakeUp:
      if (r.objects[e.object].kind == ObjectKind::Task)
        return fmt::format("{}({}) = {}", e.label, obj, e.a);
      return fmt::format("{}({}): woke {} of {} waiter{}", e.label, obj, e.a, e.b,
                         e.b == 1 ? "" : "s");
    default:
      return "";
  }
}

}  // namespace

std::string describe_entry(const ExecutionRecord& r, const TraceEntry& e) {
  const std::string obj = object_name(r, e.object);
  switch (e.kind) {
    case OpKind::TaskExit:
      return fmt::format("returns {}", e.a);
    case OpKind::LockAcquire:
      if (e.a == kLockQueued)
        return fmt::format("{}({}): held, takes a ticket and spins", e.label, obj);
      if (e.a == kLockHandedOff) return fmt::format("{}({}): handed over, taken", e.label, obj);
      return fmt::format("{}({})", e.label, obj);
    case OpKind::LockRelease:
      return fmt::format("{}({})", e.label, obj);
    case OpKind::LockTry:
      return fmt::format("{}({}) = {}", e.label, obj, e.a);
    case OpKind::Read:
      return fmt::format("read {} = {}", obj, e.a);
    case OpKind::Write:
      if (r.objects[e.object].kind == ObjectKind::Container)
        return fmt::format("{}({}, {})", e.label, obj, e.a);
      return fmt::format("write {} = {}", obj, e.a);
    case OpKind::AtomicRead:
      return fmt::format("{}({}) = {}", e.label, obj, e.a);
    case OpKind::AtomicWrite:
      return fmt::format("{}({}, {})", e.label, obj, e.a);
    case OpKind::SetState:
      return e.label;
    case OpKind::Schedule:
      return e.a ? "schedule(): sleeps" : "schedule(): state is TASK_RUNNING, returns at once";
    case OpKind::Resume:
      return "woken: schedule() returns";
    case OpKind::Wake:
      return fmt::format("  -> {}({}): now TASK_RUNNING", e.label, task_name(r, e.b));
    case OpKind::WakeMiss:
      return fmt::format("  -> try_to_wake_up({}): left as it is, {}", task_name(r, e.b), e.label);
    case OpKind::WastedWakeup:
      return fmt::format("wasted wakeup on {}: woken at #{}, found nothing, waits again", obj, e.a);
    case OpKind::LockWait:
      return fmt::format("{}({}): still waiting, never taken", e.label, obj);
    case OpKind::Note:
      return e.label;
    case OpKind::GuestEnter:
    case OpKind::GuestLeave:
      return fmt::format("{} (CPU of {})", e.label, task_name(r, e.b));
    default:
      return describe_wait_queue_op(r, e);
  }
}

namespace {

std::string header(const ExecutionRecord& r, const ScenarioIdentity& scenario) {
  std::string out = fmt::format("scenario: {} ({})\n", scenario.name, scenario.path);
  if (r.finding)
    out += fmt::format("finding: {}: {}\n{}", finding_name(r.finding.kind), r.finding.summary,
                       r.finding.explanation);
  else
    out += "finding: none\n";
  return out;
}

std::size_t name_width(const ExecutionRecord& r) {
  std::size_t width = 4;
  for (const std::string& n : r.task_names) width = std::max(width, n.size());
  return width;
}

std::string entry_line(const ExecutionRecord& r, std::size_t i, std::size_t width) {
  const TraceEntry& e = r.trace[i];
  const std::size_t n = i + 1;
  const Finding& f = r.finding;
  const bool in_window = f.window_first != 0 && f.window_first <= n && n <= f.window_last;
  const char mark = f && f.entry == n ? '>' : in_window ? '|' : ' ';
  return fmt::format("{}{:>4} {} {:<{}}  {:<56} {}\n", mark, n, e.scheduling_point ? '*' : ' ',
                     task_name(r, e.task), width, describe_entry(r, e), where(e.loc));
}

constexpr const char* kLegend =
    "'*' the scheduler chose this task, '|' the window of the bug, '>' the finding";

}  // namespace

std::string format_trace(const ExecutionRecord& r, const ScenarioIdentity& scenario) {
  std::string out = header(r, scenario);
  const std::size_t width = name_width(r);
  out += fmt::format("\ntrace ({} operations, {} scheduling points, {} decisions; {}):\n",
                     r.trace.size(), r.steps, r.decisions.size(), kLegend);
  for (std::size_t i = 0; i < r.trace.size(); ++i) out += entry_line(r, i, width);
  out += "\nfinal state:\n" + r.final_state;
  return out;
}

std::string format_trace_summary(const ExecutionRecord& r, const ScenarioIdentity& scenario,
                                 const std::string& full) {
  const std::size_t n = r.trace.size();
  if (n <= kLongTrace) return format_trace(r, scenario);
  constexpr std::size_t kEnds = 20;  // of a long window: its first and last; the trace's last
  std::vector<bool> shown(n, false);
  const Finding& f = r.finding;
  if (f.window_first != 0 && f.window_last >= f.window_first && f.window_last <= n) {
    const std::size_t first = f.window_first - 1, last = f.window_last - 1;
    for (std::size_t i = first; i <= last; ++i)
      shown[i] = last - first < 2 * kEnds || i < first + kEnds || i + kEnds > last;
  }
  if (f.entry != 0 && f.entry <= n) shown[f.entry - 1] = true;
  for (std::size_t i = n - kEnds; i < n; ++i) shown[i] = true;
  std::size_t count = 0;
  for (const bool b : shown) count += b ? 1 : 0;
  std::string out = header(r, scenario);
  out += fmt::format(
      "\ntrace ({} operations, {} scheduling points, {} decisions; {}): {} shown, the window "
      "of the bug and the last {}; every operation is in {}:\n",
      n, r.steps, r.decisions.size(), kLegend, count, kEnds, full);
  const std::size_t width = name_width(r);
  for (std::size_t i = 0; i < n;) {
    if (shown[i]) {
      out += entry_line(r, i, width);
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < n && !shown[j]) ++j;
    out += fmt::format("   ... #{}..#{}: {} operation{} left out\n", i + 1, j, j - i,
                       j - i == 1 ? "" : "s");
    i = j;
  }
  out += "\nfinal state:\n" + r.final_state;
  return out;
}

}  // namespace wakecheck
