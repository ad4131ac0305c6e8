// The exploration loop: executions one after another under one Scheduler,
// until a finding, the strategy has nothing left, or a bound.
#pragma once

#include <csignal>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "checker/trace.hpp"
#include "checker/visited.hpp"

namespace wakecheck {

class Execution;
class Program;
class Scheduler;

// On in a build configured with -DWAKECHECK_CHECKED=ON, or when the
// environment sets WAKECHECK_CHECKED to anything but "0" (every test does).
bool checked_mode_default();

// What a search has done so far, for a progress display (cli/progress.hpp).
struct SearchProgress {
  std::uint64_t executions = 0;
  std::uint32_t depth = 0;  // scheduling points of the last execution
  // Asked only when a display is due: states(), covered() (an estimate of how
  // much of its tree the strategy has explored).
  const Scheduler* scheduler = nullptr;
};
// Called after every execution, between executions: never on the per-step path.
using ProgressFn = std::function<void(const SearchProgress&)>;

struct SearchLimits {
  std::uint64_t max_executions = 1'000'000;
  std::uint32_t max_steps = 10'000;  // scheduling points per execution
  // Checked mode (Execution::observe): every wrapper's read of shared state is
  // verified to happen inside its operation.
  bool checked = checked_mode_default();
  // The state abstraction: what each task declares it carries
  // (Execution::declare_task_state). Off: every task's whole history.
  bool abstraction = true;
  // Lipton reduction (Execution::set_reduction). Off: every step of every
  // task is a scheduling point; the differential tests' reference.
  bool reduction = true;
  // Symmetry reduction (Execution::declare_symmetric): a strategy that caches
  // states caches one per class of renamings of interchangeable tasks.
  bool symmetry = true;
  // Spinlocks are FIFO ticket locks, as Linux's (Execution::set_fair_locks).
  // Off (the default): a released spinlock goes to any waiter, a superset of
  // the fair orders with fewer steps (scenario key [search] fair_spinlocks).
  bool fair_spinlocks = false;
  ChoiceFamilies choices = {};  // timers, signals, spurious wakeups the environment may use
  // false: go on after an execution with a finding (SearchResult::failure still
  // holds the first one), so the search visits every execution it would visit
  // on a correct program. A differential oracle needs them all.
  bool stop_at_finding = true;
  // Polled between executions: when it points at a non-zero value the search
  // stops there, with SearchResult::interrupted (set from a signal handler).
  const volatile std::sig_atomic_t* cancel = nullptr;
  ProgressFn progress = nullptr;  // may be empty; must not write to stdout or any report
};

struct SearchStats {
  std::uint64_t executions = 0;  // started, including those cut at a known state
  std::uint64_t cut = 0;         // ended early at a state explored before
  std::uint64_t states = 0;      // distinct states remembered (dfs)
  std::uint64_t steps = 0;       // scheduling points over all executions
  bool exhausted = false;        // the strategy covered everything it promises
  // The most wasted wakeups of one execution, over every execution explored
  // (exact under state caching: the counts are part of the state).
  std::uint32_t max_wasted = 0;
};

struct SearchResult {
  SearchStats stats;
  std::optional<ExecutionRecord> failure;  // the first execution with a finding
  // The first execution with max_wasted wasted wakeups (none when 0): its
  // ObjectInfo::wasted say where they were.
  std::optional<ExecutionRecord> worst_waste;
  // Per object (by ObjectId), the most wasted wakeups of one execution.
  std::vector<std::uint32_t> max_wasted_by_object;
  // Per object, the first execution that reached max_wasted_by_object (none while 0).
  std::vector<std::optional<ExecutionRecord>> worst_waste_by_object;
  // Bits of the WakeEvents some execution offered (Execution::offered_events).
  unsigned offered_events = 0;
  std::string problem;       // the scheduler stopped: divergence, nondeterminism
  bool interrupted = false;  // SearchLimits::cancel stopped it
  // ok, or the visited set's memory budget stopped the search (StrategyOptions::memory).
  MemoryVerdict memory = MemoryVerdict::ok;
};

// Called once per execution when it has ended (finished, stuck, a finding, or
// cut by the scheduler), before the next one resets it: how a tool looks at
// every execution, not only the failing one. Never called on the per-step path.
using ExecutionObserver = std::function<void(const Execution&)>;

SearchResult explore(Program& program, Scheduler& scheduler, const SearchLimits& limits,
                     const ExecutionObserver& observer = nullptr);

}  // namespace wakecheck
