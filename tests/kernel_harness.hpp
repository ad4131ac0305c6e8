// Small programs over the kernel model for tests: a world of kernel objects made
// afresh for every execution, tasks written as lambdas over it, and helpers to
// run them (in a fixed order, replayed, or exhaustively) and to read the trace.
// No CppUTest here: the tests assert, the harness only runs and looks up.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "checker/dfs.hpp"
#include "checker/execution.hpp"
#include "checker/explorer.hpp"
#include "checker/program.hpp"
#include "checker/replay.hpp"
#include "checker/scheduler.hpp"
#include "checker/shared.hpp"
#include "model/kernel/completion.hpp"
#include "model/kernel/list.hpp"
#include "model/kernel/mutex.hpp"
#include "model/kernel/sched.hpp"
#include "model/kernel/semaphore.hpp"
#include "model/kernel/spinlock.hpp"
#include "model/kernel/wait.hpp"

namespace wakecheck::ktest {

// The objects every test program may use. Object ids follow creation order:
// wq.lock 0, wq 1, l 2, a 3, b 4, flag 5, wq2.lock 6, wq2 7, busy 8, items 9, len 10,
// then the sleeping primitives (m; sem: count 1; done), counter (guarded by l),
// then one object per task. None of the data
// declares a guard: every access interleaves.
struct World {
  explicit World(Execution& ex)
      : k(ex),
        wq(k, "wq"),
        l(k, "l"),
        a(k, "a"),
        b(k, "b"),
        flag(ex, "flag", 0),
        wq2(k, "wq2"),
        busy(ex, "busy", 0),
        items(ex, "items", 4),
        len(ex, "len", 0),
        m(k, "m"),
        sem(k, "sem", 1),
        done(k, "done"),
        counter(ex, "counter", 0, l.id) {}

  kernel k;
  wait_queue_head wq;
  spinlock_t l;
  spinlock_t a;
  spinlock_t b;
  shared_var flag;
  wait_queue_head wq2;
  shared_var busy;
  shared_fifo items;
  shared_var len;
  mutex m;
  semaphore sem;
  completion done;
  shared_var counter;              // declared guarded by l: checked for data races
  std::vector<task_struct*> task;  // by TaskId
  // What the tasks saw ("woken" -> 1, ...); survives the execution for the test to read.
  std::map<std::string, std::int64_t> seen;
};

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Value the tasks stored under `key`, or kUnseen when they never did.
inline constexpr std::int64_t kUnseen = std::numeric_limits<std::int64_t>::min();
inline std::int64_t seen(const World& w, const std::string& key) {
  const auto it = w.seen.find(key);
  return it == w.seen.end() ? kUnseen : it->second;
}

// Entries on a wait queue's list, walked in list order (call from task code:
// the entries live on the tasks' stacks); -1 for a list that does not come
// back to its head (an entry linked twice makes a cycle).
inline int queued(const wait_queue_head& wq) {
  int n = 0;
  for (const list_head* p = wq.head.next; p != &wq.head; p = p->next)
    if (++n > 1000) return -1;
  return n;
}

// A Program made of lambdas. Tasks are numbered in the order they are added
// (TaskId 0, 1, ...), each in a group of its own (they run different code).
class KernelProgram final : public Program {
 public:
  using Body = std::function<int(World&, task_struct*)>;
  using WorkFn = std::function<std::string(const World&, TaskId sleeper, ObjectId wq)>;
  using EndFn = std::function<void(World&, Execution&)>;

  KernelProgram& task(std::string name, Body body) {
    tasks_.push_back(
        {std::move(name), std::move(body), static_cast<std::uint32_t>(tasks_.size()), false});
    return *this;
  }
  // The last task added runs the same code as task `other`: both are in
  // other's group, declared interchangeable (Execution::declare_symmetric).
  KernelProgram& interchangeable_with(std::size_t other) {
    tasks_.back().group = static_cast<std::uint32_t>(other);
    return *this;
  }
  // A thread made by kthread_create(): it sleeps until a wake_up_process().
  KernelProgram& created_task(std::string name, Body body) {
    tasks_.push_back(
        {std::move(name), std::move(body), static_cast<std::uint32_t>(tasks_.size()), true});
    return *this;
  }
  // What work remains for a task asleep at the end ("" when none: the engine
  // then reports a deadlock instead of a lost wakeup).
  KernelProgram& work_left_when(WorkFn f) {
    work_ = std::move(f);
    return *this;
  }
  // Runs after every execution in which all tasks finished.
  KernelProgram& at_end_do(EndFn f) {
    end_ = std::move(f);
    return *this;
  }

  void setup(Execution& ex) override {
    world.reset();
    world = std::make_unique<World>(ex);
    for (std::size_t i = 0; i < tasks_.size(); ++i) {
      const Body* body = &tasks_[i].body;
      World* w = world.get();
      auto fn = [body, w](task_struct* current) { return (*body)(*w, current); };
      const std::uint32_t group = tasks_[i].group;
      world->task.push_back(tasks_[i].created ? world->k.kthread_create(tasks_[i].name, group, fn)
                                              : world->k.kthread_run(tasks_[i].name, group, fn));
      if (group != i) ex.declare_symmetric(group);
    }
  }

