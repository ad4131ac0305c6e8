#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>

#include <array>
#include <ostream>
#include <string_view>

#include "cli/commands.hpp"
#include "scenarios/did_you_mean.hpp"

namespace wakecheck {
namespace {

struct Explanation {
  FindingKind kind;
  std::string_view meaning;
  std::string_view fix;
};

// Every finding kind but none, in FindingKind order.
constexpr std::array<Explanation, 11> kExplanations = {{
    {FindingKind::LostWakeup,
     "nothing can run, and a task sleeps on a wait queue while work remains for it: the wake_up "
     "that should have woken it came before it was on the queue, or woke someone else. When the "
     "wake fell between the sleeper's condition test and its enqueue, it is a sleep_on race.",
     "enqueue before testing: prepare_to_wait(); test the condition; schedule(); finish_wait() "
     "(or wait_event()), with the waker's change and wake under the same lock; wake on every "
     "change a sleeper waits for, not only on the first."},
    {FindingKind::LeakedLock, "a task returned while still holding a lock.",
     "release the lock on every return path (the early returns first)."},
    {FindingKind::Deadlock,
     "tasks wait for locks that are never released (or a task takes a spinlock it holds), or "
     "every remaining task sleeps with nobody left to wake it.",
     "take locks in one global order; never sleep holding a lock a waker needs."},
    {FindingKind::Invariant,
     "the model's own check failed: an item delivered twice or never, out of FIFO order, len "
     "outside 0..max, a wait_queue_entry left queued when its task returned, or a WC_ASSERT.",
     "read the trace's window: the operations that broke it are marked '|'."},
    {FindingKind::SleepInAtomic, "schedule() (or something that may sleep) under a spinlock.",
     "drop the spinlock before sleeping: prepare_to_wait(); spin_unlock(); schedule()."},
    {FindingKind::BadUnlock, "a task unlocked a lock it does not hold.",
     "pair every unlock with the lock the same task took."},
    {FindingKind::Livelock,
     "the execution came back to a state it was in, with no progress in between (no task "
     "finished, no work moved), and every task that could run on that cycle ran in it: no fair "
     "scheduler leaves it, the tasks run forever and get nowhere. The trace ends where the cycle "
     "closes; the explanation lists its operations. (An execution that only hits max_steps "
     "without repeating a state is not a finding but an inconclusive run: step bound.)",
     "make each round change something that ends it: back off asymmetrically or take locks in "
     "one order so one side wins, or sleep until another task has done its part."},
    {FindingKind::ModelError,
     "a bug in the model, not in the code under test: it threw, called a kernel primitive "
     "outside a task, or is not deterministic (the same decisions met different tasks).",
     "make the model deterministic and keep kernel calls inside tasks."},
    {FindingKind::DataRace,
     "two accesses to data that declares its guarding lock, at least one a write, not ordered by "
     "that lock or a wake.",
     "take the declared lock around both accesses."},
    {FindingKind::ThunderingHerd,
     "one execution had more wasted wakeups than [expect] max_wasted_wakeups (or a queue's "
     "bound) allows. A wasted wakeup: a task woken from a wait queue finds its condition still "
     "false and waits again, having done nothing.",
     "wake one waiter per unit of work: exclusive waiters (prepare_to_wait_exclusive()) and "
     "wake_up() instead of wake_up_all(); or raise the bound if the "
     "waste is accepted."},
    {FindingKind::BusyWait,
     "a cycle back to an earlier state without progress in which a task keeps running without "
     "ever sleeping (lock, test, unlock, retry) while another task, the one that could change "
     "what it tests, could run and does not: the poller holds its CPU for as long as the "
     "scheduler lets it, forever on one that does not preempt it. The trace ends where the "
     "cycle closes; the explanation names the poller, the starved task and the loop's lines.",
     "sleep until the condition can have changed: prepare_to_wait(); test; schedule(); "
     "finish_wait() (or wait_event()), and wake_up() where it changes."},
}};

}  // namespace

int explain_command(const Console& io, const std::string& kind) {
  std::vector<std::string_view> names;
  for (const Explanation& e : kExplanations) {
    names.push_back(finding_name(e.kind));
    if (kind != finding_name(e.kind)) continue;
    fmt::print(io.out, "{}: {}\n\nfix: {}\n", kind, e.meaning, e.fix);
    return kExitMet;
  }
  const std::string guess = did_you_mean(kind, names);
  fmt::print(io.err, "wakecheck: unknown finding kind '{}'{} (one of: {})\n", kind,
             guess.empty() ? "" : "; did you mean '" + guess + "'?", fmt::join(names, ", "));
  return kExitBadInput;
}

}  // namespace wakecheck
