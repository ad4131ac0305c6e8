#include "checker/dpor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "checker/execution.hpp"

namespace wakecheck {
namespace {

constexpr std::size_t kMaxChoices = 64;  // a decision's choices are bits of one word

std::uint64_t all_of(std::uint32_t n) {
  return n >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << n) - 1;
}

// Offered only while something else can run (Execution::collect_events).
bool optional_event(TaskId id) {
  return event_of(id) == WakeEvent::Signal || event_of(id) == WakeEvent::Spurious;
}

// A step that may fail (Execution::step_or_fail) offers its failure as an
// event beside the task: the two are one step with two outcomes, not two
// steps that race, so both are always explored (no race would add them).
std::uint64_t fallible_choices(const Decision& d) {
  std::uint64_t both = 0;
  for (std::size_t k = 0; k < d.enabled.size(); ++k) {
    if (event_of(d.enabled[k]) != WakeEvent::Fail) continue;
    both |= std::uint64_t{1} << k;
    for (std::size_t j = 0; j < d.enabled.size(); ++j)
      if (d.enabled[j] == task_of(d.enabled[k])) both |= std::uint64_t{1} << j;
  }
  return both;
}

}  // namespace

// An interrupt handler (a guest, Execution::set_host) may run only where its
// host admits it, which no race between steps says: at a decision where one
// may run, every choice is explored (sound, less reduction).
std::uint64_t DporScheduler::guest_choices(const Decision& d) const {
  for (const TaskId id : d.enabled)
    if (ex_->host(task_of(id)) != kNoTask)
      return all_of(static_cast<std::uint32_t>(d.enabled.size()));
  return 0;
}

bool DporScheduler::begin_execution() {
  if (done_ || !problem_.empty()) return false;
  depth_ = 0;
  pick_ = kNoTask;
  pick_node_ = kNoEvent;
  first_new_ = started_ ? nodes_.back().event : 0;  // the events before it repeat
  graph_.truncate(first_new_);
  started_ = true;
  return true;
}

std::optional<TaskId> DporScheduler::pick_task(const Decision& d) {
  return depth_ < nodes_.size() ? replay_node(d) : new_node(d);
}

std::optional<TaskId> DporScheduler::replay_node(const Decision& d) {
  const Node& n = nodes_[depth_];
  if (n.options != d.enabled.size()) {
    problem_ =
        nondeterministic(depth_ + 1, n.options, static_cast<std::uint32_t>(d.enabled.size()));
    return std::nullopt;
  }
  const TaskId id = enabled_[n.enabled + n.chosen];
  if (depth_ + 1 == nodes_.size()) {  // the decision whose choice changed: new events from here
    pick_ = id;
    pick_node_ = static_cast<std::uint32_t>(depth_);
  }
  ++depth_;
  return id;
}

std::optional<TaskId> DporScheduler::new_node(const Decision& d) {
  graph_.extend(*ex_, pick_, pick_node_);
  pick_ = kNoTask;
  if (d.enabled.size() > kMaxChoices) {
    problem_ = fmt::format("dpor handles at most {} choices at a decision; this one has {}",
                           kMaxChoices, d.enabled.size());
    return std::nullopt;
  }
  Node n{};
  n.event = static_cast<std::uint32_t>(graph_.size());
  n.enabled = static_cast<std::uint32_t>(enabled_.size());
  n.options = static_cast<std::uint32_t>(d.enabled.size());
  enabled_.insert(enabled_.end(), d.enabled.begin(), d.enabled.end());
  n.sleep = static_cast<std::uint32_t>(sleep_.size());
  n.footprints_end = static_cast<std::uint32_t>(footprints_.size());
  if (!nodes_.empty()) inherit_sleep(nodes_.size() - 1);
  n.sleep_end = static_cast<std::uint32_t>(sleep_.size());
  const std::uint64_t awake = all_of(n.options) & ~asleep_mask(n);
  if (awake == 0) {  // every choice was explored from an equivalent state: redundant
    ++blocked_;
    enabled_.resize(n.enabled);
    sleep_.resize(n.sleep);
    return std::nullopt;
  }
  n.chosen = static_cast<std::uint32_t>(std::countr_zero(awake));
  n.backtrack = std::uint64_t{1} << n.chosen | fallible_choices(d) | guest_choices(d);
  pick_ = enabled_[n.enabled + n.chosen];
  pick_node_ = static_cast<std::uint32_t>(nodes_.size());
  nodes_.push_back(n);
  ++depth_;
  return pick_;
}

