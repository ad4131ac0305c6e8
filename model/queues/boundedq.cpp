// The seed's bounded producer/consumer queue (../shared/BENCHMARKS.md). The
// correct queue ("ok") uses the prepare_to_wait discipline: a task enqueues
// itself on the wait queue before it drops the queue lock and sleeps, so a
// waker that takes the lock after the test always finds it.
#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <stdexcept>

#include "checker/diagnose.hpp"
#include "checker/shared.hpp"
#include "model/kernel/wait.hpp"
#include "model/model.hpp"

namespace wakecheck {
namespace {

enum class Variant { ok, leak, sleep_on, nowake, herd };

constexpr std::array<std::string_view, 5> kVariants = {"ok", "leak", "sleep_on", "nowake", "herd"};

// P producers x C consumers, K items per producer, queue capacity M
// (../shared/BENCHMARKS.md). Each consumer takes P*K/C items.
struct Workload {
  int producers;
  int consumers;
  int items;
  int capacity;
};

// Every task is a fiber and every item is tracked in the model's state, so
// these keep one execution small and its fingerprint cheap; a workload beyond
// them could not be searched exhaustively anyway.
constexpr std::int64_t kMaxTasks = 16;
constexpr std::int64_t kMaxItemsTotal = 64;

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

struct boundedq {
  boundedq(kernel& k, int capacity, int total_items)
      : l(k, "l"),
        items(k.ex(), "items", static_cast<std::size_t>(total_items), l.id),
        len(k.ex(), "len", 0, l.id),
        max(capacity),
        producers_wq(k, "producers_wq"),
        consumers_wq(k, "consumers_wq") {}

  spinlock_t l;
  shared_fifo items;  // guarded by l
  shared_var len;     // guarded by l
  int max;
  wait_queue_head producers_wq;
  wait_queue_head consumers_wq;
};

// Who got what: every item delivered exactly once, FIFO per producer.
class ledger {
 public:
  ledger(Execution& ex, const Workload& w)
      : ex_(&ex),
        w_(w),
        delivered_(static_cast<std::size_t>(w.producers * w.items), false),
        next_seq_(static_cast<std::size_t>(w.producers), 0),
        id_(ex.add_object(ObjectKind::Ledger, "delivered")) {}

  // Item k of producer p is p * items + k.
  std::int64_t item(int p, int k) const { return std::int64_t{p} * w_.items + k; }

  void deliver(std::int64_t item, task_struct* current, SourceLoc loc) {
    const auto p = static_cast<std::size_t>(item / w_.items);
    const int seq = static_cast<int>(item % w_.items);
    if (delivered_[static_cast<std::size_t>(item)])
      ex_->fail(invariant(current, fmt::format("item {} was delivered twice", item), loc));
    if (seq != next_seq_[p])
      ex_->fail(invariant(current,
                          fmt::format("item {} (producer{} #{}) overtook #{}: not FIFO", item, p,
                                      seq, next_seq_[p]),
                          loc));
    delivered_[static_cast<std::size_t>(item)] = true;
    ++next_seq_[p];
    ++count_;
    ex_->set_hash(id_, fold(count_, static_cast<std::uint64_t>(item)));
  }

  std::string missing() const {
    for (std::size_t i = 0; i < delivered_.size(); ++i)
      if (!delivered_[i]) return fmt::format("item {} was never delivered", i);
    return "";
  }

  Finding invariant(task_struct* current, std::string what, SourceLoc loc) const {
    Finding f{FindingKind::Invariant,
              current ? current->pid : kNoTask,
              id_,
              static_cast<std::uint32_t>(ex_->trace().size()),
              std::move(what),
              ""};
    if (loc.line() != 0) f.explanation = fmt::format("  checked at {}\n", where(loc));
    return f;
  }

