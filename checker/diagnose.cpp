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
       i < trace.size() && (trace[i].kind == OpKind::Wake || trace[i].kind == OpKind::WakeMiss ||
                            trace[i].kind == OpKind::WaitQueueRemove);
       ++i)
    if (trace[i].kind == OpKind::Wake)
      out += (out.empty() ? "" : ", ") + ex.task_name(static_cast<TaskId>(trace[i].b));
  return out;
}

bool is_read(const TraceEntry& e) {
  return e.kind == OpKind::Read || e.kind == OpKind::AtomicRead;
}

bool is_write(const TraceEntry& e) {
  return e.kind == OpKind::Write || e.kind == OpKind::AtomicWrite;
}

// First entry after `from` that `task` wrote to `obj` (npos when none). With
// `by_others`, the first such entry by any task but `task`.
std::size_t next_write(const std::vector<TraceEntry>& trace, std::size_t from, TaskId task,
                       ObjectId obj, bool by_others) {
  for (std::size_t i = from + 1; i < trace.size(); ++i)
    if (is_write(trace[i]) && trace[i].object == obj && (trace[i].task == task) != by_others)
      return i;
  return std::string::npos;
}

// The read that the sleeper's sleeping branch depended on, among its reads
// since it last ran again (or started) and before `before`: a read that is
// half of a read-modify-write (waiters++) decides nothing, and a read whose
// object another task changed afterwards is the test that went stale. The
// last such read; else the last read that is not a read-modify-write.
std::size_t sleep_decision(const std::vector<TraceEntry>& trace, TaskId sleeper,
                           std::size_t before) {
  const std::size_t resumed = find_last(trace, before, [&](const TraceEntry& e) {
    return e.task == sleeper && e.kind == OpKind::Resume;
  });
  std::size_t stale = std::string::npos;
  std::size_t last = std::string::npos;
  for (std::size_t i = resumed == std::string::npos ? 0 : resumed; i < before; ++i) {
    const TraceEntry& e = trace[i];
    if (e.task != sleeper || !is_read(e)) continue;
    std::size_t next = i + 1;  // the sleeper's next entry
    while (next < before && trace[next].task != sleeper) ++next;
    if (next < before && is_write(trace[next]) && trace[next].object == e.object) continue;
    last = i;
    if (next_write(trace, i, sleeper, e.object, true) != std::string::npos) stale = i;
  }
  return stale != std::string::npos ? stale : last;
}

// The sleep_on window: the sleeper tested shared state, then enqueued itself
// without holding what the waker takes; the wake fell in between.
std::string explain_window(const Execution& ex, TaskId sleeper, ObjectId wq, std::size_t add,
                           std::size_t wake, Finding& f) {
  const auto& trace = ex.trace();
  const std::size_t test = sleep_decision(trace, sleeper, add);
  if (test == std::string::npos || test > wake) return "";
  f.window_first = entry_number(test);
  f.window_last = std::max(f.window_last, entry_number(add));
  const TraceEntry& t = trace[test];
  return fmt::format(
      "  cause: a sleep_on race. {} tested its condition at #{} ({} = {}, {}) and enqueued itself "
      "on {} only at #{}; the wake at #{} fell into that window and found no one to wake.\n"
      "  fix: enqueue before testing: prepare_to_wait(); test the condition; schedule(); "
      "finish_wait() (or wait_event()), under the same lock as the waker's change.\n",
      ex.task_name(sleeper), entry_number(test), ex.object_name(t.object), t.a, where(t.loc),
      ex.object_name(wq), entry_number(add), entry_number(wake));
}

