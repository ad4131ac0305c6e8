#include "checker/event.hpp"

namespace wakecheck {

const char* op_kind_name(OpKind kind) {
  switch (kind) {
    case OpKind::TaskExit:
      return "exit";
    case OpKind::LockAcquire:
      return "lock";
    case OpKind::LockRelease:
      return "unlock";
    case OpKind::LockTry:
      return "trylock";
    case OpKind::Read:
      return "read";
    case OpKind::Write:
      return "write";
    case OpKind::AtomicRead:
      return "atomic-read";
    case OpKind::AtomicWrite:
      return "atomic-write";
    case OpKind::SetState:
      return "set-state";
    case OpKind::Schedule:
      return "schedule";
    case OpKind::Resume:
      return "resume";
    case OpKind::WaitQueueAdd:
      return "wq-add";
    case OpKind::WaitQueueRemove:
      return "wq-remove";
    case OpKind::WaitQueueActive:
      return "wq-active";
    case OpKind::WakeUp:
      return "wake-up";
    case OpKind::Wake:
      return "wake";
    case OpKind::WakeMiss:
      return "wake-miss";
    case OpKind::LockWait:
      return "lock-wait";
    case OpKind::WastedWakeup:
      return "wasted-wakeup";
    case OpKind::GuestEnter:
      return "guest-enter";
    case OpKind::GuestLeave:
      return "guest-leave";
    case OpKind::Note:
      return "note";
  }
  return "?";
}

const char* wake_event_word(WakeEvent e) {
  switch (e) {
    case WakeEvent::None:
      return "run";
    case WakeEvent::Timer:
      return "timer";
    case WakeEvent::Signal:
      return "signal";
    case WakeEvent::Spurious:
      return "spurious";
    case WakeEvent::Fail:
      return "fail";
  }
  return "?";
}

const char* object_kind_name(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::Task:
      return "task";
    case ObjectKind::Spinlock:
      return "spinlock";
    case ObjectKind::Mutex:
      return "mutex";
    case ObjectKind::WaitQueue:
      return "wait queue";
    case ObjectKind::Variable:
      return "variable";
    case ObjectKind::Container:
      return "container";
    case ObjectKind::Ledger:
      return "ledger";
  }
  return "?";
}

}  // namespace wakecheck
