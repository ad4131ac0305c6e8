// trace.html: one execution as a timeline a person can read, in one
// self-contained file (inline CSS and script, nothing fetched). At the top the
// finding, its explanation and the replay command; below, one lane (column)
// per task and one row per operation in order, each with its source line.
// A lane is shaded while its task holds a lock and while it sleeps; a wake is
// an arrow from the waker's lane to the woken task's; the rows of the bug's
// window are highlighted. Deterministic: the same record gives the same bytes.
#pragma once

#include <string>

#include "checker/trace.hpp"
#include "reports/trace_report.hpp"

namespace wakecheck {

std::string format_html(const ExecutionRecord& record, const ScenarioIdentity& scenario,
                        const std::string& replay_command);

}  // namespace wakecheck