// A waker that decided not to wake because of a value it read without the
// lock: an unlocked read (or waitqueue_active() = false) that the sleeper's own
// change made stale, after which that task ran no wake_up on `wq`. The last
// one after `from`, or npos.
std::size_t skipped_wake(const std::vector<TraceEntry>& trace, TaskId sleeper, ObjectId wq,
                         std::size_t from) {
  for (std::size_t i = trace.size(); i-- > from;) {
    const TraceEntry& e = trace[i];
    if (e.task == sleeper || e.task == kNoTask) continue;
    const bool empty_queue = e.kind == OpKind::WaitQueueActive && e.object == wq && e.a == 0;
    const bool stale_read = e.kind == OpKind::Read && (e.scheduling_point || e.moved) &&
                            next_write(trace, i, sleeper, e.object, false) != std::string::npos;
    if (!empty_queue && !stale_read) continue;
    bool woke_later = false;
    for (std::size_t j = i + 1; j < trace.size() && !woke_later; ++j)
      woke_later =
          trace[j].task == e.task && trace[j].kind == OpKind::WakeUp && trace[j].object == wq;
    if (!woke_later) return i;
  }
  return std::string::npos;
}

std::string explain_skipped_wake(const Execution& ex, TaskId sleeper, ObjectId wq, std::size_t read,
                                 Finding& f) {
  const auto& trace = ex.trace();
  const TraceEntry& r = trace[read];
  const std::string& waker = ex.task_name(r.task);
  const std::string& name = ex.task_name(sleeper);
  f.window_first = entry_number(read);
  if (f.window_last == 0) f.window_last = entry_number(trace.size() - 1);
  if (r.kind == OpKind::WaitQueueActive) {
    const std::size_t add = find_last(trace, trace.size(), [&](const TraceEntry& e) {
      return e.kind == OpKind::WaitQueueAdd && e.object == wq && e.b == sleeper;
    });
    return fmt::format(
        "  cause: {} skipped its wake_up: waitqueue_active({}) was false at #{} ({}), and {} "
        "enqueued itself only at #{}.\n"
        "  fix: waitqueue_active() is an unlocked test: the waker needs a full barrier "
        "(smp_mb()) between its change and the test, or call wake_up() unconditionally.\n",
        waker, ex.object_name(wq), entry_number(read), where(r.loc), name, entry_number(add));
  }
  const std::size_t change = next_write(trace, read, sleeper, r.object, false);
  const TraceEntry& c = trace[change];
  return fmt::format(
      "  cause: {} skipped its wake_up: it read {} = {} at #{} ({}) without the lock that guards "
      "it, and {} set it to {} only at #{} ({}).\n"
      "  fix: make the test and the change one critical section (the same lock on both sides), "
      "or call wake_up() unconditionally.\n",
      waker, ex.object_name(r.object), r.a, entry_number(read), where(r.loc), name, c.a,
      entry_number(change), where(c.loc));
}

