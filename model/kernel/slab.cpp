#include "model/kernel/slab.hpp"

#include <fmt/format.h>

#include <cstring>

#include "checker/diagnose.hpp"

namespace wakecheck {
namespace {

constexpr const char* kReturnsNull = "kmalloc returns NULL";

// The trace entry (0-based) of current's last failed allocation, or npos.
std::size_t last_failure(const Execution& ex, TaskId t) {
  const auto& trace = ex.trace();
  for (std::size_t i = trace.size(); i-- > 0;)
    if (trace[i].task == t && trace[i].kind == OpKind::Note &&
        std::strcmp(trace[i].label, kReturnsNull) == 0)
      return i;
  return std::string::npos;
}

}  // namespace

bool kmalloc_fails(task_struct* current, std::size_t, gfp_t flags, SourceLoc loc) {
  Execution& ex = current->k->ex();
  const bool atomic = !(flags & __GFP_DIRECT_RECLAIM);
  if (!ex.step_or_fail(OpKind::Note, current->obj, Access::None,
                       atomic ? "kmalloc(GFP_ATOMIC)" : "kmalloc(GFP_KERNEL, costly)", loc))
    return false;
  ex.record(OpKind::Note, current->obj, Access::None, kReturnsNull, loc);
  return true;
}

void null_dereference(task_struct* current, SourceLoc loc) {
  Execution& ex = current->k->ex();
  ex.record(OpKind::Note, current->obj, Access::None, "NULL pointer dereference", loc);
  Finding f = finding_here(ex, FindingKind::Invariant, current->pid, current->obj);
  f.summary =
      fmt::format("{} dereferences a NULL pointer at {} (BUG: kernel NULL pointer dereference)",
                  ex.task_name(current->pid), where(loc));
  const std::size_t failed = last_failure(ex, current->pid);
  if (failed != std::string::npos) {
    f.explanation = fmt::format(
        "  its kmalloc() at #{} ({}) failed and returned NULL; check the result and fail "
        "with -ENOMEM.\n",
        failed + 1, where(ex.trace()[failed].loc));
    f.window_first = static_cast<std::uint32_t>(failed + 1);
    f.window_last = f.entry;
  }
  ex.fail(std::move(f));
}

}  // namespace wakecheck
