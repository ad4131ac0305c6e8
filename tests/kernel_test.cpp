// The kernel model (model/kernel/) against the Linux semantics it claims: one
// test per rule of DESIGN.md §3 (include/linux/wait.h, kernel/sched/wait.c,
// kernel/sched/core.c). Programs are built from lambdas (tests/kernel_harness.hpp)
// and run in a forced order (the lowest-numbered enabled task first, or a
// replayed list of decisions) or searched exhaustively.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "checker/execution.hpp"
#include "checker/explorer.hpp"
#include "checker/finding.hpp"
#include "model/kernel/list.hpp"
#include "model/kernel/sched.hpp"
#include "model/kernel/spinlock.hpp"
#include "model/kernel/wait.hpp"
#include "tests/kernel_harness.hpp"

// CppUTest last: its headers redefine new/delete for leak checks.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

using ktest::contains;
using ktest::entries_of;
using ktest::KernelProgram;
using ktest::kind_of;
using ktest::queued;
using ktest::record_of;
using ktest::run_dfs;
using ktest::run_lowest_first;
using ktest::run_replay;
using ktest::seen;
using ktest::states_of;
using ktest::woken_by;
using ktest::World;

// Sleeps once on w.wq with an entry from init_waitqueue_entry() (default_wake_function),
// queued by add_wait_queue[_exclusive](); removes it with remove_wait_queue().
int sleep_added(World& w, task_struct* current, bool exclusive,
                unsigned state = TASK_UNINTERRUPTIBLE) {
  wait_queue_entry wait;
  init_waitqueue_entry(&wait, current);
  if (exclusive)
    add_wait_queue_exclusive(&w.wq, &wait);
  else
    add_wait_queue(&w.wq, &wait);
  set_current_state(current, state);
  schedule(current);
  remove_wait_queue(&w.wq, &wait);
  return 0;
}

// Sleeps once on w.wq with DEFINE_WAIT() (autoremove_wake_function), queued by
// prepare_to_wait[_exclusive](); finish_wait() after.
int sleep_prepared(World& w, task_struct* current, bool exclusive,
                   unsigned state = TASK_UNINTERRUPTIBLE) {
  wait_queue_entry wait = DEFINE_WAIT(current);
  if (exclusive)
    prepare_to_wait_exclusive(&w.wq, &wait, state);
  else
    prepare_to_wait(&w.wq, &wait, state);
  schedule(current);
  finish_wait(&w.wq, &wait);
  return 0;
}

// work_left: the waker's change is visible, so a sleeper on wq still has work.
std::string flag_set(const World& w, TaskId, ObjectId wq) {
  return wq == w.wq.id && w.flag.peek() != 0 ? "flag = 1" : "";
}

// The sleep_on race of DESIGN.md §3: the condition is tested under l, but the
// sleeper enqueues itself only after dropping it; the waker sets the flag and
// wakes under l.
void build_sleep_on_race(KernelProgram& p) {
  p.task("waiter",
         [](World& w, task_struct*) {
           spin_lock(&w.l);
           if (!w.flag.load()) {
             spin_unlock(&w.l);
             sleep_on(&w.wq);
           } else {
             spin_unlock(&w.l);
           }
           return 0;
         })
      .task("waker",
            [](World& w, task_struct*) {
              spin_lock(&w.l);
              w.flag.store(1);
              wake_up(&w.wq);
              spin_unlock(&w.l);
              return 0;
            })
      .work_left_when(flag_set);
}

// Two tasks taking locks a and b: in opposite orders (ABBA) or in the same order.
void build_two_lockers(KernelProgram& p, bool abba) {
  p.task("t0", [](World& w, task_struct*) {
     spin_lock(&w.a);
     spin_lock(&w.b);
     spin_unlock(&w.b);
     spin_unlock(&w.a);
     return 0;
   }).task("t1", [abba](World& w, task_struct*) {
    spinlock_t* first = abba ? &w.b : &w.a;
    spinlock_t* second = abba ? &w.a : &w.b;
    spin_lock(first);
    spin_lock(second);
    spin_unlock(second);
    spin_unlock(first);
    return 0;
  });
}

// Every field of every entry, the finding and the final state.
void check_same_execution(const ExecutionRecord& x, const ExecutionRecord& y) {
  UNSIGNED_LONGS_EQUAL(x.trace.size(), y.trace.size());
  const std::size_t n = std::min(x.trace.size(), y.trace.size());
  for (std::size_t i = 0; i < n; ++i) {
    const TraceEntry& e = x.trace[i];
    const TraceEntry& f = y.trace[i];
    const std::string at = "trace entry #" + std::to_string(i + 1);
    UNSIGNED_LONGS_EQUAL_TEXT(e.task, f.task, at.c_str());
    UNSIGNED_LONGS_EQUAL_TEXT(e.object, f.object, at.c_str());
    STRCMP_EQUAL_TEXT(op_kind_name(e.kind), op_kind_name(f.kind), at.c_str());
    LONGS_EQUAL_TEXT(static_cast<int>(e.access), static_cast<int>(f.access), at.c_str());
    CHECK_EQUAL_TEXT(e.scheduling_point, f.scheduling_point, at.c_str());
    LONGS_EQUAL_TEXT(e.a, f.a, at.c_str());
    LONGS_EQUAL_TEXT(e.b, f.b, at.c_str());
    STRCMP_EQUAL_TEXT(e.label, f.label, at.c_str());
    UNSIGNED_LONGS_EQUAL_TEXT(e.loc.line(), f.loc.line(), at.c_str());
    STRCMP_EQUAL_TEXT(e.loc.file_name(), f.loc.file_name(), at.c_str());
  }
  CHECK(x.decisions == y.decisions);
  STRCMP_EQUAL(finding_name(x.finding.kind), finding_name(y.finding.kind));
  UNSIGNED_LONGS_EQUAL(x.finding.task, y.finding.task);
  UNSIGNED_LONGS_EQUAL(x.finding.object, y.finding.object);
  UNSIGNED_LONGS_EQUAL(x.finding.entry, y.finding.entry);
  STRCMP_EQUAL(x.finding.summary.c_str(), y.finding.summary.c_str());
  STRCMP_EQUAL(x.finding.explanation.c_str(), y.finding.explanation.c_str());
  STRCMP_EQUAL(x.final_state.c_str(), y.final_state.c_str());
  UNSIGNED_LONGS_EQUAL(x.steps, y.steps);
}

}  // namespace

// ---------------------------------------------------------------------------
// Wait queues: include/linux/wait.h, kernel/sched/wait.c (DESIGN.md §3).

TEST_GROUP(WaitQueue){};

