// The interruptible, killable and timed forms of the sleeping primitives:
// down_interruptible/_killable/_timeout, mutex_lock_interruptible/_killable,
// wait_for_completion_interruptible/_killable/_timeout. The rules are in the
// tables of model/kernel/{semaphore,mutex,completion}.hpp. Each test explores
// every interleaving with an explicit send_sig() and collects what the
// sleeping call returned.
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include "checker/dfs.hpp"
#include "checker/explorer.hpp"
#include "model/assert.hpp"
#include "model/kernel/completion.hpp"
#include "model/kernel/mutex.hpp"
#include "model/kernel/semaphore.hpp"
#include "tests/kernel_harness.hpp"

// CppUTest last: its headers redefine new/delete for leak checks.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

using ktest::contains;
using ktest::KernelProgram;
using ktest::kind_of;
using ktest::seen;
using ktest::World;
using Rets = std::set<std::int64_t>;

// Explores p exhaustively (the environment sends no signals of its own: the
// tests send them) and returns the values the tasks stored under "ret".
Rets returns_over_all_executions(KernelProgram& p, std::string& finding) {
  Rets rets;
  p.at_end_do([&rets](World& w, Execution&) { rets.insert(seen(w, "ret")); });
  DfsScheduler s(true);
  SearchLimits limits;
  limits.choices.signals = false;
  const SearchResult r = explore(p, s, limits);
  finding = kind_of(r);
  return rets;
}

// holder takes `lock`, then gives it back; t runs `wait`; a third task signals t.
KernelProgram three_tasks(std::function<void(World&)> lock, std::function<void(World&)> unlock,
                          std::function<int(World&)> wait, int sig) {
  KernelProgram p;
  p.task("holder",
         [lock, unlock](World& w, task_struct*) {
           lock(w);
           w.flag.store(1);
           unlock(w);
           return 0;
         })
      .task("t",
            [wait](World& w, task_struct*) {
              w.seen["ret"] = wait(w);
              return 0;
            })
      .task("signaller", [sig](World& w, task_struct*) { return send_sig(sig, w.task[1]); });
  return p;
}

// A semaphore of one unit: holder takes it, t waits for it in `form`.
KernelProgram semaphore_program(std::function<int(World&)> form, int sig) {
  return three_tasks([](World& w) { down(&w.sem); }, [](World& w) { up(&w.sem); },
                     [form](World& w) {
                       const int ret = form(w);
                       if (ret == 0) up(&w.sem);
                       return ret;
                     },
                     sig);
}

TEST_GROUP(SleepForms){};

TEST(SleepForms, DownInterruptibleReturnsEintrOnASignal) {
  KernelProgram p = semaphore_program([](World& w) { return down_interruptible(&w.sem); }, SIGINT);
  std::string finding;
  const Rets rets = returns_over_all_executions(p, finding);
  STRCMP_EQUAL("none", finding.c_str());
  CHECK((rets == Rets{0, -EINTR}));
  CHECK(list_empty(&p.world->sem.wait_list));  // an interrupted waiter left the list
}

// The bug the return value is for: t enters the critical section on -EINTR too.
TEST(SleepForms, DownInterruptibleIgnoringEintrIsFound) {
  KernelProgram p;
  auto critical = [](World& w, task_struct* current) {
    WC_ASSERT(current, w.busy.load() == 0);
    w.busy.store(1);
    w.busy.store(0);
  };
  p.task("holder",
         [critical](World& w, task_struct* current) {
           down(&w.sem);
           critical(w, current);
           up(&w.sem);
           return 0;
         })
      .task("t",
            [critical](World& w, task_struct* current) {
              down_interruptible(&w.sem);  // return value ignored
              critical(w, current);
              return 0;
            })
      .task("signaller", [](World& w, task_struct*) { return send_sig(SIGINT, w.task[1]); });
  DfsScheduler s(true);
  SearchLimits limits;
  limits.choices.signals = false;
  const SearchResult r = explore(p, s, limits);
  STRCMP_EQUAL("invariant", kind_of(r));
  const Finding& f = r.failure->finding;
  CHECK_TEXT(contains(f.summary, "w.busy.load() == 0"), f.summary.c_str());
}

