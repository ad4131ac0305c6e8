// Fair spinlocks: one test per rule of the table in model/kernel/spinlock.hpp
// (Linux's ticket locks and qspinlock hand a released lock to the first task
// spinning for it).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "checker/dfs.hpp"
#include "checker/execution.hpp"
#include "checker/explorer.hpp"
#include "model/kernel/irq.hpp"
#include "model/kernel/spinlock.hpp"
#include "scenarios/scenario.hpp"
#include "tests/kernel_harness.hpp"

// CppUTest last: its headers redefine new/delete for leak checks.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

using ktest::contains;
using ktest::KernelProgram;
using ktest::kind_of;
using ktest::World;

SearchResult run_dfs_with(Program& p, bool fair) {
  DfsScheduler s(true);
  SearchLimits limits;
  limits.fair_spinlocks = fair;
  return explore(p, s, limits);
}

// Per finished execution: the order in which tasks queued for l (their
// tickets) and the order in which they then got it.
struct Orders {
  std::vector<TaskId> tickets;
  std::vector<TaskId> acquired;  // among the tasks that queued
};

Orders orders_of(const Execution& ex, ObjectId l) {
  Orders o;
  for (const TraceEntry& e : ex.trace()) {
    if (e.kind != OpKind::LockAcquire || e.object != l) continue;
    if (e.a == kLockQueued) o.tickets.push_back(e.task);
    if (e.a == kLockHandedOff) o.acquired.push_back(e.task);
  }
  return o;
}

// A critical section with a scheduling point inside (flag is not guarded):
// without one, the reduction runs `spin_lock op spin_unlock` at once and
// nobody ever finds l held.
void hold(World& w) {
  w.flag.store(w.flag.load() + 1);
}

// owner takes l and lets it go twice; a and b take it once each.
void build_contenders(KernelProgram& p) {
  p.task("owner",
         [](World& w, task_struct*) {
           for (int i = 0; i < 2; ++i) {
             spin_lock(&w.l);
             hold(w);
             spin_unlock(&w.l);
           }
           return 0;
         })
      .task("a",
            [](World& w, task_struct*) {
              spin_lock(&w.l);
              hold(w);
              spin_unlock(&w.l);
              return 0;
            })
      .task("b", [](World& w, task_struct*) {
        spin_lock(&w.l);
        hold(w);
        spin_unlock(&w.l);
        return 0;
      });
}

TEST_GROUP(FairSpinlock){};

// Rule 1 (arch_spin_lock: a ticket, or a place in the qspinlock MCS queue):
// tasks that find the lock held get it in the order they began to spin, in
// every execution; and some execution has two of them queued at once.
TEST(FairSpinlock, SpinnersTakeTheLockInArrivalOrder) {
  KernelProgram p;
  build_contenders(p);
  std::uint64_t checked = 0;
  std::uint64_t two_queued = 0;
  std::string bad;
  p.at_end_do([&](World& w, Execution& ex) {
    const Orders o = orders_of(ex, w.l.id);
    ++checked;
    if (o.tickets.size() >= 2) ++two_queued;
    if (o.tickets != o.acquired && bad.empty())
      bad = "tickets and acquisitions differ in an execution of " + std::to_string(ex.steps()) +
            " steps";
  });
  const SearchResult r = run_dfs_with(p, true);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
  STRCMP_EQUAL("", bad.c_str());
  CHECK(checked > 0);
  CHECK(two_queued > 0);
}

// Rule 2 (spin_unlock: the release is the hand-off; a later spin_lock queues
// behind): at each release of l with tasks queued for it, the next task to
// get l is the first of them, handed it, and never the releaser, which
// takes l twice here (so it could overtake them, as unfair locks let it).
TEST(FairSpinlock, AReleaseHandsTheLockToTheFirstSpinner) {
  KernelProgram p;
  build_contenders(p);
  std::uint64_t releases_with_waiters = 0;
  std::string bad;
  p.at_end_do([&](World& w, Execution& ex) {
    const std::vector<TraceEntry>& trace = ex.trace();
    std::vector<TaskId> queue;  // the tickets not yet served, in order
    for (std::size_t i = 0; i < trace.size(); ++i) {
      const TraceEntry& e = trace[i];
      if (e.object != w.l.id) continue;
      if (e.kind == OpKind::LockAcquire && e.a == kLockQueued) queue.push_back(e.task);
      if (e.kind != OpKind::LockRelease || queue.empty()) continue;
      ++releases_with_waiters;
      for (std::size_t j = i + 1; j < trace.size(); ++j) {
        const TraceEntry& next = trace[j];
        if (next.kind == OpKind::LockTry && next.object == w.l.id && next.a == 1) bad = "trylock";
        if (next.kind != OpKind::LockAcquire || next.object != w.l.id || next.a == kLockQueued)
          continue;
        if (next.a != kLockHandedOff || next.task != queue.front())
          bad = ex.task_name(next.task) + " took l ahead of " + ex.task_name(queue.front());
        queue.erase(queue.begin());
        break;
      }
    }
  });
  const SearchResult r = run_dfs_with(p, true);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
  STRCMP_EQUAL("", bad.c_str());
  CHECK(releases_with_waiters > 0);
}