// Rule 1. __wake_up_common(): every non-exclusive entry is woken; the walk stops
// after nr_exclusive (1 for wake_up) exclusive entries were woken. __wake_up()
// returns nr_exclusive - remaining: the exclusive entries woken (recent Linux; void before 2023).
TEST(WaitQueue, WakeUpWakesEveryNonExclusiveWaiterAndOneExclusive) {
  KernelProgram p;
  p.task("n1", [](World& w, task_struct* c) { return sleep_added(w, c, false); })
      .task("n2", [](World& w, task_struct* c) { return sleep_prepared(w, c, false); })
      .task("x1", [](World& w, task_struct* c) { return sleep_added(w, c, true); })
      .task("x2", [](World& w, task_struct* c) { return sleep_prepared(w, c, true); })
      .task("waker", [](World& w, task_struct*) {
        w.seen["first"] = wake_up(&w.wq);  // list: n2, n1, x1, x2
        w.seen["second"] = wake_up(&w.wq);
        return 0;
      });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("", r.problem.c_str());
  STRCMP_EQUAL("none", kind_of(r));
  const ExecutionRecord* rec = record_of(r, p);
  CHECK(rec != nullptr);
  // add_wait_queue/prepare_to_wait clear WQ_FLAG_EXCLUSIVE, the _exclusive forms set it.
  const auto adds = entries_of(*rec, OpKind::WaitQueueAdd);
  UNSIGNED_LONGS_EQUAL(4, adds.size());
  LONGS_EQUAL(0, rec->trace[adds[0]].a);
  LONGS_EQUAL(0, rec->trace[adds[1]].a);
  LONGS_EQUAL(1, rec->trace[adds[2]].a);
  LONGS_EQUAL(1, rec->trace[adds[3]].a);
  const auto wakes = entries_of(*rec, OpKind::WakeUp, "wake_up");
  UNSIGNED_LONGS_EQUAL(2, wakes.size());
  LONGS_EQUAL(1, seen(*p.world, "first"));  // __wake_up counts exclusive entries woken: x1
  LONGS_EQUAL(3, rec->trace[wakes[0]].a);   // woken
  LONGS_EQUAL(3, rec->trace[wakes[0]].b);   // entries looked at: it stopped before x2
  STRCMP_EQUAL("n2, n1, x1", woken_by(*rec, wakes[0]).c_str());
  LONGS_EQUAL(1, seen(*p.world, "second"));
  STRCMP_EQUAL("x2", woken_by(*rec, wakes[1]).c_str());
}

// Rule 2. wake_up_all = __wake_up(wq, TASK_NORMAL, 0): nr_exclusive 0 never stops the walk.
TEST(WaitQueue, WakeUpAllWakesEveryExclusiveWaiter) {
  KernelProgram p;
  p.task("x0", [](World& w, task_struct* c) { return sleep_prepared(w, c, true); })
      .task("x1", [](World& w, task_struct* c) { return sleep_prepared(w, c, true); })
      .task("x2", [](World& w, task_struct* c) { return sleep_added(w, c, true); })
      .task("waker", [](World& w, task_struct*) {
        w.seen["woken"] = wake_up_all(&w.wq);
        return 0;
      });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  const ExecutionRecord* rec = record_of(r, p);
  CHECK(rec != nullptr);
  const auto wakes = entries_of(*rec, OpKind::WakeUp, "wake_up_all");
  UNSIGNED_LONGS_EQUAL(1, wakes.size());
  LONGS_EQUAL(3, seen(*p.world, "woken"));
  LONGS_EQUAL(3, rec->trace[wakes[0]].a);
  STRCMP_EQUAL("x0, x1, x2", woken_by(*rec, wakes[0]).c_str());
  UNSIGNED_LONGS_EQUAL(1, entries_of(*rec, OpKind::Resume, "", 2).size());
}

// Rule 2. wake_up_nr(wq, n) = __wake_up(wq, TASK_NORMAL, n): n exclusive waiters
// (and every non-exclusive one before them).
TEST(WaitQueue, WakeUpNrWakesNExclusiveWaiters) {
  KernelProgram p;
  p.task("x0", [](World& w, task_struct* c) { return sleep_prepared(w, c, true); })
      .task("x1", [](World& w, task_struct* c) { return sleep_prepared(w, c, true); })
      .task("x2", [](World& w, task_struct* c) { return sleep_prepared(w, c, true); })
      .task("n", [](World& w, task_struct* c) { return sleep_prepared(w, c, false); })
      .task("waker", [](World& w, task_struct*) {
        w.seen["nr2"] = wake_up_nr(&w.wq, 2);  // list: n, x0, x1, x2
        w.seen["then"] = wake_up(&w.wq);
        return 0;
      });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  const ExecutionRecord* rec = record_of(r, p);
  CHECK(rec != nullptr);
  const auto nr = entries_of(*rec, OpKind::WakeUp, "wake_up_nr");
  UNSIGNED_LONGS_EQUAL(1, nr.size());
  LONGS_EQUAL(2, seen(*p.world, "nr2"));  // x0 and x1; n is not counted
  LONGS_EQUAL(3, rec->trace[nr[0]].b);    // x2 was not looked at
  STRCMP_EQUAL("n, x0, x1", woken_by(*rec, nr[0]).c_str());
  const auto then = entries_of(*rec, OpKind::WakeUp, "wake_up");
  UNSIGNED_LONGS_EQUAL(1, then.size());
  LONGS_EQUAL(1, seen(*p.world, "then"));
  STRCMP_EQUAL("x2", woken_by(*rec, then[0]).c_str());
}

// Rule 3. add_wait_queue()/prepare_to_wait() add at the head (__add_wait_queue),
// the _exclusive forms at the tail (__add_wait_queue_entry_tail). Nobody wakes
// the four, so the execution ends with them queued and the list is in the final state.
TEST(WaitQueue, AddWaitQueueAddsAtHeadExclusiveAtTail) {
  KernelProgram p;
  p.task("a", [](World& w, task_struct* c) { return sleep_added(w, c, true); })
      .task("b", [](World& w, task_struct* c) { return sleep_added(w, c, false); })
      .task("c", [](World& w, task_struct* c) { return sleep_prepared(w, c, true); })
      .task("d", [](World& w, task_struct* c) { return sleep_prepared(w, c, false); });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("deadlock", kind_of(r));
  CHECK_TEXT(contains(r.failure->final_state, "  wq: waiters d, b, a (exclusive), c (exclusive)\n"),
             r.failure->final_state.c_str());
}

// Rule 3, seen through the wake order: __wake_up walks the list from the head.
TEST(WaitQueue, WakeOrderFollowsListOrder) {
  KernelProgram p;
  p.task("a", [](World& w, task_struct* c) { return sleep_added(w, c, true); })
      .task("b", [](World& w, task_struct* c) { return sleep_added(w, c, false); })
      .task("c", [](World& w, task_struct* c) { return sleep_prepared(w, c, true); })
      .task("d", [](World& w, task_struct* c) { return sleep_prepared(w, c, false); })
      .task("waker", [](World& w, task_struct*) { return wake_up_all(&w.wq); });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  const ExecutionRecord* rec = record_of(r, p);
  CHECK(rec != nullptr);
  const auto wakes = entries_of(*rec, OpKind::WakeUp, "wake_up_all");
  UNSIGNED_LONGS_EQUAL(1, wakes.size());
  STRCMP_EQUAL("d, b, a, c", woken_by(*rec, wakes[0]).c_str());
}

// Rule 6. wake_up_interruptible = __wake_up(wq, TASK_INTERRUPTIBLE, 1): try_to_wake_up()
// only matches TASK_INTERRUPTIBLE sleepers; a TASK_UNINTERRUPTIBLE one stays asleep.
TEST(WaitQueue, WakeUpInterruptibleLeavesUninterruptibleSleepersAsleep) {
  KernelProgram p;
  p.task("i",
         [](World& w, task_struct* c) { return sleep_prepared(w, c, false, TASK_INTERRUPTIBLE); })
      .task("u", [](World& w, task_struct* c) { return sleep_prepared(w, c, false); })
      .task("waker", [](World& w, task_struct*) {
        w.seen["interruptible"] = wake_up_interruptible(&w.wq);  // list: u, i
        w.seen["u_state"] = w.task[1]->state;
        w.seen["u_asleep"] = w.k.ex().status(w.task[1]->pid) == TaskStatus::Sleeping;
        w.seen["normal"] = wake_up(&w.wq);
        return 0;
      });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  const ExecutionRecord* rec = record_of(r, p);
  CHECK(rec != nullptr);
  const auto intr = entries_of(*rec, OpKind::WakeUp, "wake_up_interruptible");
  UNSIGNED_LONGS_EQUAL(1, intr.size());
  LONGS_EQUAL(0, seen(*p.world, "interruptible"));  // i is not exclusive: not counted
  LONGS_EQUAL(2, rec->trace[intr[0]].b);            // it looked at u too
  STRCMP_EQUAL("i", woken_by(*rec, intr[0]).c_str());
  LONGS_EQUAL(TASK_UNINTERRUPTIBLE, seen(*p.world, "u_state"));
  LONGS_EQUAL(1, seen(*p.world, "u_asleep"));
  const auto normal = entries_of(*rec, OpKind::WakeUp, "wake_up");
  UNSIGNED_LONGS_EQUAL(1, normal.size());
  LONGS_EQUAL(0, seen(*p.world, "normal"));
  STRCMP_EQUAL("u", woken_by(*rec, normal[0]).c_str());
}

