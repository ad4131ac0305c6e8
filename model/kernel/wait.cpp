#include "model/kernel/wait.hpp"

#include <algorithm>
#include <cstddef>

#include <fmt/format.h>

#include "checker/diagnose.hpp"
#include "model/kernel/kthread.hpp"

namespace wakecheck {
namespace {

wait_queue_entry* entry_of(list_head* node) {
  return reinterpret_cast<wait_queue_entry*>(reinterpret_cast<char*>(node) -
                                             offsetof(wait_queue_entry, entry));
}

Execution& ex_of(wait_queue_head* wq) {
  return *wq->lock.ex;
}

// The queue's value: its entries in list order, each task as label[pid]
// (nullptr: as itself). Never pointers: ids only.
std::uint64_t queue_hash(const wait_queue_head* wq, const TaskId* label) {
  std::uint64_t h = 0;
  for (const list_head* n = wq->head.next; n != &wq->head; n = n->next) {
    const wait_queue_entry* e = entry_of(const_cast<list_head*>(n));
    const bool autoremove = e->func == autoremove_wake_function;
    const TaskId pid = label ? label[e->private_->pid] : e->private_->pid;
    h = fold(h, std::uint64_t{pid} << 8 | e->flags << 1 | (autoremove ? 1 : 0));
  }
  return h;
}

void rehash(wait_queue_head* wq) {
  ex_of(wq).set_hash(wq->id, queue_hash(wq, nullptr));
}

void describe_wait_queue(const void* self, const Execution& ex, std::string& out) {
  const auto* wq = static_cast<const wait_queue_head*>(self);
  if (wq->dangling_entry_of != kNoTask) {
    out += "holds a dangling entry of " + ex.task_name(wq->dangling_entry_of) +
           ", whose stack frame is gone";
    return;
  }
  if (list_empty(&wq->head)) {
    out += "no waiters";
    return;
  }
  const char* sep = "waiters ";
  for (list_head* n = wq->head.next; n != &wq->head; n = n->next) {
    const wait_queue_entry* e = entry_of(n);
    out += sep + ex.task_name(e->private_->pid);
    if (e->flags & WQ_FLAG_EXCLUSIVE) out += " (exclusive)";
    sep = ", ";
  }
}

void enqueue(wait_queue_head* wq, wait_queue_entry* e, bool tail, const char* label,
             SourceLoc loc) {
  if (tail)
    list_add_tail(&e->entry, &wq->head);
  else
    list_add(&e->entry, &wq->head);
  Execution& ex = ex_of(wq);
  ex.record(OpKind::WaitQueueAdd, wq->id, Access::Write, label, loc)
      .result((e->flags & WQ_FLAG_EXCLUSIVE) ? 1 : 0)
      .detail(e->private_->pid);
  ex.note_wait_queue(e->private_->pid, wq->id);
  e->private_->queued_on.push_back(wq);
  rehash(wq);
}

bool linked_on(const wait_queue_head* wq, const wait_queue_entry* e) {
  for (const list_head* n = wq->head.next; n != &wq->head; n = n->next)
    if (n == &e->entry) return true;
  return false;
}

// The queue e is linked on now, or nullptr. Its task's queued_on lists every
// queue one of its entries is on.
wait_queue_head* queue_of(const wait_queue_entry* e) {
  for (wait_queue_head* wq : e->private_->queued_on)
    if (linked_on(wq, e)) return wq;
  return nullptr;
}

// Removing an entry that list_del() poisoned, or one linked on another queue
// (under the wrong queue's lock), corrupts Linux's lists: a finding with the
// site, never a crash of the checker.
[[noreturn]] void misuse(wait_queue_head* wq, wait_queue_entry* e, const char* label,
                         const std::string& what, SourceLoc loc) {
  Execution& ex = ex_of(wq);
  const TaskId t = ex.current();
  Finding f = finding_here(ex, FindingKind::Invariant, t, wq->id);
  f.summary =
      fmt::format("{}: {} removes the wait_queue_entry of {} from {}, but {}", label,
                  ex.task_name(t), ex.task_name(e->private_->pid), ex.object_name(wq->id), what);
  f.explanation = fmt::format("  at {}\n", where(loc));
  ex.fail(std::move(f));
}

enum class unlink { init, poison };  // list_del_init() or list_del()

// Unlinks e from wq. An entry that is not linked at all (never added, or
// unlinked already by autoremove_wake_function) is left as it is: Linux's
// list_del of a self-linked entry changes nothing.
void dequeue(wait_queue_head* wq, wait_queue_entry* e, unlink how, const char* label,
             SourceLoc loc) {
  if (list_poisoned(&e->entry))
    misuse(wq, e, label, "list_del() removed it already and poisoned it (LIST_POISON1)", loc);
  if (e->entry.next == nullptr)
    misuse(wq, e, label,
           "it was never added: its list node is NULL (DECLARE_WAITQUEUE), and list_del() "
           "would dereference it",
           loc);
  if (list_empty(&e->entry)) {
    if (how == unlink::poison) list_del(&e->entry);
    return;
  }
  if (!linked_on(wq, e)) misuse(wq, e, label, "it is queued on another wait queue", loc);
  if (how == unlink::poison)
    list_del(&e->entry);
  else
    list_del_init(&e->entry);
  std::vector<wait_queue_head*>& queued = e->private_->queued_on;
  queued.erase(std::find(queued.begin(), queued.end(), wq));
  ex_of(wq)
      .record(OpKind::WaitQueueRemove, wq->id, Access::Write, label, loc)
      .detail(e->private_->pid);
  rehash(wq);
}

void prepare(wait_queue_head* wq, wait_queue_entry* e, unsigned state, bool exclusive,
             const char* label, SourceLoc loc) {
  unsigned long flags;
  if (exclusive)
    e->flags |= WQ_FLAG_EXCLUSIVE;
  else
    e->flags &= ~WQ_FLAG_EXCLUSIVE;
  task_struct* current = wq->lock.k->current();
  spin_lock_irqsave(&wq->lock, flags, loc);
  if (list_empty(&e->entry))
    enqueue(wq, e, exclusive, label, loc);
  else if (e->entry.next == nullptr)  // Linux's list_empty() is false: it sleeps unqueued
    ex_of(wq).record(OpKind::Note, wq->id, Access::None,
                     "the entry's list node is NULL (DECLARE_WAITQUEUE), not empty: not queued",
                     loc);
  set_current_state(current, state, loc);
  spin_unlock_irqrestore(&wq->lock, flags, loc);
}

long sleep_on_common(wait_queue_head* wq, unsigned state, long timeout, const char* label,
                     SourceLoc loc) {
  task_struct* current = wq->lock.k->current();
  unsigned long flags;
  wait_queue_entry wait;
  init_waitqueue_entry(&wait, current);
  __set_current_state(current, state, loc);
  spin_lock_irqsave(&wq->lock, flags, loc);
  enqueue(wq, &wait, false, label, loc);
  spin_unlock(&wq->lock, loc);
  timeout = schedule_timeout(current, timeout, loc);
  spin_lock_irq(&wq->lock, loc);
  dequeue(wq, &wait, unlink::poison, label, loc);  // __remove_wait_queue: list_del
  spin_unlock_irqrestore(&wq->lock, flags, loc);
  return timeout;
}

// __wake_up_common(): the caller holds wq->lock. Walks the list in order
// calling each entry's func; an exclusive entry that was woken counts against
// nr_exclusive, and the walk stops when that reaches 0 (0 to begin with: all).
int walk(wait_queue_head* wq, unsigned mode, int nr_exclusive, const char* label, SourceLoc loc) {
  Execution& ex = ex_of(wq);
  OpRecord op = ex.record(OpKind::WakeUp, wq->id, Access::ReadWrite, label, loc);
  int woken = 0;
  int looked = 0;
  const int nr_asked = nr_exclusive;
  wake_key key{loc, wq};
  for (list_head *n = wq->head.next, *next = n->next; n != &wq->head; n = next, next = n->next) {
    wait_queue_entry* e = entry_of(n);
    const unsigned entry_flags = e->flags;
    ++looked;
    const int ret = e->func(e, mode, 0, &key);
    woken += ret;
    if (ret && (entry_flags & WQ_FLAG_EXCLUSIVE) && !--nr_exclusive) break;
  }
  op.result(woken).detail(looked);  // its Wake entries follow it
  rehash(wq);
  return nr_asked - nr_exclusive;  // exclusive entries woken
}

// The __ and _locked forms expect the caller to hold the queue's lock (as
// lockdep_assert_held() checks in Linux): a finding when it does not.
void require_locked(wait_queue_head* wq, const char* label, SourceLoc loc) {
  Execution& ex = ex_of(wq);
  if (ex.owner(wq->lock.id) == ex.current()) return;
  Finding f = finding_here(ex, FindingKind::Invariant, ex.current(), wq->id);
  f.summary = fmt::format("{} calls {}({}) without holding {}", ex.task_name(ex.current()), label,
                          ex.object_name(wq->id), ex.object_name(wq->lock.id));
  f.explanation =
      fmt::format("  at {}: the locked forms change the list without taking its lock themselves.\n",
                  where(loc));
  ex.fail(std::move(f));
}

}  // namespace

bool mark_dangling_entries(task_struct* p) {
  for (wait_queue_head* wq : p->queued_on) wq->dangling_entry_of = p->pid;
  return !p->queued_on.empty();
}

int default_wake_function(wait_queue_entry* wq_entry, unsigned mode, int, void* key) {
  const auto* k = static_cast<const wake_key*>(key);
  task_struct* p = wq_entry->private_;
  const int woke = try_to_wake_up(p, mode, k->loc);
  if (woke) {  // remember the wake, to tell a wasted one (sched.cpp)
    Execution& ex = p->k->ex();
    set_woken_from(p, k->wq);
    p->woken_at = static_cast<std::uint32_t>(ex.trace().size());  // its Wake entry
    ex.mark_writes(p->pid);
  }
  return woke;
}

int autoremove_wake_function(wait_queue_entry* wq_entry, unsigned mode, int flags, void* key) {
  const int ret = default_wake_function(wq_entry, mode, flags, key);
  if (ret) {
    const auto* k = static_cast<const wake_key*>(key);
    dequeue(k->wq, wq_entry, unlink::init, "autoremove_wake_function", k->loc);
  }
  return ret;
}

int woken_wake_function(wait_queue_entry* wq_entry, unsigned mode, int flags, void* key) {
  wq_entry->flags |= WQ_FLAG_WOKEN;  // after smp_mb() (C): pairs with B in wait_woken()
  return default_wake_function(wq_entry, mode, flags, key);
}

long wait_woken(wait_queue_entry* e, unsigned mode, long timeout, SourceLoc loc) {
  task_struct* current = e->private_->k->current();
  set_current_state(current, mode, loc);
  wait_queue_head* wq = queue_of(e);
  Execution& ex = current->k->ex();
  const bool woken = (e->flags & WQ_FLAG_WOKEN) != 0;
  ex.record(OpKind::Read, wq != nullptr ? wq->id : current->obj, Access::Read,
            "wait_woken: WQ_FLAG_WOKEN?", loc)
      .result(woken ? 1 : 0);
  if (!woken && !kthread_should_stop(current, loc))
    timeout = schedule_timeout(current, timeout, loc);
  __set_current_state(current, TASK_RUNNING, loc);
  e->flags &= ~WQ_FLAG_WOKEN;
  if (wq != nullptr) rehash(wq);  // the flag is part of the queue's value
  return timeout;
}

void init_waitqueue_entry(wait_queue_entry* wq_entry, task_struct* p) {
  wq_entry->flags = 0;
  wq_entry->private_ = p;
  wq_entry->func = default_wake_function;
}

wait_queue_head::wait_queue_head(kernel& k, std::string name)
    : lock(k, name + ".lock"), id(k.ex().add_object(ObjectKind::WaitQueue, std::move(name))) {
  INIT_LIST_HEAD(&head);
  spin_lock_innermost(&lock);  // only the wait-queue functions take it, and last
  k.ex().set_describe(id, describe_wait_queue, this);
  k.ex().set_relabel(
      id,
      [](const void* self, const TaskId* label) {
        return queue_hash(static_cast<const wait_queue_head*>(self), label);
      },
      this);
}

void add_wait_queue(wait_queue_head* wq, wait_queue_entry* e, SourceLoc loc) {
  unsigned long flags;
  e->flags &= ~WQ_FLAG_EXCLUSIVE;
  spin_lock_irqsave(&wq->lock, flags, loc);
  enqueue(wq, e, false, "add_wait_queue", loc);
  spin_unlock_irqrestore(&wq->lock, flags, loc);
}

void add_wait_queue_exclusive(wait_queue_head* wq, wait_queue_entry* e, SourceLoc loc) {
  unsigned long flags;
  e->flags |= WQ_FLAG_EXCLUSIVE;
  spin_lock_irqsave(&wq->lock, flags, loc);
  enqueue(wq, e, true, "add_wait_queue_exclusive", loc);
  spin_unlock_irqrestore(&wq->lock, flags, loc);
}

void remove_wait_queue(wait_queue_head* wq, wait_queue_entry* e, SourceLoc loc) {
  unsigned long flags;
  spin_lock_irqsave(&wq->lock, flags, loc);
  dequeue(wq, e, unlink::poison, "remove_wait_queue", loc);
  spin_unlock_irqrestore(&wq->lock, flags, loc);
}

bool waitqueue_active(wait_queue_head* wq, SourceLoc loc) {
  OpRecord op =
      ex_of(wq).step(OpKind::WaitQueueActive, wq->id, Access::Read, "waitqueue_active", loc);
  ex_of(wq).observe(wq->id, loc);
  const bool active = !list_empty(&wq->head);  // read once scheduled: the list as it is now
  op.result(active ? 1 : 0);
  return active;
}

void prepare_to_wait(wait_queue_head* wq, wait_queue_entry* e, unsigned state, SourceLoc loc) {
  prepare(wq, e, state, false, "prepare_to_wait", loc);
}

void prepare_to_wait_exclusive(wait_queue_head* wq, wait_queue_entry* e, unsigned state,
                               SourceLoc loc) {
  prepare(wq, e, state, true, "prepare_to_wait_exclusive", loc);
}

long prepare_to_wait_event(wait_queue_head* wq, wait_queue_entry* e, unsigned state,
                           SourceLoc loc) {
  task_struct* current = wq->lock.k->current();
  unsigned long flags;
  long ret = 0;
  spin_lock_irqsave(&wq->lock, flags, loc);
  if (signal_pending_state(state, current)) {
    if (!list_empty(&e->entry))
      dequeue(wq, e, unlink::init, "prepare_to_wait_event: signal pending", loc);
    ret = -ERESTARTSYS;
  } else {
    if (list_empty(&e->entry))
      enqueue(wq, e, (e->flags & WQ_FLAG_EXCLUSIVE) != 0, "prepare_to_wait_event", loc);
    set_current_state(current, state, loc);
  }
  spin_unlock_irqrestore(&wq->lock, flags, loc);
  return ret;
}

void finish_wait(wait_queue_head* wq, wait_queue_entry* e, SourceLoc loc) {
  unsigned long flags;
  __set_current_state(wq->lock.k->current(), TASK_RUNNING, loc);
  // list_empty_careful(): an unlocked look at our own entry, which a waker's
  // autoremove may have unlinked already.
  if (list_empty(&e->entry)) return;
  spin_lock_irqsave(&wq->lock, flags, loc);
  dequeue(wq, e, unlink::init, "finish_wait", loc);
  spin_unlock_irqrestore(&wq->lock, flags, loc);
}

int __wake_up(wait_queue_head* wq, unsigned mode, int nr_exclusive, const char* label,
              SourceLoc loc) {
  unsigned long flags;
  spin_lock_irqsave(&wq->lock, flags, loc);
  const int woken = walk(wq, mode, nr_exclusive, label, loc);
  spin_unlock_irqrestore(&wq->lock, flags, loc);
  return woken;
}

void __wake_up_locked(wait_queue_head* wq, unsigned mode, int nr_exclusive, const char* label,
                      SourceLoc loc) {
  require_locked(wq, label, loc);
  walk(wq, mode, nr_exclusive, label, loc);
}

void __add_wait_queue(wait_queue_head* wq, wait_queue_entry* e, SourceLoc loc) {
  require_locked(wq, "__add_wait_queue", loc);
  enqueue(wq, e, false, "__add_wait_queue", loc);
}

void __add_wait_queue_entry_tail(wait_queue_head* wq, wait_queue_entry* e, SourceLoc loc) {
  require_locked(wq, "__add_wait_queue_entry_tail", loc);
  enqueue(wq, e, true, "__add_wait_queue_entry_tail", loc);
}

void __remove_wait_queue(wait_queue_head* wq, wait_queue_entry* e, SourceLoc loc) {
  require_locked(wq, "__remove_wait_queue", loc);
  dequeue(wq, e, unlink::poison, "__remove_wait_queue", loc);
}

void sleep_on(wait_queue_head* wq, SourceLoc loc) {
  sleep_on_common(wq, TASK_UNINTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, "sleep_on", loc);
}

long sleep_on_timeout(wait_queue_head* wq, long timeout, SourceLoc loc) {
  return sleep_on_common(wq, TASK_UNINTERRUPTIBLE, timeout, "sleep_on_timeout", loc);
}

long interruptible_sleep_on_timeout(wait_queue_head* wq, long timeout, SourceLoc loc) {
  return sleep_on_common(wq, TASK_INTERRUPTIBLE, timeout, "interruptible_sleep_on_timeout", loc);
}

void interruptible_sleep_on(wait_queue_head* wq, SourceLoc loc) {
  sleep_on_common(wq, TASK_INTERRUPTIBLE, MAX_SCHEDULE_TIMEOUT, "interruptible_sleep_on", loc);
}

}  // namespace wakecheck