// Rule 3 (queued_spin_trylock: only a lock word of 0, no owner and nobody
// queued, is taken): after owner's release hands l to a spinner that has yet
// to run, spin_trylock() by a third task fails.
TEST(FairSpinlock, SpinTrylockFailsWhileTheLockIsHandedOn) {
  KernelProgram p;
  p.task("owner",
         [](World& w, task_struct*) {
           spin_lock(&w.l);
           hold(w);
           spin_unlock(&w.l);
           return 0;
         })
      .task("spinner",
            [](World& w, task_struct*) {
              spin_lock(&w.l);
              spin_unlock(&w.l);
              return 0;
            })
      .task("trier", [](World& w, task_struct*) {
        const int got = spin_trylock(&w.l);
        if (got) spin_unlock(&w.l);
        return got;
      });
  std::uint64_t handed_and_tried = 0;
  std::uint64_t took_it_anyway = 0;
  p.at_end_do([&](World& w, Execution& ex) {
    // The trylock ran between the release that handed l on and the spinner's run
    // (a trylock before that release may take l, and hand it on itself).
    const std::vector<TraceEntry>& trace = ex.trace();
    std::size_t release = 0;
    std::size_t handed = 0;
    std::size_t tried = 0;
    for (std::size_t i = 0; i < trace.size(); ++i) {
      const TraceEntry& e = trace[i];
      if (e.object != w.l.id) continue;
      // The release that handed l on: the last one before the hand-off.
      if (e.kind == OpKind::LockRelease && handed == 0) release = i + 1;
      if (e.kind == OpKind::LockAcquire && e.a == kLockHandedOff) handed = i + 1;
      if (e.kind == OpKind::LockTry) tried = i + 1;
    }
    if (handed == 0 || !(release < tried && tried < handed)) return;
    ++handed_and_tried;
    if (ex.exit_code(2) == 1) ++took_it_anyway;
  });
  const SearchResult r = run_dfs_with(p, true);
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(handed_and_tried > 0);
  UNSIGNED_LONGS_EQUAL(0, took_it_anyway);
}

// Rule 4 (a fair lock and an interrupt handler on the spinner's CPU): t
// spins for l (held by u) with interrupts enabled; a handler on t's CPU that
// takes l queues behind t; u's release hands l to t, which cannot run until
// the handler returns, and the handler spins for l: a same-CPU deadlock
// although t never held l. With an unfair lock the handler would take l.
TEST(FairSpinlock, HandlerSpinningBehindTheTaskItInterruptedDeadlocks) {
  class Irq final : public Program {
   public:
    Irq() {
      tasks_
          .task("t",
                [](World& w, task_struct*) {
                  spin_lock(&w.l);  // bug: the handler takes l too; spin_lock_irq was needed
                  spin_unlock(&w.l);
                  return 0;
                })
          .task("u", [](World& w, task_struct*) {
            spin_lock(&w.l);
            hold(w);
            spin_unlock(&w.l);
            return 0;
          });
    }
    void setup(Execution& ex) override {
      tasks_.setup(ex);
      World* w = tasks_.world.get();
      w->task.push_back(w->k.request_irq("irq", 99, w->task[0], 1, [w](task_struct*) {
        spin_lock(&w->l);
        spin_unlock(&w->l);
      }));
    }
    std::string work_left(const Execution&, TaskId, ObjectId) const override { return ""; }
    void at_end(Execution& ex) override { tasks_.at_end(ex); }

   private:
    KernelProgram tasks_;
  };
  const std::string behind =
      "interrupt handler irq spins for l, handed to t, the task it interrupted: same-CPU deadlock";
  for (const bool fair : {true, false}) {
    Irq p;
    DfsScheduler s(true);
    SearchLimits limits;
    limits.fair_spinlocks = fair;
    limits.stop_at_finding = false;
    std::uint64_t found = 0;
    std::string explanation;
    const SearchResult r = explore(p, s, limits, [&](const Execution& ex) {
      const Finding& f = ex.finding();
      if (f.kind != FindingKind::Deadlock || f.summary != behind) return;
      ++found;
      CHECK_EQUAL(2U, f.task);  // the handler
      CHECK_EQUAL(ex.owner(f.object), 0U);
      explanation = f.explanation;
    });
    CHECK(r.stats.exhausted);
    if (fair) {
      CHECK(found > 0);
      CHECK_TEXT(contains(explanation, "irq waits for l at tests/spinlock_test.cpp:"),
                 explanation.c_str());
    } else {
      UNSIGNED_LONGS_EQUAL(0, found);
    }
  }
}

// `[search] fair_spinlocks = true` turns them on; off by default (a
// contended acquisition then costs one step, not two).
TEST(FairSpinlock, ScenarioKeyTurnsThemOn) {
  const std::string base =
      "[scenario]\nname = \"keys\"\nmodel = \"boundedq\"\nvariant = \"ok\"\n"
      "[workload]\nproducers = 1\nconsumers = 1\nitems = 1\ncapacity = 1\n";
  CHECK(!search_limits(parse_scenario(base, "t.toml")).fair_spinlocks);
  CHECK(search_limits(parse_scenario(base + "[search]\nfair_spinlocks = true\n", "t.toml"))
            .fair_spinlocks);
}

}  // namespace
}  // namespace wakecheck
