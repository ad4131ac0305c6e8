// A visible operation (a kernel primitive, a shared-data access) where no task
// runs: in a model's constructor or at_end. There is no task to record it for
// or to stop, so it is the model's bug, thrown as one; the model's Program
// turns it into a model-error finding naming the operation and its line.
#pragma once

#include <fmt/format.h>

#include <stdexcept>

#include "checker/diagnose.hpp"
#include "checker/types.hpp"

namespace wakecheck {

[[noreturn]] inline void called_outside_a_task(const char* label, SourceLoc loc) {
  throw std::logic_error(fmt::format(
      "{} called outside a task, at {}: kernel primitives and shared-data accesses belong in "
      "task code, not in the model's constructor or at_end",
      label, where(loc)));
}

}  // namespace wakecheck
