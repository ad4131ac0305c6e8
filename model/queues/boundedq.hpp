// The bounded producer/consumer queue shared by boundedq's two files:
// boundedq.cpp (the BENCHMARKS.md variants and the registration) and
// boundedq_seed.cpp (the seed queue of ../shared/seeds/000, bug for bug).
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/diagnose.hpp"
#include "checker/shared.hpp"
#include "model/kernel/wait.hpp"
#include "model/model.hpp"

namespace wakecheck::bq {

// The BENCHMARKS.md variants, then the seed's (boundedq_seed.cpp).
enum class Variant {
  ok,
  leak,
  sleep_on,
  nowake,
  herd,
  seed_fixed,
  seed_goto_out,
  seed_add_no_sleep,
  seed_uninit_item,
  seed_null_test,
  seed_kmalloc
};

constexpr std::array<std::string_view, 11> kVariants = {
    "ok",          "leak",          "sleep_on",          "nowake",           "herd",
    "seed_fixed",  "seed_goto_out", "seed_add_no_sleep", "seed_uninit_item", "seed_null_test",
    "seed_kmalloc"};

inline bool is_seed(Variant v) {
  return v >= Variant::seed_fixed;
}

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

struct boundedq {
  boundedq(kernel& k, int capacity, int total_items)
      : l(k, "l"),
        items(k.ex(), "items", static_cast<std::size_t>(total_items), l.id),
        len(k.ex(), "len", 0, l.id),
        max(capacity),
        producers_wq(k, "producers_wq"),
        consumers_wq(k, "consumers_wq") {
    spin_lock_no_trylock(&l);  // every variant takes l with spin_lock()
  }

  spinlock_t l;
  shared_fifo items;  // guarded by l
  shared_var len;     // guarded by l
  int max;
  wait_queue_head producers_wq;
  wait_queue_head consumers_wq;
  // seed_null_test only: the seed's `consumers_wq != NULL`, a "someone waits"
  // word that consumers set without holding l (none for the other variants,
  // so their objects and counts stay as they were).
  std::optional<shared_var> consumers_waiting;
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

  // The producers' task ids, p by p: items and counts are per producer, so a
  // renaming of producers renames them (symmetry); who took them is not kept.
  void set_producers(std::vector<TaskId> pids) {
    producers_ = std::move(pids);
    ex_->set_hash(id_, hash_with(nullptr));  // a relabel with no renaming must give it
    ex_->set_relabel(
        id_,
        [](const void* self, const TaskId* label) {
          return static_cast<const ledger*>(self)->hash_with(label);
        },
        this);
  }

  // Item v with its producer renamed by label (shared_fifo::ValueRelabelFn);
  // a value no producer made (an uninitialised item) stays as it is.
  static std::int64_t relabel_item(const void* self, std::int64_t v, const TaskId* label) {
    const auto* l = static_cast<const ledger*>(self);
    if (v < 0 || v >= std::int64_t{l->w_.producers} * l->w_.items) return v;
    const int p =
        l->producer_index(label[l->producers_[static_cast<std::size_t>(v / l->w_.items)]]);
    return l->item(p, static_cast<int>(v % l->w_.items));
  }

  // Item k of producer p is p * items + k.
  std::int64_t item(int p, int k) const { return std::int64_t{p} * w_.items + k; }
  // "producer1#0": its producer's task and its number there (the value
  // itself when no producer made it).
  std::string item_name(std::int64_t v) const {
    if (v < 0 || v >= std::int64_t{w_.producers} * w_.items || producers_.empty())
      return fmt::format("{}", v);
    return fmt::format("{}#{}", ex_->task_name(producers_[static_cast<std::size_t>(v / w_.items)]),
                       v % w_.items);
  }

  void deliver(std::int64_t item, task_struct* current, SourceLoc loc) {
    if (item < 0 || item >= std::int64_t{w_.producers} * w_.items)
      ex_->fail(invariant(
          current, fmt::format("item {} was never produced (an uninitialised item)", item), loc));
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
    // Every item is delivered once and in order per producer (or the
    // execution failed above), so next_seq_ says exactly what was delivered.
    ex_->set_hash(id_, hash_with(nullptr));
  }

  // next_seq_ producer by producer; with `label`, producer p's count is the
  // count of the producer p is renamed to.
  std::uint64_t hash_with(const TaskId* label) const {
    std::uint64_t h = 0;
    for (std::size_t q = 0; q < next_seq_.size(); ++q) {
      std::size_t from = q;
      if (label != nullptr)  // the producer renamed to q's
        for (std::size_t p = 0; p < producers_.size(); ++p)
          if (label[producers_[p]] == producers_[q]) from = p;
      h = fold(h, static_cast<std::uint64_t>(next_seq_[from]));
    }
    return h;
  }

  std::string missing() const {
    for (std::size_t i = 0; i < delivered_.size(); ++i)
      if (!delivered_[i]) return fmt::format("item {} was never delivered", i);
    return "";
  }

  Finding invariant(task_struct* current, std::string what, SourceLoc loc) const {
    Finding f = finding_here(*ex_, FindingKind::Invariant, current ? current->pid : kNoTask, id_);
    f.summary = std::move(what);
    if (loc.line() != 0) f.explanation = fmt::format("  checked at {}\n", where(loc));
    return f;
  }

 private:
  Execution* ex_;
  Workload w_;
  int producer_index(TaskId t) const {
    for (std::size_t p = 0; p < producers_.size(); ++p)
      if (producers_[p] == t) return static_cast<int>(p);
    return 0;  // never: a renaming keeps producers among producers
  }

  std::vector<bool> delivered_;
  std::vector<int> next_seq_;
  std::vector<TaskId> producers_;
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
void check_len(world& w, task_struct* current, SourceLoc loc = SourceLoc::current());
void insert(world& w, task_struct* current, std::int64_t item);
std::int64_t remove(world& w, task_struct* current);
// Q-ok: the prepare_to_wait discipline on both sides (boundedq.cpp).
int produce_ok(world& w, task_struct* current, std::int64_t item, Variant v);
// Takes one item and delivers it (to the ledger) under the queue lock.
void consume_ok(world& w, task_struct* current, Variant v);

// The seed's produce() and consume() (boundedq_seed.cpp), one bug each per
// variant; seed_fixed has none. consume_seed processes the item itself, as the
// seed's consume() does, and returns -EAGAIN when it took none.
int produce_seed(world& w, task_struct* current, std::int64_t item, Variant v);
int consume_seed(world& w, task_struct* current, Variant v);

}  // namespace wakecheck::bq
