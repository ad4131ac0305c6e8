#include "checker/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "checker/execution.hpp"
#include "checker/frontier.hpp"
#include "checker/hash.hpp"
#include "checker/memory_account.hpp"
#include "checker/program.hpp"
#include "checker/stack_pool.hpp"
#include "checker/tree_search.hpp"

namespace wakecheck {

unsigned worker_count(unsigned jobs) {
  if (jobs != 0) return jobs;
  return std::max(1U, std::thread::hardware_concurrency());
}

WorkPlan::WorkPlan(const SplitSearch& search, Program& program) : search_(search) {
  switch (search.strategy->split) {
    case Split::tree:
      tree_ = frontier(program, search.limits, search.options.state_caching);
      units_ = static_cast<std::uint32_t>(tree_.roots.size());
      break;
    case Split::seeds: {
      const std::uint64_t max = search.limits.max_executions;
      chunk_ = std::max(kSeedChunk, max / kMaxSeedChunks + (max % kMaxSeedChunks != 0));
      units_ = static_cast<std::uint32_t>(max / chunk_ + (max % chunk_ != 0));
      break;
    }
    case Split::whole:
      units_ = 1;
      break;
  }
}

StrategyOptions WorkPlan::options(std::uint32_t u) const {
  StrategyOptions o = search_.options;
  if (search_.strategy->split == Split::tree) o.root = tree_.roots[u];
  // Chunk 0 keeps the scenario's seed; the others draw theirs from it.
  if (search_.strategy->split == Split::seeds && u != 0)
    o.seed = mix64(o.seed ^ mix64(0x6368756e6bULL + u));
  return o;
}

SearchLimits WorkPlan::limits(std::uint32_t u) const {
  SearchLimits l = search_.limits;
  if (search_.strategy->split == Split::seeds)
    l.max_executions = std::min(chunk_, l.max_executions - u * chunk_);
  return l;
}

UnitResult WorkPlan::run(std::uint32_t u, Program& program, std::uint64_t max_executions) const {
  auto scheduler = search_.strategy->make(options(u));
  SearchLimits l = limits(u);
  l.max_executions = std::min(l.max_executions, max_executions);
  l.cancel = nullptr;
  UnitResult r{u, explore(program, *scheduler, l), ""};
  r.coverage = scheduler->coverage();
  return r;
}

namespace {

// Whether a unit's result ends the search at that unit.
bool stops(const SearchResult& r) {
  return r.failure.has_value() || !r.problem.empty() || r.memory != MemoryVerdict::ok ||
         r.interrupted;
}

// The units of a shard, handed out lowest first, and what they gave.
class UnitQueue {
 public:
  UnitQueue(const WorkPlan& plan, const RunOptions& o, std::uint64_t max_executions)
      : max_(max_executions), first_(o.shard - 1), step_(o.shards), done_(plan.units()) {
    for (std::uint32_t u = o.shard - 1; u < plan.units(); u += o.shards) pending_.insert(u);
  }

  // The next unit to run; nullopt when none is left that can matter.
  std::optional<std::uint32_t> take() {
    const std::lock_guard lock(mutex_);
    if (pending_.empty() || *pending_.begin() > stop_at_.load()) return std::nullopt;
    const std::uint32_t u = *pending_.begin();
    pending_.erase(pending_.begin());
    return u;
  }
  void put_back(std::uint32_t u) {
    const std::lock_guard lock(mutex_);
    pending_.insert(u);
  }
  void finish(UnitResult r) {
    const std::lock_guard lock(mutex_);
    const std::uint32_t u = r.unit;
    if (stops(r.result)) lower_stop(u);
    done_[u] = std::move(r);
    note_cap();
  }
  // Units above this one cannot change the result.
  std::uint32_t stop_at() const { return stop_at_.load(); }

  std::vector<UnitResult> results() {
    std::vector<UnitResult> out;
    for (auto& r : done_)
      if (r) out.push_back(std::move(*r));
    return out;
  }

 private:
  void lower_stop(std::uint32_t u) {
    if (u < stop_at_.load()) stop_at_.store(u);
  }
  // When this shard's units up to v, all done, reach max_executions, every
  // unit above v comes after at least that many executions: none counts.
  void note_cap() {
    std::uint64_t sum = 0;
    for (std::uint32_t v = first_; v < done_.size() && done_[v]; v += step_) {
      sum += done_[v]->result.stats.executions;
      if (sum >= max_) return lower_stop(v);
    }
  }

