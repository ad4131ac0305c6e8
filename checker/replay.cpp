#include "checker/replay.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace wakecheck {

bool ReplayScheduler::begin_execution() {
  if (ran_) return false;
  ran_ = true;
  return true;
}

std::string ReplayScheduler::name(TaskId id) const {
  const TaskId t = task_of(id);
  const std::string task = t < names_.size() ? names_[t] : fmt::format("task {}", t);
  switch (event_of(id)) {
    case WakeEvent::None:
      return task;
    case WakeEvent::Timer:
      return "the timer of " + task;
    case WakeEvent::Signal:
      return "a signal to " + task;
    case WakeEvent::Spurious:
      return "a spurious wakeup of " + task;
    case WakeEvent::Fail:
      return "a failure of " + task + "'s operation";
  }
  return task;
}

std::optional<TaskId> ReplayScheduler::pick_task(const Decision& d) {
  const std::span<const TaskId> enabled = d.enabled;
  std::string enabled_names;
  for (TaskId t : enabled) enabled_names += (enabled_names.empty() ? "" : ", ") + name(t);
  if (next_ >= decisions_.size()) {
    problem_ = fmt::format(
        "diverged after decision {}: the schedule has no more decisions, but the execution goes "
        "on (enabled: {})",
        next_, enabled_names);
    return std::nullopt;
  }
  const TaskId want = decisions_[next_++];
  if (std::find(enabled.begin(), enabled.end(), want) == enabled.end()) {
    problem_ = fmt::format(
        "diverged at decision {}: the schedule says run {}, but it is not enabled here "
        "(enabled: {})",
        next_, name(want), enabled_names);
    return std::nullopt;
  }
  return want;
}

void ReplayScheduler::end_execution() {
  if (problem_.empty() && next_ < decisions_.size())
    problem_ =
        fmt::format("diverged: the execution ended after {} decisions, but the schedule has {}",
                    next_, decisions_.size());
}

}  // namespace wakecheck
