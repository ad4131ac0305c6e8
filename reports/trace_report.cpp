#include "reports/trace_report.hpp"

#include <fmt/format.h>

#include <algorithm>

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

std::string format_trace(const ExecutionRecord& r, const ScenarioIdentity& scenario) {
  std::string out = fmt::format("scenario: {} ({})\n", scenario.name, scenario.path);
  if (r.finding)
    out += fmt::format("finding: {}: {}\n{}", finding_name(r.finding.kind), r.finding.summary,
                       r.finding.explanation);
  else
    out += "finding: none\n";
  std::size_t width = 4;
  for (const std::string& n : r.task_names) width = std::max(width, n.size());
  out += fmt::format(
      "\ntrace ({} operations, {} scheduling points, {} decisions; "
      "'*' the scheduler chose this task, '|' the window of the bug, '>' the finding):\n",
      r.trace.size(), r.steps, r.decisions.size());
  for (std::size_t i = 0; i < r.trace.size(); ++i) {
    const TraceEntry& e = r.trace[i];
    const std::size_t n = i + 1;
    const Finding& f = r.finding;
    const bool in_window = f.window_first != 0 && f.window_first <= n && n <= f.window_last;
    const char mark = f && f.entry == n ? '>' : in_window ? '|' : ' ';
    const std::string op = describe_entry(r, e);
    out +=
        fmt::format("{}{:>4} {} {:<{}}  {:<56} {}\n", mark, i + 1, e.scheduling_point ? '*' : ' ',
                    task_name(r, e.task), width, op, where(e.loc));
  }
  out += "\nfinal state:\n" + r.final_state;
  return out;
}

}  // namespace wakecheck
