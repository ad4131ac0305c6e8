// Source-set dynamic partial-order reduction with sleep sets (Abdulla,
// Aronis, Jonsson & Sagonas, "Optimal dynamic partial order reduction",
// POPL 2014: Algorithm 1, "source-DPOR"): a stateless depth-first search that
// explores at least one execution of every Mazurkiewicz trace (every class of
// executions that differ only in the order of independent events,
// checker/event_graph.hpp), and usually about one.
//
// Each execution re-runs from the start, following the stack's prefix. When it
// ends, every race (two dependent events of different tasks with nothing
// between them) among its new events is reversed: at the decision before the
// first event, the search adds an initial of the sequence that runs the second
// event first (the events after the first that do not depend on it, then the
// second) unless one is there already. Sleep sets remember what was explored
// from a decision, and are passed down while the events that follow are
// independent of it; an execution whose every enabled choice sleeps is cut.
//
// Beyond the paper's model (every execution runs to its end, a process waits
// only for a lock):
//  - a lock acquisition races with the acquisition before it, not with the
//    release it waited for (it could not run before that release);
//  - a task that still waits for a lock when the execution ends raises the
//    same race, from its pending acquisition;
//  - an execution that stops at a finding stops every task: the event that
//    raised it is taken as dependent with every event, before and after, so
//    every task that could have run first from that decision is run there too;
//  - an environment event (the timer, a signal, a spurious wakeup) never
//    runs in the executions that go on without it: where a wake ends the
//    sleep it could have ended, it is added at the wake's decision; a signal
//    or a spurious wakeup is offered only while something else can run, so
//    the last event disables it: it is added at the last decision.
// Where a reversal's initial is not enabled at its decision (a dependency the
// trace does not show), every enabled choice is added there: sound, less
// reduction.
//
// What it preserves: everything that is the same in every execution of a
// trace: findings and their kinds, end states, wasted wakeups per execution
// (a task's own history and the wakes it got), the step bound. What it does
// not: state counts (it keeps no states), which execution of a trace is shown,
// and execution counts comparable to dfs's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/event_graph.hpp"
#include "checker/scheduler.hpp"

namespace wakecheck {

class DporScheduler final : public Scheduler {
 public:
  void attach(const Execution& ex) override { ex_ = &ex; }
  bool begin_execution() override;
  std::optional<TaskId> pick_task(const Decision& d) override;
  void end_execution() override;
  bool exhausted() const override { return done_; }
  std::string coverage() const override;
  const std::string& problem() const override { return problem_; }

  // Executions cut because every enabled choice was asleep (redundant).
  std::uint64_t sleep_blocked() const { return blocked_; }

 private:
  struct Node {
    std::uint32_t event;    // the graph's index of the event chosen here
    std::uint32_t enabled;  // its choices: enabled_[enabled, enabled + options)
    std::uint32_t options;
    std::uint32_t chosen;            // index of the choice being explored
    std::uint64_t backtrack;         // choices to explore (bit k: enabled_[enabled + k])
    std::uint64_t done;              // choices explored
    std::uint32_t sleep, sleep_end;  // its sleep set: sleep_[sleep, sleep_end)
    std::uint32_t footprints_end;    // footprints_ up to here belong to it and above
  };
  // A choice that need not be explored: the event it ran was explored from an
  // equivalent state, and nothing since depended on it.
  struct Asleep {
    TaskId id;
    std::uint32_t footprint, footprint_end;  // in footprints_
  };

  std::optional<TaskId> new_node(const Decision& d);
  std::uint64_t guest_choices(const Decision& d) const;
  std::optional<TaskId> replay_node(const Decision& d);
  void inherit_sleep(std::size_t parent);
  std::uint64_t asleep_mask(const Node& n) const;
  bool backtrack();
  void reverse_races();
  void disabled_events();
  void end_rules();
  void pending_acquisitions();
  void finding_races();
  void reverse(std::uint32_t i, std::size_t end, TaskId task, TaskId id,
               const std::uint32_t* clock);
  bool initial(std::uint32_t m, std::uint32_t i) const;
  int choice_index(const Node& n, TaskId id) const;

  const Execution* ex_ = nullptr;
  EventGraph graph_;
  std::vector<Node> nodes_;
  std::vector<TaskId> enabled_;
  std::vector<Asleep> sleep_;
  std::vector<ObjectAccess> footprints_;
  std::vector<std::uint8_t> seen_;  // per task, while walking a reversal
  std::vector<std::uint32_t> zero_clock_;
  std::size_t depth_ = 0;
  std::size_t first_new_ = 0;  // first event of this execution not in the last one
  TaskId pick_ = kNoTask;      // the choice whose event the graph has not read yet
  std::uint32_t pick_node_ = kNoEvent;
  bool started_ = false;
  bool done_ = false;
  std::uint64_t blocked_ = 0;
  std::string problem_;
};

}  // namespace wakecheck
