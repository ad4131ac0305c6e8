#include "model/kernel/irq.hpp"

#include <fmt/format.h>

#include <utility>

#include "checker/diagnose.hpp"
#include "model/kernel/spinlock.hpp"

namespace wakecheck {
namespace {

// The task whose CPU the code runs on.
const task_struct* cpu_of(const task_struct* current) {
  return in_interrupt(current) ? current->irq_cpu : current;
}

// Sets the CPU's interrupt state. Recorded only when the model has a handler
// (nothing observes it otherwise); the entry's result is the new state, so
// the task's history tells the two apart. Turning them off is a scheduling
// point: a handler may fire just before it, after the task's last operation
// (turning them on needs none: the task's next operation is one).
void set_irqs(task_struct* current, bool disabled, const char* label, SourceLoc loc) {
  Execution& ex = current->k->ex();
  if (!current->k->has_irq_handlers()) return;
  const TaskId cpu = cpu_of(current)->pid;
  const bool was_disabled = !ex.admits_guests(cpu);
  OpRecord op = disabled && !was_disabled && !in_interrupt(current)
                    ? ex.step(OpKind::Note, current->obj, Access::None, label, loc)
                    : ex.record(OpKind::Note, current->obj, Access::None, label, loc);
  ex.admit_guests(cpu, !disabled);
  op.result(disabled ? 1 : 0);
}

[[noreturn]] void same_cpu_deadlock(spinlock_t* lock, task_struct* handler, const char* label,
                                    SourceLoc loc) {
  Execution& ex = handler->k->ex();
  const task_struct* victim = handler->irq_cpu;
  ex.record(OpKind::LockWait, lock->id, Access::None, label, loc).detail(victim->pid);
  const std::uint32_t taken = ex.lock_taken_at(lock->id);
  Finding f = finding_here(ex, FindingKind::Deadlock, handler->pid, lock->id);
  f.summary = fmt::format(
      "interrupt handler {} takes spinlock {}, which {} holds on the CPU it interrupted: "
      "same-CPU deadlock",
      ex.task_name(handler->pid), ex.object_name(lock->id), ex.task_name(victim->pid));
  f.explanation = fmt::format(
      "  {} took {} at #{} ({}) with interrupts enabled; the handler spins at {}, and {} cannot "
      "run to release it until the handler returns.\n"
      "  take {} with spin_lock_irqsave() or spin_lock_irq() where an interrupt handler also "
      "takes it.\n",
      ex.task_name(victim->pid), ex.object_name(lock->id), taken, where(ex.trace()[taken - 1].loc),
      where(loc), ex.task_name(victim->pid), ex.object_name(lock->id));
  f.window_first = taken;
  f.window_last = f.entry;
  ex.fail(std::move(f));
}

}  // namespace

// Each firing: the engine's guest entry (where it interrupts), the handler
// with interrupts off on that CPU, and the CPU's earlier state back on return.
task_struct* kernel::request_irq(std::string name, std::uint32_t group, task_struct* cpu, int fires,
                                 std::function<void(task_struct*)> handler, SourceLoc loc) {
  irq_handlers_ = true;
  task_struct* p = kthread_run(std::move(name), group,
                               [cpu, fires, h = std::move(handler), loc](task_struct* self) {
                                 Execution& ex = self->k->ex();
                                 for (int i = 0; i < fires; ++i) {
                                   ex.enter_guest("interrupt", loc);
                                   const bool was_on = ex.admits_guests(cpu->pid);
                                   ex.admit_guests(cpu->pid, false);
                                   h(self);
                                   ex.admit_guests(cpu->pid, was_on);
                                   ex.leave_guest("return from interrupt", loc);
                                 }
                                 return 0;
                               });
  p->irq_cpu = cpu;
  ex_->set_host(p->pid, cpu->pid);
  return p;
}

void local_irq_disable(task_struct* current, SourceLoc loc) {
  set_irqs(current, true, "local_irq_disable", loc);
}

void local_irq_enable(task_struct* current, SourceLoc loc) {
  set_irqs(current, false, "local_irq_enable", loc);
}

void local_irq_save(task_struct* current, unsigned long& flags, SourceLoc loc) {
  flags = irqs_disabled(current) ? 1 : 0;
  set_irqs(current, true, "local_irq_save", loc);
}

void local_irq_restore(task_struct* current, unsigned long flags, SourceLoc loc) {
  set_irqs(current, flags != 0, "local_irq_restore", loc);
}

bool irqs_disabled(const task_struct* current) {
  return !current->k->ex().admits_guests(cpu_of(current)->pid);
}

void irq_check_lock(spinlock_t* lock, const char* label, SourceLoc loc) {
  task_struct* current = lock->k->current();
  if (in_interrupt(current) && lock->ex->owner(lock->id) == current->irq_cpu->pid)
    same_cpu_deadlock(lock, current, label, loc);
}

}  // namespace wakecheck
