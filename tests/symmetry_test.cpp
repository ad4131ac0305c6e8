// Symmetry reduction (checker/symmetry.cpp): a state and its renaming of
// interchangeable tasks share one canonical fingerprint, with every place a
// task is named renamed (its term, its task object, a lock's owner, a wait
// queue's entries, the race detector's clocks); states that are not
// renamings of one another do not; the search caches one state per class.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "model/model.hpp"
#include "tests/kernel_harness.hpp"

// CppUTest last: its leak-detection macros redefine operator new.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

using namespace ktest;

// Both "a" and "b" run this: the first to count itself in takes l, writes
// the guarded counter and stops holding l; the second sleeps on wq.
int take_or_sleep(World& w, task_struct* current) {
  const std::int64_t turn = w.flag.load();
  w.flag.store(turn + 1);
  if (turn == 0) {
    spin_lock(&w.l);
    w.counter.store(1);
    w.busy.store(1);  // unguarded: a scheduling point, holding l
    spin_unlock(&w.l);
    return 0;
  }
  wait_queue_entry wait = DEFINE_WAIT(current);
  prepare_to_wait(&w.wq, &wait, TASK_UNINTERRUPTIBLE);
  schedule(current);
  finish_wait(&w.wq, &wait);
  return 0;
}

int waker(World& w, task_struct*) {
  w.len.store(1);
  wake_up(&w.wq);
  return 0;
}

KernelProgram two_alike_and_a_waker() {
  KernelProgram p;
  p.task("a", take_or_sleep).task("b", take_or_sleep).interchangeable_with(0).task("waker", waker);
  return p;
}

// Runs `first` until it holds l, then the other until it sleeps; then
// records the state the engine hands a caching strategy there, and stops.
class HoldAndSleep final : public Scheduler {
 public:
  HoldAndSleep(TaskId first, ObjectId lock) : first_(first), lock_(lock) {}
  bool begin_execution() override { return !std::exchange(ran_, true); }
  void attach(const Execution& ex) override { ex_ = &ex; }
  bool caches_states() const override { return true; }
  std::optional<TaskId> pick_task(const Decision& d) override {
    const TaskId second = 1 - first_;
    if (ex_->owner(lock_) != first_) return first_;
    if (ex_->status(second) != TaskStatus::Sleeping) return second;
    state = d.state;
    return std::nullopt;
  }
  void end_execution() override {}

  std::optional<Fingerprint> state;

 private:
  TaskId first_;
  ObjectId lock_;
  const Execution* ex_ = nullptr;
  bool ran_ = false;
};

Fingerprint state_when(TaskId first, bool symmetry) {
  KernelProgram p = two_alike_and_a_waker();
  HoldAndSleep s(first, 2);  // l (tests/kernel_harness.hpp: object ids)
  SearchLimits limits;
  limits.reduction = false;
  limits.symmetry = symmetry;
  explore(p, s, limits);
  CHECK_TEXT(s.state.has_value(), "the scheduler never reached the state");
  return *s.state;
}

// Runs one execution of a program whose tasks `a` and `b` are
// interchangeable, choosing at each decision by `picks` with a and b swapped
// when `swap`: the mirrored run reaches at every decision a renaming of the
// state the plain run reaches. Records the state a caching strategy sees.
class Mirrored final : public Scheduler {
 public:
  Mirrored(std::vector<std::uint32_t> picks, TaskId a, TaskId b, bool swap)
      : picks_(std::move(picks)), a_(a), b_(b), swap_(swap) {}
  bool begin_execution() override { return !std::exchange(ran_, true); }
  bool caches_states() const override { return true; }
  std::optional<TaskId> pick_task(const Decision& d) override {
    states.push_back(d.state);
    if (next_ == picks_.size()) return std::nullopt;
    std::vector<TaskId> names;  // the enabled tasks as the plain run names them
    for (const TaskId t : d.enabled) names.push_back(mirror(t));
    std::sort(names.begin(), names.end());
    return mirror(names[picks_[next_++] % names.size()]);
  }
  void end_execution() override {}

  std::vector<Fingerprint> states;

 private:
  TaskId mirror(TaskId t) const {
    if (!swap_) return t;
    return t == a_ ? b_ : t == b_ ? a_ : t;
  }
  std::vector<std::uint32_t> picks_;
  TaskId a_, b_;
  bool swap_;
  std::size_t next_ = 0;
  bool ran_ = false;
};

// Seeded random runs of boundedq's Q-ok W3 and their mirror images (the two
// producers, tasks 0 and 1, or the two consumers, 2 and 3, swapped): the
// first differing state names a renaming the canonical fingerprint misses.
int mirrored_runs_that_differ(TaskId a, TaskId b) {
  param_values w;
  w.set("producers", 2);
  w.set("consumers", 2);
  w.set("items", 2);
  w.set("capacity", 1);
  std::mt19937 rng(7);
  int differ = 0;
  for (int run = 0; run < 300; ++run) {
    std::vector<std::uint32_t> picks(60);
    for (std::uint32_t& p : picks) p = static_cast<std::uint32_t>(rng());
    Mirrored plain(picks, a, b, false);
    Mirrored mirrored(picks, a, b, true);
    explore(*find_model("boundedq")->make("ok", w), plain, SearchLimits{});
    explore(*find_model("boundedq")->make("ok", w), mirrored, SearchLimits{});
    CHECK(plain.states.size() == mirrored.states.size());
    differ += plain.states != mirrored.states;
  }
  return differ;
}

}  // namespace

