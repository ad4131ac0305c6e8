// A random walk that also sizes the decision tree: the product of the
// choices met along a random path is an unbiased estimate of the number of
// its leaves (Knuth, "Estimating the efficiency of backtrack programs", 1975),
// which is the number of executions plain DFS needs.
#pragma once

#include "checker/random.hpp"

namespace wakecheck::fuzz {

class SizingWalk final : public Scheduler {
 public:
  explicit SizingWalk(std::uint64_t seed) : random_(seed) {}
  bool begin_execution() override {
    product_ = 1;
    return true;
  }
  std::optional<TaskId> pick_task(const Decision& d) override {
    product_ *= static_cast<double>(d.enabled.size());
    return random_.pick_task(d);
  }
  void end_execution() override {
    sum_ += product_;
    ++walks_;
  }
  double sum() const { return sum_; }
  std::uint64_t walks() const { return walks_; }

 private:
  RandomScheduler random_;
  double product_ = 1;
  double sum_ = 0;
  std::uint64_t walks_ = 0;
};

}  // namespace wakecheck::fuzz
