// Builds each finding's explanation from the execution's trace: what happened,
// where, and (for lost wakeups) which wake missed the sleeper and why.
// Runs once per finding, never on the per-step path.
#pragma once

#include <string>

#include "checker/finding.hpp"
#include "checker/types.hpp"

namespace wakecheck {

class Execution;

// A finding of `kind` about `task` and `obj`, showing at the trace's last
// entry so far (the operation being performed); the caller writes its
// summary and explanation.
Finding finding_here(const Execution& ex, FindingKind kind, TaskId task, ObjectId obj);
Finding leaked_lock(const Execution& ex, TaskId task, ObjectId lock);
Finding recursive_lock(const Execution& ex, TaskId task, ObjectId lock);
Finding bad_unlock(const Execution& ex, TaskId task, ObjectId lock);
// The code under test took from an empty container or filled it past the
// capacity the model gave it (`what`: the operation, e.g. "list_del"). Names
// the current task's access and the last change to the container by another.
Finding container_misuse(const Execution& ex, ObjectId container, const char* what,
                         std::size_t capacity);
// The current task's access to guarded data `obj` races with an earlier
// access by `other` (trace entry `other_entry`, a write if `other_write`).
Finding data_race(const Execution& ex, ObjectId obj, TaskId other, std::uint32_t other_entry,
                  bool other_write);
// The execution hit max_steps without coming back to a state (checker/cycle.hpp):
// a FindingKind::StepBound, which the verdict layer calls inconclusive.
Finding step_bound(const Execution& ex, std::uint32_t max_steps);
Finding lost_wakeup(const Execution& ex, TaskId sleeper, ObjectId wq, const std::string& work);
// Nothing enabled, no lost wakeup: tasks wait for locks, or sleep with nobody to wake them.
Finding stuck(const Execution& ex);

// "model/queues/boundedq.cpp:42"
std::string where(const SourceLoc& loc);
// The final state of every task, then of every object the model can describe.
void describe_final_state(const Execution& ex, std::string& out);

}  // namespace wakecheck
