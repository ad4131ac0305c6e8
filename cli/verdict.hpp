// The verdict layer: what a search's result means for a scenario. The engine
// reports findings and counts; here they meet the scenario's [expect]:
//  - wasted wakeups above [expect] max_wasted_wakeups (total or per wait
//    queue) are a thundering-herd finding, shown on the worst execution;
//  - a search that did not cover everything it promises answers "none" only
//    as INCONCLUSIVE, unless the scenario accepts a bounded search;
//  - the step bound (the engine's FindingKind::StepBound) is inconclusive, not
//    a finding: no state repeated, so nothing shows that the execution would
//    not have ended (a repeat is a livelock or busy-wait: checker/cycle.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checker/explorer.hpp"
#include "scenarios/scenario.hpp"

namespace wakecheck {

class Program;

enum class Verdict : std::uint8_t { Met, NotMet, Inconclusive };
// "met", "not-met", "inconclusive" (as report.json spells them).
const char* verdict_name(Verdict v);

// A wait queue of the model, as its setup creates it (ObjectIds are the same
// in every execution: setup is deterministic).
struct WaitQueueName {
  ObjectId id;
  std::string name;
};

// The wait queues `program` sets up, in creation order. A model that throws
// in its setup has none here: the search reports it as a model-error.
std::vector<WaitQueueName> wait_queues_of(Program& program);

// Throws ScenarioError ("path:line:column: unknown wait queue ...") for a
// [expect.max_wasted_wakeups_by_queue] key that names no wait queue.
void check_queue_bounds(const Scenario& s, const std::vector<WaitQueueName>& queues);

// The execution to show when a bound of `s` is exceeded, with its
// thundering-herd finding filled in; nullopt when every bound holds. The
// per-queue bounds are checked first, in file order, then the total.
std::optional<ExecutionRecord> herd_execution(const Scenario& s, const SearchResult& r);
// The same, made a whole execution: a search with state caching may have cut
// the worst one short at a state explored before; it is run again to its end
// (the recorded decisions, then the lowest enabled task), so its schedule
// replays to the end.
std::optional<ExecutionRecord> herd_execution(const Scenario& s, const SearchResult& r,
                                              Program& program);

// Why the search stopped: "finding", "exhausted", "max-executions",
// "step-bound", "problem" (the scheduler stopped: divergence, nondeterminism),
// "interrupted" (SIGINT/SIGTERM: cli/interrupt.hpp).
std::string stop_reason(const SearchResult& r);

}  // namespace wakecheck
