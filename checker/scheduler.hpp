// The Scheduler: the one place where a search decides what runs next. The
// engine asks it only when two or more tasks are enabled; those answers are the
// decisions of an execution, and replaying them reproduces it exactly.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "checker/hash.hpp"
#include "checker/types.hpp"
#include "checker/visited.hpp"

namespace wakecheck {

class Execution;

// What the engine knows at a decision point.
struct Decision {
  std::span<const TaskId> enabled;  // ascending, at least two
  const Fingerprint& state;         // fingerprint of the global state here
  TaskId previous;                  // the task that performed the last operation (kNoTask: none)
  std::uint32_t step;               // scheduling points taken so far in this execution
};

class Scheduler {
 public:
  virtual ~Scheduler() = default;

  // Starts the next execution; false when the strategy has nothing left to run.
  virtual bool begin_execution() = 0;

  // The execution about to run under this scheduler (Execution::run calls it
  // first). A strategy that reads what each step did (its trace entries) keeps
  // it until end_execution(); the others ignore it.
  virtual void attach(const Execution& /*ex*/) {}

  // Picks one of d.enabled. nullopt cuts the execution short: its future was explored.
  virtual std::optional<TaskId> pick_task(const Decision& d) = 0;

  // The execution ended (or was cut); a systematic strategy backtracks here.
  virtual void end_execution() = 0;

  // True when a systematic strategy has covered every execution it promises.
  virtual bool exhausted() const { return false; }

  // True for a strategy whose cache may hold one state per class of
  // renamings of interchangeable tasks (its future from a state depends on
  // nothing but the state).
  virtual bool caches_states() const { return false; }

  // Distinct states remembered by a stateful strategy (0 when it keeps none).
  virtual std::uint64_t states() const { return 0; }

  // Estimated fraction (0..1) of its tree a systematic strategy has explored
  // so far, for progress displays only; negative when it can give none.
  virtual double covered() const { return -1; }

  // What the search covered, in words a person can check ("every schedule
  // with at most 2 preemptions"); empty when there is nothing to add.
  virtual std::string coverage() const { return ""; }

  // Why the strategy stopped an execution on its own (a replay that diverged,
  // a model that is not deterministic); empty when it did not.
  virtual const std::string& problem() const;

  // ok, or why the strategy's visited set stopped it (StrategyOptions::memory).
  virtual MemoryVerdict memory() const { return MemoryVerdict::ok; }

  // A search split into seeded chunks (checker/parallel.hpp) runs one
  // scheduler per chunk; the first chunk's is told how many executions all
  // of them ran, so that coverage() speaks for the whole search.
  virtual void set_total_executions(std::uint64_t) {}
};

// The problem a systematic strategy reports when re-running a prefix met a
// different number of enabled tasks at decision `decision` (1-based).
std::string nondeterministic(std::size_t decision, std::uint32_t before, std::uint32_t now);

// A decision of a path from the root of the decision tree: how many choices
// there were, and the index of the one taken.
struct PrefixStep {
  std::uint32_t options;
  std::uint32_t chosen;
  bool operator==(const PrefixStep&) const = default;
};

struct StrategyOptions {
  std::uint64_t seed = 1;       // random, pct
  bool state_caching = true;    // dfs, pb, db
  std::uint32_t bound = 2;      // pb: preemptions; db: delays
  std::uint32_t pct_depth = 3;  // pct: the bug depth d it targets
  // dfs: search only the subtree below this path (a work unit: checker/parallel.hpp).
  std::vector<PrefixStep> root = {};
  // dfs, pb, db: where the visited set takes its memory from (nullptr: no limit).
  MemoryBudget* memory = nullptr;
  // dfs: the visited set the work units of a search share (nullptr: its own).
  StateSet* shared_states = nullptr;
};

}  // namespace wakecheck
