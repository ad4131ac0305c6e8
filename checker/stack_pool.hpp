// Fiber stacks, pooled. A fresh guard-paged stack costs an mmap and an mprotect
// (~140 us here); a pooled one costs a vector pop. Stacks are made once per pool
// and reused by every later execution.
#pragma once

#include <boost/context/stack_context.hpp>
#include <cstddef>
#include <vector>

namespace wakecheck {

class StackPool {
 public:
  static constexpr std::size_t kDefaultStackSize = 256 * 1024;

  explicit StackPool(std::size_t stack_size = kDefaultStackSize);
  ~StackPool();
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  boost::context::stack_context allocate();
  void deallocate(boost::context::stack_context& sc) noexcept;

  std::size_t stacks_made() const { return all_.size(); }

 private:
  std::size_t size_;  // usable bytes per stack, a multiple of the page size
  std::size_t page_;
  std::vector<void*> free_;  // lowest address (the guard page) of each idle stack
  std::vector<void*> all_;
};

// Boost.Context's StackAllocator concept, backed by a StackPool.
class PooledStack {
 public:
  explicit PooledStack(StackPool& pool) : pool_(&pool) {}
  boost::context::stack_context allocate() { return pool_->allocate(); }
  void deallocate(boost::context::stack_context& sc) noexcept { pool_->deallocate(sc); }

 private:
  StackPool* pool_;
};

}  // namespace wakecheck
