#include "checker/stack_pool.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <new>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#endif

namespace wakecheck {

StackPool::StackPool(std::size_t stack_size)
    : page_(static_cast<std::size_t>(sysconf(_SC_PAGESIZE))) {
  size_ = (stack_size + page_ - 1) / page_ * page_;
}

StackPool::~StackPool() {
  for (void* base : all_) munmap(base, size_ + page_);
}

boost::context::stack_context StackPool::allocate() {
  void* base = nullptr;
  if (!free_.empty()) {
    base = free_.back();
    free_.pop_back();
  } else {
    base = mmap(nullptr, size_ + page_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) throw std::bad_alloc();
    // The lowest page stays inaccessible: a model that overflows its stack
    // faults at once instead of corrupting a neighbour.
    mprotect(base, page_, PROT_NONE);
    all_.push_back(base);
  }
#if defined(__SANITIZE_ADDRESS__)
  // A reused stack still carries the poison of the frames it held last time.
  __asan_unpoison_memory_region(static_cast<char*>(base) + page_, size_);
#endif
  boost::context::stack_context sc;
  sc.size = size_;
  sc.sp = static_cast<char*>(base) + page_ + size_;  // stacks grow down
  return sc;
}

void StackPool::deallocate(boost::context::stack_context& sc) noexcept {
  free_.push_back(static_cast<char*>(sc.sp) - size_ - page_);
}

}  // namespace wakecheck
