#include "checker/tree_search.hpp"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <exception>
#include <mutex>
#include <set>
#include <thread>

#include "checker/execution.hpp"
#include "checker/memory_account.hpp"
#include "checker/program.hpp"
#include "checker/shared_states.hpp"

namespace wakecheck {
namespace {

struct Pool {
  const WorkPlan& plan;
  const SplitSearch& search;
  SharedStates& states;
  std::vector<std::uint32_t> units;  // this shard's
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> executions{0};
  std::mutex mutex;  // guards out and error
  TreeShard out;
  std::exception_ptr error;
};

bool signalled(const SearchLimits& l) {
  return l.cancel != nullptr && *l.cancel != 0;
}

void add(TreeShard& out, const SearchResult& r) {
  ++out.units_run;
  out.executions += r.stats.executions;
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
  volatile std::sig_atomic_t cancel = 0;
  const SearchLimits outer = l;
  l.cancel = &cancel;
  auto observe = [&](const Execution&) {
    if (pool.stop.load() || signalled(outer)) cancel = 1;
  };
  const SearchResult r = explore(program, *pool.search.strategy->make(o), l, observe);
  const std::lock_guard lock(pool.mutex);
  add(pool.out, r);
  if (r.interrupted && signalled(outer)) pool.out.interrupted = true;
  const std::uint64_t total = pool.executions += r.stats.executions;
  // max_executions is reached: past it the sequential search decides.
  if (total > pool.search.limits.max_executions) pool.out.stopped = true;
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

// The sequential depth-first search, as one unsplit search runs it.
SearchResult sequential(const SplitSearch& search, Program& program, const RunOptions& run,
                        const ExecutionObserver& observe = nullptr,
                        const SearchLimits* limits = nullptr) {
  std::optional<MemoryAccount> account;
  std::optional<UnitBudget> budget;
  StrategyOptions o = search.options;
  if (run.memory != 0) {
    account.emplace(run.memory);
    account->enter(0);
    o.memory = &budget.emplace(*account, 0);
  }
  return explore(program, *search.strategy->make(o), limits ? *limits : search.limits, observe);
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
  SearchResult found = sequential(search, program, run, observe, &l);
  r.worst_waste = std::move(found.worst_waste);
  r.worst_waste_by_object = std::move(found.worst_waste_by_object);
}

// Executions and states from the shards' logged states (a merge): the tree
// of first visits has 1 + sum (options - 1) leaves below each unit's root.
void count_from_states(const WorkPlan& plan, const std::vector<TreeShard>& shards,
                       SearchStats& stats) {
  std::set<std::pair<std::uint64_t, std::uint64_t>> seen;
  for (const auto& [f, options] : plan.tree().interior) seen.insert({f.hi, f.lo});
  stats.executions = plan.units() + plan.tree().pruned;
  stats.states = seen.size();
  for (const TreeShard& s : shards)
    for (const auto& [f, options] : s.logged)
      if (seen.insert({f.hi, f.lo}).second) {
        stats.executions += options - 1;
        ++stats.states;
      }
}

}  // namespace

TreeShard run_tree_shard(const WorkPlan& plan, const SplitSearch& search, const RunOptions& run,
                         bool log_states) {
  SharedStates states(run.memory);
  for (const auto& [f, options] : plan.tree().interior) states.insert(f, options);
  if (log_states) states.start_log();
  Pool pool{plan, search, states, {}, {}, {}, {}, {}, {}, {}};
  for (std::uint32_t u = run.shard - 1; u < plan.units(); u += run.shards) pool.units.push_back(u);
  const unsigned n = std::min<std::size_t>(worker_count(run.jobs), pool.units.size());
  if (n <= 1) {
    worker(pool);
  } else {
    std::vector<std::jthread> threads;
    for (unsigned i = 0; i < n; ++i) threads.emplace_back([&pool] { worker(pool); });
  }
  if (pool.error) std::rethrow_exception(pool.error);
  TreeShard out = std::move(pool.out);
  if (states.over_budget()) out.stopped = true;
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
    r.stats.max_wasted = std::max(r.stats.max_wasted, s.max_wasted);
    const std::size_t n = s.max_wasted_by_object.size();
    if (r.max_wasted_by_object.size() < n) r.max_wasted_by_object.resize(n, 0);
    for (std::size_t o = 0; o < n; ++o)
      r.max_wasted_by_object[o] = std::max(r.max_wasted_by_object[o], s.max_wasted_by_object[o]);
  }
  if (stopped && !interrupted) return sequential(search, program, run);
  if (!from_logs) {
    r.stats.executions = shards.front().executions + plan.tree().pruned;
    r.stats.states = shards.front().states + plan.tree().interior.size();
  } else {
    count_from_states(plan, shards, r.stats);
  }
  r.stats.cut = 0;  // not derived: the sequential search's figure would need every edge
  r.interrupted = interrupted;
  r.stats.exhausted = exhausted && !interrupted;
  const std::uint64_t max = search.limits.max_executions;
  if (!interrupted && (r.stats.executions > max || (r.stats.executions == max && !exhausted)))
    return sequential(search, program, run);
  r.worst_waste_by_object.resize(r.max_wasted_by_object.size());
  if (search.keep_worst_waste && r.stats.max_wasted > 0 && !interrupted)
    find_worst_waste(search, program, run, r);
  return r;
}

}  // namespace wakecheck
