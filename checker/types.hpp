// Identifiers shared by the engine, the model and the reports.
#pragma once

#include <cstdint>
#include <limits>
#include <source_location>

namespace wakecheck {

// Tasks and objects are numbered in creation order within one execution, so the
// same program gives the same numbers in every execution and every process.
using TaskId = std::uint32_t;
using ObjectId = std::uint32_t;

inline constexpr TaskId kNoTask = std::numeric_limits<TaskId>::max();
inline constexpr ObjectId kNoObject = std::numeric_limits<ObjectId>::max();

// A decision picks a task to run, or an event of the environment that ends a
// sleeping task's sleep: its timer fires, a signal arrives, a spurious wakeup;
// or that makes the operation a running task stopped at fail (Execution::
// step_or_fail: the model says which operations may fail and what it means).
// An event is encoded above every task number (event_id), so the enabled list
// stays one ascending list of ids, and a schedule records it like a task pick.
enum class WakeEvent : std::uint8_t { None = 0, Timer = 1, Signal = 2, Spurious = 3, Fail = 4 };
inline constexpr unsigned kEventShift = 28;
constexpr TaskId event_id(TaskId t, WakeEvent e) {
  return t | static_cast<TaskId>(static_cast<TaskId>(e) << kEventShift);
}
constexpr TaskId task_of(TaskId id) {
  return id & ((TaskId{1} << kEventShift) - 1);
}
constexpr WakeEvent event_of(TaskId id) {
  return static_cast<WakeEvent>(id >> kEventShift);
}
// "run", "timer", "signal", "spurious", "fail": the schedule file's word for it.
const char* wake_event_word(WakeEvent e);

// Choices other than "which task runs": families a search may explore. Each is
// only offered where the model can observe it (a timer where a task sleeps
// with a timeout, a signal where it sleeps interruptibly).
struct ChoiceFamilies {
  bool timeouts = true;   // a sleep with a timeout may end by its timer
  bool signals = true;    // a signal may interrupt a TASK_INTERRUPTIBLE sleep (once per task)
  bool spurious = false;  // any sleep may end with a spurious wakeup (once per task)
  bool failures = false;  // an operation the model marks as fallible may fail (each time)
};

// Where model code performed an operation. Captured by default arguments at the
// facade functions (spin_lock, wake_up, ...), never by macros in user code.
using SourceLoc = std::source_location;

}  // namespace wakecheck