// Rule 8. autoremove_wake_function() (DEFINE_WAIT) does list_del_init() on the entry
// it woke; default_wake_function() (init_waitqueue_entry) leaves it queued until
// remove_wait_queue().
TEST(WaitQueue, AutoremoveUnlinksOnWakeDefaultWakeFunctionDoesNot) {
  KernelProgram p;
  p.task("auto",
         [](World& w, task_struct* current) {
           wait_queue_entry wait = DEFINE_WAIT(current);
           prepare_to_wait(&w.wq, &wait, TASK_UNINTERRUPTIBLE);
           schedule(current);
           w.seen["auto_linked"] = !list_empty(&wait.entry);
           finish_wait(&w.wq, &wait);
           return 0;
         })
      .task("dflt",
            [](World& w, task_struct* current) {
              wait_queue_entry wait;
              init_waitqueue_entry(&wait, current);
              add_wait_queue(&w.wq, &wait);
              set_current_state(current, TASK_UNINTERRUPTIBLE);
              schedule(current);
              w.seen["default_linked"] = !list_empty(&wait.entry);
              remove_wait_queue(&w.wq, &wait);
              w.seen["default_poisoned_after_remove"] = list_poisoned(&wait.entry);
              return 0;
            })
      .task("waker", [](World& w, task_struct*) { return wake_up_all(&w.wq); });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  const ExecutionRecord* rec = record_of(r, p);
  CHECK(rec != nullptr);
  STRCMP_EQUAL("dflt, auto", woken_by(*rec, entries_of(*rec, OpKind::WakeUp)[0]).c_str());
  LONGS_EQUAL(0, seen(*p.world, "auto_linked"));
  LONGS_EQUAL(1, seen(*p.world, "default_linked"));
  // remove_wait_queue() is list_del(): it poisons the entry, it does not re-initialise it.
  LONGS_EQUAL(1, seen(*p.world, "default_poisoned_after_remove"));
  // finish_wait() found auto's entry unlinked and took no lock; dflt removed its own.
  const auto removes = entries_of(*rec, OpKind::WaitQueueRemove, "remove_wait_queue");
  UNSIGNED_LONGS_EQUAL(1, removes.size());
  LONGS_EQUAL(1, rec->trace[removes[0]].b);
  // The waker's walk unlinked auto's entry, and the trace says so.
  const auto autoremoved = entries_of(*rec, OpKind::WaitQueueRemove, "autoremove_wake_function");
  UNSIGNED_LONGS_EQUAL(1, autoremoved.size());
  LONGS_EQUAL(0, rec->trace[autoremoved[0]].b);
}

// The sequence that crashed the checker: DEFINE_WAIT (autoremove) queued with
// add_wait_queue(), woken (the walk unlinks it), then remove_wait_queue(). In
// Linux the list_del() of the self-linked entry changes nothing: no finding.
TEST(WaitQueue, RemoveWaitQueueAfterAutoremoveIsHarmless) {
  KernelProgram p;
  p.task("sleeper", [](World& w, task_struct* current) {
     wait_queue_entry wait = DEFINE_WAIT(current);
     add_wait_queue(&w.wq, &wait);
     set_current_state(current, TASK_UNINTERRUPTIBLE);
     if (w.flag.load() == 0) schedule(current);
     __set_current_state(current, TASK_RUNNING);
     remove_wait_queue(&w.wq, &wait);
     w.seen["poisoned"] = list_poisoned(&wait.entry);
     return 0;
   }).task("waker", [](World& w, task_struct*) {
    w.flag.store(1);
    wake_up(&w.wq);
    w.seen["queued_after_wake"] = queued(w.wq);
    return 0;
  });
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
  LONGS_EQUAL(1, seen(*p.world, "poisoned"));
}

// A second remove_wait_queue() of one entry: list_del() poisoned it the first
// time, and Linux would fault on LIST_POISON1. A finding at the second call.
TEST(WaitQueue, RemovingAnEntryTwiceIsAFindingNotACrash) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
    wait_queue_entry wait;
    init_waitqueue_entry(&wait, current);
    add_wait_queue(&w.wq, &wait);
    remove_wait_queue(&w.wq, &wait);
    remove_wait_queue(&w.wq, &wait);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("invariant", kind_of(r));
  const Finding& f = r.failure->finding;
  STRCMP_EQUAL(
      "remove_wait_queue: t removes the wait_queue_entry of t from wq, but list_del() removed it "
      "already and poisoned it (LIST_POISON1)",
      f.summary.c_str());
  CHECK_TEXT(contains(f.explanation, "at tests/kernel_test.cpp:"), f.explanation.c_str());
  UNSIGNED_LONGS_EQUAL(p.world->wq.id, f.object);
}

// Removing an entry through the wrong queue would unlink it under the wrong
// queue's lock.
TEST(WaitQueue, RemovingAnEntryFromAQueueItIsNotOnIsAFinding) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
    wait_queue_entry wait;
    init_waitqueue_entry(&wait, current);
    add_wait_queue(&w.wq, &wait);
    remove_wait_queue(&w.wq2, &wait);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("invariant", kind_of(r));
  const Finding& f = r.failure->finding;
  STRCMP_EQUAL(
      "remove_wait_queue: t removes the wait_queue_entry of t from wq2, but it is queued on "
      "another wait queue",
      f.summary.c_str());
  UNSIGNED_LONGS_EQUAL(p.world->wq2.id, f.object);
}

// Rule 9. finish_wait(): __set_current_state(TASK_RUNNING); list_del_init() if still
// queued (list_empty_careful), else nothing.
TEST(WaitQueue, FinishWaitSetsRunningAndUnlinksIfStillQueued) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
    wait_queue_entry wait = DEFINE_WAIT(current);
    prepare_to_wait(&w.wq, &wait, TASK_INTERRUPTIBLE);
    w.seen["state_before"] = current->state;
    w.seen["queued_before"] = queued(w.wq);
    finish_wait(&w.wq, &wait);
    w.seen["state_after"] = current->state;
    w.seen["queued_after"] = queued(w.wq);
    w.seen["linked_after"] = !list_empty(&wait.entry);
    finish_wait(&w.wq, &wait);  // not queued: no lock, no removal
    schedule(current);          // TASK_RUNNING: returns at once
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  LONGS_EQUAL(TASK_INTERRUPTIBLE, seen(*p.world, "state_before"));
  LONGS_EQUAL(1, seen(*p.world, "queued_before"));
  LONGS_EQUAL(TASK_RUNNING, seen(*p.world, "state_after"));
  LONGS_EQUAL(0, seen(*p.world, "queued_after"));
  LONGS_EQUAL(0, seen(*p.world, "linked_after"));
  const ExecutionRecord* rec = record_of(r, p);
  CHECK(rec != nullptr);
  const auto removes = entries_of(*rec, OpKind::WaitQueueRemove, "finish_wait");
  UNSIGNED_LONGS_EQUAL(1, removes.size());
  // wq.lock was taken by prepare_to_wait() and the first finish_wait() only.
  UNSIGNED_LONGS_EQUAL(2, entries_of(*rec, OpKind::LockAcquire, "spin_lock_irqsave").size());
  // prepare_to_wait's TASK_INTERRUPTIBLE, then each finish_wait's TASK_RUNNING.
  STRCMP_EQUAL("S R R", states_of(*rec, 0).c_str());
  const auto schedules = entries_of(*rec, OpKind::Schedule);
  UNSIGNED_LONGS_EQUAL(1, schedules.size());
  LONGS_EQUAL(0, rec->trace[schedules[0]].a);
}

