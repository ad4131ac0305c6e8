#pragma once

#include <fmt/format.h>

#include "checker/rng.hpp"
#include "checker/scheduler.hpp"

namespace wakecheck {

// Random walk: at every decision, a uniformly chosen enabled task. The seed
// fixes every decision of every execution, so a run can be repeated whole.
class RandomScheduler final : public Scheduler {
 public:
  explicit RandomScheduler(std::uint64_t seed) : seed_(seed), rng_(seed) {}

  bool begin_execution() override {
    ++walks_;
    return true;
  }
  std::optional<TaskId> pick_task(const Decision& d) override {
    return d.enabled[rng_.below(d.enabled.size())];
  }
  void end_execution() override {}
  void set_total_executions(std::uint64_t n) override { walks_ = n; }
  std::string coverage() const override {
    return fmt::format("{} uniformly random schedules (seed {})", walks_, seed_);
  }

 private:
  std::uint64_t seed_;
  SplitMix64 rng_;
  std::uint64_t walks_ = 0;
};

}  // namespace wakecheck
