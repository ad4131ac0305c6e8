#include "checker/diagnose.hpp"

#include <fmt/format.h>

#include <string_view>

#include "checker/execution.hpp"

namespace wakecheck {
namespace {

std::uint32_t entry_number(std::size_t index) {
  return static_cast<std::uint32_t>(index + 1);
}

// Index of the last entry before `end` that matches, or npos.
template <class Match>
std::size_t find_last(const std::vector<TraceEntry>& trace, std::size_t end, Match match) {
  for (std::size_t i = end; i-- > 0;)
    if (match(trace[i])) return i;
  return std::string::npos;
}

std::string lock_site(const Execution& ex, ObjectId lock) {
  const std::uint32_t at = ex.lock_taken_at(lock);
  if (at == 0) return "";
  const TraceEntry& e = ex.trace()[at - 1];
  return fmt::format("#{} {}() at {}", at, e.label, where(e.loc));
}

std::string woken_list(const Execution& ex, std::size_t wake_up_index) {
  std::string out;
  const auto& trace = ex.trace();
  // The walk's own entries follow it: a Wake per task woken, and the unlink
  // of each autoremove entry.
  for (std::size_t i = wake_up_index + 1;
       i < trace.size() &&
       (trace[i].kind == OpKind::Wake || trace[i].kind == OpKind::WaitQueueRemove);
       ++i)
    if (trace[i].kind == OpKind::Wake)
      out += (out.empty() ? "" : ", ") + ex.task_name(static_cast<TaskId>(trace[i].b));
  return out;
}

// The sleep_on window: the sleeper tested shared state, then enqueued itself
// without holding what the waker takes; the wake fell in between.
std::string explain_window(const Execution& ex, TaskId sleeper, ObjectId wq, std::size_t add,
                           std::size_t wake, Finding& f) {
  const auto& trace = ex.trace();
  const std::size_t test = find_last(
      trace, add, [&](const TraceEntry& e) { return e.task == sleeper && e.kind == OpKind::Read; });
  if (test == std::string::npos || test > wake) return "";
  f.window_first = entry_number(test);
  f.window_last = entry_number(add);
  const TraceEntry& t = trace[test];
  return fmt::format(
      "  cause: a sleep_on race. {} tested its condition at #{} ({} = {}, {}) and enqueued itself "
      "on {} only at #{}; the wake at #{} fell into that window and found no one to wake.\n"
      "  fix: enqueue before testing: prepare_to_wait(); test the condition; schedule(); "
      "finish_wait() (or wait_event()), under the same lock as the waker's change.\n",
      ex.task_name(sleeper), entry_number(test), ex.object_name(t.object), t.a, where(t.loc),
      ex.object_name(wq), entry_number(add), entry_number(wake));
}

// Shared writes by other tasks after `from` that no wake on `wq` followed.
std::string unannounced_writes(const Execution& ex, TaskId sleeper, std::size_t from) {
  std::string out;
  const auto& trace = ex.trace();
  for (std::size_t i = from + 1; i < trace.size(); ++i) {
    const TraceEntry& e = trace[i];
    if (e.kind != OpKind::Write || e.task == sleeper) continue;
    out += fmt::format("    #{} {} wrote {} = {} ({})\n", entry_number(i), ex.task_name(e.task),
                       ex.object_name(e.object), e.a, where(e.loc));
  }
  if (out.empty()) return "";
  return "  after it, shared state changed and no wake_up on that queue followed:\n" + out;
}

}  // namespace

std::string where(const SourceLoc& loc) {
  if (loc.line() == 0) return "?";
  return fmt::format("{}:{}", loc.file_name(), loc.line());
}

Finding leaked_lock(const Execution& ex, TaskId task, ObjectId lock) {
  const auto& trace = ex.trace();
  Finding f{FindingKind::LeakedLock, task, lock, entry_number(trace.size() - 1), "", ""};
  f.summary = fmt::format("{} finished holding {}", ex.task_name(task), ex.object_name(lock));
  const TraceEntry& exit = trace.back();
  f.window_first = ex.lock_taken_at(lock);
  f.window_last = f.entry;
  f.explanation = fmt::format(
      "  {} returned {} after its last operation at {}, still holding {}.\n"
      "  {} was taken at {} and never released; every later spin_lock({}) waits forever.\n",
      ex.task_name(task), exit.a, where(exit.loc), ex.object_name(lock), ex.object_name(lock),
      lock_site(ex, lock), ex.object_name(lock));
  return f;
}

Finding recursive_lock(const Execution& ex, TaskId task, ObjectId lock) {
  Finding f{FindingKind::Deadlock, task, lock, entry_number(ex.trace().size() - 1), "", ""};
  f.summary = fmt::format("{} takes {} again while holding it (recursive locking)",
                          ex.task_name(task), ex.object_name(lock));
  f.explanation = fmt::format("  it already holds {} since {}; a spinlock does not nest.\n",
                              ex.object_name(lock), lock_site(ex, lock));
  return f;
}

Finding bad_unlock(const Execution& ex, TaskId task, ObjectId lock) {
  Finding f{FindingKind::BadUnlock, task, lock, entry_number(ex.trace().size() - 1), "", ""};
  const TaskId owner = ex.owner(lock);
  f.summary = fmt::format("{} unlocks {}, which it does not hold", ex.task_name(task),
                          ex.object_name(lock));
  f.explanation = owner == kNoTask
                      ? fmt::format("  {} was free.\n", ex.object_name(lock))
                      : fmt::format("  {} is held by {} since {}.\n", ex.object_name(lock),
                                    ex.task_name(owner), lock_site(ex, lock));
  return f;
}

Finding container_misuse(const Execution& ex, ObjectId container, const char* what,
                         std::size_t capacity) {
  const auto& trace = ex.trace();
  const TaskId me = ex.current();
  const std::size_t here = trace.size() - 1;  // this access: recorded at its scheduling point
  const bool empty = std::string_view(what) == "list_del";
  const std::string& name = ex.object_name(container);
  Finding f{FindingKind::Invariant, me, container, entry_number(here), "", ""};
  f.summary = empty ? fmt::format("{} takes an item from {}, which is empty ({} on an empty list)",
                                  ex.task_name(me), name, what)
                    : fmt::format(
                          "{} adds an item to {}, which already holds {} (more than the "
                          "model ever makes)",
                          ex.task_name(me), name, capacity);
  f.explanation = fmt::format("  #{} {} {}({}) at {}\n", entry_number(here), ex.task_name(me), what,
                              name, where(trace[here].loc));
  const std::size_t other = find_last(trace, here, [&](const TraceEntry& e) {
    return e.object == container && e.task != me && e.kind == OpKind::Write;
  });
  if (other != std::string::npos) {
    const TraceEntry& o = trace[other];
    f.window_first = entry_number(other);
    f.explanation +=
        fmt::format("  #{} {} {}({}) at {} changed it just before\n", entry_number(other),
                    ex.task_name(o.task), o.label, name, where(o.loc));
  }
  const std::size_t test = find_last(trace, here, [&](const TraceEntry& e) {
    return e.task == me && (e.kind == OpKind::Read || e.kind == OpKind::AtomicRead);
  });
  if (test != std::string::npos) {
    const TraceEntry& t = trace[test];
    if (f.window_first == 0 || test < other) f.window_first = entry_number(test);
    f.explanation +=
        fmt::format("  {} decided to go on after reading {} = {} at #{} ({})\n", ex.task_name(me),
                    ex.object_name(t.object), t.a, entry_number(test), where(t.loc));
  }
  if (f.window_first != 0) f.window_last = f.entry;
  f.explanation +=
      "  the test and the change are not under one lock: another task changed the list in "
      "between. Take the lock that guards it around both.\n";
  return f;
}

Finding livelock(const Execution& ex, std::uint32_t max_steps) {
  Finding f{FindingKind::Livelock, kNoTask, kNoObject, entry_number(ex.trace().size() - 1), "", ""};
  f.summary = fmt::format("the execution did not end within {} steps", max_steps);
  f.explanation = "  tasks still running:";
  for (TaskId t = 0; t < ex.task_count(); ++t)
    if (ex.status(t) == TaskStatus::Runnable) f.explanation += " " + ex.task_name(t);
  f.explanation += "\n  raise search.max_steps if the model legitimately runs longer.\n";
  return f;
}

Finding lost_wakeup(const Execution& ex, TaskId sleeper, ObjectId wq, const std::string& work) {
  const auto& trace = ex.trace();
  Finding f{FindingKind::LostWakeup, sleeper, wq, 0, "", ""};
  const std::string& name = ex.task_name(sleeper);
  const std::string wq_name = wq == kNoObject ? "no wait queue" : ex.object_name(wq);
  f.summary = fmt::format("{} sleeps forever on {} while work remains: {}", name, wq_name, work);
  const std::size_t add = find_last(trace, trace.size(), [&](const TraceEntry& e) {
    return e.kind == OpKind::WaitQueueAdd && e.object == wq && e.b == sleeper;
  });
  const std::size_t slept = find_last(trace, trace.size(), [&](const TraceEntry& e) {
    return e.task == sleeper && e.kind == OpKind::Schedule && e.a == 1;
  });
  if (slept != std::string::npos) {
    f.entry = entry_number(slept);
    f.explanation += fmt::format("  {} went to sleep at #{} ({})", name, entry_number(slept),
                                 where(trace[slept].loc));
    if (add != std::string::npos)
      f.explanation += fmt::format(", enqueued on {} at #{} by {}()", wq_name, entry_number(add),
                                   trace[add].label);
    f.explanation += ".\n";
  }
  const std::size_t wake = find_last(trace, trace.size(), [&](const TraceEntry& e) {
    return e.kind == OpKind::WakeUp && e.object == wq;
  });
  if (wake == std::string::npos) {
    f.explanation += fmt::format("  no wake_up on {} ran in this execution.\n", wq_name);
    return f;
  }
  const TraceEntry& w = trace[wake];
  const std::string woken = woken_list(ex, wake);
  f.explanation += fmt::format("  the last wake_up on {} was #{} by {} ({}): {}.\n", wq_name,
                               entry_number(wake), ex.task_name(w.task), where(w.loc),
                               woken.empty() ? "it found no one to wake" : "it woke " + woken);
  if (f.entry != 0) {
    f.window_first = entry_number(wake);
    f.window_last = f.entry;
  }
  if (add != std::string::npos && wake < add)
    f.explanation += explain_window(ex, sleeper, wq, add, wake, f);
  f.explanation += unannounced_writes(ex, sleeper, wake);
  return f;
}

Finding stuck(const Execution& ex) {
  Finding f{FindingKind::Deadlock, kNoTask, kNoObject, 0, "", ""};
  TaskId asleep = kNoTask;  // named when no task waits for a lock
  ObjectId asleep_on = kNoObject;
  std::string waits;
  for (TaskId t = 0; t < ex.task_count(); ++t) {
    if (ex.status(t) == TaskStatus::Runnable && ex.pending(t) == OpKind::LockAcquire) {
      const ObjectId l = ex.pending_object(t);
      if (f.task == kNoTask) f.task = t, f.object = l;
      waits += fmt::format("  {} waits for {}, held by {} since {}.\n", ex.task_name(t),
                           ex.object_name(l), ex.task_name(ex.owner(l)), lock_site(ex, l));
    } else if (ex.status(t) == TaskStatus::Sleeping) {
      const ObjectId wq = ex.last_wait_queue(t);
      if (f.task == kNoTask && asleep == kNoTask) asleep = t, asleep_on = wq;
      waits += fmt::format("  {} sleeps on {} and nobody is left to wake it.\n", ex.task_name(t),
                           wq == kNoObject ? "no wait queue" : ex.object_name(wq));
    }
  }
  f.summary = f.task != kNoTask ? "tasks wait for locks that are never released"
                                : "every remaining task sleeps and nobody is left to wake it";
  if (f.task == kNoTask) f.task = asleep, f.object = asleep_on;
  f.explanation = waits;
  return f;
}

void describe_final_state(const Execution& ex, std::string& out) {
  for (TaskId t = 0; t < ex.task_count(); ++t) {
    out += fmt::format("  {}: ", ex.task_name(t));
    switch (ex.status(t)) {
      case TaskStatus::Finished:
        out += fmt::format("finished, returned {}", ex.exit_code(t));
        break;
      case TaskStatus::Sleeping:
        out += "asleep in schedule()";
        break;
      case TaskStatus::Runnable:
        out += ex.pending(t) == OpKind::LockAcquire
                   ? "waiting for " + ex.object_name(ex.pending_object(t))
                   : std::string("runnable, stopped before ") + op_kind_name(ex.pending(t));
        break;
    }
    if (ex.status(t) != TaskStatus::Finished && ex.task_object(t) != kNoObject) {
      out += ", ";
      ex.describe(ex.task_object(t), out);
    }
    out += '\n';
  }
  for (ObjectId o = 0; o < ex.object_count(); ++o) {
    if (ex.object_kind(o) == ObjectKind::Task) continue;
    std::string text;
    if (ex.object_kind(o) == ObjectKind::Spinlock) {
      text = ex.owner(o) == kNoTask
                 ? "free"
                 : fmt::format("held by {} since {}", ex.task_name(ex.owner(o)), lock_site(ex, o));
    } else if (!ex.describe(o, text)) {
      continue;
    }
    out += fmt::format("  {}: {}\n", ex.object_name(o), text);
  }
}

}  // namespace wakecheck
