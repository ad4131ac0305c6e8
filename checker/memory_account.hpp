// The memory budget (--memory) the visited sets of a run's work units share.
//
// Determinism: whether a unit stops at the budget depends on that unit alone
// (its own set would exceed the whole budget: over_budget), never on which
// units run beside it. When units running at once would together exceed it,
// the lowest-numbered running unit waits for memory, and any other unit
// yields: it gives its memory back and runs again from its start later.
// Thread safety: every member may be called from any thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>

#include "checker/visited.hpp"

namespace wakecheck {

class MemoryAccount {
 public:
  explicit MemoryAccount(std::uint64_t limit) : limit_(limit) {}

  MemoryVerdict reserve(std::uint32_t unit, std::size_t held, std::size_t more) {
    std::unique_lock lock(mutex_);
    if (held + more > limit_) return MemoryVerdict::over_budget;
    while (used_ + more > limit_) {
      if (running_.empty() || unit != *running_.begin()) return MemoryVerdict::yield;
      ++waiting_;
      changed_.wait(lock);
      --waiting_;
      changed_.notify_all();  // a unit that yielded may wait for no unit to wait
    }
    used_ += more;
    return MemoryVerdict::ok;
  }

  void release(std::size_t bytes) {
    const std::lock_guard lock(mutex_);
    used_ -= bytes;
    changed_.notify_all();
  }

  void enter(std::uint32_t unit) {
    const std::lock_guard lock(mutex_);
    running_.insert(unit);
  }
  void leave(std::uint32_t unit) {
    const std::lock_guard lock(mutex_);
    running_.erase(unit);
    changed_.notify_all();
  }
  // After a yield: wait until no unit waits for memory, so the unit that
  // yielded does not take back what the waiting one needs.
  void wait_for_waiters() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return waiting_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::uint64_t limit_;
  std::uint64_t used_ = 0;
  std::set<std::uint32_t> running_;
  int waiting_ = 0;
};

// One unit's view of the account, for its visited set.
class UnitBudget final : public MemoryBudget {
 public:
  UnitBudget(MemoryAccount& account, std::uint32_t unit) : account_(account), unit_(unit) {}
  MemoryVerdict reserve(std::size_t held, std::size_t more) override {
    return account_.reserve(unit_, held, more);
  }
  void release(std::size_t bytes) override { account_.release(bytes); }

 private:
  MemoryAccount& account_;
  std::uint32_t unit_;
};

}  // namespace wakecheck
