// The seed's bounded producer/consumer queue (../shared/BENCHMARKS.md). The
// correct queue ("ok") uses the prepare_to_wait discipline: a task enqueues
// itself on the wait queue before it drops the queue lock and sleeps, so a
// waker that takes the lock after the test always finds it.
//
// The seed's own code, bug for bug, is in boundedq_seed.cpp; its variants are
// registered here with the others.
#include "model/queues/boundedq.hpp"

#include <cerrno>
#include <stdexcept>

namespace wakecheck::bq {
namespace {

std::vector<param_issue> check_workload(const param_values& p) {
  std::vector<param_issue> issues;
  const std::int64_t tasks = p.get("producers") + p.get("consumers");
  const std::int64_t total = p.get("producers") * p.get("items");
  if (tasks > kMaxTasks)
    issues.push_back({"consumers", fmt::format("producers+consumers ({}) must be at most {}", tasks,
                                               kMaxTasks)});
  if (total > kMaxItemsTotal)
    issues.push_back(
        {"items", fmt::format("producers*items ({}) must be at most {}", total, kMaxItemsTotal)});
  if (total % p.get("consumers") != 0)
    issues.push_back({"consumers", fmt::format("producers*items ({}) is not divisible by "
                                               "consumers ({}): each consumer must take the "
                                               "same number of items",
                                               total, p.get("consumers"))});
  return issues;
}

}  // namespace

void check_len(world& w, task_struct* current, SourceLoc loc) {
  const std::int64_t len = w.q.len.peek();
  if (len < 0 || len > w.q.max || static_cast<std::size_t>(len) != w.q.items.peek_size())
    w.k.ex().fail(w.log.invariant(
        current,
        fmt::format("len = {} with {} items queued, max = {}", len, w.q.items.peek_size(), w.q.max),
        loc));
}

// An item that moves (queued, taken) is progress: a cycle with one on it is
// no livelock or busy-wait (checker/cycle.hpp).
void insert(world& w, task_struct* current, std::int64_t item) {
  w.q.items.push_back(item);
  w.q.len.store(w.q.len.load() + 1);
  check_len(w, current);
  w.k.ex().progress();
}

std::int64_t remove(world& w, task_struct* current) {
  const std::int64_t item = w.q.items.pop_front();
  w.q.len.store(w.q.len.load() - 1);
  check_len(w, current);
  w.k.ex().progress();
  return item;
}

// Q-ok: while full, enqueue (exclusive) before unlocking, then sleep.
int produce_ok(world& w, task_struct* current, std::int64_t item, Variant v) {
  boundedq* q = &w.q;
  const std::uint64_t entry = w.k.ex().task_state();
  spin_lock(&q->l);
  for (;;) {
    w.k.ex().declare_task_state(entry);  // each retry starts alike: only l is held
    if (q->len.load() != q->max) break;
    wait_queue_entry wait = DEFINE_WAIT(current);
    prepare_to_wait_exclusive(&q->producers_wq, &wait, TASK_UNINTERRUPTIBLE);
    spin_unlock(&q->l);
    schedule(current);
    finish_wait(&q->producers_wq, &wait);
    spin_lock(&q->l);
  }
  const bool was_empty = q->len.load() == 0;
  insert(w, current, item);
  if (v == Variant::herd)
    wake_up_all(&q->consumers_wq);  // B-herd: every sleeping consumer wakes for one item
  else if (v != Variant::nowake || was_empty)
    wake_up(&q->consumers_wq);  // B-nowake wakes only on 0 -> 1: a second sleeper never hears
  spin_unlock(&q->l);
  return 0;
}

namespace {

// B-leak: gives up when full, and returns with the lock still held.
int produce_leak(world& w, task_struct* current, std::int64_t item) {
  boundedq* q = &w.q;
  spin_lock(&q->l);
  if (q->len.load() == q->max) return -ENOSPC;  // bad: leaving 'l' locked
  insert(w, current, item);
  wake_up(&q->consumers_wq);
  spin_unlock(&q->l);
  return 0;
}

}  // namespace

namespace {

// Takes the first item and delivers it at once: from here the consumer
// carries nothing (`entry`, folded with "took one"), so renaming producers,
// which renames their items, need not reach into a consumer's state.
void take(world& w, task_struct* current, std::uint64_t entry) {
  w.log.deliver(remove(w, current), current, SourceLoc::current());
  w.k.ex().declare_task_state(fold(entry, 1));
}

}  // namespace

// Q-ok consumer (exclusive waiters); B-herd waits non-exclusively.
void consume_ok(world& w, task_struct* current, Variant v) {
  boundedq* q = &w.q;
  const std::uint64_t entry = w.k.ex().task_state();
  spin_lock(&q->l);
  for (;;) {
    w.k.ex().declare_task_state(entry);  // each retry starts alike: only l is held
    if (q->len.load() != 0) break;
    wait_queue_entry wait = DEFINE_WAIT(current);
    if (v == Variant::herd)
      prepare_to_wait(&q->consumers_wq, &wait, TASK_UNINTERRUPTIBLE);
    else
      prepare_to_wait_exclusive(&q->consumers_wq, &wait, TASK_UNINTERRUPTIBLE);
    spin_unlock(&q->l);
    schedule(current);
    finish_wait(&q->consumers_wq, &wait);
    spin_lock(&q->l);
  }
  take(w, current, entry);
  wake_up(&q->producers_wq);
  spin_unlock(&q->l);
}

namespace {

// B-sleepon: the test and the enqueue are not atomic.
void consume_sleep_on(world& w, task_struct* current) {
  boundedq* q = &w.q;
  const std::uint64_t entry = w.k.ex().task_state();
  for (;;) {
    w.k.ex().declare_task_state(entry);
    spin_lock(&q->l);
    if (q->len.load() == 0) {
      spin_unlock(&q->l);
      sleep_on(&q->consumers_wq);  // a wake_up between the unlock and here is lost
      continue;
    }
    take(w, current, entry);
    wake_up(&q->producers_wq);
    spin_unlock(&q->l);
    return;
  }
}

Variant variant_named(std::string_view name) {
  for (std::size_t i = 0; i < kVariants.size(); ++i)
    if (kVariants[i] == name) return static_cast<Variant>(i);
  throw std::invalid_argument(fmt::format("boundedq has no variant '{}'", name));
}

Workload workload_of(const param_values& p) {
  return {static_cast<int>(p.get("producers")), static_cast<int>(p.get("consumers")),
          static_cast<int>(p.get("items")), static_cast<int>(p.get("capacity"))};
}

// The queue as the final state shows it: each item by its producer and its
// number there ("producer1#0"), so that a renaming of interchangeable
// producers renames what the report says with them.
void describe_items(const void* self, const Execution&, std::string& out) {
  const world& w = *static_cast<const world*>(self);
  out += "[";
  for (std::size_t i = 0; i < w.q.items.peek_size(); ++i) {
    if (i != 0) out += ' ';
    out += w.log.item_name(w.q.items.peek_at(i));
  }
  out += "]";
}

class boundedq_model {
 public:
  boundedq_model(kernel& k, const model_args& args)
      : variant_(variant_named(args.variant)),
        workload_(workload_of(args.params)),
        w_(k, workload_) {
    if (variant_ == Variant::seed_null_test)
      w_.q.consumers_waiting.emplace(k.ex(), "consumers_waiting", 0);  // no lock guards it
    std::vector<TaskId> producers;
    for (int p = 0; p < workload_.producers; ++p)
      producers.push_back(
          k.kthread_run(fmt::format("producer{}", p), 0, [this, p](task_struct* current) {
             return producer(current, p);
           })->pid);
    // Producers run the same code, each on its own items: interchangeable, if
    // their items are renamed with them, in the queue and in the ledger (a
    // consumer carries none: take()). The seed's consumer processes an item
    // after it unlocked (it carries it), so its producers are told apart.
    w_.log.set_producers(std::move(producers));
    w_.q.items.set_value_relabel(&ledger::relabel_item, &w_.log);
    k.ex().set_describe(w_.q.items.id(), describe_items, &w_);
    if (!is_seed(variant_)) k.ex().declare_symmetric(0);
    const int share = workload_.producers * workload_.items / workload_.consumers;
    // Consumers run the same code and take items by the queue's order, not by
    // who they are: interchangeable.
    k.ex().declare_symmetric(1);
    for (int c = 0; c < workload_.consumers; ++c)
      k.kthread_run(fmt::format("consumer{}", c), 1,
                    [this, share](task_struct* current) { return consumer(current, share); });
  }