// A choice asleep at the parent stays asleep here if every event since the
// parent's choice (that choice included) is independent of the event it ran.
void DporScheduler::inherit_sleep(std::size_t parent) {
  const Node& p = nodes_[parent];
  for (std::uint32_t s = p.sleep; s < p.sleep_end; ++s) {
    const Asleep a = sleep_[s];
    const std::span<const ObjectAccess> fp(footprints_.data() + a.footprint,
                                           footprints_.data() + a.footprint_end);
    bool independent = true;
    for (std::size_t e = p.event; e < graph_.size() && independent; ++e)
      independent = graph_[e].task != task_of(a.id) && !conflicts(fp, graph_.footprint(e));
    if (independent) sleep_.push_back(a);
  }
}

std::uint64_t DporScheduler::asleep_mask(const Node& n) const {
  std::uint64_t mask = 0;
  for (std::uint32_t s = n.sleep; s < n.sleep_end; ++s) {
    const int k = choice_index(n, sleep_[s].id);
    if (k >= 0) mask |= std::uint64_t{1} << k;
  }
  return mask;
}

int DporScheduler::choice_index(const Node& n, TaskId id) const {
  for (std::uint32_t k = 0; k < n.options; ++k)
    if (enabled_[n.enabled + k] == id) return static_cast<int>(k);
  return -1;
}

void DporScheduler::end_execution() {
  if (!problem_.empty()) return;
  if (depth_ < nodes_.size()) {
    problem_ = fmt::format(
        "the model is not deterministic: the execution ended before decision {}, which an "
        "earlier execution of the same decisions reached",
        depth_ + 1);
    return;
  }
  graph_.extend(*ex_, pick_, pick_node_);
  pick_ = kNoTask;
  graph_.analyse(first_new_);
  reverse_races();
  disabled_events();
  if (!ex_->cut()) end_rules();
  if (!backtrack()) done_ = true;
}

void DporScheduler::reverse_races() {
  for (const Race& r : graph_.races()) {
    const StepEvent& j = graph_[r.j];
    const std::uint32_t* clock = r.lock ? graph_.race_clock(r).data() : graph_.clock(r.j).data();
    reverse(r.i, r.j, j.task, j.id, clock);
  }
}

// The environment's events never run in an execution that went on without
// them, so their races are found where they are disabled: an event that
// changes a sleeping task's state (a wake) ends the sleep that the timer, a
// signal or a spurious wakeup could have ended, so those run there instead.
void DporScheduler::disabled_events() {
  for (std::size_t e = first_new_; e < graph_.size(); ++e) {
    const StepEvent& ev = graph_[e];
    if (ev.node == kNoEvent) continue;
    Node& n = nodes_[ev.node];
    for (std::uint32_t k = 0; k < n.options; ++k) {
      const TaskId choice = enabled_[n.enabled + k];
      if (event_of(choice) == WakeEvent::None || task_of(choice) == ev.task) continue;
      if (graph_.writes_object(e, graph_.status_object(task_of(choice))))
        n.backtrack |= std::uint64_t{1} << k;
    }
  }
}

// v = the events after i that do not happen after it (up to `end`), then the
// racing event (`task`'s, chosen as `id`; its predecessors are those of
// `clock`, or every event before it when `clock` is null). Unless an initial
// of v (an event of v that nothing in v happens before) is a choice to
// explore at i's decision already, one is added there.
void DporScheduler::reverse(std::uint32_t i, std::size_t end, TaskId task, TaskId id,
                            const std::uint32_t* clock) {
  const StepEvent& first = graph_[i];
  if (first.node == kNoEvent) return;  // i was the only choice: nothing ran before it there
  Node& n = nodes_[first.node];
  const std::uint64_t all = all_of(n.options);
  if ((n.backtrack & all) == all) return;
  seen_.assign(graph_.task_count(), 0);
  std::uint64_t found = 0;
  bool unknown = false, preceded = false;
  auto consider = [&](TaskId choice) {  // true: one is there already
    const int k = choice_index(n, choice);
    if (k < 0)
      unknown = true;
    else if (n.backtrack >> k & 1)
      return true;
    else
      found |= std::uint64_t{1} << k;
    return false;
  };
  for (std::uint32_t m = i + 1; m < end; ++m) {
    const StepEvent& e = graph_[m];
    if (graph_.happens_before(i, m)) continue;
    preceded = preceded || clock == nullptr || clock[e.task] > m;
    if (seen_[e.task]) continue;
    seen_[e.task] = 1;
    if (initial(m, i) && consider(e.id)) return;
  }
  if (!seen_[task] && !preceded && consider(id)) return;
  if (unknown || found == 0) {
    n.backtrack = all;  // an initial that is no choice there: run them all
    return;
  }
  n.backtrack |= found & (~found + 1);  // the lowest
}

