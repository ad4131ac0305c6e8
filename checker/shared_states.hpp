// The visited set the work units of one tree search share (--jobs): 64
// stripes chosen by the fingerprint, a lock each. Every reachable state is
// inserted first exactly once, by whichever unit gets there first, and the
// unit that does explores everything after it; so the set ends holding the
// same states whatever the timing, and so does every count derived from them
// (checker/parallel.cpp).
//
// Memory: the stripes' slots count against a budget (0: none). The sum of
// the stripes' slots only grows, and on a search that ends it depends on the
// final set alone: so whether the budget stops a search does not depend on
// the timing or on --jobs (checker/tree_search.cpp re-runs a stopped one on
// one thread for the counts at the stop). While one stripe rehashes, its old
// slots (1/64 of the set) are held beside the new ones, uncounted.
// Thread safety: insert() and stopped() from any thread; the rest once the
// searches are over.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "checker/visited.hpp"

namespace wakecheck {

class SharedStates final : public StateSet {
 public:
  explicit SharedStates(std::uint64_t budget) : budget_(*this), limit_(budget) {
    for (Stripe& s : stripes_) s.set.emplace(limit_ ? &budget_ : nullptr, kStripeSlots);
  }

  bool insert(const Fingerprint& f, std::uint32_t options) override {
    Stripe& s = stripes_[f.hi >> 58];
    const std::lock_guard lock(s.mutex);
    if (!s.set->insert(f)) {
      if (s.set->stopped() != MemoryVerdict::ok) stopped_.store(true);
      return false;
    }
    if (log_) s.log.emplace_back(f, options);
    return true;
  }
  bool stopped() const override { return stopped_.load(std::memory_order_relaxed); }
  // From now on keep every state inserted, with its number of options (a
  // shard's result file). Call before the searches start.
  void start_log() { log_ = true; }

  std::uint64_t size() const {
    std::uint64_t n = 0;
    for (Stripe& s : stripes_) {
      const std::lock_guard lock(s.mutex);
      n += s.set->size();
    }
    return n;
  }
  // Whether the whole set needs more than the budget (decided on the final set).
  bool over_budget() const { return stopped() || (limit_ != 0 && used_.load() > limit_); }
  // Every state logged, with its options, ordered by fingerprint.
  std::vector<std::pair<Fingerprint, std::uint32_t>> entries() const {
    std::vector<std::pair<Fingerprint, std::uint32_t>> all;
    for (const Stripe& s : stripes_) all.insert(all.end(), s.log.begin(), s.log.end());
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return a.first.hi != b.first.hi ? a.first.hi < b.first.hi : a.first.lo < b.first.lo;
    });
    return all;
  }

 private:
  static constexpr std::size_t kStripeSlots = 1 << 10;

  // Net growth against the limit; the final total decides (over_budget()).
  class Budget final : public MemoryBudget {
   public:
    explicit Budget(SharedStates& owner) : owner_(owner) {}
    MemoryVerdict reserve(std::size_t held, std::size_t more) override {
      if (owner_.used_.load() + more - held > owner_.limit_) return MemoryVerdict::over_budget;
      owner_.used_ += more;
      return MemoryVerdict::ok;
    }
    void release(std::size_t bytes) override { owner_.used_ -= bytes; }

   private:
    SharedStates& owner_;
  };

  struct Stripe {
    std::mutex mutex;
    std::optional<VisitedSet> set;
    std::vector<std::pair<Fingerprint, std::uint32_t>> log;
  };

  Budget budget_;
  std::uint64_t limit_;
  bool log_ = false;
  std::atomic<std::uint64_t> used_{0};
  std::atomic<bool> stopped_{false};
  mutable std::array<Stripe, 64> stripes_;
};

}  // namespace wakecheck
