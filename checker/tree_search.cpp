#include "checker/tree_search.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "checker/execution.hpp"
#include "checker/program.hpp"
#include "checker/shared_states.hpp"

namespace wakecheck {
namespace {

// What a progress display asks a search, for the whole pool of units.
class PoolView final : public Scheduler {
 public:
  PoolView(const SharedStates& states, std::uint64_t interior, const std::atomic<std::size_t>& done,
           std::size_t units)
      : states_(states), interior_(interior), done_(done), units_(units) {}
  bool begin_execution() override { return false; }
  std::optional<TaskId> pick_task(const Decision&) override { return std::nullopt; }
  void end_execution() override {}
  std::uint64_t states() const override { return states_.size() - interior_; }
  // The share of the units done: a coarse estimate of the tree covered.
  double covered() const override {
    return units_ == 0 ? -1 : static_cast<double>(done_.load()) / static_cast<double>(units_);
  }

 private:
  const SharedStates& states_;
  std::uint64_t interior_;
  const std::atomic<std::size_t>& done_;
  std::size_t units_;
};

struct Pool {
  const WorkPlan& plan;
  const SplitSearch& search;
  SharedStates& states;
  std::vector<std::uint32_t> units;  // this shard's, in the order they are handed out
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> executions{0};  // so far, for max_executions and progress
  std::mutex mutex;                          // guards out and error
  TreeShard out;
  std::exception_ptr error;
  std::mutex progress_mutex;  // one display at a time
  std::optional<PoolView> view;
};

bool signalled(const SearchLimits& l) {
  return l.cancel != nullptr && *l.cancel != 0;
}

void add(TreeShard& out, const SearchResult& r) {
  ++out.units_run;
  out.executions += r.stats.executions;
  out.offered_events |= r.offered_events;
  out.cut += r.stats.cut;
  out.steps += r.stats.steps;
  out.states += r.stats.states;
  out.exhausted = out.exhausted && r.stats.exhausted;
  out.stopped = out.stopped || r.failure || !r.problem.empty() || r.memory != MemoryVerdict::ok;
  out.max_wasted = std::max(out.max_wasted, r.stats.max_wasted);
  const std::size_t n = r.max_wasted_by_object.size();
  if (out.max_wasted_by_object.size() < n) out.max_wasted_by_object.resize(n, 0);
  for (std::size_t o = 0; o < n; ++o)
    out.max_wasted_by_object[o] = std::max(out.max_wasted_by_object[o], r.max_wasted_by_object[o]);
}

void run_unit(Pool& pool, Program& program, std::uint32_t u) {
  StrategyOptions o = pool.plan.options(u);
  o.shared_states = &pool.states;
  SearchLimits l = pool.plan.limits(u);
  const SearchLimits outer = l;
  volatile std::sig_atomic_t cancel = 0;
  l.cancel = &cancel;
  l.progress = nullptr;
  const std::uint64_t max = pool.search.limits.max_executions;
  // Between executions: stop for a signal, when another unit stopped the
  // search, or past max_executions (the sequential search then decides).
  auto observe = [&](const Execution& ex) {
    const std::uint64_t total = ++pool.executions;
    if (pool.stop.load(std::memory_order_relaxed) || signalled(outer) || total > max) cancel = 1;
    if (outer.progress && pool.progress_mutex.try_lock()) {
      const std::lock_guard lock(pool.progress_mutex, std::adopt_lock);
      outer.progress({total, ex.steps(), &*pool.view});
    }
  };
  const SearchResult r = explore(program, *pool.search.strategy->make(o), l, observe);
  const std::lock_guard lock(pool.mutex);
  add(pool.out, r);
  ++pool.done;
  if (r.interrupted && signalled(outer)) pool.out.interrupted = true;
  if (r.interrupted && !signalled(outer)) pool.out.stopped = true;  // stopped for another unit
  if (pool.executions.load() > max) pool.out.stopped = true;
  if (pool.out.stopped || pool.out.interrupted) pool.stop.store(true);
}

void worker(Pool& pool) {
  try {
    const std::unique_ptr<Program> program = pool.search.make_program();
    for (std::size_t i; !pool.stop.load() && (i = pool.next++) < pool.units.size();)
      run_unit(pool, *program, pool.units[i]);
  } catch (...) {
    const std::lock_guard lock(pool.mutex);
    if (!pool.error) pool.error = std::current_exception();
    pool.stop.store(true);
  }
}

// The first executions, in depth-first order, that reach the most wasted
// wakeups in all and on each object: the records the sequential search keeps.
void find_worst_waste(const SplitSearch& search, Program& program, const RunOptions& run,
                      SearchResult& r) {
  volatile std::sig_atomic_t done = 0;
  SearchLimits l = search.limits;
  l.cancel = &done;
  std::uint32_t best = 0;
  std::vector<std::uint32_t> best_by(r.max_wasted_by_object.size(), 0);
  auto observe = [&](const Execution& ex) {
    std::uint32_t total = 0;
    bool all = true;
    for (ObjectId o = 0; o < ex.object_count() && o < best_by.size(); ++o) {
      total += ex.wasted(o);
      best_by[o] = std::max(best_by[o], ex.wasted(o));
      all = all && best_by[o] == r.max_wasted_by_object[o];
    }
    best = std::max(best, total);
    if (all && best == r.stats.max_wasted) done = 1;
  };
  SearchResult found = sequential_tree(search, program, run, observe, &l);
  r.worst_waste = std::move(found.worst_waste);
  r.worst_waste_by_object = std::move(found.worst_waste_by_object);
}

// Executions and states from the shards' logged states (a merge): the tree
// of first visits has 1 + sum (options - 1) leaves below each unit's root.
void count_from_states(const WorkPlan& plan, const std::vector<TreeShard>& shards,
                       SearchStats& stats) {
  std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
  for (const auto& [f, options] : plan.tree().interior) seen.insert({f.hi, f.lo});
  stats.executions = plan.units() + plan.tree().pruned();
  stats.states = seen.size();
  for (const TreeShard& s : shards)
    for (const auto& [f, options] : s.logged)
      if (seen.insert({f.hi, f.lo}).second) {
        stats.executions += options - 1;
        ++stats.states;
      }
}

}  // namespace

SearchResult sequential_tree(const SplitSearch& search, Program& program, const RunOptions& run,
                             const ExecutionObserver& observe, const SearchLimits* limits) {
  SharedStates states(run.memory);
  StrategyOptions o = search.options;
  o.root = {};
  o.shared_states = &states;
  return explore(program, *search.strategy->make(o), limits ? *limits : search.limits, observe);
}

TreeShard run_tree_shard(const WorkPlan& plan, const SplitSearch& search, const RunOptions& run,
                         bool log_states, bool reverse) {
  SharedStates states(run.memory);
  for (const auto& [f, options] : plan.tree().interior) states.insert(f, options);
  if (log_states) states.start_log();
  Pool pool{plan, search, states, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}};
  for (std::uint32_t u = run.shard - 1; u < plan.units(); u += run.shards) pool.units.push_back(u);
  if (reverse) std::reverse(pool.units.begin(), pool.units.end());
  pool.view.emplace(states, plan.tree().interior.size(), pool.done, pool.units.size());
  const unsigned n = std::min<std::size_t>(worker_count(run.jobs), pool.units.size());
  if (n <= 1) {
    worker(pool);
  } else {
    std::vector<std::jthread> threads;
    for (unsigned i = 0; i < n; ++i) threads.emplace_back([&pool] { worker(pool); });
  }
  if (pool.error) std::rethrow_exception(pool.error);
  TreeShard out = std::move(pool.out);
  if (states.stopped()) out.stopped = true;
  if (out.units_run < pool.units.size() && !out.interrupted) out.stopped = true;
  if (log_states) out.logged = states.entries();
  return out;
}