// What the walk of the wake_up at `wake_up_index` did with `sleeper`: the
// reason the state filter left it, or "" when it did not look at it.
std::string wake_miss_of(const std::vector<TraceEntry>& trace, std::size_t wake_up_index,
                         TaskId sleeper) {
  for (std::size_t i = wake_up_index + 1;
       i < trace.size() && (trace[i].kind == OpKind::Wake || trace[i].kind == OpKind::WakeMiss ||
                            trace[i].kind == OpKind::WaitQueueRemove);
       ++i)
    if (trace[i].kind == OpKind::WakeMiss && trace[i].b == sleeper) return trace[i].label;
  return "";
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

// "it decided to sleep after reading len = 0 at #12 (...)", and who changed it after.
std::string explain_decision(const Execution& ex, TaskId sleeper, std::size_t before) {
  const auto& trace = ex.trace();
  const std::size_t test = sleep_decision(trace, sleeper, before);
  if (test == std::string::npos) return "";
  const TraceEntry& t = trace[test];
  std::string out = fmt::format("  it decided to sleep after reading {} = {} at #{} ({})",
                                ex.object_name(t.object), t.a, entry_number(test), where(t.loc));
  const std::size_t change = next_write(trace, test, sleeper, t.object, true);
  if (change != std::string::npos)
    out += fmt::format("; {} set it to {} at #{} ({})", ex.task_name(trace[change].task),
                       trace[change].a, entry_number(change), where(trace[change].loc));
  return out + ".\n";
}

// "it woke consumer0", "it found no one to wake", or, when it looked at
// waiters and woke none, which state filter left the sleeper asleep.
std::string what_the_wake_did(const Execution& ex, std::size_t wake, TaskId sleeper) {
  const TraceEntry& w = ex.trace()[wake];
  const std::string woken = woken_list(ex, wake);
  if (!woken.empty()) return "it woke " + woken;
  if (w.b == 0) return "it found no one to wake";
  const std::string miss = wake_miss_of(ex.trace(), wake, sleeper);
  return fmt::format("it looked at {} waiter{} and woke none{}", w.b, w.b == 1 ? "" : "s",
                     miss.empty() ? ""
                                  : fmt::format(": the state filter left {} asleep ({})",
                                                ex.task_name(sleeper), miss));
}

// Held by another task. A fair lock handed to t is t's (t runs on), and one
// t has yet to take a ticket for does not stop it (it queues).
bool blocked_on_lock(const Execution& ex, TaskId t) {
  if (ex.status(t) != TaskStatus::Runnable || ex.pending(t) != OpKind::LockAcquire) return false;
  const ObjectId l = ex.pending_object(t);
  const TaskId owner = ex.owner(l);
  return owner != kNoTask && owner != t && (!ex.fair(l) || ex.spinning(t));
}

// Follows "t waits for a lock held by u" from f.task. A cycle through two
// locks is a lock-order inversion (ABBA): name both orders and their sites.
void explain_lock_cycle(const Execution& ex, Finding& f) {
  std::vector<TaskId> cycle{f.task};
  for (TaskId t = ex.owner(ex.pending_object(f.task)); t != f.task;
       t = ex.owner(ex.pending_object(t))) {
    if (!blocked_on_lock(ex, t) || cycle.size() > ex.task_count()) return;  // a chain, no cycle
    cycle.push_back(t);
  }
  std::string orders;
  const std::size_t n = cycle.size();
  for (std::size_t i = 0; i < n; ++i) {
    const TaskId t = cycle[i];
    const ObjectId wants = ex.pending_object(t);
    const ObjectId holds =
        ex.pending_object(cycle[(i + n - 1) % n]);  // what the previous one wants
    orders += fmt::format("    {} took {} at {}, then wants {} at {}\n", ex.task_name(t),
                          ex.object_name(holds), lock_site(ex, holds), ex.object_name(wants),
                          where(ex.pending_loc(t)));
  }
  if (cycle.size() == 2) {
    const ObjectId a = ex.pending_object(cycle[1]);
    const ObjectId b = ex.pending_object(cycle[0]);
    f.summary = fmt::format("lock-order inversion: {} takes {} then {}, {} takes {} then {}",
                            ex.task_name(cycle[0]), ex.object_name(a), ex.object_name(b),
                            ex.task_name(cycle[1]), ex.object_name(b), ex.object_name(a));
  } else {
    f.summary =
        fmt::format("a cycle of {} tasks each waiting for a lock the next one holds", cycle.size());
  }
  f.explanation += "  the lock orders that close the cycle:\n" + orders +
                   "  fix: take these locks in one global order everywhere.\n";
  f.window_first = ex.lock_taken_at(ex.pending_object(cycle.back()));
  for (TaskId t : cycle)
    f.window_first = std::min(f.window_first, ex.lock_taken_at(ex.pending_object(t)));
  f.window_last = static_cast<std::uint32_t>(ex.trace().size());
  f.entry = f.window_last;
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
  f.explanation =
      fmt::format("  it already holds {} since {}; a {} does not nest.\n", ex.object_name(lock),
                  lock_site(ex, lock), object_kind_name(ex.object_kind(lock)));
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

Finding data_race(const Execution& ex, ObjectId obj, TaskId other, std::uint32_t other_entry,
                  bool other_write) {
  const auto& trace = ex.trace();
  const TaskId me = ex.current();
  const TraceEntry& mine = trace.back();
  const TraceEntry& theirs = trace[other_entry - 1];
  const ObjectId guard = ex.guard(obj);
  const bool mine_write = mine.access != Access::Read;
  Finding f{FindingKind::DataRace, me, obj, entry_number(trace.size() - 1), "", ""};
  f.summary = fmt::format("data race on {}: {} {} it and {} {} it, unordered by {} or a wake",
                          ex.object_name(obj), ex.task_name(other), other_write ? "wrote" : "read",
                          ex.task_name(me), mine_write ? "writes" : "reads", ex.object_name(guard));
  const auto held = [&](const TraceEntry& e) { return e.guarded ? "holding" : "without"; };
  f.explanation = fmt::format(
      "  #{} {} {} {} at {}, {} {}\n  #{} {} {} {} at {}, {} {}\n"
      "  {} is declared guarded by {}: take it around every access.\n",
      other_entry, ex.task_name(other), other_write ? "wrote" : "read", ex.object_name(obj),
      where(theirs.loc), held(theirs), ex.object_name(guard), f.entry, ex.task_name(me),
      mine_write ? "writes" : "reads", ex.object_name(obj), where(mine.loc), held(mine),
      ex.object_name(guard), ex.object_name(obj), ex.object_name(guard));
  f.window_first = other_entry;
  f.window_last = f.entry;
  return f;
}

Finding step_bound(const Execution& ex, std::uint32_t max_steps) {
  Finding f{
      FindingKind::StepBound, kNoTask, kNoObject, entry_number(ex.trace().size() - 1), "", ""};
  f.summary = fmt::format("the execution did not end within {} steps", max_steps);
  f.explanation = "  tasks still running:";
  for (TaskId t = 0; t < ex.task_count(); ++t)
    if (ex.status(t) == TaskStatus::Runnable) f.explanation += " " + ex.task_name(t);
  f.explanation +=
      "\n  no state repeated (a cycle would be a livelock or busy-wait): not a finding. Raise "
      "search.max_steps if the model legitimately runs longer; a loop whose tasks do not declare "
      "what they carry (declare_task_state) never repeats a state.\n";
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
    f.explanation += explain_decision(ex, sleeper, slept);
  }
  const std::size_t wake = find_last(trace, trace.size(), [&](const TraceEntry& e) {
    return e.kind == OpKind::WakeUp && e.object == wq;
  });
  const std::size_t skipped =
      skipped_wake(trace, sleeper, wq, wake == std::string::npos ? 0 : wake + 1);
  if (wake == std::string::npos) {
    f.explanation += fmt::format("  no wake_up on {} ran in this execution.\n", wq_name);
    if (skipped != std::string::npos)
      f.explanation += explain_skipped_wake(ex, sleeper, wq, skipped, f);
    return f;
  }
  const TraceEntry& w = trace[wake];
  f.explanation +=
      fmt::format("  the last wake_up on {} was #{} by {} ({}): {}.\n", wq_name, entry_number(wake),
                  ex.task_name(w.task), where(w.loc), what_the_wake_did(ex, wake, sleeper));
  if (f.entry != 0) {  // the window spans the missed wake and the sleep, in trace order
    f.window_first = std::min(entry_number(wake), f.entry);
    f.window_last = std::max(entry_number(wake), f.entry);
  }
  if (add != std::string::npos && wake < add)
    f.explanation += explain_window(ex, sleeper, wq, add, wake, f);
  if (skipped != std::string::npos)
    f.explanation += explain_skipped_wake(ex, sleeper, wq, skipped, f);
  f.explanation += unannounced_writes(ex, sleeper, wake);
  return f;
}

Finding finding_here(const Execution& ex, FindingKind kind, TaskId task, ObjectId obj) {
  return Finding{kind, task, obj, static_cast<std::uint32_t>(ex.trace().size()), "", ""};
}

Finding stuck(const Execution& ex) {
  Finding f{FindingKind::Deadlock, kNoTask, kNoObject, 0, "", ""};
  TaskId asleep = kNoTask;  // named when no task waits for a lock
  ObjectId asleep_on = kNoObject;
  std::string waits;
  for (TaskId t = 0; t < ex.task_count(); ++t) {
    if (blocked_on_lock(ex, t)) {
      const ObjectId l = ex.pending_object(t);
      if (f.task == kNoTask) f.task = t, f.object = l;
      waits += fmt::format("  {} waits for {} at {}, held by {} since {}.\n", ex.task_name(t),
                           ex.object_name(l), where(ex.pending_loc(t)), ex.task_name(ex.owner(l)),
                           lock_site(ex, l));
    } else if (ex.status(t) == TaskStatus::Sleeping) {
      const ObjectId wq = ex.last_wait_queue(t);
      if (f.task == kNoTask && asleep == kNoTask) asleep = t, asleep_on = wq;
      waits += fmt::format("  {} sleeps on {} and nobody is left to wake it.\n", ex.task_name(t),
                           wq == kNoObject ? "no wait queue" : ex.object_name(wq));
    }
  }
  f.summary = f.task != kNoTask ? "tasks wait for locks that are never released"
                                : "every remaining task sleeps and nobody is left to wake it";
  // A fair lock handed to a task while its interrupt handler spins for it.
  for (TaskId t = 0; t < ex.task_count(); ++t) {
    const TaskId host = ex.host(t);
    if (!blocked_on_lock(ex, t) || host == kNoTask || ex.owner(ex.pending_object(t)) != host)
      continue;
    const ObjectId l = ex.pending_object(t);
    f.task = t;
    f.object = l;
    f.summary = fmt::format(
        "interrupt handler {} spins for {}, handed to {}, the task it interrupted: same-CPU "
        "deadlock",
        ex.task_name(t), ex.object_name(l), ex.task_name(host));
    f.explanation = waits + fmt::format(
                                "  {} was spinning for {} with interrupts enabled; the release "
                                "handed it to {} (first in the queue), which cannot run until "
                                "its handler returns.\n",
                                ex.task_name(host), ex.object_name(l), ex.task_name(host));
    return f;
  }
  if (f.task == kNoTask) f.task = asleep, f.object = asleep_on;
  f.explanation = waits;
  if (f.task != kNoTask && blocked_on_lock(ex, f.task)) explain_lock_cycle(ex, f);
  return f;
}

namespace {

// Blocked on a held lock, or runnable with its next operation named (which
// may take a lock that is free: that task was not stuck).
void describe_runnable(const Execution& ex, TaskId t, std::string& out) {
  const ObjectId l = ex.pending_object(t);
  if (blocked_on_lock(ex, t)) {
    out += fmt::format("waiting for {}, held by {}", ex.object_name(l), ex.task_name(ex.owner(l)));
    return;
  }
  if (ex.pending(t) == OpKind::LockAcquire && ex.owner(l) == t) {
    out += fmt::format("runnable, {} was handed to it at {}", ex.object_name(l),
                       where(ex.pending_loc(t)));
    return;
  }
  if (ex.pending(t) == OpKind::LockAcquire && ex.owner(l) != kNoTask) {
    out += fmt::format("runnable, next queues for {} (held by {}) at {}", ex.object_name(l),
                       ex.task_name(ex.owner(l)), where(ex.pending_loc(t)));
    return;
  }
  if (ex.pending(t) == OpKind::LockAcquire) {
    out += fmt::format("runnable, next takes {} (free) at {}", ex.object_name(l),
                       where(ex.pending_loc(t)));
    return;
  }
  out += fmt::format("runnable, next: {} at {}", ex.pending_label(t), where(ex.pending_loc(t)));
}

}  // namespace

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
        describe_runnable(ex, t, out);
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
    if (is_lock(ex.object_kind(o))) {
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
