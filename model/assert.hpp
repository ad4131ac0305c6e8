// Assertions in model code. A failed one is an `invariant` finding at the
// assertion's source line; in a task it also stops that task for good.
//
//   WC_ASSERT(current, q->len.peek() <= q->max);        // in a task
//   WC_ASSERT(k, delivered == expected);                 // in at_end(kernel& k)
//   wc_assert(current, ok, "the item came back twice");  // with words of your own
#pragma once

#include <string_view>

#include "model/kernel/sched.hpp"

namespace wakecheck {

// In task code: `current` is the running task.
void wc_assert(task_struct* current, bool condition, std::string_view what,
               SourceLoc loc = SourceLoc::current());
// Anywhere the model has its kernel (at_end; in a task too).
void wc_assert(kernel& k, bool condition, std::string_view what,
               SourceLoc loc = SourceLoc::current());

}  // namespace wakecheck

// The one macro: it only adds the condition's text as the finding's words.
#define WC_ASSERT(where, ...) \
  ::wakecheck::wc_assert((where), static_cast<bool>(__VA_ARGS__), #__VA_ARGS__)
