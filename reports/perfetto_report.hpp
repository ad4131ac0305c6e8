// trace.perfetto.json: one execution in the Chrome trace-event format (loads
// in ui.perfetto.dev and chrome://tracing). Time is the operation's number:
// operation n spans [10n, 10n+10) microseconds. Per task a track (tid) with a
// slice per operation inside "running" slices and "sleeping on WQ" slices
// between them; a second track per task ("<task> locks") with a "holding
// LOCK" slice per critical section; flow events (arrows) from each wake to
// the task it woke. Deterministic: the same record gives the same bytes.
#pragma once

#include <string>

#include "checker/trace.hpp"
#include "reports/trace_report.hpp"

namespace wakecheck {

std::string format_perfetto(const ExecutionRecord& record, const ScenarioIdentity& scenario);

}  // namespace wakecheck
