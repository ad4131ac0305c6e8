#include "model/kernel/kthread.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <utility>

#include "checker/diagnose.hpp"

namespace wakecheck {
namespace {

// kthread_stop() of the calling thread: wait_for_completion() of its own exit.
[[noreturn]] void stop_of_itself(task_struct* current, SourceLoc loc) {
  Execution& ex = current->k->ex();
  ex.record(OpKind::Note, current->obj, Access::None, "kthread_stop(current)", loc);
  Finding f = finding_here(ex, FindingKind::Deadlock, current->pid, current->obj);
  f.summary = fmt::format("{} calls kthread_stop() on itself: it waits for its own exit",
                          ex.task_name(current->pid));
  f.explanation =
      fmt::format("  at {}. A thread stops by returning from its function.\n", where(loc));
  ex.fail(std::move(f));
}

}  // namespace

bool kthread_should_stop(task_struct* current, SourceLoc loc) {
  const bool stop = current->should_stop;
  current->k->ex()
      .record(OpKind::Read, current->obj, Access::Read, "kthread_should_stop", loc)
      .result(stop ? 1 : 0);
  return stop;
}

int kthread_stop(task_struct* k, SourceLoc loc) {
  task_struct* current = k->k->current();
  if (k == current) stop_of_itself(current, loc);
  might_sleep(current, "kthread_stop", loc);
  Execution& ex = current->k->ex();
  ex.step(OpKind::Write, k->obj, Access::Write, "kthread_stop: set_bit(KTHREAD_SHOULD_STOP)", loc);
  kthread_set_should_stop(k);
  // kthread_unpark(k): its test of KTHREAD_SHOULD_PARK goes with the set_bit
  // above (no scheduling point of its own, so models that never park keep
  // their counts); a parked thread is unparked with its own steps.
  if (k->should_park) kthread_unpark(k, loc);
  wake_up_process(k, loc);
  // wait_for_completion(&kthread->exited): the test comes after the state is
  // set, and kthread_exited() wakes the stopper, so the exit is never missed.
  for (;;) {
    set_current_state(current, TASK_UNINTERRUPTIBLE, loc);
    ex.record(OpKind::Read, k->obj, Access::Read, "kthread_stop: exited?", loc)
        .result(k->exited ? 1 : 0);
    if (k->exited) break;
    k->stopper = current;
    schedule(current, loc);
  }
  __set_current_state(current, TASK_RUNNING, loc);
  return k->result;
}

bool kthread_should_park(task_struct* current, SourceLoc loc) {
  const bool park = current->should_park;
  current->k->ex()
      .record(OpKind::Read, current->obj, Access::Read, "kthread_should_park", loc)
      .result(park ? 1 : 0);
  return park;
}

// __kthread_parkme(): the state is set before the test, and kthread_unpark()
// clears the bit before its wake, so an unpark is never missed.
void kthread_parkme(task_struct* current, SourceLoc loc) {
  Execution& ex = current->k->ex();
  for (;;) {
    set_current_state(current, TASK_PARKED, loc);
    if (!kthread_should_park(current, loc)) break;
    // complete(&self->parked)
    kthread_set_park(current, true, true);
    if (current->parker != nullptr) {
      ex.record(OpKind::Note, current->obj, Access::None, "complete(&kthread->parked)", loc);
      try_to_wake_up(std::exchange(current->parker, nullptr), TASK_NORMAL, loc);
    }
    schedule(current, loc);
  }
  __set_current_state(current, TASK_RUNNING, loc);
}

int kthread_park(task_struct* k, SourceLoc loc) {
  task_struct* current = k->k->current();
  Execution& ex = current->k->ex();
  ex.step(OpKind::Read, k->obj, Access::Read, "kthread_park: flags", loc)
      .result(k->exited        ? 2
              : k->should_park ? 1
                               : 0);
  if (k->exited) return -ENOSYS;      // WARN_ON(k->flags & PF_EXITING)
  if (k->should_park) return -EBUSY;  // WARN_ON_ONCE(test_bit(KTHREAD_SHOULD_PARK))
  if (k != current) might_sleep(current, "kthread_park", loc);
  ex.record(OpKind::Write, k->obj, Access::Write, "kthread_park: set_bit(KTHREAD_SHOULD_PARK)",
            loc);
  kthread_set_park(k, true, false);
  if (k == current) return 0;
  wake_up_process(k, loc);
  // wait_for_completion(&kthread->parked)
  for (;;) {
    set_current_state(current, TASK_UNINTERRUPTIBLE, loc);
    ex.record(OpKind::Read, k->obj, Access::Read, "kthread_park: parked?", loc)
        .result(k->park_done ? 1 : 0);
    if (k->park_done) break;
    k->parker = current;
    schedule(current, loc);
  }
  __set_current_state(current, TASK_RUNNING, loc);
  return 0;
}

void kthread_unpark(task_struct* k, SourceLoc loc) {
  Execution& ex = k->k->ex();
  ex.step(OpKind::Read, k->obj, Access::Read, "kthread_unpark: KTHREAD_SHOULD_PARK", loc)
      .result(k->should_park ? 1 : 0);
  if (!k->should_park) return;
  ex.record(OpKind::Write, k->obj, Access::Write, "kthread_unpark: clear_bit(KTHREAD_SHOULD_PARK)",
            loc);
  kthread_set_park(k, false, false);  // and reinit_completion(&kthread->parked)
  wake_up_state(k, TASK_PARKED, loc);
}

int kthread_first_run(task_struct* self, const std::function<int(task_struct*)>& fn) {
  const SourceLoc loc = SourceLoc::current();
  // kthread(): in TASK_UNINTERRUPTIBLE since its creation (spawn_kthread),
  // it waits for a wake-up (one before this schedule() makes it return at once).
  schedule(self, loc);
  if (kthread_should_stop(self, loc)) return -EINTR;
  kthread_parkme(self, loc);
  return fn(self);
}

void kthread_exited(task_struct* p, int result) {
  p->exited = true;
  p->result = result;
  if (p->stopper != nullptr) try_to_wake_up(p->stopper, TASK_NORMAL, SourceLoc::current());
}

}  // namespace wakecheck
