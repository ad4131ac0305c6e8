// The human trace of one execution: the finding and its explanation, every
// operation numbered with its task and source line, then the final state.
// Deterministic: the same ExecutionRecord gives the same bytes.
#pragma once

#include <string>

#include "checker/trace.hpp"

namespace wakecheck {

struct ScenarioIdentity {
  std::string name;
  std::string path;
};

std::string format_trace(const ExecutionRecord& record, const ScenarioIdentity& scenario);
// One operation as the trace prints it, without number, task or location.
std::string describe_entry(const ExecutionRecord& record, const TraceEntry& e);

}  // namespace wakecheck
