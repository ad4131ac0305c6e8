#include "checker/event_graph.hpp"

#include <algorithm>

#include "checker/execution.hpp"

namespace wakecheck {
namespace {

bool writes(AccessMode m) {
  return m != AccessMode::Read && m != AccessMode::Await;
}

bool acquires(AccessMode m) {
  return m == AccessMode::Acquire || m == AccessMode::TryAcquire;
}

// The event was enabled only once this object allowed it (a free lock, a wake).
bool waits(AccessMode m) {
  return m == AccessMode::Acquire || m == AccessMode::Await;
}

// deliver() records the environment's Wake of a sleeping task just before
// the task's Resume: that entry begins the event, not the previous one's end.
bool environment_wake(const std::vector<TraceEntry>& trace, std::size_t k) {
  const TraceEntry& e = trace[k];
  if (e.kind != OpKind::Wake || e.scheduling_point || e.b != e.task || k + 1 >= trace.size())
    return false;
  const TraceEntry& next = trace[k + 1];
  return next.scheduling_point && next.kind == OpKind::Resume && next.task == e.task;
}

// A blocking acquisition waits for the lock to be free. A fair lock's never
// does: it takes a free lock at once (a write that acquires, as a trylock
// does) or a ticket (a write to the lock's queue); the task the release
// handed the lock to then runs on, and that waited for the release.
AccessMode acquisition(const Execution& ex, const TraceEntry& e) {
  if (!ex.fair(e.object)) return AccessMode::Acquire;
  if (e.a == kLockQueued) return AccessMode::Write;
  if (e.a == kLockHandedOff) return AccessMode::Await;
  return AccessMode::TryAcquire;
}

}  // namespace

bool conflicts(std::span<const ObjectAccess> a, std::span<const ObjectAccess> b) {
  auto every = [](const ObjectAccess& x) { return x.object == kEveryObject; };
  if (std::any_of(a.begin(), a.end(), every) || std::any_of(b.begin(), b.end(), every)) return true;
  for (const ObjectAccess& x : a)
    for (const ObjectAccess& y : b)
      if (x.object == y.object && (writes(x.mode) || writes(y.mode))) return true;
  return false;
}

bool EventGraph::writes_object(std::size_t e, ObjectId object) const {
  for (const ObjectAccess& a : footprint(e))
    if (a.object == object && writes(a.mode)) return true;
  return false;
}

void EventGraph::truncate(std::size_t n) {
  analysed_ = std::min(analysed_, n);
  if (n >= events_.size()) return;
  accesses_.resize(events_[n].accesses);
  parsed_ = events_[n].entry;
  events_.resize(n);
}

void EventGraph::begin_event(TaskId id, TaskId task, std::size_t entry, std::uint32_t node) {
  StepEvent& e = events_.emplace_back();
  e.id = id;
  e.task = task;
  e.entry = static_cast<std::uint32_t>(entry);
  e.accesses = e.accesses_end = static_cast<std::uint32_t>(accesses_.size());
  e.node = node;
}

void EventGraph::add_access(ObjectId object, AccessMode mode) {
  StepEvent& e = events_.back();
  for (std::uint32_t k = e.accesses; k < e.accesses_end; ++k) {
    if (accesses_[k].object != object) continue;
    accesses_[k].mode = std::max(accesses_[k].mode, mode);
    return;
  }
  accesses_.push_back({object, mode});
  e.accesses_end = static_cast<std::uint32_t>(accesses_.size());
}

void EventGraph::extend(const Execution& ex, TaskId pick, std::uint32_t node) {
  const std::vector<TraceEntry>& trace = ex.trace();
  tasks_ = ex.task_count();
  status_objects_ = ex.object_count();
  status_.resize(tasks_);
  for (TaskId t = 0; t < tasks_; ++t) {
    const ObjectId o = ex.task_object(t);
    status_[t] = o != kNoObject ? o : static_cast<ObjectId>(status_objects_ + t);
  }
  auto status_object = [&](TaskId t) { return status_[t]; };
  bool delivered = false;  // the entry before was an environment's Wake that began this event
  for (std::size_t k = parsed_; k < trace.size(); ++k) {
    const TraceEntry& e = trace[k];
    const bool env = environment_wake(trace, k);
    if (env || (e.scheduling_point && !delivered)) {
      TaskId id = env ? event_id(e.task, WakeEvent::Timer) : e.task;  // forced: only a timer
      std::uint32_t at = kNoEvent;
      if (pick != kNoTask) id = pick, at = node, pick = kNoTask;
      begin_event(id, e.task, k, at);
      // A task's code may look at its own task_struct (its state, a pending
      // signal, whether its wait-queue entry is still queued) without a record:
      // what others change there comes with a write of its task object.
      add_access(status_object(e.task), AccessMode::Read);
    }
    delivered = env;
    if (events_.empty()) continue;  // before the first step: each task's start, alone
    if (e.kind == OpKind::Resume) {
      add_access(status_object(e.task), AccessMode::Await);  // a wake (or an event) ended its sleep
    } else if (e.kind == OpKind::LockAcquire && e.scheduling_point) {
      add_access(e.object, acquisition(ex, e));
    } else if (e.kind == OpKind::LockTry) {
      add_access(e.object, e.a == 1 ? AccessMode::TryAcquire : AccessMode::Read);
    } else if (e.access != Access::None) {
      const ObjectId o = e.object == kNoObject && e.kind == OpKind::Wake
                             ? status_object(static_cast<TaskId>(e.b))
                             : e.object;
      if (o != kNoObject)
        add_access(o, e.access == Access::Read ? AccessMode::Read : AccessMode::Write);
    }
  }
  parsed_ = trace.size();
}

void EventGraph::reset_analysis() {
  const std::size_t objects = status_objects_ + tasks_;
  if (objects_.size() < objects) objects_.resize(objects);
  for (ObjectState& o : objects_) {
    o.last_write = o.last_acquire = kNoEvent;
    o.reads.clear();
  }
  last_of_task_.assign(tasks_, kNoEvent);
  clocks_.resize(events_.size() * tasks_);
  races_.clear();
  race_clocks_.clear();
}

void EventGraph::analyse(std::size_t from) {
  reset_analysis();
  // The events before `from` are those of the last analysis (a repeated
  // prefix): their clocks stand, only the objects' state is brought up to them.
  from = std::min({from, analysed_, events_.size()});
  for (std::uint32_t j = 0; j < from; ++j) {
    update_objects(j);
    last_of_task_[events_[j].task] = j;
  }
  for (auto j = static_cast<std::uint32_t>(from); j < events_.size(); ++j) {
    StepEvent& ev = events_[j];
    ev.prev = last_of_task_[ev.task];
    ObjectId acquired = kNoObject;
    collect_preds(j, acquired);
    std::fill_n(clocks_.begin() + static_cast<std::ptrdiff_t>(j * tasks_), tasks_, 0u);
    for (const Pred& p : preds_) join(clocks_, j * tasks_, p.event);
    clocks_[j * tasks_ + ev.task] = j + 1;
    find_races(j, acquired);
    update_objects(j);
    last_of_task_[ev.task] = j;
  }
  analysed_ = events_.size();
}

// The events j directly depends on: its task's previous event, and for each
// object it accesses the last write and, when it writes, the reads since.
void EventGraph::collect_preds(std::uint32_t j, ObjectId& acquired) {
  preds_.clear();
  const StepEvent& ev = events_[j];
  if (ev.prev != kNoEvent) preds_.push_back({ev.prev, false, false});
  for (const ObjectAccess& a : footprint(j)) {
    const ObjectState& o = objects_[a.object];
    const bool lock = acquires(a.mode);
    const bool waited = waits(a.mode);
    if (lock) acquired = a.object;
    if (o.last_write != kNoEvent) preds_.push_back({o.last_write, lock, waited});
    if (!writes(a.mode)) continue;
    for (std::uint32_t r : o.reads) preds_.push_back({r, lock, waited});
  }
}

void EventGraph::join(std::vector<std::uint32_t>& into, std::size_t offset,
                      std::uint32_t event) const {
  const std::uint32_t* c = clocks_.data() + static_cast<std::size_t>(event) * tasks_;
  for (std::size_t t = 0; t < tasks_; ++t) into[offset + t] = std::max(into[offset + t], c[t]);
}

// c is a direct predecessor of the current event (preds_) when no other
// predecessor happens after it.
bool EventGraph::direct(std::uint32_t c) const {
  const TaskId t = events_[c].task;
  for (const Pred& p : preds_)
    if (p.event != c && clocks_[static_cast<std::size_t>(p.event) * tasks_ + t] > c) return false;
  return true;
}

void EventGraph::find_races(std::uint32_t j, ObjectId acquired) {
  const StepEvent& ev = events_[j];
  // An event cannot run before the release or the wake it waited for: a
  // blocking acquisition races with the acquisition before it (below), a
  // resumed task with nothing (its wakers race with each other).
  for (const Pred& p : preds_)
    if (events_[p.event].task != ev.task && !p.waited && direct(p.event))
      add_race(p.event, j, false);
  if (acquired == kNoObject) return;
  // The acquisition before races with this one unless this task had seen it
  // already. Events of the critical section between them (its release, or a
  // wake this event depends on too) need not be reversed first: they cannot
  // run before the acquisition that began it.
  const std::uint32_t i = objects_[acquired].last_acquire;
  if (i == kNoEvent || events_[i].task == ev.task) return;
  if (ev.prev != kNoEvent && happens_before(i, ev.prev)) return;
  add_race(i, j, true);
}

void EventGraph::add_race(std::uint32_t i, std::uint32_t j, bool lock_race) {
  for (auto r = races_.rbegin(); r != races_.rend() && r->j == j; ++r)
    if (r->i == i && r->lock == lock_race) return;  // found through two objects
  Race r{i, j, lock_race, 0};
  if (lock_race) {
    // j's predecessors without the lock's edges: what must still precede it
    // when it takes the lock before i does.
    r.clock = static_cast<std::uint32_t>(race_clocks_.size());
    race_clocks_.resize(race_clocks_.size() + tasks_, 0);
    for (const Pred& p : preds_)
      if (!p.lock && p.event != i) join(race_clocks_, r.clock, p.event);
  }
  races_.push_back(r);
}

void EventGraph::update_objects(std::uint32_t j) {
  const TaskId t = events_[j].task;
  for (const ObjectAccess& a : footprint(j)) {
    ObjectState& o = objects_[a.object];
    if (writes(a.mode)) {
      o.last_write = j;
      o.reads.clear();
      if (acquires(a.mode)) o.last_acquire = j;
      continue;
    }
    auto same = std::find_if(o.reads.begin(), o.reads.end(),
                             [&](std::uint32_t r) { return events_[r].task == t; });
    if (same != o.reads.end())
      *same = j;
    else
      o.reads.push_back(j);
  }
}

}  // namespace wakecheck
