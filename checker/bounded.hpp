// Iterative context bounding: every schedule with at most k preemptions
// (Musuvathi & Qadeer, "Iterative context bounding for systematic testing of
// multithreaded programs", PLDI 2007), or at most k delays of a round-robin
// scheduler (Emmi, Qadeer & Rakamaric, "Delay-bounded scheduling", POPL 2011),
// for k = 0, 1, ..., bound: the simplest schedules, where most bugs are, first.
//
// A depth-first search over decisions whose alternatives are ranked by their
// cost (rank 0 costs nothing: keep running the previous task, or the next in
// round-robin order); an alternative whose cost would exceed the budget is not
// taken. With state caching a state is keyed together with the budget already
// spent, so a state reached with more budget left is explored again.
//
// If an iteration never had to skip an alternative, no schedule exceeds its
// budget: the search then covered every schedule and says so.
#pragma once

#include <string>
#include <vector>

#include "checker/scheduler.hpp"
#include "checker/visited.hpp"

namespace wakecheck {

class BoundedScheduler final : public Scheduler {
 public:
  enum class Measure { preemptions, delays };
  BoundedScheduler(Measure measure, std::uint32_t bound, bool state_caching,
                   MemoryBudget* memory = nullptr)
      : measure_(measure), bound_(bound), caching_(state_caching), visited_(memory) {}

  bool begin_execution() override;
  std::optional<TaskId> pick_task(const Decision& d) override;
  void end_execution() override;
  bool exhausted() const override { return done_; }
  std::uint64_t states() const override { return states_ + visited_.size(); }
  std::string coverage() const override;
  const std::string& problem() const override { return problem_; }
  MemoryVerdict memory() const override { return visited_.stopped(); }

 private:
  struct Node {
    std::uint32_t options;  // enabled tasks at this decision
    std::uint32_t rank;     // the alternative taken, in cost order
    std::uint32_t spent;    // budget spent before this decision
    bool free;              // preemptions: the previous task could not go on, switching is free
  };
  // The task of rank `rank` at decision `d` (a fixed order for given d).
  TaskId ranked(const Decision& d, std::uint32_t rank) const;
  std::uint32_t cost(const Node& node, std::uint32_t rank) const;
  // Moves the deepest node to its next alternative within the budget, popping
  // nodes that have none; false when the tree is done.
  bool backtrack();
  void next_iteration();

  Measure measure_;
  std::uint32_t bound_;
  bool caching_;
  std::uint32_t budget_ = 0;  // this iteration's k
  std::vector<Node> stack_;
  std::size_t depth_ = 0;
  std::uint32_t spent_ = 0;
  bool skipped_ = false;  // this iteration left an alternative out for the budget
  bool done_ = false;
  bool unbounded_ = false;    // an iteration skipped nothing: every schedule was covered
  std::uint64_t states_ = 0;  // states of earlier iterations
  VisitedSet visited_;
  std::string problem_;
};

}  // namespace wakecheck
