#pragma once

#include "checker/rng.hpp"
#include "checker/scheduler.hpp"

namespace wakecheck {

// Random walk: at every decision, a uniformly chosen enabled task. The seed
// fixes every decision of every execution, so a run can be repeated whole.
class RandomScheduler final : public Scheduler {
 public:
  explicit RandomScheduler(std::uint64_t seed) : rng_(seed) {}

  bool begin_execution() override { return true; }
  std::optional<TaskId> pick_task(std::span<const TaskId> enabled, const Fingerprint&) override {
    return enabled[rng_.below(enabled.size())];
  }
  void end_execution() override {}

 private:
  SplitMix64 rng_;
};

}  // namespace wakecheck
