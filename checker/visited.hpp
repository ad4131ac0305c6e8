// The set of explored states: open addressing over 128-bit fingerprints. The
// search is hash-compacted: two states with one fingerprint count as one
// (probability ~ n^2 / 2^129 for n states: negligible, and said in reports).
//
// Memory: a set may draw its slots from a MemoryBudget (--memory). When the
// budget refuses to let it grow, the set stops (insert() returns false and
// stopped() says why); the strategy then ends its search, so a search past
// its budget ends as "inconclusive: memory budget", never in an OOM kill.
#pragma once

#include <cstdint>
#include <vector>

#include "checker/hash.hpp"

namespace wakecheck {

enum class MemoryVerdict : std::uint8_t {
  ok,
  over_budget,  // this set alone would exceed the budget
  yield,        // other searches hold the memory: give it back, run again later
};

// Where visited sets take their memory from (checker/parallel.cpp shares one
// between the work units of a run). Thread safety: the implementation's.
class MemoryBudget {
 public:
  virtual ~MemoryBudget() = default;
  // Asks for `more` bytes for a set that holds `held` bytes now.
  virtual MemoryVerdict reserve(std::size_t held, std::size_t more) = 0;
  virtual void release(std::size_t bytes) = 0;
};

// A visited set several searches share (checker/shared_states.hpp): a dfs
// given one uses it instead of its own.
class StateSet {
 public:
  virtual ~StateSet() = default;
  // Inserts `f`, first reached at a decision with `options` choices; false if
  // it was there already, or the set stopped at its memory budget.
  virtual bool insert(const Fingerprint& f, std::uint32_t options) = 0;
  virtual bool stopped() const = 0;
};

class VisitedSet {
 public:
  static constexpr std::size_t kInitialSlots = 1 << 16;
  explicit VisitedSet(MemoryBudget* budget = nullptr, std::size_t initial_slots = kInitialSlots)
      : budget_(budget), initial_(initial_slots) {}
  ~VisitedSet() { clear(); }
  VisitedSet(const VisitedSet&) = delete;
  VisitedSet& operator=(const VisitedSet&) = delete;

  // Inserts `f`; false if it was already there, or the set stopped (stopped()).
  bool insert(Fingerprint f) {
    if (f == Fingerprint{}) f.lo = 1;  // the all-zero fingerprint marks an empty slot
    if ((size_ + 1) * 2 > slots_.size() && !grow()) return false;
    return place(slots_, f);
  }

  std::uint64_t size() const { return size_; }
  // ok while the set may grow; otherwise why it stopped.
  MemoryVerdict stopped() const { return stopped_; }

  // Forgets every state and gives the memory back.
  void clear() {
    if (budget_ != nullptr && !slots_.empty()) budget_->release(bytes(slots_.size()));
    std::vector<Fingerprint>().swap(slots_);
    size_ = 0;
    stopped_ = MemoryVerdict::ok;
  }

 private:
  static std::size_t bytes(std::size_t slots) { return slots * sizeof(Fingerprint); }

  bool place(std::vector<Fingerprint>& slots, Fingerprint f) {
    const std::size_t mask = slots.size() - 1;
    for (std::size_t i = f.lo & mask;; i = (i + 1) & mask) {
      if (slots[i] == f) return false;
      if (slots[i] == Fingerprint{}) {
        slots[i] = f;
        ++size_;
        return true;
      }
    }
  }

  bool grow() {
    if (stopped_ != MemoryVerdict::ok) return false;
    const std::size_t more = slots_.empty() ? initial_ : slots_.size() * 2;
    // While rehashing, the old and the new slots are both held.
    if (budget_ != nullptr) {
      stopped_ = budget_->reserve(bytes(slots_.size()), bytes(more));
      if (stopped_ != MemoryVerdict::ok) return false;
    }
    std::vector<Fingerprint> bigger(more);
    size_ = 0;
    for (const Fingerprint& f : slots_)
      if (!(f == Fingerprint{})) place(bigger, f);
    if (budget_ != nullptr) budget_->release(bytes(slots_.size()));
    slots_.swap(bigger);
    return true;
  }

  MemoryBudget* budget_;
  std::size_t initial_;             // a power of two
  std::vector<Fingerprint> slots_;  // empty, or a power of two
  std::uint64_t size_ = 0;
  MemoryVerdict stopped_ = MemoryVerdict::ok;
};

}  // namespace wakecheck