  std::mutex mutex_;
  std::uint64_t max_;
  std::uint32_t first_, step_;  // this shard's units: first_, first_ + step_, ...
  std::set<std::uint32_t> pending_;
  std::vector<std::optional<UnitResult>> done_;
  std::atomic<std::uint32_t> stop_at_{UINT32_MAX};
};

struct Shared {
  const WorkPlan& plan;
  const SplitSearch& search;
  UnitQueue& queue;
  MemoryAccount* memory;  // nullptr: no budget
  std::mutex error_mutex;
  std::exception_ptr error;
  std::atomic<std::uint64_t> executions{0};  // for the progress display
  std::mutex progress_mutex;
};

// Runs unit u on this worker's program; false when it yielded its memory.
bool run_unit(Shared& sh, Program& program, std::uint32_t u) {
  std::optional<UnitBudget> budget;
  StrategyOptions o = sh.plan.options(u);
  if (sh.memory != nullptr) o.memory = &budget.emplace(*sh.memory, u);
  SearchLimits l = sh.plan.limits(u);
  volatile std::sig_atomic_t cancel = 0;
  const volatile std::sig_atomic_t* interrupt = l.cancel;
  l.cancel = &cancel;
  const ProgressFn progress = l.progress;
  l.progress = nullptr;
  UnitResult r;
  {
    auto scheduler = sh.search.strategy->make(o);
    // Between executions: stop for a signal, or when a lower unit made this
    // one moot; one thread at a time shows the progress of all.
    auto observe = [&](const Execution& ex) {
      if ((interrupt != nullptr && *interrupt != 0) || sh.queue.stop_at() < u) cancel = 1;
      const std::uint64_t total = ++sh.executions;
      if (progress && sh.progress_mutex.try_lock()) {
        const std::lock_guard lock(sh.progress_mutex, std::adopt_lock);
        progress({total, ex.steps(), scheduler.get()});
      }
    };
    r = UnitResult{u, explore(program, *scheduler, l, observe), scheduler->coverage()};
  }  // the scheduler's visited set goes back to the account here
  if (r.result.memory == MemoryVerdict::yield) return false;
  const bool interrupted = interrupt != nullptr && *interrupt != 0;
  if (r.result.interrupted && !interrupted) return true;  // moot: a lower unit stopped the search
  sh.queue.finish(std::move(r));
  return true;
}

void worker(Shared& sh) {
  try {
    const std::unique_ptr<Program> program = sh.search.make_program();
    while (const auto u = sh.queue.take()) {
      if (sh.memory != nullptr) sh.memory->enter(*u);
      const bool ran = run_unit(sh, *program, *u);
      if (sh.memory != nullptr) sh.memory->leave(*u);
      if (ran) continue;
      sh.queue.put_back(*u);
      sh.memory->wait_for_waiters();
    }
  } catch (...) {
    const std::lock_guard lock(sh.error_mutex);
    if (!sh.error) sh.error = std::current_exception();
  }
}

}  // namespace

std::vector<UnitResult> run_units(const WorkPlan& plan, const SplitSearch& search,
                                  const RunOptions& options) {
  UnitQueue queue(plan, options, search.limits.max_executions);
  std::optional<MemoryAccount> memory;
  if (options.memory != 0) memory.emplace(options.memory);
  Shared sh{plan, search, queue, memory ? &*memory : nullptr, {}, {}, {}, {}};
  const unsigned mine = (plan.units() + options.shards - 1 - (options.shard - 1)) / options.shards;
  const unsigned n = std::min(worker_count(options.jobs), std::max(1U, mine));
  if (n == 1) {
    worker(sh);
  } else {
    std::vector<std::jthread> threads;
    for (unsigned i = 0; i < n; ++i) threads.emplace_back([&sh] { worker(sh); });
  }
  if (sh.error) std::rethrow_exception(sh.error);
  return queue.results();
}

namespace {

void add_waste(SearchResult& total, SearchResult& r) {
  if (r.stats.max_wasted > total.stats.max_wasted) {
    total.stats.max_wasted = r.stats.max_wasted;
    total.worst_waste = std::move(r.worst_waste);
  }
  const std::size_t n = r.max_wasted_by_object.size();
  if (total.max_wasted_by_object.size() < n) {
    total.max_wasted_by_object.resize(n, 0);
    total.worst_waste_by_object.resize(n);
  }
  for (std::size_t o = 0; o < n; ++o) {
    if (r.max_wasted_by_object[o] <= total.max_wasted_by_object[o]) continue;
    total.max_wasted_by_object[o] = r.max_wasted_by_object[o];
    total.worst_waste_by_object[o] = std::move(r.worst_waste_by_object[o]);
  }
}

void add(SearchResult& total, SearchResult& r) {
  total.stats.executions += r.stats.executions;
  total.stats.cut += r.stats.cut;
  total.stats.states += r.stats.states;
  total.stats.steps += r.stats.steps;
  total.offered_events |= r.offered_events;
  add_waste(total, r);
  total.failure = std::move(r.failure);
  total.problem = std::move(r.problem);
  total.interrupted = r.interrupted;
  total.memory = r.memory;
}

std::string coverage_of(const WorkPlan& plan, const SplitSearch& search, const Combined& c,
                        const std::vector<UnitResult>& units) {
  if (search.strategy->split != Split::seeds) return units.empty() ? "" : units.front().coverage;
  auto first = search.strategy->make(plan.options(0));
  first->set_total_executions(c.result.stats.executions);
  return first->coverage();
}

}  // namespace

Combined combine(const WorkPlan& plan, const SplitSearch& search, std::vector<UnitResult> units,
                 Program& program) {
  Combined c;
  SearchResult& total = c.result;
  const std::uint64_t max = search.limits.max_executions;
  // The frontier's own states; its paths cut at a state reached before count
  // where a depth-first search meets them, between the units.
  total.stats.states = plan.tree().interior.size();
  bool all = true;  // every unit read ran to its end, every cut path was counted
  const auto add_pruned = [&](std::uint32_t u) {
    const auto& before = plan.tree().pruned_before;
    if (u >= before.size()) return;
    const std::uint64_t n = std::min(before[u], max - std::min(max, total.stats.executions));
    all = all && n == before[u];
    total.stats.executions += n;
    total.stats.cut += n;
  };
  std::uint32_t read = 0;
  for (std::size_t next = 0; read < plan.units(); ++read) {
    add_pruned(read);
    if (total.stats.executions >= max) break;
    if (next == units.size() || units[next].unit != read) {
      total.interrupted = true;  // a unit not run: the run was interrupted
      break;
    }
    UnitResult& r = units[next++];
    if (r.result.stats.executions > max - total.stats.executions)
      r = plan.run(read, program, max - total.stats.executions);
    all = all && r.result.stats.exhausted;
    add(total, r.result);
    if (!stops(total)) continue;
    c.stop_unit = read++;  // counted as read: a finding in the last execution of all covers all
    break;
  }
  if (read == plan.units() && !total.interrupted) {
    if (!c.stop_unit)
      add_pruned(read);
    else if (read < plan.tree().pruned_before.size() && plan.tree().pruned_before[read] != 0)
      all = false;  // paths after the last unit were not reached
  }
  total.stats.exhausted = all && read == plan.units() && !total.interrupted;
  c.coverage = coverage_of(plan, search, c, units);
  return c;
}

Combined search_all(const WorkPlan& plan, const SplitSearch& search, const RunOptions& options,
                    Program& program) {
  if (search.strategy->split != Split::tree)
    return combine(plan, search, run_units(plan, search, options), program);
  Combined c;
  if (worker_count(options.jobs) == 1 && options.shards == 1)
    c.result = sequential_tree(search, program, options);
  else
    c.result = finish_tree(plan, search, options,
                           {run_tree_shard(plan, search, options, false, options.reverse_units)},
                           program, false);
  return c;
}

namespace {

// Follows recorded decisions; where they end, cuts the execution.
class Follow final : public Scheduler {
 public:
  explicit Follow(const std::vector<TaskId>& decisions) : decisions_(decisions) {}
  bool begin_execution() override { return true; }
  std::optional<TaskId> pick_task(const Decision& d) override {
    if (next_ == decisions_.size()) return std::nullopt;
    const TaskId t = decisions_[next_++];
    if (std::find(d.enabled.begin(), d.enabled.end(), t) == d.enabled.end()) return std::nullopt;
    return t;
  }
  void end_execution() override {}

 private:
  const std::vector<TaskId>& decisions_;
  std::size_t next_ = 0;
};

}  // namespace

ExecutionRecord rerun_decisions(Program& program, const SearchLimits& limits,
                                const std::vector<TaskId>& decisions) {
  StackPool stacks;
  Execution ex(stacks, limits.max_steps);
  ex.set_checked(limits.checked);
  ex.set_choices(limits.choices);
  ex.set_abstraction(limits.abstraction);
  ex.set_reduction(limits.reduction);
  Follow follow(decisions);
  ex.reset();
  program.setup(ex);
  ex.run(follow, program);
  return ex.snapshot();
}

}  // namespace wakecheck
