// Where the model used to differ from Linux's wait queues (issue 6): the
// entries DECLARE_WAITQUEUE and init_waitqueue_entry() make, whose task
// prepare_to_wait()/finish_wait() change, and what __wake_up() returns.
//
// clang-format off
// | Linux rule (include/linux/wait.h, kernel/sched/wait.c)           | test                                          |
// |------------------------------------------------------------------|-----------------------------------------------|
// | DECLARE_WAITQUEUE: .entry = { NULL, NULL }; init_waitqueue_entry  | DeclareWaitqueueLeavesTheEntryUnlinked         |
// |   does not touch the entry                                       |                                               |
// | prepare_to_wait() adds only if list_empty(&entry): a NULL node   | PrepareToWaitDoesNotQueueADeclaredEntry        |
// |   is not empty, so the task sleeps unqueued and no wake finds it |                                               |
// | finish_wait()/remove_wait_queue() of a never-added declared      | RemovingANeverAddedDeclaredEntryIsAFinding     |
// |   entry list_del()s NULL pointers: an oops                       |                                               |
// | add_wait_queue() of a declared entry is its intended use         | DeclaredEntryWithAddWaitQueueIsClean           |
// | prepare_to_wait()/finish_wait() set the state of current, not of | PrepareToWaitSetsTheStateOfCurrent             |
// |   the entry's task                                               |                                               |
// | __wake_up() returns nr_exclusive - remaining: exclusive entries  | WakeUpReturnsTheExclusiveEntriesWoken          |
// |   woken; non-exclusive ones are not counted                      |                                               |
// clang-format on
#include <string>

#include "checker/dfs.hpp"
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
using ktest::run_dfs;
using ktest::run_lowest_first;
using ktest::seen;
using ktest::states_of;
using ktest::World;

std::string flag_set(const World& w, TaskId, ObjectId) {
  return w.flag.peek() != 0 ? "flag = 1" : "";
}

KernelProgram& add_waker(KernelProgram& p) {
  return p.task("waker", [](World& w, task_struct*) {
    w.flag.store(1);
    wake_up(&w.wq);
    return 0;
  });
}

TEST_GROUP(WaitQueueFidelity){};

TEST(WaitQueueFidelity, DeclareWaitqueueLeavesTheEntryUnlinked) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
    wait_queue_entry wait;
    DECLARE_WAITQUEUE(&wait, current);
    w.seen["null"] = wait.entry.next == nullptr && wait.entry.prev == nullptr;
    w.seen["empty"] = list_empty(&wait.entry);
    w.seen["func"] = wait.func == default_wake_function;
    w.seen["task"] = wait.private_ == current;
    wait_queue_entry other;
    init_waitqueue_entry(&other, current);
    w.seen["init_null"] = other.entry.next == nullptr;
    w.flag.store(1);
    return 0;
  });
  run_lowest_first(p);
  LONGS_EQUAL(1, seen(*p.world, "null"));
  LONGS_EQUAL(0, seen(*p.world, "empty"));
  LONGS_EQUAL(1, seen(*p.world, "func"));
  LONGS_EQUAL(1, seen(*p.world, "task"));
  LONGS_EQUAL(1, seen(*p.world, "init_null"));
}

// As in Linux: prepare_to_wait() with a declared entry sets the state but
// never queues the entry, so the waker's wake_up() finds nobody.
TEST(WaitQueueFidelity, PrepareToWaitDoesNotQueueADeclaredEntry) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
    wait_queue_entry wait;
    DECLARE_WAITQUEUE(&wait, current);
    prepare_to_wait(&w.wq, &wait, TASK_UNINTERRUPTIBLE);
    if (w.flag.load() == 0) schedule(current);
    return 0;  // never reached when it slept: finish_wait would oops
  });
  add_waker(p).work_left_when(flag_set);
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("lost-wakeup", kind_of(r));
  const Finding& f = r.failure->finding;
  UNSIGNED_LONGS_EQUAL(0, f.task);
  STRCMP_EQUAL("t sleeps forever on no wait queue while work remains: flag = 1", f.summary.c_str());
  UNSIGNED_LONGS_EQUAL(0, entries_of(*r.failure, OpKind::WaitQueueAdd).size());
  UNSIGNED_LONGS_EQUAL(
      1, entries_of(*r.failure, OpKind::Note,
                    "the entry's list node is NULL (DECLARE_WAITQUEUE), not empty: not queued")
             .size());
}

