#include "model/assert.hpp"

#include <fmt/format.h>

#include "checker/diagnose.hpp"
#include "checker/execution.hpp"

namespace wakecheck {

void wc_assert(task_struct* current, bool condition, std::string_view what, SourceLoc loc) {
  wc_assert(*current->k, condition, what, loc);
}

void wc_assert(kernel& k, bool condition, std::string_view what, SourceLoc loc) {
  if (condition) return;
  Execution& ex = k.ex();
  Finding f = finding_here(ex, FindingKind::Invariant, ex.current(), kNoObject);
  f.summary = fmt::format("assertion failed: {}", what);
  f.explanation = fmt::format("  asserted at {}\n", where(loc));
  // Outside a task (at_end) there is no task to stop: the finding ends the execution.
  if (ex.current() == kNoTask)
    ex.raise(std::move(f));
  else
    ex.fail(std::move(f));
}

}  // namespace wakecheck
