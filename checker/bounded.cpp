#include "checker/bounded.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wakecheck {
namespace {

bool is_enabled(std::span<const TaskId> enabled, TaskId t) {
  return std::find(enabled.begin(), enabled.end(), t) != enabled.end();
}

// Index in `enabled` where a round-robin scheduler goes on after `previous`:
// previous itself if it can run, else the next task after it, cyclically.
std::size_t round_robin_start(std::span<const TaskId> enabled, TaskId previous) {
  if (previous == kNoTask) return 0;
  for (std::size_t i = 0; i < enabled.size(); ++i)
    if (enabled[i] >= previous) return i;
  return 0;
}

}  // namespace

TaskId BoundedScheduler::ranked(const Decision& d, std::uint32_t rank) const {
  const std::span<const TaskId> e = d.enabled;
  if (measure_ == Measure::delays) return e[(round_robin_start(e, d.previous) + rank) % e.size()];
  if (!is_enabled(e, d.previous)) return e[rank];
  if (rank == 0) return d.previous;
  // The others in ascending order, skipping the previous task.
  const std::size_t at =
      static_cast<std::size_t>(std::find(e.begin(), e.end(), d.previous) - e.begin());
  return e[rank - 1 < at ? rank - 1 : rank];
}

std::uint32_t BoundedScheduler::cost(const Node& node, std::uint32_t rank) const {
  if (measure_ == Measure::delays) return rank;
  return node.free || rank == 0 ? 0 : 1;
}

bool BoundedScheduler::begin_execution() {
  depth_ = 0;
  spent_ = 0;
  return !done_ && problem_.empty() && visited_.stopped() == MemoryVerdict::ok;
}

std::optional<TaskId> BoundedScheduler::pick_task(const Decision& d) {
  const auto options = static_cast<std::uint32_t>(d.enabled.size());
  if (depth_ < stack_.size()) {
    // Re-running the prefix: the same decisions must meet the same choices.
    const Node& node = stack_[depth_++];
    if (node.options != options) {
      problem_ = nondeterministic(depth_, node.options, options);
      return std::nullopt;
    }
    spent_ = node.spent + cost(node, node.rank);
    return ranked(d, node.rank);
  }
  if (caching_) {
    Fingerprint key = d.state;
    key.hi ^= mix64(0x62756467ULL + spent_);  // the same state with other budget left is another
    if (!visited_.insert(key)) return std::nullopt;
  }
  const bool free = measure_ == Measure::preemptions && !is_enabled(d.enabled, d.previous);
  stack_.push_back({options, 0, spent_, free});
  ++depth_;
  return ranked(d, 0);  // rank 0 costs nothing
}

bool BoundedScheduler::backtrack() {
  while (!stack_.empty()) {
    Node& node = stack_.back();
    for (std::uint32_t r = node.rank + 1; r < node.options; ++r) {
      if (node.spent + cost(node, r) <= budget_) {
        node.rank = r;
        return true;
      }
      skipped_ = true;
    }
    stack_.pop_back();
  }
  return false;
}

void BoundedScheduler::end_execution() {
  if (!problem_.empty() || visited_.stopped() != MemoryVerdict::ok) return;
  stack_.resize(depth_);
  if (backtrack()) return;
  next_iteration();
}

void BoundedScheduler::next_iteration() {
  if (!skipped_) unbounded_ = true;  // nothing was left out: every schedule is covered
  if (unbounded_ || budget_ >= bound_) {
    done_ = true;
    return;
  }
  ++budget_;
  skipped_ = false;
  states_ += visited_.size();
  visited_.clear();
}

std::string BoundedScheduler::coverage() const {
  const char* what = measure_ == Measure::preemptions ? "preemption" : "delay";
  if (unbounded_) return fmt::format("every schedule (none needs more than {} {}s)", budget_, what);
  if (!done_ && budget_ == 0) return fmt::format("part of the schedules with no {}", what);
  if (!done_)
    return fmt::format("every schedule with at most {} {}{}, and part of those with {}",
                       budget_ - 1, what, budget_ == 2 ? "" : "s", budget_);
  return fmt::format("every schedule with at most {} {}{}", budget_, what, budget_ == 1 ? "" : "s");
}

}  // namespace wakecheck
