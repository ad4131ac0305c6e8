#include "checker/pct.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wakecheck {

bool PctScheduler::begin_execution() {
  longest_ = std::max(longest_, last_step_);
  ++executions_;
  std::fill(priorities_.begin(), priorities_.end(), 0);
  change_points_.clear();
  for (std::uint32_t i = 1; i < depth_; ++i)
    change_points_.push_back(1 + static_cast<std::uint32_t>(rng_.below(longest_)));
  std::sort(change_points_.begin(), change_points_.end());
  next_change_ = 0;
  last_step_ = 0;
  return true;
}

// Initial priorities are drawn when a task is first seen at a decision: above
// every change-point priority (1..d-1), distinct with overwhelming probability
// and, on a tie, ordered by task number.
std::uint64_t PctScheduler::priority(TaskId t) {
  if (t >= priorities_.size()) priorities_.resize(t + 1, 0);
  if (priorities_[t] == 0) priorities_[t] = depth_ + 1 + (rng_.next() >> 8);
  return priorities_[t];
}

std::optional<TaskId> PctScheduler::pick_task(const Decision& d) {
  last_step_ = d.step;
  // Change points passed since the last decision lower the task that ran.
  while (next_change_ < change_points_.size() && change_points_[next_change_] <= d.step) {
    if (d.previous != kNoTask) {
      priority(d.previous);
      priorities_[d.previous] = next_change_ + 1;  // the i-th change point: priority i
    }
    ++next_change_;
  }
  // An event (a timer, a signal) goes with its task's priority; on a tie the
  // task itself, listed first, wins.
  TaskId best = d.enabled.front();
  for (TaskId id : d.enabled)
    if (priority(task_of(id)) > priority(task_of(best))) best = id;
  return best;
}

std::string PctScheduler::coverage() const {
  return fmt::format(
      "{} PCT schedules of depth {} (seed {}); each finds a bug of depth {} with "
      "probability at least 1/(n k^{}) for n tasks and k steps",
      executions_, depth_, seed_, depth_, depth_ - 1);
}

}  // namespace wakecheck