  std::string work_left(TaskId, ObjectId wq) const {
    const boundedq& q = w_.q;
    const std::int64_t len = q.len.peek();
    if (wq == q.consumers_wq.id && len > 0)
      return fmt::format("{} item{} queued (len = {})", len, len == 1 ? " is" : "s are", len);
    if (wq == q.producers_wq.id && len < q.max)
      return fmt::format("there is room (len = {}, max = {})", len, q.max);
    return "";
  }

  void at_end(kernel& k) {
    const std::string missing = w_.log.missing();
    if (!missing.empty()) k.ex().raise(w_.log.invariant(nullptr, missing, SourceLoc{}));
  }

 private:
  int producer(task_struct* current, int p) {
    for (int k = 0; k < workload_.items; ++k) {
      w_.k.ex().declare_task_state(static_cast<std::uint64_t>(k));  // p is the task's own
      const std::int64_t item = w_.log.item(p, k);
      const int err = variant_ == Variant::leak ? produce_leak(w_, current, item)
                      : is_seed(variant_)       ? produce_seed(w_, current, item, variant_)
                                                : produce_ok(w_, current, item, variant_);
      if (err) return err;
    }
    return 0;
  }

  int consumer(task_struct* current, int share) {
    if (is_seed(variant_)) {
      // The seed's consume() processes the item itself; -EAGAIN: it took none
      // (its `goto out`), and the kernel thread calls it again.
      for (int taken = 0; taken < share;) {
        w_.k.ex().declare_task_state(static_cast<std::uint64_t>(taken));
        if (consume_seed(w_, current, variant_) == 0) ++taken;
      }
      return 0;
    }
    for (int i = 0; i < share; ++i) {
      w_.k.ex().declare_task_state(static_cast<std::uint64_t>(i));
      if (variant_ == Variant::sleep_on)
        consume_sleep_on(w_, current);
      else
        consume_ok(w_, current, variant_);
    }
    return 0;
  }

  Variant variant_;
  Workload workload_;
  world w_;
};

// Bump kVersion whenever the queue's code or its checks change what an
// execution does: recorded schedules then say they were made with another one.
constexpr int kVersion = 1;

const register_model<boundedq_model> registered{{
    .name = "boundedq",
    .version = kVersion,
    .summary = "the seed's bounded producer/consumer queue on Linux wait queues; seed_*: the "
               "seed's own code, one bug each (seed_fixed: none)",
    .variants = {kVariants.begin(), kVariants.end()},
    .params = {required_int_param("producers", 1, kMaxTasks, "producer tasks"),
               required_int_param("consumers", 1, kMaxTasks, "consumer tasks"),
               required_int_param("items", 1, 16, "items each producer puts"),
               required_int_param("capacity", 1, 64, "slots in the queue (max)")},
    .check_params = check_workload,
}};

}  // namespace

}  // namespace wakecheck::bq
