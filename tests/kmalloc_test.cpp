// kmalloc(): might_sleep() for GFP_KERNEL, and failure as a choice of the
// environment ([search] kmalloc_failures). One test per rule of the table in
// model/kernel/slab.hpp.
#include <set>
#include <string>
#include <vector>

#include "checker/dfs.hpp"
#include "checker/explorer.hpp"
#include "checker/replay.hpp"
#include "model/kernel/slab.hpp"
#include "scenarios/scenario.hpp"
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

SearchLimits with_failures(bool on) {
  SearchLimits limits;
  limits.choices.failures = on;
  return limits;
}

// Every value of seen["null"] over an exhaustive search of one task that
// allocates `size` bytes with `flags` and frees them.
std::set<std::int64_t> outcomes(std::size_t size, gfp_t flags, bool failures) {
  KernelProgram p;
  std::set<std::int64_t> nulls;
  p.task("t", [size, flags](World& w, task_struct* current) {
     void* mem = kmalloc(current, size, flags);
     w.seen["null"] = mem == nullptr;
     kfree(mem);  // kfree(NULL) does nothing
     w.flag.store(1);
     return 0;
   }).at_end_do([&nulls](World& w, Execution&) { nulls.insert(seen(w, "null")); });
  DfsScheduler s(true);
  const SearchResult r = explore(p, s, with_failures(failures));
  STRCMP_EQUAL("none", kind_of(r));
  return nulls;
}

// A producer that allocates an item in atomic context and fills it in.
int producer(World& w, task_struct* current, bool checks) {
  spin_lock(&w.l);
  auto* item = static_cast<int*>(kmalloc(current, sizeof(int), GFP_ATOMIC));
  if (checks && item == nullptr) {
    spin_unlock(&w.l);
    return -ENOMEM;
  }
  *deref(current, item) = 42;
  w.len.store(1);
  spin_unlock(&w.l);
  kfree(item);
  return 0;
}

TEST_GROUP(Kmalloc){};

TEST(Kmalloc, GfpKernelUnderASpinlockIsFound) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) {
    spin_lock(&w.l);
    kfree(kmalloc(current, 16, GFP_KERNEL));
    spin_unlock(&w.l);
    return 0;
  });
  const SearchResult r = ktest::run_lowest_first(p);
  STRCMP_EQUAL("sleep-in-atomic", kind_of(r));
  STRCMP_EQUAL(
      "t calls kmalloc(), which may sleep, while holding spinlock l (sleeping function called "
      "from invalid context)",
      r.failure->finding.summary.c_str());
}

TEST(Kmalloc, GfpAtomicUnderASpinlockIsFine) {
  KernelProgram p;
  p.task("t", [](World& w, task_struct* current) { return producer(w, current, true); });
  STRCMP_EQUAL("none", kind_of(ktest::run_lowest_first(p)));
}

TEST(Kmalloc, GfpAtomicMayFail) {
  CHECK((outcomes(16, GFP_ATOMIC, true) == std::set<std::int64_t>{0, 1}));
  CHECK((outcomes(16, GFP_NOWAIT, true) == std::set<std::int64_t>{0, 1}));
  CHECK((outcomes(16, GFP_ATOMIC, false) == std::set<std::int64_t>{0}));  // the family is off
}

TEST(Kmalloc, GfpKernelSmallNeverFails) {
  CHECK((outcomes(kCostlySize, GFP_KERNEL, true) == std::set<std::int64_t>{0}));
}

TEST(Kmalloc, GfpKernelLargeMayFail) {
  CHECK((outcomes(kCostlySize + 1, GFP_KERNEL, true) == std::set<std::int64_t>{0, 1}));
}

TEST(Kmalloc, UncheckedNullIsFound) {
  KernelProgram p;
  p.task("producer", [](World& w, task_struct* current) { return producer(w, current, false); });
  DfsScheduler s(true);
  const SearchResult r = explore(p, s, with_failures(true));
  STRCMP_EQUAL("invariant", kind_of(r));
  const Finding& f = r.failure->finding;
  UNSIGNED_LONGS_EQUAL(0, f.task);
  CHECK_TEXT(contains(f.summary, "producer dereferences a NULL pointer at tests/kmalloc_test.cpp:"),
             f.summary.c_str());
  CHECK_TEXT(contains(f.summary, "(BUG: kernel NULL pointer dereference)"), f.summary.c_str());
  CHECK_TEXT(contains(f.explanation, "its kmalloc() at #"), f.explanation.c_str());
  CHECK_TEXT(contains(f.explanation, "failed and returned NULL"), f.explanation.c_str());
  // The failure is a decision of the schedule, and replaying it finds the same.
  const std::vector<TaskId>& d = r.failure->decisions;
  CHECK(!d.empty());
  CHECK(event_of(d.back()) == WakeEvent::Fail);
  STRCMP_EQUAL("fail", wake_event_word(event_of(d.back())));
  KernelProgram q;
  q.task("producer", [](World& w, task_struct* current) { return producer(w, current, false); });
  ReplayScheduler replay(d, q.task_names());
  const SearchResult again = explore(q, replay, with_failures(true));
  STRCMP_EQUAL(f.summary.c_str(), again.failure->finding.summary.c_str());
}

TEST(Kmalloc, CheckedNullIsClean) {
  KernelProgram p;
  p.task("producer", [](World& w, task_struct* current) { return producer(w, current, true); });
  DfsScheduler s(true);
  const SearchResult r = explore(p, s, with_failures(true));
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.executions >= 2);  // the allocation succeeded in one, failed in another
}

TEST(Kmalloc, ScenarioKeyTurnsTheFamilyOn) {
  const std::string base =
      "[scenario]\nname = \"keys\"\nmodel = \"boundedq\"\nvariant = \"ok\"\n"
      "[workload]\nproducers = 1\nconsumers = 1\nitems = 1\ncapacity = 1\n";
  CHECK(!search_limits(parse_scenario(base, "t.toml")).choices.failures);  // off by default
  CHECK(search_limits(parse_scenario(base + "[search]\nkmalloc_failures = true\n", "t.toml"))
            .choices.failures);
}

}  // namespace
}  // namespace wakecheck