// Rule 10. prepare_to_wait(): "if (list_empty(&wq_entry->entry)) __add_wait_queue(...)":
// called again with the entry queued, it only sets the state.
TEST(WaitQueue, PrepareToWaitTwiceEnqueuesOnce) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
    wait_queue_entry first = DEFINE_WAIT(current);
    prepare_to_wait(&w.wq, &first, TASK_UNINTERRUPTIBLE);
    prepare_to_wait(&w.wq, &first, TASK_UNINTERRUPTIBLE);
    w.seen["after_two"] = queued(w.wq);
    wait_queue_entry second = DEFINE_WAIT(current);
    prepare_to_wait_exclusive(&w.wq, &second, TASK_UNINTERRUPTIBLE);
    prepare_to_wait_exclusive(&w.wq, &second, TASK_UNINTERRUPTIBLE);
    w.seen["after_four"] = queued(w.wq);
    finish_wait(&w.wq, &second);
    finish_wait(&w.wq, &first);
    w.seen["after_finish"] = queued(w.wq);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  LONGS_EQUAL(1, seen(*p.world, "after_two"));
  LONGS_EQUAL(2, seen(*p.world, "after_four"));
  LONGS_EQUAL(0, seen(*p.world, "after_finish"));
  const ExecutionRecord* rec = record_of(r, p);
  CHECK(rec != nullptr);
  UNSIGNED_LONGS_EQUAL(2, entries_of(*rec, OpKind::WaitQueueAdd).size());
  // Each prepare_to_wait still sets the state; each finish_wait sets TASK_RUNNING.
  STRCMP_EQUAL("D D D D R R", states_of(*rec, 0).c_str());
}

