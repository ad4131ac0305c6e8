// kmalloc()/kfree() (include/linux/slab.h, include/linux/gfp_types.h,
// mm/page_alloc.c).
//
// clang-format off
// | Linux rule                                                  | test (tests/kmalloc_test.cpp)                 |
// |-------------------------------------------------------------|-----------------------------------------------|
// | GFP_KERNEL may enter direct reclaim and sleep: slab_pre_    | GfpKernelUnderASpinlockIsFound                |
// |   alloc_hook() -> might_alloc() -> might_sleep_if()          |                                               |
// | GFP_ATOMIC (and GFP_NOWAIT) never sleep: for atomic context | GfpAtomicUnderASpinlockIsFine                 |
// | GFP_ATOMIC/GFP_NOWAIT may fail and return NULL              | GfpAtomicMayFail                              |
// | GFP_KERNEL up to PAGE_ALLOC_COSTLY_ORDER (8 pages) is "too   | GfpKernelSmallNeverFails                      |
// |   small to fail": the allocator retries (and OOM-kills)     |                                               |
// | GFP_KERNEL above that may fail                              | GfpKernelLargeMayFail                         |
// | a NULL kmalloc() result used without a check oopses         | UncheckedNullIsFound, CheckedNullIsClean       |
// | kfree(NULL) does nothing                                    | CheckedNullIsClean                            |
// clang-format on
//
// Failure is a choice of the environment ([search] kmalloc_failures, off by
// default): with it on, an allocation that may fail is a scheduling point
// where the search explores both outcomes; with it off kmalloc() never fails
// and is no scheduling point (the memory is the task's own until it
// publishes a pointer to it, which goes through shared data).
#pragma once

#include <cstddef>
#include <new>

#include "model/kernel/sched.hpp"

namespace wakecheck {

using gfp_t = unsigned;

// The bits that decide whether an allocation may sleep (gfp_types.h).
inline constexpr gfp_t __GFP_HIGH = 0x20;
inline constexpr gfp_t __GFP_IO = 0x40;
inline constexpr gfp_t __GFP_FS = 0x80;
inline constexpr gfp_t __GFP_DIRECT_RECLAIM = 0x400;
inline constexpr gfp_t __GFP_KSWAPD_RECLAIM = 0x800;
inline constexpr gfp_t __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;

inline constexpr gfp_t GFP_ATOMIC = __GFP_HIGH | __GFP_KSWAPD_RECLAIM;
inline constexpr gfp_t GFP_NOWAIT = __GFP_KSWAPD_RECLAIM;
inline constexpr gfp_t GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;

// PAGE_SIZE << PAGE_ALLOC_COSTLY_ORDER: the largest "too small to fail" request.
inline constexpr std::size_t kCostlySize = std::size_t{4096} << 3;

// True when the environment made this allocation fail (a scheduling point;
// only called with the failure family on and an allocation that may fail).
bool kmalloc_fails(task_struct* current, std::size_t size, gfp_t flags, SourceLoc loc);

// `current` is the allocating task (the kernel finds it itself; the model
// passes it, as to schedule()). NULL when the allocation failed.
inline void* kmalloc(task_struct* current, std::size_t size, gfp_t flags,
                     SourceLoc loc = SourceLoc::current()) {
  if (flags & __GFP_DIRECT_RECLAIM) might_sleep(current, "kmalloc", loc);
  const bool may_fail = !(flags & __GFP_DIRECT_RECLAIM) || size > kCostlySize;
  if (may_fail && current->k->ex().choices().failures && kmalloc_fails(current, size, flags, loc))
    return nullptr;
  return ::operator new(size == 0 ? 1 : size);
}

inline void kfree(const void* objp) {
  ::operator delete(const_cast<void*>(objp));
}

// Model code uses memory it allocated through deref(current, p): a NULL p is
// Linux's oops ("BUG: kernel NULL pointer dereference"), here an invariant
// finding naming the site and the allocation that failed, not a crash of the
// checker.
[[noreturn]] void null_dereference(task_struct* current, SourceLoc loc);
template <class T>
T* deref(task_struct* current, T* p, SourceLoc loc = SourceLoc::current()) {
  if (p == nullptr) null_dereference(current, loc);
  return p;
}

}  // namespace wakecheck