 private:
  Execution* ex_;
  Workload w_;
  std::vector<bool> delivered_;
  std::vector<int> next_seq_;
  std::uint64_t count_ = 0;
  ObjectId id_;
};

struct world {
  world(kernel& kk, const Workload& w)
      : k(kk), q(kk, w.capacity, w.producers * w.items), log(kk.ex(), w) {}
  kernel& k;
  boundedq q;
  ledger log;
};

// 0 <= len <= max, and len counts the items.
void check_len(world& w, task_struct* current, SourceLoc loc = SourceLoc::current()) {
  const std::int64_t len = w.q.len.peek();
  if (len < 0 || len > w.q.max || static_cast<std::size_t>(len) != w.q.items.peek_size())
    w.k.ex().fail(w.log.invariant(
        current,
        fmt::format("len = {} with {} items queued, max = {}", len, w.q.items.peek_size(), w.q.max),
        loc));
}

void insert(world& w, task_struct* current, std::int64_t item) {
  w.q.items.push_back(item);
  w.q.len.store(w.q.len.load() + 1);
  check_len(w, current);
}

std::int64_t remove(world& w, task_struct* current) {
  const std::int64_t item = w.q.items.pop_front();
  w.q.len.store(w.q.len.load() - 1);
  check_len(w, current);
  return item;
}

// Q-ok: while full, enqueue (exclusive) before unlocking, then sleep.
int produce_ok(world& w, task_struct* current, std::int64_t item, Variant v) {
  boundedq* q = &w.q;
  spin_lock(&q->l);
  while (q->len.load() == q->max) {
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

// Q-ok consumer (exclusive waiters); B-herd waits non-exclusively.
std::int64_t consume_ok(world& w, task_struct* current, Variant v) {
  boundedq* q = &w.q;
  spin_lock(&q->l);
  while (q->len.load() == 0) {
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
  const std::int64_t item = remove(w, current);
  wake_up(&q->producers_wq);
  spin_unlock(&q->l);
  return item;
}

// B-sleepon: the test and the enqueue are not atomic.
std::int64_t consume_sleep_on(world& w, task_struct* current) {
  boundedq* q = &w.q;
  for (;;) {
    spin_lock(&q->l);
    if (q->len.load() == 0) {
      spin_unlock(&q->l);
      sleep_on(&q->consumers_wq);  // a wake_up between the unlock and here is lost
      continue;
    }
    const std::int64_t item = remove(w, current);
    wake_up(&q->producers_wq);
    spin_unlock(&q->l);
    return item;
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

class boundedq_model {
 public:
  boundedq_model(kernel& k, const model_args& args)
      : variant_(variant_named(args.variant)),
        workload_(workload_of(args.params)),
        w_(k, workload_) {
    for (int p = 0; p < workload_.producers; ++p)
      k.kthread_run(fmt::format("producer{}", p), 0,
                    [this, p](task_struct* current) { return producer(current, p); });
    const int share = workload_.producers * workload_.items / workload_.consumers;
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
      const std::int64_t item = w_.log.item(p, k);
      const int err = variant_ == Variant::leak ? produce_leak(w_, current, item)
                                                : produce_ok(w_, current, item, variant_);
      if (err) return err;
    }
    return 0;
  }

  int consumer(task_struct* current, int share) {
    for (int i = 0; i < share; ++i) {
      const std::int64_t item = variant_ == Variant::sleep_on ? consume_sleep_on(w_, current)
                                                              : consume_ok(w_, current, variant_);
      w_.log.deliver(item, current, SourceLoc::current());
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
    .summary = "the seed's bounded producer/consumer queue on Linux wait queues",
    .variants = {kVariants.begin(), kVariants.end()},
    .params = {required_int_param("producers", 1, kMaxTasks, "producer tasks"),
               required_int_param("consumers", 1, kMaxTasks, "consumer tasks"),
               required_int_param("items", 1, 16, "items each producer puts"),
               required_int_param("capacity", 1, 64, "slots in the queue (max)")},
    .check_params = check_workload,
}};

}  // namespace

}  // namespace wakecheck
