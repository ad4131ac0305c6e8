#pragma once

#include <vector>

#include "checker/scheduler.hpp"

namespace wakecheck {

// Replays one execution from its recorded decisions, and says exactly where
// the execution stopped matching them.
class ReplayScheduler final : public Scheduler {
 public:
  // `names` names the tasks in messages.
  ReplayScheduler(std::vector<TaskId> decisions, std::vector<std::string> names)
      : decisions_(std::move(decisions)), names_(std::move(names)) {}

  bool begin_execution() override;
  std::optional<TaskId> pick_task(const Decision& d) override;
  void end_execution() override;
  const std::string& problem() const override { return problem_; }

 private:
  std::string name(TaskId t) const;

  std::vector<TaskId> decisions_;
  std::vector<std::string> names_;
  std::size_t next_ = 0;
  bool ran_ = false;
  std::string problem_;
};

}  // namespace wakecheck
