// kmalloc()/kfree() (include/linux/slab.h, include/linux/gfp_types.h).
//
// | Linux rule                                                  | here                          |
// |-------------------------------------------------------------|-------------------------------|
// | GFP_KERNEL may enter direct reclaim and sleep: slab_pre_    | might_sleep() first: under a  |
// |   alloc_hook() -> might_alloc() -> might_sleep_if()          |   spinlock, sleep-in-atomic   |
// | GFP_ATOMIC (and GFP_NOWAIT) never sleep: for atomic context | no finding under a spinlock   |
// | kmalloc() may fail and return NULL                          | not yet: it never fails (no   |
// |                                                             |   failure choice is explored) |
// | kfree(NULL) does nothing                                    | same                          |
//
// Neither is a scheduling point: the memory is the task's own until it
// publishes a pointer to it, which goes through shared data.
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

// `current` is the allocating task (the kernel finds it itself; the model
// passes it, as to schedule()).
inline void* kmalloc(task_struct* current, std::size_t size, gfp_t flags,
                     SourceLoc loc = SourceLoc::current()) {
  if (flags & __GFP_DIRECT_RECLAIM) might_sleep(current, "kmalloc", loc);
  return ::operator new(size == 0 ? 1 : size);
}

inline void kfree(const void* objp) {
  ::operator delete(const_cast<void*>(objp));
}

}  // namespace wakecheck
