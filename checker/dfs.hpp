#pragma once

#include <vector>

#include "checker/scheduler.hpp"
#include "checker/visited.hpp"

namespace wakecheck {

// Exhaustive depth-first search over scheduling decisions, stateless (each
// execution re-runs from the start, following the stack's prefix), with state
// caching: a state first reached at a new node is remembered, and an execution
// that reaches a remembered state again is cut there.
//
// Soundness of the cut: a state's fingerprint covers every object's value and
// every task's status and history (its local state, since tasks are
// deterministic). When a state is first reached, this DFS goes on to try every
// enabled task there (the node's alternatives), so every state reachable from
// it is reached. Findings are properties of states, so none is lost.
class DfsScheduler final : public Scheduler {
 public:
  explicit DfsScheduler(bool state_caching, std::vector<PrefixStep> root = {},
                        MemoryBudget* memory = nullptr, StateSet* shared = nullptr);

  bool begin_execution() override;
  std::optional<TaskId> pick_task(const Decision& d) override;
  void end_execution() override;
  bool exhausted() const override { return done_; }
  // With a shared set: the states this search inserted first.
  std::uint64_t states() const override { return shared_ ? inserted_ : visited_.size(); }
  bool caches_states() const override { return caching_; }
  // The stack's alternatives done, each weighted as if every subtree at its
  // level were as large as the current one (Knuth's estimate, as GenMC's
  // estimation mode uses): exact for a uniform tree, and state caching's cuts
  // make the rest of the tree smaller than it estimates.
  double covered() const override;
  const std::string& problem() const override { return problem_; }
  MemoryVerdict memory() const override;

 private:
  bool first_visit(const Fingerprint& state, std::uint32_t options);

  using Node = PrefixStep;  // options: enabled tasks at this decision; chosen: index into them
  std::vector<Node> stack_;
  std::size_t root_ = 0;  // the first root_ nodes are fixed: the subtree's path
  std::size_t depth_ = 0;
  bool caching_;
  bool done_ = false;
  VisitedSet visited_;
  StateSet* shared_;
  std::uint64_t inserted_ = 0;
  std::string problem_;
};

}  // namespace wakecheck