SearchResult finish_tree(const WorkPlan& plan, const SplitSearch& search, const RunOptions& run,
                         const std::vector<TreeShard>& shards, Program& program, bool from_logs) {
  SearchResult r;
  bool stopped = false, interrupted = false, exhausted = true;
  for (const TreeShard& s : shards) {
    stopped = stopped || s.stopped;
    interrupted = interrupted || s.interrupted;
    exhausted = exhausted && s.exhausted;
    r.stats.steps += s.steps;
    r.offered_events |= s.offered_events;
    r.stats.max_wasted = std::max(r.stats.max_wasted, s.max_wasted);
    const std::size_t n = s.max_wasted_by_object.size();
    if (r.max_wasted_by_object.size() < n) r.max_wasted_by_object.resize(n, 0);
    for (std::size_t o = 0; o < n; ++o)
      r.max_wasted_by_object[o] = std::max(r.max_wasted_by_object[o], s.max_wasted_by_object[o]);
  }
  if (stopped && !interrupted) return sequential_tree(search, program, run);
  if (!from_logs) {
    const TreeShard& s = shards.front();
    r.stats.executions = s.executions + plan.tree().pruned();
    r.stats.cut = s.cut + plan.tree().pruned();
    r.stats.states = s.states + plan.tree().interior.size();
  } else {
    // The cut executions are not derived: the states do not say how many
    // arrivals each had. No report shows them.
    count_from_states(plan, shards, r.stats);
  }
  r.interrupted = interrupted;
  r.stats.exhausted = exhausted && !interrupted;
  const std::uint64_t max = search.limits.max_executions;
  if (!interrupted && (r.stats.executions > max || (r.stats.executions == max && !exhausted)))
    return sequential_tree(search, program, run);
  r.worst_waste_by_object.resize(r.max_wasted_by_object.size());
  if (search.keep_worst_waste && r.stats.max_wasted > 0 && !interrupted)
    find_worst_waste(search, program, run, r);
  return r;
}

}  // namespace wakecheck