TEST(SleepForms, DownKillableIgnoresAPlainSignal) {
  KernelProgram p = semaphore_program([](World& w) { return down_killable(&w.sem); }, SIGINT);
  std::string finding;
  CHECK((returns_over_all_executions(p, finding) == Rets{0}));
  STRCMP_EQUAL("none", finding.c_str());
  KernelProgram q = semaphore_program([](World& w) { return down_killable(&w.sem); }, SIGKILL);
  CHECK((returns_over_all_executions(q, finding) == Rets{0, -EINTR}));
  STRCMP_EQUAL("none", finding.c_str());
}

TEST(SleepForms, DownTimeoutReturnsEtime) {
  KernelProgram p = semaphore_program([](World& w) { return down_timeout(&w.sem, 10); }, 0);
  std::string finding;
  CHECK((returns_over_all_executions(p, finding) == Rets{0, -ETIME}));
  STRCMP_EQUAL("none", finding.c_str());
  CHECK(list_empty(&p.world->sem.wait_list));
}

KernelProgram completion_program(std::function<int(World&)> form, int sig) {
  return three_tasks([](World&) {}, [](World& w) { complete(&w.done); }, form, sig);
}

TEST(SleepForms, CompletionInterruptibleReturnsErestartsys) {
  KernelProgram p = completion_program(
      [](World& w) { return wait_for_completion_interruptible(&w.done); }, SIGINT);
  std::string finding;
  CHECK((returns_over_all_executions(p, finding) == Rets{0, -ERESTARTSYS}));
  STRCMP_EQUAL("none", finding.c_str());
}

TEST(SleepForms, CompletionKillableIgnoresAPlainSignal) {
  KernelProgram p =
      completion_program([](World& w) { return wait_for_completion_killable(&w.done); }, SIGINT);
  std::string finding;
  CHECK((returns_over_all_executions(p, finding) == Rets{0}));
  KernelProgram q =
      completion_program([](World& w) { return wait_for_completion_killable(&w.done); }, SIGKILL);
  CHECK((returns_over_all_executions(q, finding) == Rets{0, -ERESTARTSYS}));
}

// Time does not pass in the model: a wait that did not expire has all of it
// left (5). A timer that fired just before complete() took the lock still
// finds done set: `return timeout ?: 1` gives 1, as in Linux.
TEST(SleepForms, CompletionTimeoutReturnsZeroWhenItExpires) {
  KernelProgram p = completion_program(
      [](World& w) { return static_cast<int>(wait_for_completion_timeout(&w.done, 5)); }, 0);
  std::string finding;
  const Rets rets = returns_over_all_executions(p, finding);
  CHECK((rets == Rets{0, 1, 5}));
  STRCMP_EQUAL("none", finding.c_str());
}

KernelProgram mutex_program(std::function<int(World&)> form, int sig) {
  return three_tasks([](World& w) { mutex_lock(&w.m); }, [](World& w) { mutex_unlock(&w.m); },
                     [form](World& w) {
                       const int ret = form(w);
                       if (ret == 0) mutex_unlock(&w.m);
                       return ret;
                     },
                     sig);
}

TEST(SleepForms, MutexLockInterruptibleReturnsEintrOnASignal) {
  KernelProgram p = mutex_program([](World& w) { return mutex_lock_interruptible(&w.m); }, SIGINT);
  std::string finding;
  CHECK((returns_over_all_executions(p, finding) == Rets{0, -EINTR}));
  STRCMP_EQUAL("none", finding.c_str());
}

TEST(SleepForms, MutexLockKillableIgnoresAPlainSignal) {
  KernelProgram p = mutex_program([](World& w) { return mutex_lock_killable(&w.m); }, SIGINT);
  std::string finding;
  CHECK((returns_over_all_executions(p, finding) == Rets{0}));
  STRCMP_EQUAL("none", finding.c_str());
  KernelProgram q = mutex_program([](World& w) { return mutex_lock_killable(&w.m); }, SIGKILL);
  CHECK((returns_over_all_executions(q, finding) == Rets{0, -EINTR}));
  STRCMP_EQUAL("none", finding.c_str());
}

TEST(SleepForms, MutexLockInterruptibleUnderASpinlockIsFound) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct*) {
    spin_lock(&w.l);
    mutex_lock_interruptible(&w.m);
    return 0;
  });
  const SearchResult r = ktest::run_lowest_first(p);
  STRCMP_EQUAL("sleep-in-atomic", kind_of(r));
  CHECK_TEXT(contains(r.failure->finding.summary, "calls mutex_lock_interruptible(), which may"),
             r.failure->finding.summary.c_str());
}

}  // namespace
}  // namespace wakecheck
