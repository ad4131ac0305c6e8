#include "model/kernel/kthread.hpp"

#include <fmt/format.h>

#include "checker/diagnose.hpp"

namespace wakecheck {
namespace {

// kthread_stop() of the calling thread: wait_for_completion() of its own exit.
[[noreturn]] void stop_of_itself(task_struct* current, SourceLoc loc) {
  Execution& ex = current->k->ex();
  ex.record(OpKind::Note, current->obj, Access::None, "kthread_stop(current)", loc);
  Finding f{FindingKind::Deadlock,
            current->pid,
            current->obj,
            static_cast<std::uint32_t>(ex.trace().size()),
            "",
            ""};
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

void kthread_exited(task_struct* p, int result) {
  p->exited = true;
  p->result = result;
  if (p->stopper != nullptr) try_to_wake_up(p->stopper, TASK_NORMAL, SourceLoc::current());
}

}  // namespace wakecheck
