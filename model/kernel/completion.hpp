// struct completion (include/linux/completion.h, kernel/sched/completion.c):
// a count of done events and a queue of exclusive waiters under its lock.
//
// clang-format off
// | Linux rule                                                   | test (tests/kernel_primitives_test.cpp, *: tests/sleep_forms_test.cpp) |
// |--------------------------------------------------------------|------------------------------------------|
// | complete(): done++ (unless complete_all), wake one waiter     | CompleteWakesOneWaiterAndCountsTheRest   |
// | complete_all(): done = UINT_MAX, wake every waiter            | CompleteAllReleasesEveryWaiterForGood    |
// | wait_for_completion(): might_sleep(); sleep (exclusive, at    | WaitForCompletionUnderASpinlockIsFound   |
// |   the tail) while done == 0; then done-- unless UINT_MAX      |                                          |
// | a complete() before the wait is not lost: done remembers it   | CompleteBeforeWaitIsNotLost              |
// | try_wait_for_completion(): done-- if done, never sleeps       | TryWaitForCompletionNeverSleeps          |
// | _interruptible: -ERESTARTSYS on a signal, else 0              | CompletionInterruptibleReturnsErestartsys* |
// | _killable: TASK_KILLABLE, -ERESTARTSYS only on SIGKILL        | CompletionKillableIgnoresAPlainSignal*   |
// | _timeout: 0 when the time ran out, else what is left (>= 1)   | CompletionTimeoutReturnsZeroWhenItExpires* |
// clang-format on
#pragma once

#include <climits>
#include <string>

#include "checker/shared.hpp"
#include "model/kernel/wait.hpp"

namespace wakecheck {

struct completion {
  completion(kernel& k, std::string name)
      : wait(k, name), done(k.ex(), name + ".done", 0, wait.lock.id) {}
  wait_queue_head wait;
  shared_var done;  // guarded by wait.lock; UINT_MAX after complete_all()
};

inline constexpr std::int64_t kCompleteAll = UINT_MAX;

void complete(completion* x, SourceLoc loc = SourceLoc::current());
void complete_all(completion* x, SourceLoc loc = SourceLoc::current());
void wait_for_completion(completion* x, SourceLoc loc = SourceLoc::current());
// 0, or -ERESTARTSYS when a signal ended the wait.
int wait_for_completion_interruptible(completion* x, SourceLoc loc = SourceLoc::current());
// 0, or -ERESTARTSYS when SIGKILL ended the wait.
int wait_for_completion_killable(completion* x, SourceLoc loc = SourceLoc::current());
// 0 when it timed out, else the time left (at least 1).
unsigned long wait_for_completion_timeout(completion* x, unsigned long timeout,
                                          SourceLoc loc = SourceLoc::current());
// -ERESTARTSYS, 0 when it timed out, else the time left (at least 1).
long wait_for_completion_interruptible_timeout(completion* x, unsigned long timeout,
                                               SourceLoc loc = SourceLoc::current());
// true when it consumed a done event; never sleeps.
bool try_wait_for_completion(completion* x, SourceLoc loc = SourceLoc::current());
// true when no waiter would have to sleep (done > 0); an unlocked look.
bool completion_done(completion* x, SourceLoc loc = SourceLoc::current());

}  // namespace wakecheck