// Rule 10, in the loop it is written for: an entry with default_wake_function stays
// queued across a wake, and the next prepare_to_wait() must not add it again.
TEST(WaitQueue, PrepareToWaitInALoopKeepsOneEntry) {
  KernelProgram p;
  p.task("waiter", [](World& w, task_struct* current) {
     // Self-linked (LIST_HEAD_INIT), as prepare_to_wait() needs; an entry from
     // DECLARE_WAITQUEUE would never be queued (WaitQueueFidelity).
     wait_queue_entry wait = DEFINE_WAIT_FUNC(current, default_wake_function);
     int most = 0;
     for (;;) {
       prepare_to_wait(&w.wq, &wait, TASK_UNINTERRUPTIBLE);
       most = std::max(most, queued(w.wq));
       if (w.flag.load()) break;
       schedule(current);
     }
     finish_wait(&w.wq, &wait);
     w.seen["most"] = most;
     return 0;
   }).task("waker", [](World& w, task_struct*) {
    wake_up(&w.wq);  // before the condition holds: the waiter loops
    spin_lock(&w.l);
    w.flag.store(1);
    spin_unlock(&w.l);
    wake_up(&w.wq);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  LONGS_EQUAL(1, seen(*p.world, "most"));
  const ExecutionRecord* rec = record_of(r, p);
  CHECK(rec != nullptr);
  UNSIGNED_LONGS_EQUAL(1, entries_of(*rec, OpKind::WaitQueueAdd).size());
  STRCMP_EQUAL("D D D R", states_of(*rec, 0).c_str());  // three prepare_to_wait, finish_wait
  const auto slept = entries_of(*rec, OpKind::Resume, "", 0);
  UNSIGNED_LONGS_EQUAL(2, slept.size());
  const auto removes = entries_of(*rec, OpKind::WaitQueueRemove, "finish_wait");
  UNSIGNED_LONGS_EQUAL(1, removes.size());
}

// Rule 11. waitqueue_active() = !list_empty(&wq_head->head), without the lock.
TEST(WaitQueue, WaitqueueActiveReportsQueuedWaiters) {
  KernelProgram p;
  p.task("sleeper", [](World& w, task_struct* c) {
     return sleep_prepared(w, c, false);
   }).task("checker", [](World& w, task_struct* current) {
    w.seen["with_sleeper"] = waitqueue_active(&w.wq);
    wake_up(&w.wq);  // autoremove unlinks the sleeper's entry
    w.seen["after_wake"] = waitqueue_active(&w.wq);
    wait_queue_entry mine;
    init_waitqueue_entry(&mine, current);
    add_wait_queue(&w.wq, &mine);
    w.seen["with_own"] = waitqueue_active(&w.wq);
    remove_wait_queue(&w.wq, &mine);
    w.seen["at_end"] = waitqueue_active(&w.wq);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  LONGS_EQUAL(1, seen(*p.world, "with_sleeper"));
  LONGS_EQUAL(0, seen(*p.world, "after_wake"));
  LONGS_EQUAL(1, seen(*p.world, "with_own"));
  LONGS_EQUAL(0, seen(*p.world, "at_end"));
  const ExecutionRecord* rec = record_of(r, p);
  CHECK(rec != nullptr);
  const auto active = entries_of(*rec, OpKind::WaitQueueActive);
  UNSIGNED_LONGS_EQUAL(4, active.size());
  LONGS_EQUAL(1, rec->trace[active[0]].a);
  LONGS_EQUAL(0, rec->trace[active[1]].a);
  LONGS_EQUAL(1, rec->trace[active[2]].a);
  LONGS_EQUAL(0, rec->trace[active[3]].a);
}

// The waker of the wait_event tests: sets the condition under l, then wakes.
int set_flag_then_wake(World& w, task_struct*) {
  spin_lock(&w.l);
  w.flag.store(1);
  spin_unlock(&w.l);
  wake_up(&w.wq);
  return 0;
}

// Bit t set when task t went to sleep in this execution.
int sleepers(const Execution& ex) {
  int bits = 0;
  for (const TraceEntry& e : ex.trace())
    if (e.kind == OpKind::Schedule && e.a == 1) bits |= 1 << e.task;
  return bits;
}

// Rule 12. wait_event(): prepare_to_wait; if (cond) break; schedule(); finish_wait.
// The condition is tested after enqueueing, so in no interleaving is a wake lost.
// The waker's lock only gives its write a scheduling point of its own, so the
// search places the write anywhere in the waiters' runs.
TEST(WaitQueue, WaitEventNeverLosesAWake) {
  std::set<int> slept;  // per finished execution: bit t set when task t went to sleep
  std::set<int> exits;
  KernelProgram p;
  p.task("waiter",
         [](World& w, task_struct*) {
           wait_event(&w.wq, [&w] { return w.flag.load() != 0; });
           return 1;
         })
      .task("iwaiter",
            [](World& w, task_struct*) {
              return 2 + wait_event_interruptible(&w.wq, [&w] { return w.flag.load() != 0; });
            })
      .task("waker", set_flag_then_wake)
      .work_left_when(flag_set)
      .at_end_do([&](World&, Execution& ex) {
        slept.insert(sleepers(ex));
        exits.insert(ex.exit_code(0) * 10 + ex.exit_code(1));
      });
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("", r.problem.c_str());
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
  CHECK(r.stats.executions > 10);
  // Both extremes were reached: no waiter slept (the flag was set first), and both slept.
  CHECK(slept.count(0) == 1);
  CHECK(slept.count(3) == 1);
  // The interruptible waiter also returns -ERESTARTSYS when a signal comes
  // while it waits (the environment may send one); the other never does.
  CHECK(exits == (std::set<int>{12, 10 + 2 - ERESTARTSYS}));

  // Without state caching every interleaving runs to its end: still no finding.
  slept.clear();
  KernelProgram q;
  q.task("waiter",
         [](World& w, task_struct*) {
           wait_event(&w.wq, [&w] { return w.flag.load() != 0; });
           return 0;
         })
      .task("waker", set_flag_then_wake)
      .work_left_when(flag_set)
      .at_end_do([&](World&, Execution& ex) { slept.insert(sleepers(ex)); });
  const SearchResult s = run_dfs(q, false);
  STRCMP_EQUAL("none", kind_of(s));
  CHECK(s.stats.exhausted);
  UNSIGNED_LONGS_EQUAL(s.stats.executions, q.finished_executions);
  CHECK(slept == (std::set<int>{0, 1}));
}

// ---------------------------------------------------------------------------
// schedule() and try_to_wake_up(): kernel/sched/core.c (DESIGN.md §3).

TEST_GROUP(Sched){};

// Rule 4. A wake between set_current_state() and schedule() sets TASK_RUNNING, and
// schedule() then returns at once (Schedule entry a == 0, no Resume). schedule() is
// an await, not a scheduling point (sched.cpp): the waker can only come in between
// when the sleeper does something visible there, here a READ_ONCE of flag.
TEST(Sched, WakeBetweenSetCurrentStateAndScheduleMakesScheduleReturnAtOnce) {
  const auto sleeper = [](World& w, task_struct* c) {
    wait_queue_entry wait;
    init_waitqueue_entry(&wait, c);
    add_wait_queue(&w.wq, &wait);
    set_current_state(c, TASK_UNINTERRUPTIBLE);
    if (w.flag.load() == 0) schedule(c);
    remove_wait_queue(&w.wq, &wait);
    return 0;
  };
  KernelProgram p;
  p.task("sleeper", sleeper).task("waker", [](World& w, task_struct*) {
    w.seen["woken"] = wake_up(&w.wq);
    return 0;
  });
  // Decisions: sleeper takes wq.lock (add_wait_queue), sleeper sets its state, then the
  // waker runs wake_up() before the sleeper reads flag and calls schedule().
  const SearchResult r = run_replay(p, {0, 0, 1, 0});
  STRCMP_EQUAL("", r.problem.c_str());
  STRCMP_EQUAL("none", kind_of(r));
  const ExecutionRecord* rec = record_of(r, p);
  CHECK(rec != nullptr);
  const auto set = entries_of(*rec, OpKind::SetState, "", 0);
  const auto wake = entries_of(*rec, OpKind::WakeUp, "wake_up");
  const auto sched = entries_of(*rec, OpKind::Schedule, "", 0);
  UNSIGNED_LONGS_EQUAL(1, set.size());
  UNSIGNED_LONGS_EQUAL(1, wake.size());
  UNSIGNED_LONGS_EQUAL(1, sched.size());
  LONGS_EQUAL(TASK_UNINTERRUPTIBLE, rec->trace[set[0]].a);
  CHECK(set[0] < wake[0]);
  CHECK(wake[0] < sched[0]);
  LONGS_EQUAL(0, seen(*p.world, "woken"));  // a non-exclusive waiter: __wake_up returns 0
  STRCMP_EQUAL("sleeper", woken_by(*rec, wake[0]).c_str());
  LONGS_EQUAL(0, rec->trace[sched[0]].a);
  UNSIGNED_LONGS_EQUAL(0, entries_of(*rec, OpKind::Resume).size());
  UNSIGNED_LONGS_EQUAL(1, entries_of(*rec, OpKind::TaskExit, "", 0).size());

  // Control: the wake after the sleeper's read (decisions: its lock, its state, its
  // read and sleep, then the waker): it sleeps in schedule() (a == 1) and runs again
  // through a Resume.
  KernelProgram q;
  q.task("sleeper", sleeper).task("waker", [](World& w, task_struct*) { return wake_up(&w.wq); });
  const SearchResult s = run_replay(q, {0, 0, 0, 1});
  STRCMP_EQUAL("", s.problem.c_str());
  STRCMP_EQUAL("none", kind_of(s));
  const ExecutionRecord* late = record_of(s, q);
  CHECK(late != nullptr);
  const auto late_sched = entries_of(*late, OpKind::Schedule, "", 0);
  UNSIGNED_LONGS_EQUAL(1, late_sched.size());
  LONGS_EQUAL(1, late->trace[late_sched[0]].a);
  UNSIGNED_LONGS_EQUAL(1, entries_of(*late, OpKind::Resume, "", 0).size());
}

// Without a visible operation between set_current_state() and schedule(), the
// sleeper falls asleep in the same step as it sets its state: no schedule can put
// the wake in between, and the one after it wakes the sleeper from its sleep.
TEST(Sched, ScheduleIsAnAwaitNotASchedulingPoint) {
  int slept = 0;
  int ran_between = 0;
  KernelProgram p;
  p.task("sleeper", [](World& w, task_struct* c) {
     spin_lock(&w.l);
     if (w.counter.load() == 0) {
       wait_queue_entry wait = DEFINE_WAIT(c);
       prepare_to_wait(&w.wq, &wait, TASK_UNINTERRUPTIBLE);
       spin_unlock(&w.l);
       schedule(c);
       finish_wait(&w.wq, &wait);
       return 0;
     }
     spin_unlock(&w.l);
     return 0;
   }).task("waker", [](World& w, task_struct*) {
    spin_lock(&w.l);
    w.counter.store(1);
    wake_up(&w.wq);
    spin_unlock(&w.l);
    return 0;
  });
  p.at_end_do([&](World&, Execution& ex) {
    const std::vector<TraceEntry>& trace = ex.trace();
    std::size_t set = 0;
    for (std::size_t i = 0; i < trace.size(); ++i) {
      if (trace[i].kind == OpKind::SetState && trace[i].task == 0) set = i;
      if (trace[i].kind != OpKind::Schedule) continue;
      CHECK(!trace[i].scheduling_point);
      slept += trace[i].a == 1;
      for (std::size_t j = set + 1; j < i; ++j) ran_between += trace[j].task != 0;
    }
  });
  const SearchResult r = run_dfs(p, false);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
  CHECK(p.finished_executions > 1);
  // The sleeper slept when it came first, and nobody ran between its state (set
  // by prepare_to_wait) and its sleep.
  CHECK(slept >= 1);
  LONGS_EQUAL(0, ran_between);
}

// Rule 5. A wake_up() on an empty queue wakes nobody and is not remembered: the
// sleeper that enqueues afterwards sleeps forever. With work left for it, the
// engine reports a lost wakeup naming the sleeper and the queue.
TEST(Sched, WakeWithNoWaiterIsLostAndReportedAsLostWakeup) {
  KernelProgram p;
  p.task("sleeper", [](World& w, task_struct* c) { return sleep_added(w, c, false); })
      .task("waker",
            [](World& w, task_struct*) {
              w.flag.store(1);
              w.seen["woken"] = wake_up(&w.wq);
              return 0;
            })
      .work_left_when(flag_set);
  // The waker runs first: its unlocked store to flag, then wake_up's wq.lock.
  const SearchResult r = run_replay(p, {1, 1});
  STRCMP_EQUAL("", r.problem.c_str());
  STRCMP_EQUAL("lost-wakeup", kind_of(r));
  const Finding& f = r.failure->finding;
  UNSIGNED_LONGS_EQUAL(0, f.task);
  UNSIGNED_LONGS_EQUAL(p.world->wq.id, f.object);
  STRCMP_EQUAL("wq", r.failure->objects[f.object].name.c_str());
  CHECK_TEXT(contains(f.summary, "sleeper sleeps forever on wq"), f.summary.c_str());
  CHECK_TEXT(contains(f.explanation, "it found no one to wake"), f.explanation.c_str());
  LONGS_EQUAL(0, seen(*p.world, "woken"));
  const auto wake = entries_of(*r.failure, OpKind::WakeUp, "wake_up");
  const auto add = entries_of(*r.failure, OpKind::WaitQueueAdd, "add_wait_queue", 0);
  UNSIGNED_LONGS_EQUAL(1, wake.size());
  UNSIGNED_LONGS_EQUAL(1, add.size());
  CHECK(wake[0] < add[0]);
  LONGS_EQUAL(0, r.failure->trace[wake[0]].a);
  LONGS_EQUAL(0, r.failure->trace[wake[0]].b);
  CHECK_TEXT(contains(r.failure->final_state,
                      "  sleeper: asleep in schedule(), state TASK_UNINTERRUPTIBLE\n"),
             r.failure->final_state.c_str());
}

// Rule 5, with no work left for the sleeper: nothing is enabled and nobody can wake
// it, which the engine reports as a deadlock whose explanation names the sleeper.
TEST(Sched, WakeWithNoWaiterIsLostAndReportedAsDeadlockWithoutWork) {
  KernelProgram p;
  p.task("sleeper", [](World& w, task_struct* c) {
     return sleep_added(w, c, false);
   }).task("waker", [](World& w, task_struct*) { return wake_up(&w.wq); });
  const SearchResult r = run_replay(p, {1});
  STRCMP_EQUAL("", r.problem.c_str());
  STRCMP_EQUAL("deadlock", kind_of(r));
  const Finding& f = r.failure->finding;
  CHECK_TEXT(contains(f.explanation, "sleeper sleeps on wq and nobody is left to wake it"),
             f.explanation.c_str());
  CHECK_TEXT(contains(r.failure->final_state, "  sleeper: asleep in schedule()"),
             r.failure->final_state.c_str());
  CHECK_TEXT(contains(r.failure->final_state, "  wq: waiters sleeper\n"),
             r.failure->final_state.c_str());
}

// Rule 7. try_to_wake_up(p, state): "if (!(p->__state & state)) goto out" with 0
// returned and p untouched; wake_up_process(p) = try_to_wake_up(p, TASK_NORMAL).
TEST(Sched, TryToWakeUpChangesNothingWhenTheStateDoesNotMatch) {
  KernelProgram p;
  p.task("sleeper", [](World&, task_struct* current) {
     set_current_state(current, TASK_UNINTERRUPTIBLE);
     schedule(current);
     return 7;
   }).task("waker", [](World& w, task_struct* current) {
    task_struct* sleeper = w.task[0];
    spin_lock(&w.l);  // callers of try_to_wake_up hold a lock (here: any)
    w.seen["ttwu_interruptible"] =
        try_to_wake_up(sleeper, TASK_INTERRUPTIBLE, SourceLoc::current());
    w.seen["state_after_ttwu"] = sleeper->state;
    w.seen["asleep_after_ttwu"] = w.k.ex().status(sleeper->pid) == TaskStatus::Sleeping;
    w.seen["ttwu_running"] = try_to_wake_up(current, TASK_NORMAL, SourceLoc::current());
    spin_unlock(&w.l);
    w.seen["wake_up_process"] = wake_up_process(sleeper);
    w.seen["state_after_wake"] = sleeper->state;
    w.seen["again"] = wake_up_process(sleeper);  // it runs (and finishes) first: RUNNING
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  LONGS_EQUAL(0, seen(*p.world, "ttwu_interruptible"));
  LONGS_EQUAL(TASK_UNINTERRUPTIBLE, seen(*p.world, "state_after_ttwu"));
  LONGS_EQUAL(1, seen(*p.world, "asleep_after_ttwu"));
  LONGS_EQUAL(0, seen(*p.world, "ttwu_running"));
  LONGS_EQUAL(1, seen(*p.world, "wake_up_process"));
  LONGS_EQUAL(TASK_RUNNING, seen(*p.world, "state_after_wake"));
  LONGS_EQUAL(0, seen(*p.world, "again"));
  const ExecutionRecord* rec = record_of(r, p);
  CHECK(rec != nullptr);
  // One Wake in the whole execution, right after the first wake_up_process.
  const auto wakes = entries_of(*rec, OpKind::Wake);
  const auto wups = entries_of(*rec, OpKind::WakeUp, "wake_up_process");
  UNSIGNED_LONGS_EQUAL(1, wakes.size());
  UNSIGNED_LONGS_EQUAL(2, wups.size());
  UNSIGNED_LONGS_EQUAL(wups[0] + 1, wakes[0]);
  LONGS_EQUAL(0, rec->trace[wakes[0]].b);
  LONGS_EQUAL(1, rec->trace[wups[0]].a);
  LONGS_EQUAL(0, rec->trace[wups[1]].a);
  const auto exits = entries_of(*rec, OpKind::TaskExit, "", 0);
  UNSIGNED_LONGS_EQUAL(1, exits.size());
  LONGS_EQUAL(7, rec->trace[exits[0]].a);
}

// ---------------------------------------------------------------------------
// The sleep_on family (kernel/sched/core.c before Linux 3.15; DESIGN.md §3).

TEST_GROUP(SleepOn){};

// Rule 13. sleep_on(): the caller tested its condition before and outside the
// queue, so a wake between the test and the enqueue is lost. The exhaustive
// search finds that window.
TEST(SleepOn, SleepOnLosesAWakeInTheWindowBeforeTheEnqueue) {
  KernelProgram p;
  build_sleep_on_race(p);
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("", r.problem.c_str());
  STRCMP_EQUAL("lost-wakeup", kind_of(r));
  const Finding& f = r.failure->finding;
  UNSIGNED_LONGS_EQUAL(0, f.task);
  UNSIGNED_LONGS_EQUAL(p.world->wq.id, f.object);
  STRCMP_EQUAL("wq", r.failure->objects[f.object].name.c_str());
  CHECK_TEXT(contains(f.summary, "waiter sleeps forever on wq while work remains: flag = 1"),
             f.summary.c_str());
  CHECK_TEXT(contains(f.explanation, "sleep_on race"), f.explanation.c_str());
  CHECK_TEXT(contains(f.explanation, "prepare_to_wait"), f.explanation.c_str());
  // The window: the waiter's test, then the waker's wake_up (nobody queued), then the enqueue.
  const auto test = entries_of(*r.failure, OpKind::Read, "", 0);
  const auto wake = entries_of(*r.failure, OpKind::WakeUp, "wake_up", 1);
  const auto add = entries_of(*r.failure, OpKind::WaitQueueAdd, "sleep_on", 0);
  UNSIGNED_LONGS_EQUAL(1, test.size());
  UNSIGNED_LONGS_EQUAL(1, wake.size());
  UNSIGNED_LONGS_EQUAL(1, add.size());
  LONGS_EQUAL(0, r.failure->trace[test[0]].a);
  CHECK(test[0] < wake[0]);
  CHECK(wake[0] < add[0]);
  LONGS_EQUAL(0, r.failure->trace[wake[0]].a);
}

// Rule 13, unlocked: "if (!flag) sleep_on(&wq)" against "flag = 1; wake_up(&wq)" loses
// the wake whichever task was created first. The flag is not guarded by a lock, so
// by DESIGN.md §2 its accesses are visible operations the search must order both ways.
TEST(SleepOn, UnlockedSleepOnRaceIsFoundWhicheverTaskIsCreatedFirst) {
  const KernelProgram::Body waiter = [](World& w, task_struct*) {
    if (!w.flag.load()) sleep_on(&w.wq);
    return 0;
  };
  const KernelProgram::Body waker = [](World& w, task_struct*) {
    w.flag.store(1);
    wake_up(&w.wq);
    return 0;
  };
  KernelProgram waiter_first;
  waiter_first.task("waiter", waiter).task("waker", waker).work_left_when(flag_set);
  const SearchResult r = run_dfs(waiter_first);
  STRCMP_EQUAL("lost-wakeup", kind_of(r));
  UNSIGNED_LONGS_EQUAL(0, r.failure->finding.task);

  KernelProgram waker_first;
  waker_first.task("waker", waker).task("waiter", waiter).work_left_when(flag_set);
  const SearchResult s = run_dfs(waker_first);
  STRCMP_EQUAL("", s.problem.c_str());
  STRCMP_EQUAL_TEXT("lost-wakeup", kind_of(s),
                    "the waiter's test never ran before the waker's write: an unguarded shared "
                    "variable access before a task's first scheduling point is not ordered");
  UNSIGNED_LONGS_EQUAL(1, s.failure->finding.task);
}

// Rule 14. interruptible_sleep_on() sleeps in TASK_INTERRUPTIBLE (wake_up_interruptible
// wakes it); sleep_on() in TASK_UNINTERRUPTIBLE (it does not).
TEST(SleepOn, InterruptibleSleepOnSleepsInTaskInterruptible) {
  KernelProgram p;
  p.task("s",
         [](World& w, task_struct*) {
           interruptible_sleep_on(&w.wq);
           return 0;
         })
      .task("t",
            [](World& w, task_struct*) {
              sleep_on(&w.wq);
              return 0;
            })
      .task("waker", [](World& w, task_struct*) {
        w.seen["interruptible"] = wake_up_interruptible(&w.wq);  // list: t, s
        w.seen["t_asleep"] = w.k.ex().status(w.task[1]->pid) == TaskStatus::Sleeping;
        w.seen["normal"] = wake_up(&w.wq);
        return 0;
      });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  const ExecutionRecord* rec = record_of(r, p);
  CHECK(rec != nullptr);
  STRCMP_EQUAL("S", states_of(*rec, 0).c_str());
  STRCMP_EQUAL("D", states_of(*rec, 1).c_str());
  const auto intr = entries_of(*rec, OpKind::WakeUp, "wake_up_interruptible");
  UNSIGNED_LONGS_EQUAL(1, intr.size());
  LONGS_EQUAL(0, seen(*p.world, "interruptible"));  // sleep_on entries are not exclusive
  STRCMP_EQUAL("s", woken_by(*rec, intr[0]).c_str());
  LONGS_EQUAL(1, seen(*p.world, "t_asleep"));
  const auto normal = entries_of(*rec, OpKind::WakeUp, "wake_up");
  UNSIGNED_LONGS_EQUAL(1, normal.size());
  LONGS_EQUAL(0, seen(*p.world, "normal"));
  STRCMP_EQUAL("t", woken_by(*rec, normal[0]).c_str());
  // sleep_on()'s own dequeue after schedule(), one per sleeper.
  UNSIGNED_LONGS_EQUAL(
      1, entries_of(*rec, OpKind::WaitQueueRemove, "interruptible_sleep_on", 0).size());
  UNSIGNED_LONGS_EQUAL(1, entries_of(*rec, OpKind::WaitQueueRemove, "sleep_on", 1).size());
}

// ---------------------------------------------------------------------------
// Spinlocks (DESIGN.md §3 "scheduling while atomic", §4 leaked lock / deadlock).

TEST_GROUP(Spinlock){};

// Rule 15. schedule() with a spinlock held is "scheduling while atomic"
// (kernel/sched/core.c, schedule_debug -> __schedule_bug).
TEST(Spinlock, ScheduleWhileHoldingASpinlockIsSleepInAtomic) {
  KernelProgram p;
  p.task("holder", [](World& w, task_struct* current) {
    spin_lock(&w.l);
    wait_queue_entry wait = DEFINE_WAIT(current);
    prepare_to_wait(&w.wq, &wait, TASK_UNINTERRUPTIBLE);
    schedule(current);  // bug: l is still held
    finish_wait(&w.wq, &wait);
    spin_unlock(&w.l);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("sleep-in-atomic", kind_of(r));
  const Finding& f = r.failure->finding;
  UNSIGNED_LONGS_EQUAL(0, f.task);
  UNSIGNED_LONGS_EQUAL(p.world->l.id, f.object);
  CHECK_TEXT(contains(f.summary, "holder calls schedule() while holding spinlock l"),
             f.summary.c_str());
  CHECK(f.entry >= 1 && f.entry <= r.failure->trace.size());
  STRCMP_EQUAL("schedule", op_kind_name(r.failure->trace[f.entry - 1].kind));

  // Also with the task still TASK_RUNNING: holding the lock is the bug, not sleeping.
  KernelProgram q;
  q.task("other", [](World&, task_struct*) {
     return 0;
   }).task("holder", [](World& w, task_struct* current) {
    spin_lock(&w.b);
    schedule(current);
    spin_unlock(&w.b);
    return 0;
  });
  const SearchResult s = run_lowest_first(q);
  STRCMP_EQUAL("sleep-in-atomic", kind_of(s));
  UNSIGNED_LONGS_EQUAL(1, s.failure->finding.task);
  UNSIGNED_LONGS_EQUAL(q.world->b.id, s.failure->finding.object);
}

// Rule 16. spin_lock() of a lock the task already holds spins forever on itself.
TEST(Spinlock, SpinLockOfALockAlreadyHeldIsDeadlock) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    spin_lock(&w.l);
    spin_lock(&w.l);
    spin_unlock(&w.l);
    spin_unlock(&w.l);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("deadlock", kind_of(r));
  UNSIGNED_LONGS_EQUAL(0, r.failure->finding.task);
  UNSIGNED_LONGS_EQUAL(p.world->l.id, r.failure->finding.object);
  CHECK_TEXT(contains(r.failure->finding.summary, "t takes l again while holding it"),
             r.failure->finding.summary.c_str());
}

// Rule 16. spin_unlock() of a lock the task does not hold: free, or held by another.
TEST(Spinlock, SpinUnlockOfALockNotHeldIsBadUnlock) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    spin_unlock(&w.l);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("bad-unlock", kind_of(r));
  UNSIGNED_LONGS_EQUAL(0, r.failure->finding.task);
  UNSIGNED_LONGS_EQUAL(p.world->l.id, r.failure->finding.object);
  CHECK_TEXT(contains(r.failure->finding.explanation, "l was free"),
             r.failure->finding.explanation.c_str());

  KernelProgram q;
  q.task("owner", [](World& w, task_struct*) {
     spin_lock(&w.l);
     spin_unlock(&w.l);
     return 0;
   }).task("thief", [](World& w, task_struct*) {
    spin_unlock(&w.l);
    return 0;
  });
  const SearchResult s = run_replay(q, {0, 1});  // owner takes l, then thief unlocks it
  STRCMP_EQUAL("", s.problem.c_str());
  STRCMP_EQUAL("bad-unlock", kind_of(s));
  UNSIGNED_LONGS_EQUAL(1, s.failure->finding.task);
  UNSIGNED_LONGS_EQUAL(q.world->l.id, s.failure->finding.object);
  CHECK_TEXT(contains(s.failure->finding.explanation, "l is held by owner"),
             s.failure->finding.explanation.c_str());
}

// Rule 16. A task that returns holding a lock leaks it, even when nobody else wants it.
TEST(Spinlock, ReturningWithALockHeldIsLeakedLock) {
  KernelProgram p;
  p.task("other", [](World&, task_struct*) {
     return 0;
   }).task("leaker", [](World& w, task_struct*) {
    spin_lock(&w.l);
    return -28;  // bad: l stays locked
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("leaked-lock", kind_of(r));
  UNSIGNED_LONGS_EQUAL(1, r.failure->finding.task);
  UNSIGNED_LONGS_EQUAL(p.world->l.id, r.failure->finding.object);
  CHECK_TEXT(contains(r.failure->finding.summary, "leaker finished holding l"),
             r.failure->finding.summary.c_str());
  CHECK_TEXT(contains(r.failure->finding.explanation, "returned -28"),
             r.failure->finding.explanation.c_str());
}

// Rule 17. Two tasks taking a and b in opposite orders deadlock in some interleaving
// (each spins on the lock the other holds); in the same order they never do.
TEST(Spinlock, AbbaDeadlockIsFoundByExhaustiveSearch) {
  KernelProgram p;
  build_two_lockers(p, true);
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("", r.problem.c_str());
  STRCMP_EQUAL("deadlock", kind_of(r));
  UNSIGNED_LONGS_EQUAL(0, r.failure->finding.task);
  UNSIGNED_LONGS_EQUAL(p.world->b.id, r.failure->finding.object);
  const Finding& f = r.failure->finding;
  STRCMP_EQUAL("lock-order inversion: t0 takes a then b, t1 takes b then a", f.summary.c_str());
  const std::string& why = f.explanation;
  CHECK_TEXT(contains(why, "t0 waits for b at tests/kernel_test.cpp:"), why.c_str());
  CHECK_TEXT(contains(why, "t1 waits for a at tests/kernel_test.cpp:"), why.c_str());
  CHECK_TEXT(contains(why, "t0 took a at #"), why.c_str());
  CHECK_TEXT(contains(why, ", then wants b at tests/kernel_test.cpp:"), why.c_str());
  CHECK_TEXT(contains(why, "t1 took b at #"), why.c_str());
  CHECK_TEXT(contains(why, ", then wants a at tests/kernel_test.cpp:"), why.c_str());
  CHECK_TEXT(contains(r.failure->final_state, "  t0: waiting for b, held by t1"),
             r.failure->final_state.c_str());
  // The trace ends with both blocked acquisitions, each at its own source line.
  const auto blocked = entries_of(*r.failure, OpKind::LockWait);
  UNSIGNED_LONGS_EQUAL(2, blocked.size());
  UNSIGNED_LONGS_EQUAL(p.world->b.id, r.failure->trace[blocked[0]].object);
  UNSIGNED_LONGS_EQUAL(p.world->a.id, r.failure->trace[blocked[1]].object);
  CHECK(r.failure->trace[blocked[0]].loc.line() != r.failure->trace[blocked[1]].loc.line());
  CHECK(f.window_first != 0 && f.window_first < f.window_last);

  KernelProgram q;
  build_two_lockers(q, false);
  const SearchResult s = run_dfs(q);
  STRCMP_EQUAL("none", kind_of(s));
  CHECK(s.stats.exhausted);
}

// ---------------------------------------------------------------------------
// Determinism (DESIGN.md §2: the same decisions give the same execution).

TEST_GROUP(Determinism){};

// Rule 18. The same search twice: the same statistics and the same failure.
TEST(Determinism, TheSameSearchGivesTheSameStatsAndFailure) {
  KernelProgram p1, p2;
  build_sleep_on_race(p1);
  build_sleep_on_race(p2);
  const SearchResult r1 = run_dfs(p1);
  const SearchResult r2 = run_dfs(p2);
  STRCMP_EQUAL("", r1.problem.c_str());
  STRCMP_EQUAL("", r2.problem.c_str());
  CHECK(r1.failure && r2.failure);
  UNSIGNED_LONGS_EQUAL(r1.stats.executions, r2.stats.executions);
  UNSIGNED_LONGS_EQUAL(r1.stats.states, r2.stats.states);
  UNSIGNED_LONGS_EQUAL(r1.stats.steps, r2.stats.steps);
  UNSIGNED_LONGS_EQUAL(r1.stats.cut, r2.stats.cut);
  if (r1.failure && r2.failure) check_same_execution(*r1.failure, *r2.failure);

  // An exhaustive search (no finding) twice, on one program object.
  KernelProgram q;
  build_two_lockers(q, false);
  const SearchResult s1 = run_dfs(q);
  const SearchResult s2 = run_dfs(q);
  STRCMP_EQUAL("", s1.problem.c_str());
  STRCMP_EQUAL("", s2.problem.c_str());
  CHECK(s1.stats.exhausted && s2.stats.exhausted);
  CHECK(s1.stats.executions > 1);
  UNSIGNED_LONGS_EQUAL(s1.stats.executions, s2.stats.executions);
  UNSIGNED_LONGS_EQUAL(s1.stats.states, s2.stats.states);
  UNSIGNED_LONGS_EQUAL(s1.stats.steps, s2.stats.steps);
  UNSIGNED_LONGS_EQUAL(s1.stats.cut, s2.stats.cut);
}

// Rule 18. Replaying a failure's decisions gives the identical trace, entry by entry.
TEST(Determinism, ReplayOfAFailureGivesTheIdenticalTrace) {
  KernelProgram p;
  build_sleep_on_race(p);
  const SearchResult found = run_dfs(p);
  STRCMP_EQUAL("lost-wakeup", kind_of(found));
  CHECK(!found.failure->decisions.empty());

  KernelProgram q;
  build_sleep_on_race(q);
  const SearchResult replayed = run_replay(q, found.failure->decisions, true);
  STRCMP_EQUAL("", replayed.problem.c_str());
  STRCMP_EQUAL("lost-wakeup", kind_of(replayed));
  UNSIGNED_LONGS_EQUAL(1, replayed.stats.executions);
  check_same_execution(*found.failure, *replayed.failure);

  KernelProgram abba, abba_again;
  build_two_lockers(abba, true);
  build_two_lockers(abba_again, true);
  const SearchResult dead = run_dfs(abba);
  STRCMP_EQUAL("deadlock", kind_of(dead));
  const SearchResult dead_again = run_replay(abba_again, dead.failure->decisions);
  STRCMP_EQUAL("", dead_again.problem.c_str());
  check_same_execution(*dead.failure, *dead_again.failure);
}

}  // namespace wakecheck

namespace wakecheck::ktest {

// A task that returns with its entry still linked leaves the queue pointing
// into its dead stack frame (in Linux, a use after return).
TEST(WaitQueue, ReturningWithAnEntryStillQueuedIsReported) {
  KernelProgram p;
  p.task("forgetful", [](World& w, task_struct* c) {
    wait_queue_entry wait;
    init_waitqueue_entry(&wait, c);
    add_wait_queue(&w.wq, &wait);
    return 0;  // no remove_wait_queue()
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("invariant", kind_of(r));
  LONGS_EQUAL(0, r.failure->finding.task);
  STRCMP_EQUAL("wq", r.failure->objects[r.failure->finding.object].name.c_str());
  STRCMP_EQUAL("forgetful returns while its wait_queue_entry is still queued on wq",
               r.failure->finding.summary.c_str());
  // The report never walks into the dead frame.
  STRCMP_CONTAINS("wq: holds a dangling entry of forgetful", r.failure->final_state.c_str());
}

// The dangling entry is on wq, but the task used wq2 last (properly): every
// queue that still holds one of its entries is marked, not just the last one.
TEST(WaitQueue, ADanglingEntryIsFoundOnAnEarlierQueue) {
  KernelProgram p;
  p.task("forgetful", [](World& w, task_struct* c) {
    wait_queue_entry left;
    init_waitqueue_entry(&left, c);
    add_wait_queue(&w.wq, &left);  // never removed
    wait_queue_entry used;
    init_waitqueue_entry(&used, c);
    add_wait_queue(&w.wq2, &used);
    remove_wait_queue(&w.wq2, &used);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("invariant", kind_of(r));
  STRCMP_EQUAL("wq", r.failure->objects[r.failure->finding.object].name.c_str());
  STRCMP_CONTAINS("  wq: holds a dangling entry of forgetful", r.failure->final_state.c_str());
  STRCMP_CONTAINS("  wq2: no waiters", r.failure->final_state.c_str());
}

}  // namespace wakecheck::ktest