TEST(WaitQueueFidelity, RemovingANeverAddedDeclaredEntryIsAFinding) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
    wait_queue_entry wait;
    DECLARE_WAITQUEUE(&wait, current);
    prepare_to_wait(&w.wq, &wait, TASK_UNINTERRUPTIBLE);
    finish_wait(&w.wq, &wait);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("invariant", kind_of(r));
  const Finding& f = r.failure->finding;
  UNSIGNED_LONGS_EQUAL(p.world->wq.id, f.object);
  STRCMP_EQUAL(
      "finish_wait: t removes the wait_queue_entry of t from wq, but it was never added: its list "
      "node is NULL (DECLARE_WAITQUEUE), and list_del() would dereference it",
      f.summary.c_str());
  CHECK_TEXT(contains(f.explanation, "tests/wait_fidelity_test.cpp:"), f.explanation.c_str());
}

TEST(WaitQueueFidelity, DeclaredEntryWithAddWaitQueueIsClean) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
    wait_queue_entry wait;
    DECLARE_WAITQUEUE(&wait, current);
    add_wait_queue(&w.wq, &wait);
    for (;;) {
      set_current_state(current, TASK_UNINTERRUPTIBLE);
      if (w.flag.load() != 0) break;
      schedule(current);
    }
    __set_current_state(current, TASK_RUNNING);
    remove_wait_queue(&w.wq, &wait);
    return 0;
  });
  add_waker(p);
  const SearchResult r = run_dfs(p);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
}

// prepare_to_wait(&wq, &wait, state) sets current's state even when the entry
// was made for another task; finish_wait() sets current's back to TASK_RUNNING.
TEST(WaitQueueFidelity, PrepareToWaitSetsTheStateOfCurrent) {
  KernelProgram p;
  p.task("other", [](World& w, task_struct*) {
     w.flag.store(1);
     return 0;
   }).task("t", [](World& w, task_struct*) {
    wait_queue_entry wait = DEFINE_WAIT_FUNC(w.task[0], default_wake_function);
    prepare_to_wait(&w.wq, &wait, TASK_INTERRUPTIBLE);
    finish_wait(&w.wq, &wait);
    return 0;
  });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  const ExecutionRecord& rec = *p.finished;
  STRCMP_EQUAL("", states_of(rec, 0).c_str());
  STRCMP_EQUAL("S R", states_of(rec, 1).c_str());
}

// Linux: `return nr_exclusive - remaining`. Waiters n (non-exclusive, at the
// head) and x1, x2 (exclusive, at the tail).
TEST(WaitQueueFidelity, WakeUpReturnsTheExclusiveEntriesWoken) {
  auto sleeper = [](bool exclusive) {
    return [exclusive](World& w, task_struct* current) {
      wait_queue_entry wait = DEFINE_WAIT(current);
      if (exclusive)
        prepare_to_wait_exclusive(&w.wq, &wait, TASK_UNINTERRUPTIBLE);
      else
        prepare_to_wait(&w.wq, &wait, TASK_UNINTERRUPTIBLE);
      schedule(current);
      finish_wait(&w.wq, &wait);
      return 0;
    };
  };
  KernelProgram p;
  p.task("x1", sleeper(true))
      .task("x2", sleeper(true))
      .task("n", sleeper(false))
      .task("waker", [](World& w, task_struct*) {
        w.seen["wake_up"] = wake_up(&w.wq);          // n and x1: 1
        w.seen["wake_up_all"] = wake_up_all(&w.wq);  // x2: 1
        w.seen["empty"] = wake_up_all(&w.wq);        // nobody: 0
        return 0;
      });
  const SearchResult r = run_lowest_first(p);
  STRCMP_EQUAL("none", kind_of(r));
  LONGS_EQUAL(1, seen(*p.world, "wake_up"));
  LONGS_EQUAL(1, seen(*p.world, "wake_up_all"));
  LONGS_EQUAL(0, seen(*p.world, "empty"));
  const auto wakes = entries_of(*p.finished, OpKind::WakeUp, "wake_up");
  UNSIGNED_LONGS_EQUAL(1, wakes.size());
  LONGS_EQUAL(2, p.finished->trace[wakes[0]].a);  // the trace counts every task woken
}

}  // namespace
}  // namespace wakecheck
