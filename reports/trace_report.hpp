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
// For a terminal: a trace of more than kLongTrace operations cut to the
// finding and its explanation, the bug's window (its first and last 20 when
// longer), the last 20 operations and the final state, each gap counted, and
// where the whole trace is (`full`, e.g. the path of trace.txt). A shorter
// trace is format_trace()'s, whole.
inline constexpr std::size_t kLongTrace = 100;
std::string format_trace_summary(const ExecutionRecord& record, const ScenarioIdentity& scenario,
                                 const std::string& full);
// One operation as the trace prints it, without number, task or location.
std::string describe_entry(const ExecutionRecord& record, const TraceEntry& e);

}  // namespace wakecheck
