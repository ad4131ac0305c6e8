// The seed queue of ../shared/seeds/000, literally: its produce() and
// consume(), and each bug its text shows or asks about, one per variant, next
// to the version with all of them fixed (seed_fixed).
//
// | the seed's rule (or its question)             | variant that breaks it | finding            |
// |-----------------------------------------------|------------------------|--------------------|
// | a consumer with no work sleeps; `goto out`    | seed_goto_out          | busy-wait: it polls|
// |   makes it "cycle b/t READY and RUNNING"      |                        |   len, the producer|
// |                                               |                        |   starves          |
// | a producer that queues itself on producers_wq | seed_add_no_sleep      | invariant: returns |
// |   must sleep there and dequeue before return; |                        |   with its entry   |
// |   the seed adds itself, drops the item and    |                        |   still queued     |
// |   returns -ENOSPC                             |                        |                    |
// | a consumer processes only an item it took;    | seed_uninit_item       | invariant: an item |
// |   the seed's empty path enqueues itself and   |                        |   never produced   |
// |   falls through to process_item(item)         |                        |                    |
// | wake whenever the condition changes; the seed | seed_null_test         | lost-wakeup: the   |
// |   wakes only `if (consumers_wq != NULL)`      |                        |   skipped wake_up  |
// | "what if this did a kmalloc()?" under l:      | seed_kmalloc           | sleep-in-atomic    |
// |   GFP_KERNEL may sleep, not under a spinlock  |                        |   (might_sleep)    |
// | all of the above fixed                        | seed_fixed             | none               |
//
// seed_goto_out is a busy-wait: the consumer takes l, sees len == 0, drops l
// and tries again, forever if the producer never runs. Its consumer declares
// what it carries (the items taken), so the state after a try is the state
// before it: the engine sees the cycle (checker/cycle.hpp) with no item moved,
// the consumer never sleeping in it and the producer able to run throughout.
// Read literally, the seed's `goto out` also jumps over unlock(l): that is a
// leaked-lock, like the `-ENOSPC` return of the `leak` variant; this variant
// drops l first, to show the busy cycle the seed's comment names.
#include <cerrno>

#include "model/kernel/slab.hpp"
#include "model/queues/boundedq.hpp"

namespace wakecheck::bq {
namespace {

// SLUB's poison for allocated but never written memory (POISON_INUSE, 0x5a):
// the seed's `item_t *item;` when the empty path falls through to use it.
constexpr std::int64_t kUninitialisedItem = 0x5a5a5a5a;

// The seed's producer allocates the item's list node. This model's list holds
// values, so the node stands for the allocation only and is freed with the
// frame (on an unwound fiber too).
struct item_node {
  void* mem = nullptr;
  item_node() = default;
  item_node(const item_node&) = delete;
  item_node& operator=(const item_node&) = delete;
  ~item_node() { kfree(mem); }
};

// The seed's wake of consumers. seed_null_test guards it, as the seed does,
// with a test of whether anyone waits: a word the consumers set without
// holding l, so the test can read it before a consumer that already found
// len == 0 sets it.
void wake_consumers(world& w, Variant v) {
  if (v == Variant::seed_null_test && w.q.consumers_waiting->load() == 0)
    return;  // if (consumers_wq != NULL) wakeup(consumers_wq);
  wake_up(&w.q.consumers_wq);
}

// The seed's else branch: "throttling the heavy writers" by add_to_waitq
// without sleeping; the item is dropped and the entry, on this stack frame,
// stays queued as the producer returns.
int produce_no_sleep(world& w, task_struct* current) {
  boundedq* q = &w.q;
  wait_queue_entry wait;
  init_waitqueue_entry(&wait, current);
  add_wait_queue(&q->producers_wq, &wait);  // add_to_waitq(producers_wq, current)
  wake_up(&q->consumers_wq);                // "possible to get here"
  spin_unlock(&q->l);
  return -ENOSPC;
}

// process_item(): "e.g., compress file (and kfree item)".
void process_item(world& w, task_struct* current, std::int64_t item,
                  SourceLoc loc = SourceLoc::current()) {
  w.log.deliver(item, current, loc);
}

// The fixed consumer's wait: enqueue (exclusive) under l, then sleep.
void wait_for_item(world& w, task_struct* current, Variant v) {
  boundedq* q = &w.q;
  while (q->len.load() == 0) {
    wait_queue_entry wait = DEFINE_WAIT(current);
    prepare_to_wait_exclusive(&q->consumers_wq, &wait, TASK_UNINTERRUPTIBLE);
    spin_unlock(&q->l);
    if (v == Variant::seed_null_test) q->consumers_waiting->store(1);  // too late: l is dropped
    schedule(current);
    if (v == Variant::seed_null_test) q->consumers_waiting->store(0);
    finish_wait(&q->consumers_wq, &wait);
    spin_lock(&q->l);
  }
}

}  // namespace

int produce_seed(world& w, task_struct* current, std::int64_t item, Variant v) {
  boundedq* q = &w.q;
  item_node node;
  // Fixed: allocate before taking l, where GFP_KERNEL may sleep.
  if (v != Variant::seed_kmalloc) node.mem = kmalloc(current, sizeof item, GFP_KERNEL);
  spin_lock(&q->l);
  if (v == Variant::seed_kmalloc)
    node.mem = kmalloc(current, sizeof item, GFP_KERNEL);  // "what if this did a kmalloc()?"
  if (v == Variant::seed_add_no_sleep && q->len.load() == q->max)
    return produce_no_sleep(w, current);
  while (q->len.load() == q->max) {
    wait_queue_entry wait = DEFINE_WAIT(current);
    prepare_to_wait_exclusive(&q->producers_wq, &wait, TASK_UNINTERRUPTIBLE);
    spin_unlock(&q->l);
    schedule(current);
    finish_wait(&q->producers_wq, &wait);
    spin_lock(&q->l);
  }
  insert(w, current, item);  // insert_into_head(itemlist, item); len++
  wake_consumers(w, v);
  spin_unlock(&q->l);
  return 0;
}

int consume_seed(world& w, task_struct* current, Variant v) {
  boundedq* q = &w.q;
  std::int64_t item = kUninitialisedItem;  // item_t *item;
  wait_queue_entry wait;
  spin_lock(&q->l);
  if (v == Variant::seed_goto_out && q->len.load() == 0) {
    spin_unlock(&q->l);
    return -EAGAIN;  // goto out: the kernel thread calls consume() again at once
  }
  if (v == Variant::seed_uninit_item && q->len.load() == 0) {
    init_waitqueue_entry(&wait, current);
    add_wait_queue(&q->consumers_wq, &wait);  // add_to_waitq(consumers_wq, current), no sleep
  } else {
    wait_for_item(w, current, v);
    item = remove(w, current);  // remove_tail_item(itemlist); len--
  }
  wake_up(&q->producers_wq);  // the seed's `if (producers_wq != NULL)`: unconditional here
  spin_unlock(&q->l);
  process_item(w, current, item);  // seed_uninit_item: the item it never took
  return 0;
}

}  // namespace wakecheck::bq
