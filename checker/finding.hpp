// What the checker reports. One enum, one record, one table of names: a
// finding kind is defined here and nowhere else.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "checker/types.hpp"

namespace wakecheck {

enum class FindingKind : std::uint8_t {
  None,
  LostWakeup,     // nothing enabled; a task sleeps on a wait queue while work remains for it
  LeakedLock,     // a task finished holding a lock
  Deadlock,       // nothing enabled; tasks wait for locks (or sleep with nobody left to wake them)
  Invariant,      // the model's own invariant or delivery check failed
  SleepInAtomic,  // schedule() while holding a spinlock ("scheduling while atomic")
  BadUnlock,      // unlock of a lock the task does not hold
  Livelock,       // a fair cycle without progress: the state repeats, every task that could
                  // run on it ran (checker/cycle.hpp)
  ModelError,     // the model threw: a bug in the model, not a finding about the code under test
  DataRace,       // two accesses to guarded data, one a write, not ordered by a lock or a wake
  // More wasted wakeups than the scenario allows ([expect] max_wasted_wakeups):
  // raised by the verdict layer (cli/verdict.hpp) from the search's worst case.
  ThunderingHerd,
  BusyWait,  // an unfair cycle without progress: a task polls without sleeping while others starve
  // Not a finding: the engine's mark on an execution that hit max_steps without
  // repeating a state. The verdict layer makes it "inconclusive: step bound".
  // Has a name ("step-bound", for schedule files) but is not among
  // finding_names(), so no scenario can expect it.
  StepBound,
};

// The scenario-file spelling ("lost-wakeup", ...); StepBound is "step-bound".
const char* finding_name(FindingKind kind);
// Any name finding_name() gives, "step-bound" included (a schedule file's).
std::optional<FindingKind> finding_from_name(std::string_view name);
// The kinds a scenario may expect: every name but "step-bound".
std::span<const std::string_view> finding_names();

struct Finding {
  FindingKind kind = FindingKind::None;
  TaskId task = kNoTask;        // the task it is about: the sleeper, the leaker, ...
  ObjectId object = kNoObject;  // the wait queue, the lock, the variable
  std::uint32_t entry = 0;      // trace entry (1-based) where it shows; 0: at the end
  std::string summary;          // one line
  std::string explanation;      // further lines, each ending in '\n'
  // The entries that make the bug (1-based, inclusive; 0 when none): the
  // sleep_on window, the span a leaked lock was held, the missed wake to the sleep.
  std::uint32_t window_first = 0;
  std::uint32_t window_last = 0;

  explicit operator bool() const { return kind != FindingKind::None; }
};

}  // namespace wakecheck