TEST_GROUP(Symmetry){};

// Found this way: boundedq's ledger hashed 0 before its first delivery, but
// its relabelling gave the hash of its counts: a renaming that moved no task
// kept the first, any other took the second, and the states did not merge.
TEST(Symmetry, MirroredRunsOfTheBoundedQueueReachTheSameCanonicalStates) {
  LONGS_EQUAL(0, mirrored_runs_that_differ(0, 1));  // the producers
  LONGS_EQUAL(0, mirrored_runs_that_differ(2, 3));  // the consumers
}

// The renamed state differs in the lock's owner, the wait queue's entry,
// the task objects' states, the tasks' terms and the counter's last writer.
TEST(Symmetry, AStateAndItsRenamingShareTheCanonicalFingerprint) {
  CHECK(state_when(0, true) == state_when(1, true));
}

TEST(Symmetry, WithoutSymmetryTheRenamedStateIsAnotherState) {
  CHECK_FALSE(state_when(0, false) == state_when(1, false));
}

TEST(Symmetry, TasksThatAreNotDeclaredInterchangeableAreNotRenamed) {
  KernelProgram p;
  p.task("a", take_or_sleep).task("b", take_or_sleep).task("waker", waker);
  std::optional<Fingerprint> states[2];
  for (TaskId first = 0; first < 2; ++first) {
    HoldAndSleep s(first, 2);
    SearchLimits limits;
    limits.reduction = false;
    explore(p, s, limits);
    states[first] = s.state;
  }
  CHECK(states[0].has_value() && states[1].has_value());
  CHECK_FALSE(*states[0] == *states[1]);
}

// Two consumers of the bounded queue: the cache holds one state per class,
// and the verdict and worst-case waste are those of the search without it.
TEST(Symmetry, InterchangeableConsumersHalveTheStatesOfQokW2) {
  auto program =
      find_model("boundedq")
          ->make("ok", {{"producers", 2}, {"consumers", 2}, {"items", 1}, {"capacity", 1}});
  SearchLimits with;
  SearchLimits without;
  without.symmetry = false;
  DfsScheduler a(true), b(true);
  const SearchResult r = explore(*program, a, with);
  const SearchResult plain = explore(*program, b, without);
  CHECK(r.stats.exhausted && plain.stats.exhausted);
  CHECK_FALSE(r.failure.has_value() || plain.failure.has_value());
  CHECK_EQUAL(plain.stats.max_wasted, r.stats.max_wasted);
  CHECK_TEXT(r.stats.states * 10 < plain.stats.states * 6,
             fmt::format("{} states with symmetry, {} without", r.stats.states, plain.stats.states)
                 .c_str());
}

TEST(Symmetry, AnObjectThatMayNameATaskWithoutARenamingKeepsItOff) {
  KernelProgram p;
  p.task("a", take_or_sleep).task("b", take_or_sleep).interchangeable_with(0);
  bool active = true;
  std::string refused;
  // An object the model neither declares task-free nor can rename.
  struct Opaque final : Program {
    KernelProgram* inner;
    explicit Opaque(KernelProgram& k) : inner(&k) {}
    void setup(Execution& ex) override {
      inner->setup(ex);
      ex.add_object(ObjectKind::Variable, "opaque", 7);
    }
    std::string work_left(const Execution& ex, TaskId t, ObjectId wq) const override {
      return inner->work_left(ex, t, wq);
    }
    void at_end(Execution& ex) override { inner->at_end(ex); }
  } opaque(p);
  DfsScheduler dfs(true);
  SearchLimits limits;
  limits.max_executions = 1;
  explore(opaque, dfs, limits, [&](const Execution& ex) {
    active = ex.symmetry_active();
    refused = ex.symmetry_refused();
  });
  CHECK_FALSE(active);
  STRCMP_EQUAL("opaque", refused.c_str());
}

// An object whose relabelling, renaming nobody, gives another hash than its
// own (the ledger's slip): a model error naming it, before any task runs.
TEST(Symmetry, ARelabellingThatChangesAnUnrenamedHashIsAModelError) {
  KernelProgram p;
  p.task("a", take_or_sleep).task("b", take_or_sleep).interchangeable_with(0);
  struct Slipped final : Program {
    KernelProgram* inner;
    explicit Slipped(KernelProgram& k) : inner(&k) {}
    void setup(Execution& ex) override {
      inner->setup(ex);
      const ObjectId o = ex.add_object(ObjectKind::Variable, "counts", 0);
      ex.set_relabel(
          o, [](const void*, const TaskId*) { return std::uint64_t{42}; }, nullptr);
    }
    std::string work_left(const Execution& ex, TaskId t, ObjectId wq) const override {
      return inner->work_left(ex, t, wq);
    }
    void at_end(Execution& ex) override { inner->at_end(ex); }
  } slipped(p);
  DfsScheduler dfs(true);
  const SearchResult r = explore(slipped, dfs, SearchLimits{});
  CHECK(r.failure.has_value());
  STRCMP_EQUAL("model-error", kind_of(r));
  STRCMP_CONTAINS("the relabelling of counts renames no task", r.failure->finding.summary.c_str());
}

}  // namespace wakecheck