  std::string work_left(const Execution&, TaskId sleeper, ObjectId wq) const override {
    return work_ ? work_(*world, sleeper, wq) : std::string();
  }

  void at_end(Execution& ex) override {
    ++finished_executions;
    finished = ex.snapshot();
    if (end_) end_(*world, ex);
  }

  std::vector<std::string> task_names() const {
    std::vector<std::string> names;
    for (const auto& t : tasks_) names.push_back(t.name);
    return names;
  }

  std::unique_ptr<World> world;             // the last execution's (plain fields stay readable)
  std::optional<ExecutionRecord> finished;  // the last execution in which every task finished
  std::uint64_t finished_executions = 0;

 private:
  struct Spec {
    std::string name;
    Body body;
    std::uint32_t group;
    bool created;  // kthread_create(), not kthread_run()
  };
  std::vector<Spec> tasks_;
  WorkFn work_;
  EndFn end_;
};

// One execution that always runs the lowest-numbered enabled task: task 0 runs
// until it sleeps, blocks or finishes, then task 1, ... and a woken task runs
// again before any higher-numbered one. Its decisions are recorded as usual.
class LowestFirstScheduler final : public Scheduler {
 public:
  bool begin_execution() override { return !std::exchange(ran_, true); }
  std::optional<TaskId> pick_task(const Decision& d) override { return d.enabled.front(); }
  void end_execution() override {}

 private:
  bool ran_ = false;
};

inline SearchResult run_lowest_first(Program& p) {
  LowestFirstScheduler s;
  return explore(p, s, SearchLimits{});
}

// The decisions are written against every step being a scheduling point (no
// reduction): a test names each interleaving it means, step by step.
// `reduction`: replays decisions a reduced search recorded.
inline SearchResult run_replay(KernelProgram& p, std::vector<TaskId> decisions,
                               bool reduction = false) {
  ReplayScheduler s(std::move(decisions), p.task_names());
  SearchLimits limits;
  limits.reduction = reduction;
  return explore(p, s, limits);
}

inline SearchResult run_dfs(Program& p, bool state_caching = true) {
  DfsScheduler s(state_caching);
  return explore(p, s, SearchLimits{});
}

// "lost-wakeup", ... or "none" when the search found nothing.
inline const char* kind_of(const SearchResult& r) {
  return finding_name(r.failure ? r.failure->finding.kind : FindingKind::None);
}

// The execution to look at: the failing one, else the last one that finished.
inline const ExecutionRecord* record_of(const SearchResult& r, const KernelProgram& p) {
  if (r.failure) return &*r.failure;
  return p.finished ? &*p.finished : nullptr;
}

// Indices of the trace entries of `kind`, optionally only with `label` and by `task`.
inline std::vector<std::size_t> entries_of(const ExecutionRecord& rec, OpKind kind,
                                           const std::string& label = "", TaskId task = kNoTask) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < rec.trace.size(); ++i) {
    const TraceEntry& e = rec.trace[i];
    if (e.kind != kind || (!label.empty() && label != e.label)) continue;
    if (task != kNoTask && e.task != task) continue;
    out.push_back(i);
  }
  return out;
}

// The states `task` set (SetState entries), in order, as ps(1) letters: R
// TASK_RUNNING, S TASK_INTERRUPTIBLE, D TASK_UNINTERRUPTIBLE ("D D R").
inline std::string states_of(const ExecutionRecord& rec, TaskId task) {
  std::string out;
  for (const TraceEntry& e : rec.trace) {
    if (e.kind != OpKind::SetState || e.task != task) continue;
    if (!out.empty()) out += ' ';
    out += e.a == TASK_RUNNING           ? 'R'
           : e.a == TASK_INTERRUPTIBLE   ? 'S'
           : e.a == TASK_UNINTERRUPTIBLE ? 'D'
                                         : '?';
  }
  return out;
}

// The tasks a WakeUp entry made runnable, by name, in wake order: the Wake
// entries that follow it ("n2, n1, x1"; "" when it woke nobody). The walk's
// autoremove unlinks (WaitQueueRemove) and the tasks it left (WakeMiss) stand between them.
inline std::string woken_by(const ExecutionRecord& rec, std::size_t wake_up) {
  std::string out;
  for (std::size_t i = wake_up + 1;
       i < rec.trace.size() &&
       (rec.trace[i].kind == OpKind::Wake || rec.trace[i].kind == OpKind::WakeMiss ||
        rec.trace[i].kind == OpKind::WaitQueueRemove);
       ++i) {
    if (rec.trace[i].kind != OpKind::Wake) continue;
    if (!out.empty()) out += ", ";
    out += rec.task_names[static_cast<TaskId>(rec.trace[i].b)];
  }
  return out;
}

}  // namespace wakecheck::ktest
