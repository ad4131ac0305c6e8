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

// Where model code performed an operation. Captured by default arguments at the
// facade functions (spin_lock, wake_up, ...), never by macros in user code.
using SourceLoc = std::source_location;

}  // namespace wakecheck
