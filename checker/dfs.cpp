#include "checker/dfs.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wakecheck {

DfsScheduler::DfsScheduler(bool state_caching, std::vector<PrefixStep> root, MemoryBudget* memory,
                           StateSet* shared)
    : stack_(std::move(root)),
      root_(stack_.size()),
      caching_(state_caching),
      visited_(memory),
      shared_(shared) {}

MemoryVerdict DfsScheduler::memory() const {
  if (shared_ != nullptr && shared_->stopped()) return MemoryVerdict::over_budget;
  return visited_.stopped();
}

bool DfsScheduler::first_visit(const Fingerprint& state, std::uint32_t options) {
  if (shared_ == nullptr) return visited_.insert(state);
  if (!shared_->insert(state, options)) return false;
  ++inserted_;
  return true;
}

bool DfsScheduler::begin_execution() {
  depth_ = 0;
  return !done_ && problem_.empty() && memory() == MemoryVerdict::ok;
}

std::optional<TaskId> DfsScheduler::pick_task(const Decision& d) {
  const std::span<const TaskId> enabled = d.enabled;
  const auto options = static_cast<std::uint32_t>(enabled.size());
  if (depth_ < stack_.size()) {
    // Re-running the prefix: the same decisions must meet the same choices.
    const Node& node = stack_[depth_++];
    if (node.options != options) {
      problem_ = nondeterministic(depth_, node.options, options);
      return std::nullopt;
    }
    return enabled[node.chosen];
  }
  if (caching_ && !first_visit(d.state, options)) return std::nullopt;
  stack_.push_back({options, 0});
  ++depth_;
  return enabled[0];
}

double DfsScheduler::covered() const {
  if (done_) return 1;
  double done = 0, weight = 1;
  for (const Node& n : stack_) {
    done += weight * n.chosen / n.options;
    weight /= n.options;
  }
  return done;
}

void DfsScheduler::end_execution() {
  if (!problem_.empty() || memory() != MemoryVerdict::ok) return;
  stack_.resize(std::max(depth_, root_));
  while (stack_.size() > root_ && stack_.back().chosen + 1 >= stack_.back().options)
    stack_.pop_back();
  if (stack_.size() == root_)
    done_ = true;
  else
    ++stack_.back().chosen;
}

}  // namespace wakecheck
