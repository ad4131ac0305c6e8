// The Scheduler: the one place where a search decides what runs next. The
// engine asks it only when two or more tasks are enabled; those answers are the
// decisions of an execution, and replaying them reproduces it exactly.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "checker/hash.hpp"
#include "checker/types.hpp"

namespace wakecheck {

class Scheduler {
 public:
  virtual ~Scheduler() = default;

  // Starts the next execution; false when the strategy has nothing left to run.
  virtual bool begin_execution() = 0;

  // Picks one of `enabled` (ascending, at least two). `state` fingerprints the
  // global state here. nullopt cuts the execution short: its future was explored.
  virtual std::optional<TaskId> pick_task(std::span<const TaskId> enabled,
                                          const Fingerprint& state) = 0;

  // The execution ended (or was cut); a systematic strategy backtracks here.
  virtual void end_execution() = 0;

  // True when a systematic strategy has covered every execution it promises.
  virtual bool exhausted() const { return false; }

  // Distinct states remembered by a stateful strategy (0 when it keeps none).
  virtual std::uint64_t states() const { return 0; }

  // Why the strategy stopped an execution on its own (a replay that diverged,
  // a model that is not deterministic); empty when it did not.
  virtual const std::string& problem() const;
};

struct StrategyOptions {
  std::uint64_t seed = 1;     // random
  bool state_caching = true;  // dfs
};

}  // namespace wakecheck
