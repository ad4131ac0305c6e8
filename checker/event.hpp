// The one vocabulary of operations that the engine records, the detectors read
// and the reports print. The engine gives kernel meaning to none of them beyond
// what is written here: locks exclude, a sleeping task is not enabled.
#pragma once

#include <cstdint>

#include "checker/types.hpp"

namespace wakecheck {

enum class OpKind : std::uint8_t {
  TaskExit,  // a: the task's return value
  // object: lock. Scheduling point; enabled only while the lock is free, except
  // for a fair lock: a: kLockQueued, it was held and the task took a ticket
  // (then waits in its queue); kLockHandedOff, the release handed it over.
  LockAcquire,
  LockRelease,   // object: lock
  LockTry,       // object: lock. Scheduling point, always enabled. a: 1 if it took the lock
  Read,          // plain shared data, not a scheduling point. a: value read
  Write,         // plain shared data, not a scheduling point. a: value written
  AtomicRead,    // a: value read
  AtomicWrite,   // a: value written
  SetState,      // object: the task. a: new task state (model's encoding)
  Schedule,      // object: the task. a: 1 when the task went to sleep, 0 when it returned at once
  Resume,        // object: the task. The sleeper runs again after being woken
  WaitQueueAdd,  // object: wait queue. a: 1 if exclusive, b: the task enqueued
  WaitQueueRemove,  // object: wait queue. b: the task dequeued
  WaitQueueActive,  // object: wait queue. Unlocked emptiness test. a: 1 if it had waiters
  WakeUp,           // object: wait queue. a: tasks woken, b: entries looked at
  Wake,             // object: the woken task. b: its TaskId. One per task a wake made runnable
  // object: a task a wake looked at and left as it was (its state did not match
  // the wake's mode). a: its state; b: its TaskId; label says why.
  WakeMiss,
  // object: a wait queue. A task woken from it found nothing to do and waits
  // again (a wasted wakeup). a: the trace entry (1-based) of the Wake; b: the task.
  WastedWakeup,
  // object: the lock a task still waits for when the execution ends (it never
  // got it). Recorded at the end so that the trace shows every blocked acquisition.
  LockWait,
  // object: the host task's object. A guest task (Execution::set_host) starts
  // running on its host's processor: a scheduling point; b: the host.
  GuestEnter,
  // object: the host task's object. The guest is done; the host may run again. b: the host.
  GuestLeave,
  Note,  // a model's remark in the trace (label says it), not an operation
};

// A LockAcquire's result (entry.a) on a fair lock; 0: it took a free lock.
inline constexpr std::int64_t kLockQueued = 1;
inline constexpr std::int64_t kLockHandedOff = 2;

// What an operation does to its object; kept on every record for the coming
// partial-order reduction and race detection.
enum class Access : std::uint8_t { None, Read, Write, ReadWrite };

enum class ObjectKind : std::uint8_t {
  Task,
  Spinlock,
  Mutex,  // a sleeping lock: holding it across schedule() is allowed
  WaitQueue,
  Variable,
  Container,
  Ledger,
};

// Objects the engine's lock(), unlock() and try_lock() work on.
inline bool is_lock(ObjectKind k) {
  return k == ObjectKind::Spinlock || k == ObjectKind::Mutex;
}

const char* op_kind_name(OpKind kind);
const char* object_kind_name(ObjectKind kind);

// True for operations that a sleeping-task detector reads as "enqueued on a wait queue".
inline bool is_wait_queue_op(OpKind k) {
  return k == OpKind::WaitQueueAdd || k == OpKind::WaitQueueRemove ||
         k == OpKind::WaitQueueActive || k == OpKind::WakeUp;
}

}  // namespace wakecheck
