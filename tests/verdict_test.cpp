// Trustworthy verdicts: what a task recorded is what it used, state caching
// never prunes a path with a bug, and racy use of a shared container is the
// code's finding (never a hang or a model error). Each program here once gave
// a wrong verdict.
#include <cerrno>
#include <string>

#include "checker/explorer.hpp"
#include "checker/random.hpp"
#include "checker/shared.hpp"
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
using ktest::run_dfs;
using ktest::World;

// The reader tests `busy` without the lock and, when it saw it set, returns
// -EBUSY still holding l. The setter sets busy and waits until the reader has
// started. The leak needs the reader's read to come after the setter's write.
void build_reader_setter(KernelProgram& p) {
  p.task("reader", [](World& w, task_struct*) {
     const bool saw_busy = w.busy.load() != 0;
     w.flag.store(1);  // started
     wake_up(&w.wq);
     spin_lock(&w.l);
     if (saw_busy) return -EBUSY;  // bad: leaving l locked
     spin_unlock(&w.l);
     return 0;
   }).task("setter", [](World& w, task_struct*) {
    w.busy.store(1);
    wait_event(&w.wq, [&] { return w.flag.load() == 1; });
    return 0;
  });
}

TEST_GROUP(Verdicts){};

// A read's recorded value used to be the one the variable had when the task
// reached its scheduling point, so two different reader states shared one
// fingerprint and caching pruned the leaking path.
TEST(Verdicts, StateCachingFindsTheLeakBehindAnUnlockedRead) {
  for (const bool caching : {true, false}) {
    KernelProgram p;
    build_reader_setter(p);
    const SearchResult r = run_dfs(p, caching);
    STRCMP_EQUAL("leaked-lock", kind_of(r));
    STRCMP_EQUAL("reader", r.failure->task_names[r.failure->finding.task].c_str());
    UNSIGNED_LONGS_EQUAL(p.world->l.id, r.failure->finding.object);
    // The trace shows the value the reader really read: busy = 1.
    const auto reads = entries_of(*r.failure, OpKind::Read, "read", 0);
    CHECK(!reads.empty());
    const TraceEntry& read = r.failure->trace[reads.front()];
    UNSIGNED_LONGS_EQUAL(p.world->busy.id(), read.object);
    LONGS_EQUAL(1, read.a);
  }
}

// Every read a task records is the value it returned to the task, in every
// execution: a reader that saw busy returns -EBUSY, so its exit code says
// what it used, and the trace must say the same.
TEST(Verdicts, EveryRecordedReadIsTheValueTheTaskUsed) {
  KernelProgram p;
  p.task("reader", [](World& w, task_struct*) {
     return w.busy.load() != 0 ? -EBUSY : 0;
   }).task("setter", [](World& w, task_struct*) {
    w.busy.store(1);
    return 0;
  });
  int used_busy = 0;
  p.at_end_do([&used_busy](World& w, Execution& ex) {
    const bool used = ex.exit_code(0) == -EBUSY;
    used_busy += used;
    for (const TraceEntry& e : ex.trace())
      if (e.task == 0 && e.kind == OpKind::Read && e.object == w.busy.id() && (e.a != 0) != used)
        ex.raise({FindingKind::Invariant, 0, e.object, 0, "recorded a value it did not use", ""});
  });
  const SearchResult r = run_dfs(p, false);
  STRCMP_EQUAL("none", kind_of(r));
  UNSIGNED_LONGS_EQUAL(2, p.finished_executions);
  LONGS_EQUAL(1, used_busy);
}

// Two consumers test len and take the one item without the lock.
void build_unlocked_consumers(KernelProgram& p) {
  p.task("producer", [](World& w, task_struct*) {
    spin_lock(&w.l);
    w.items.push_back(7);
    w.len.store(1);
    spin_unlock(&w.l);
    return 0;
  });
  for (const char* name : {"consumer0", "consumer1"})
    p.task(name, [](World& w, task_struct*) {
      if (w.len.load() > 0) {  // bad: tested without l
        w.items.pop_front();
        w.len.store(w.len.load() - 1);
      }
      return 0;
    });
}

void check_names_both_consumers(const SearchResult& r) {
  STRCMP_EQUAL("invariant", kind_of(r));
  const Finding& f = r.failure->finding;
  const std::string& me = r.failure->task_names[f.task];
  const std::string other = me == "consumer0" ? "consumer1" : "consumer0";
  CHECK_TEXT(contains(f.summary, me + " takes an item from items, which is empty"),
             f.summary.c_str());
  CHECK_TEXT(contains(f.explanation, me + " list_del(items) at tests/verdict_test.cpp:"),
             f.explanation.c_str());
  CHECK_TEXT(contains(f.explanation, other + " list_del(items) at tests/verdict_test.cpp:"),
             f.explanation.c_str());
  CHECK_TEXT(contains(f.explanation, me + " decided to go on after reading len = 1"),
             f.explanation.c_str());
  CHECK(f.window_first != 0 && f.window_first < f.window_last);
}

TEST(Verdicts, UnlockedPopOfTheLastItemNamesBothConsumersUnderDfs) {
  KernelProgram p;
  build_unlocked_consumers(p);
  const SearchResult r = run_dfs(p);
  check_names_both_consumers(r);
}

// Random walks used to spin forever here: the size of the list wrapped.
TEST(Verdicts, UnlockedPopOfTheLastItemIsFoundByRandomSeedsOneToTen) {
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    KernelProgram p;
    build_unlocked_consumers(p);
    RandomScheduler random(seed);
    const SearchResult r = explore(p, random, SearchLimits{10'000, 1'000});
    check_names_both_consumers(r);
  }
}

// A wrapper that reads its value before its scheduling point, as shared_var
// once did: checked mode reports the model, not a verdict about the code.
class stale_var {
 public:
  stale_var(Execution& ex, ObjectId id) : ex_(&ex), id_(id) {}
  std::int64_t load(std::int64_t& value, SourceLoc loc = SourceLoc::current()) {
    ex_->observe(id_, loc);
    const std::int64_t early = value;  // bad: before the scheduling point
    return ex_->perform(OpKind::Read, id_, Access::Read, "read", loc, [early] { return early; });
  }

 private:
  Execution* ex_;
  ObjectId id_;
};

SearchResult run_stale_wrapper(bool checked) {
  KernelProgram p;
  static std::int64_t value;
  value = 0;
  p.task("writer", [](World& w, task_struct*) {
     w.flag.store(1);
     return 0;
   }).task("reader", [](World& w, task_struct*) {
    stale_var v(w.k.ex(), w.flag.id());
    return static_cast<int>(v.load(value));
  });
  DfsScheduler dfs(true);
  SearchLimits limits;
  limits.checked = checked;
  return explore(p, dfs, limits);
}

TEST(Verdicts, CheckedModeReportsAReadMadeBeforeItsSchedulingPoint) {
  const SearchResult r = run_stale_wrapper(true);
  STRCMP_EQUAL("model-error", kind_of(r));
  const Finding& f = r.failure->finding;
  CHECK_TEXT(contains(f.summary,
                      "checked mode: reader looked at flag outside an operation on it, "
                      "at tests/verdict_test.cpp:"),
             f.summary.c_str());
  STRCMP_EQUAL("none", kind_of(run_stale_wrapper(false)));
}

}  // namespace
}  // namespace wakecheck
