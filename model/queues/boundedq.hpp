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
        id_(ex.add_object(ObjectKind::Ledger, "delivered")) {
    ex.declare_task_free(id_);  // items and counts per producer, not who took them
  }

  // Item k of producer p is p * items + k.
  std::int64_t item(int p, int k) const { return std::int64_t{p} * w_.items + k; }

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
    std::uint64_t h = 0;
    for (const int n : next_seq_) h = fold(h, static_cast<std::uint64_t>(n));
    ex_->set_hash(id_, h);
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
  std::vector<bool> delivered_;
  std::vector<int> next_seq_;
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
std::int64_t consume_ok(world& w, task_struct* current, Variant v);

// The seed's produce() and consume() (boundedq_seed.cpp), one bug each per
// variant; seed_fixed has none. consume_seed processes the item itself, as the
// seed's consume() does, and returns -EAGAIN when it took none.
int produce_seed(world& w, task_struct* current, std::int64_t item, Variant v);
int consume_seed(world& w, task_struct* current, Variant v);

}  // namespace wakecheck::bq
