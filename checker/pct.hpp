// PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi &
// Nagarakatte, "A randomized scheduler with probabilistic guarantees of
// finding bugs", ASPLOS 2010). Each execution gives the tasks random distinct
// priorities, all above d, and picks d-1 random change points among the steps;
// it always runs the enabled task of highest priority, and at the i-th change
// point the task that just ran drops to priority i. A bug of depth d (d
// ordering constraints) in a program of n tasks and k steps is found by one
// execution with probability at least 1/(n k^(d-1)).
//
// k is not known in advance: it is the longest execution seen so far (the
// first execution runs with the change points spread over 64 steps).
#pragma once

#include <string>
#include <vector>

#include "checker/rng.hpp"
#include "checker/scheduler.hpp"

namespace wakecheck {

class PctScheduler final : public Scheduler {
 public:
  PctScheduler(std::uint64_t seed, std::uint32_t depth)
      : seed_(seed), depth_(depth == 0 ? 1 : depth), rng_(seed) {}

  bool begin_execution() override;
  std::optional<TaskId> pick_task(const Decision& d) override;
  void end_execution() override {}
  void set_total_executions(std::uint64_t n) override { executions_ = n; }
  std::string coverage() const override;

 private:
  std::uint64_t priority(TaskId t);

  std::uint64_t seed_;
  std::uint32_t depth_;
  SplitMix64 rng_;
  std::uint32_t longest_ = 64;                // the estimate of k
  std::vector<std::uint64_t> priorities_;     // by task; 0: not drawn yet
  std::vector<std::uint32_t> change_points_;  // ascending steps
  std::size_t next_change_ = 0;
  std::uint32_t last_step_ = 0;
  std::uint64_t executions_ = 0;
};

}  // namespace wakecheck
