// The set of explored states: open addressing over 128-bit fingerprints. The
// search is hash-compacted: two states with one fingerprint count as one
// (probability ~ n^2 / 2^129 for n states: negligible, and said in reports).
#pragma once

#include <cstdint>
#include <vector>

#include "checker/hash.hpp"

namespace wakecheck {

class VisitedSet {
 public:
  explicit VisitedSet(std::size_t initial_capacity = 1 << 16) : slots_(initial_capacity) {}

  // Inserts `f`; false if it was already there.
  bool insert(Fingerprint f) {
    if (f == Fingerprint{}) f.lo = 1;  // the all-zero fingerprint marks an empty slot
    if ((size_ + 1) * 2 > slots_.size()) grow();
    return place(slots_, f);
  }

  std::uint64_t size() const { return size_; }

 private:
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

  void grow() {
    std::vector<Fingerprint> bigger(slots_.size() * 2);
    size_ = 0;
    for (const Fingerprint& f : slots_)
      if (!(f == Fingerprint{})) place(bigger, f);
    slots_.swap(bigger);
  }

  std::vector<Fingerprint> slots_;  // size is a power of two
  std::uint64_t size_ = 0;
};

}  // namespace wakecheck
