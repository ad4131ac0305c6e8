// Symmetry reduction: one cached state per class of renamings of
// interchangeable tasks (Execution::declare_symmetric).
//
// The fingerprint is a sum of terms, one per task (salted by its id) and per
// object (salted by its id). Renaming task t to u moves t's term to u's salt,
// moves t's task object's term to u's task object's salt, and changes the
// value of every object that names t: lock owners (the engine's), wait-queue
// entries and the like (the model's RelabelFn), and the race detector's
// clocks. A renaming is a permutation inside each group, so the renamed
// state is a state of the same program; two states with the same renamed
// fingerprint are renamings of one another (up to hash collisions).
//
// Which renaming: sort each group by its tasks' own state (their term's
// value and their task object's hash). Tasks with different own states get
// a fixed order, which is the same in every member of the class. Tasks that
// tie are ordered every possible way and the least fingerprint wins, which
// makes the result a function of the class; past kMaxTieRenamings orders one
// is taken (sound: fewer states merge).
//
// Invariants: nothing allocates per decision (the scratch vectors are sized
// at start); with symmetry inactive canonical_fingerprint() is fingerprint().
#include <algorithm>

#include "checker/execution.hpp"

namespace wakecheck {
namespace {

bool less(const Fingerprint& a, const Fingerprint& b) {
  return a.lo != b.lo ? a.lo < b.lo : a.hi < b.hi;
}

}  // namespace

// In a declared group, and neither a guest nor a host of one (its processor
// ties it to another task).
bool Execution::symmetric_member(TaskId t) const {
  for (const Task& other : tasks_)
    if (other.host == t) return false;
  return (symmetric_groups_ >> (tasks_[t].group & 63) & 1) && tasks_[t].host == kNoTask;
}

bool Execution::interchangeable(TaskId a, TaskId b) const {
  return a == b ||
         (tasks_[a].group == tasks_[b].group && symmetric_member(a) && symmetric_member(b));
}

// Which tasks are interchangeable in this execution, and which objects a
// renaming changes.
void Execution::start_symmetry() {
  symmetry_active_ = false;
  symmetry_refused_.clear();
  if (!symmetry_ || symmetric_groups_ == 0) return;
  sym_tasks_.clear();
  segments_.assign(1, 0);
  for (std::uint32_t g = 0; g < 64; ++g) {
    if (!(symmetric_groups_ >> g & 1)) continue;
    for (TaskId t = 0; t < tasks_.size(); ++t)
      if (tasks_[t].group == g && symmetric_member(t)) sym_tasks_.push_back(t);
    if (sym_tasks_.size() - segments_.back() < 2)
      sym_tasks_.resize(segments_.back());
    else
      segments_.push_back(static_cast<std::uint32_t>(sym_tasks_.size()));
  }
  if (sym_tasks_.empty()) return;
  if (fair_locks_) {  // a fair lock's queue names tasks, and nothing renames it yet
    symmetry_refused_ = "fair spinlocks";
    return;
  }
  object_task_.assign(objects_.size(), kNoTask);
  for (TaskId t = 0; t < tasks_.size(); ++t)
    if (tasks_[t].object != kNoObject) object_task_[tasks_[t].object] = t;
  sym_objects_.clear();
  for (ObjectId o = 0; o < objects_.size(); ++o)
    if (!classify_for_symmetry(o)) return;
  label_.resize(tasks_.size());
  inverse_.resize(tasks_.size());
  for (TaskId t = 0; t < tasks_.size(); ++t) label_[t] = inverse_[t] = t;
  // The relabelling's promise (set_relabel): renaming no task gives the
  // hash the model set. Broken, a renaming that moves no task and one that
  // moves some disagree on a state, and renamings stop merging (boundedq's
  // ledger once hashed 0 until its first delivery).
  for (const ObjectId o : sym_objects_) {
    const Object& obj = objects_[o];
    if (obj.relabel == nullptr || obj.relabel(obj.relabel_self, label_.data()) == obj.hash)
      continue;
    raise({FindingKind::ModelError, kNoTask, o, 0,
           "the relabelling of " + obj.name + " renames no task and gives another hash than " +
               obj.name + "'s own",
           "  its set_relabel() function must give, with every task named as itself, the hash "
           "last set with set_hash() (from the start on).\n"});
    return;
  }
  order_ = sym_tasks_;
  sort_key_.assign(tasks_.size(), 0);
  for (const TaskId t : sym_tasks_) tasks_[t].interchangeable = true;
  symmetry_active_ = true;
}

// False (symmetry refused) for an object that may name a task and has no
// way to rename it.
bool Execution::classify_for_symmetry(ObjectId o) {
  const Object& obj = objects_[o];
  if (obj.relabel != nullptr || is_lock(obj.kind) || object_task_[o] != kNoTask) {
    sym_objects_.push_back(o);
    return true;
  }
  if (obj.task_free) return true;
  symmetry_refused_ = obj.name;
  return false;
}

const Fingerprint& Execution::canonical_fingerprint() {
  if (!symmetry_active_) return fingerprint_;
  sort_interchangeable();
  canonical_ = renamed_fingerprint();
  if (tie_renamings() <= kMaxTieRenamings)
    while (next_tie_renaming()) {
      const Fingerprint f = renamed_fingerprint();
      if (less(f, canonical_)) canonical_ = f;
    }
  return canonical_;
}

// order_: each group's tasks by their own state, ties by id.
void Execution::sort_interchangeable() {
  for (const TaskId t : sym_tasks_) {
    const ObjectId own = tasks_[t].object;
    sort_key_[t] = fold(tasks_[t].local, own == kNoObject ? 0 : objects_[own].hash);
  }
  order_ = sym_tasks_;  // same size: no allocation
  for (std::size_t g = 0; g + 1 < segments_.size(); ++g)
    std::sort(order_.begin() + segments_[g], order_.begin() + segments_[g + 1],
              [this](TaskId a, TaskId b) {
                return sort_key_[a] != sort_key_[b] ? sort_key_[a] < sort_key_[b] : a < b;
              });
}

// How many orders the ties allow (saturating past the cap).
std::uint64_t Execution::tie_renamings() const {
  std::uint64_t n = 1;
  for (std::size_t g = 0; g + 1 < segments_.size(); ++g)
    for (std::uint32_t i = segments_[g]; i < segments_[g + 1];) {
      std::uint32_t j = i + 1;
      while (j < segments_[g + 1] && sort_key_[order_[j]] == sort_key_[order_[i]]) ++j;
      for (std::uint32_t k = 2; k <= j - i; ++k) n = std::min<std::uint64_t>(n * k, 1 << 20);
      i = j;
    }
  return n;
}

// The next order of the tied runs, as an odometer over the runs (each run
// steps through its permutations by id); false once every order was seen.
bool Execution::next_tie_renaming() {
  for (std::size_t g = segments_.size() - 1; g-- > 0;) {
    std::uint32_t end = segments_[g + 1];
    while (end > segments_[g]) {
      std::uint32_t begin = end - 1;
      while (begin > segments_[g] && sort_key_[order_[begin - 1]] == sort_key_[order_[end - 1]])
        --begin;
      if (std::next_permutation(order_.begin() + begin, order_.begin() + end)) return true;
      end = begin;  // this run wrapped back to ascending ids: carry to the one before
    }
  }
  return false;
}

// The fingerprint with order_[k] renamed to sym_tasks_[k].
Fingerprint Execution::renamed_fingerprint() {
  bool renamed = false;
  for (std::size_t k = 0; k < sym_tasks_.size(); ++k) {
    label_[order_[k]] = sym_tasks_[k];
    inverse_[sym_tasks_[k]] = order_[k];
    renamed = renamed || order_[k] != sym_tasks_[k];
  }
  if (!renamed) return fingerprint_;
  Fingerprint f = fingerprint_;
  for (const TaskId t : sym_tasks_) {
    if (label_[t] == t) continue;
    remove_term(f, tasks_[t].term);
    add_term(f, fingerprint_term(kTaskSalt ^ label_[t], tasks_[t].local));
  }
  for (const ObjectId o : sym_objects_) {
    const Object& obj = objects_[o];
    const TaskId belongs = object_task_[o];
    const ObjectId key = belongs == kNoTask ? o : tasks_[label_[belongs]].object;
    std::uint64_t hash = obj.hash;
    if (obj.relabel != nullptr)
      hash = obj.relabel(obj.relabel_self, label_.data());
    else if (is_lock(obj.kind) && obj.owner != kNoTask)
      hash = std::uint64_t{label_[obj.owner]} + 1;  // as set_owner() hashes it
    if (key == o && hash == obj.hash) continue;
    remove_term(f, obj.term);
    add_term(f, fingerprint_term(kObjectSalt ^ key, object_term_value(hash, obj.wasted)));
  }
  if (races_.active()) {
    remove_term(f, race_term_);
    add_term(f, fingerprint_term(kRaceSalt, races_.state_hash(label_.data(), inverse_.data())));
  }
  return f;
}

}  // namespace wakecheck
