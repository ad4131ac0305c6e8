// Wasted wakeups (thundering-herd waste): a task woken from a wait queue that
// finds nothing to do and goes back to sleep on it. Counted per wait queue and
// execution; a search keeps the worst case, exactly, also under state caching.
#include <string>

#include "checker/dfs.hpp"
#include "checker/explorer.hpp"
#include "checker/random.hpp"
#include "model/kernel/wait.hpp"
#include "tests/kernel_harness.hpp"

// CppUTest last: its headers redefine new/delete for leak checks.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

using ktest::entries_of;
using ktest::KernelProgram;
using ktest::kind_of;
using ktest::World;

// One producer adds `items` items one at a time (len, under l) and wakes one
// waiter (exclusive) or all of them.
void add_producer(KernelProgram& p, int items, bool exclusive) {
  p.task("producer", [items, exclusive](World& w, task_struct*) {
    for (int i = 0; i < items; ++i) {
      spin_lock(&w.l);
      w.len.store(w.len.load() + 1);
      if (exclusive)
        wake_up(&w.wq);
      else
        wake_up_all(&w.wq);
      spin_unlock(&w.l);
    }
    return 0;
  });
}

// A consumer takes `each` items, waiting on wq (exclusively or not) while len is 0.
void add_consumer(KernelProgram& p, int c, int each, bool exclusive) {
  p.task("consumer" + std::to_string(c), [each, exclusive](World& w, task_struct* current) {
    for (int i = 0; i < each; ++i) {
      spin_lock(&w.l);
      while (w.len.load() == 0) {
        wait_queue_entry wait = DEFINE_WAIT(current);
        if (exclusive)
          prepare_to_wait_exclusive(&w.wq, &wait, TASK_UNINTERRUPTIBLE);
        else
          prepare_to_wait(&w.wq, &wait, TASK_UNINTERRUPTIBLE);
        spin_unlock(&w.l);
        schedule(current);
        finish_wait(&w.wq, &wait);
        spin_lock(&w.l);
      }
      w.len.store(w.len.load() - 1);
      spin_unlock(&w.l);
    }
    return 0;
  });
}

void build_herd(KernelProgram& p, int consumers, int each, bool exclusive) {
  add_producer(p, consumers * each, exclusive);
  for (int c = 0; c < consumers; ++c) add_consumer(p, c, each, exclusive);
}

SearchResult search(int consumers, int each, bool exclusive, bool caching) {
  KernelProgram p;
  build_herd(p, consumers, each, exclusive);
  DfsScheduler dfs(caching);
  SearchResult r = explore(p, dfs, SearchLimits{});
  STRCMP_EQUAL("none", kind_of(r));
  CHECK(r.stats.exhausted);
  return r;
}

TEST_GROUP(HerdWaste){};

// Two consumers, two items. Worst case, by hand: consumer0 sleeps, the first
// item's wake wakes it, consumer1 (never asleep, or woken too) takes the item
// first, and consumer0 sleeps again: 1 wasted wakeup, with either design.
TEST(HerdWaste, TwoConsumersWasteAtMostOneWakeupEitherWay) {
  for (const bool exclusive : {false, true}) {
    const SearchResult r = search(2, 1, exclusive, true);
    LONGS_EQUAL(1, r.stats.max_wasted);
    CHECK(r.worst_waste.has_value());
    const ExecutionRecord& worst = *r.worst_waste;
    const auto wasted = entries_of(worst, OpKind::WastedWakeup);
    UNSIGNED_LONGS_EQUAL(1, wasted.size());
    const TraceEntry& e = worst.trace[wasted[0]];
    STRCMP_EQUAL("wq", worst.objects[e.object].name.c_str());
    UNSIGNED_LONGS_EQUAL(1, worst.objects[e.object].wasted);
    // It points at the Wake that woke the task, which came before.
    CHECK(e.a > 0 && static_cast<std::size_t>(e.a) <= wasted[0]);
    STRCMP_EQUAL("wake", op_kind_name(worst.trace[e.a - 1].kind));
    LONGS_EQUAL(e.b, worst.trace[e.a - 1].b);
  }
}

// The same schedule (each task runs until it blocks, lowest number first, the
// consumers first): wake_up_all() wakes both sleeping consumers for the first
// item and one finds nothing; wake_up() wakes only the first and wastes none.
TEST(HerdWaste, WakeUpAllWastesWhereAnExclusiveWakeDoesNot) {
  for (const bool exclusive : {false, true}) {
    KernelProgram p;
    for (int c = 0; c < 2; ++c) add_consumer(p, c, 1, exclusive);
    add_producer(p, 2, exclusive);
    const SearchResult r = ktest::run_lowest_first(p);
    STRCMP_EQUAL("none", kind_of(r));
    LONGS_EQUAL(exclusive ? 0 : 1, r.stats.max_wasted);
  }
}

// A second method: seeded random walks never find more waste than the
// exhaustive search says is the worst, and here they reach it.
TEST(HerdWaste, RandomWalksAgreeWithTheExhaustiveWorstCase) {
  for (const bool exclusive : {false, true}) {
    const SearchResult cached = search(2, 1, exclusive, true);
    KernelProgram p;
    build_herd(p, 2, 1, exclusive);
    RandomScheduler random(3);
    const SearchResult walks = explore(p, random, SearchLimits{5000, 10000});
    LONGS_EQUAL(cached.stats.max_wasted, walks.stats.max_wasted);
  }
}

}  // namespace
}  // namespace wakecheck
