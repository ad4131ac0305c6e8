// Symmetry reduction (checker/symmetry.cpp): a state and its renaming of
// interchangeable tasks share one canonical fingerprint, with every place a
// task is named renamed (its term, its task object, a lock's owner, a wait
// queue's entries, the race detector's clocks); states that are not
// renamings of one another do not; the search caches one state per class.
#include <fmt/format.h>

#include <optional>
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

}  // namespace

TEST_GROUP(Symmetry){};

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

}  // namespace wakecheck