// m (in v, the first event of its task there) is an initial when no event
// after i of another task happens before it.
bool DporScheduler::initial(std::uint32_t m, std::uint32_t i) const {
  const std::span<const std::uint32_t> c = graph_.clock(m);
  const TaskId own = graph_[m].task;
  for (std::size_t t = 0; t < c.size(); ++t)
    if (t != own && c[t] > i) return false;
  return true;
}

void DporScheduler::end_rules() {
  pending_acquisitions();
  if (ex_->finding()) {
    finding_races();
    return;
  }
  if (graph_.size() == 0) return;
  const StepEvent& last = graph_[graph_.size() - 1];
  if (last.node == kNoEvent) return;
  Node& n = nodes_[last.node];
  for (std::uint32_t k = 0; k < n.options; ++k)
    if (optional_event(enabled_[n.enabled + k])) n.backtrack |= std::uint64_t{1} << k;
}

// A task that waits for a lock at the end never ran its acquisition: it races
// with the lock's last acquisition. So does one whose lock is free again when
// a finding stopped the execution: it could not take the lock at the
// finding's decision, only before that acquisition.
void DporScheduler::pending_acquisitions() {
  const Execution& ex = *ex_;
  zero_clock_.assign(graph_.task_count(), 0);
  for (TaskId t = 0; t < ex.task_count(); ++t) {
    if (ex.status(t) != TaskStatus::Runnable || ex.pending(t) != OpKind::LockAcquire) continue;
    const ObjectId lock = ex.pending_object(t);
    // A fair lock's acquisition never waits (its ticket is an event like any).
    if (ex.owner(lock) == t || ex.fair(lock)) continue;
    const std::uint32_t i = graph_.last_acquire(lock);
    if (i == kNoEvent || graph_[i].task == t) continue;
    const std::uint32_t prev = graph_.last_of(t);
    if (prev != kNoEvent && graph_.happens_before(i, prev)) continue;
    const std::uint32_t* clock = prev != kNoEvent ? graph_.clock(prev).data() : zero_clock_.data();
    reverse(i, graph_.size(), t, t, clock);
  }
}

// The execution stopped at a finding: its last event stopped every task, so
// it depends on every event. Every other choice at its decision is run, and
// it races with the last event of each other task that nothing else follows.
void DporScheduler::finding_races() {
  if (graph_.size() == 0) return;
  const auto f = static_cast<std::uint32_t>(graph_.size() - 1);
  const StepEvent& last = graph_[f];
  if (last.node != kNoEvent) nodes_[last.node].backtrack = all_of(nodes_[last.node].options);
  const std::size_t tasks = graph_.task_count();
  for (TaskId t = 0; t < tasks; ++t) {
    const std::uint32_t c = graph_.last_of(t);
    if (t == last.task || c == kNoEvent) continue;
    bool direct = true;
    for (TaskId u = 0; u < tasks && direct; ++u) {
      const std::uint32_t d = u == last.task ? last.prev : graph_.last_of(u);
      if (u != t && d != kNoEvent && graph_.happens_before(c, d)) direct = false;
    }
    if (direct) reverse(c, f, last.task, last.id, nullptr);
  }
}

bool DporScheduler::backtrack() {
  while (!nodes_.empty()) {
    Node& n = nodes_.back();
    enabled_.resize(n.enabled + n.options);
    sleep_.resize(n.sleep_end);
    footprints_.resize(n.footprints_end);
    // The choice just explored sleeps for the choices after it.
    const std::span<const ObjectAccess> fp = graph_.footprint(n.event);
    const auto start = static_cast<std::uint32_t>(footprints_.size());
    footprints_.insert(footprints_.end(), fp.begin(), fp.end());
    if (ex_->finding() && n.event + 1 == graph_.size())
      footprints_.push_back({kEveryObject, AccessMode::Write});  // it stopped every task
    sleep_.push_back(
        {enabled_[n.enabled + n.chosen], start, static_cast<std::uint32_t>(footprints_.size())});
    n.sleep_end = static_cast<std::uint32_t>(sleep_.size());
    n.footprints_end = static_cast<std::uint32_t>(footprints_.size());
    n.done |= std::uint64_t{1} << n.chosen;
    const std::uint64_t next = n.backtrack & ~n.done & ~asleep_mask(n);
    if (next != 0) {
      n.chosen = static_cast<std::uint32_t>(std::countr_zero(next));
      return true;
    }
    nodes_.pop_back();
  }
  return false;
}

std::string DporScheduler::coverage() const {
  if (!done_) return "";
  return fmt::format(
      "every Mazurkiewicz trace (source-set DPOR with sleep sets; {} redundant executions cut)",
      blocked_);
}

}  // namespace wakecheck
