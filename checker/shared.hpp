// Plain shared data of the code under test: engine-visible; a scheduling point
// unless the task holds the lock declared to guard it (Execution::access).
// Every read and write is recorded (the reader's history hashes the value it
// saw; the race detector will check the guarding lock) and every write updates
// the object's hash, so the state fingerprint covers the data.
//
// Invariant: every result a wrapper records is computed inside
// Execution::perform(), after the operation's scheduling point, from the state
// as it is when the task runs again (checked by Execution::observe in checked
// mode). Misuse by the code under test (taking from an empty list) is a
// finding about that code, never an exception or a model error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checker/execution.hpp"

namespace wakecheck {

class shared_var {
 public:
  // `guard`: the lock that protects it (kNoObject: none; every access interleaves).
  shared_var(Execution& ex, std::string name, std::int64_t init, ObjectId guard = kNoObject);
  std::int64_t load(SourceLoc loc = SourceLoc::current()) const;
  void store(std::int64_t v, SourceLoc loc = SourceLoc::current());
  // The value, unrecorded: for checks and reports, never for the code under test.
  std::int64_t peek() const { return value_; }
  ObjectId id() const { return id_; }

 private:
  Execution* ex_;
  ObjectId id_;
  std::int64_t value_;
};

// A FIFO list of values (the queue's `items`), stored in a ring that never
// reallocates: its capacity is fixed when made.
class shared_fifo {
 public:
  shared_fifo(Execution& ex, std::string name, std::size_t capacity, ObjectId guard = kNoObject);
  // list_add_tail. Past the capacity the model gave it: an invariant finding.
  void push_back(std::int64_t v, SourceLoc loc = SourceLoc::current());
  // list_del of the first item. On an empty list: an invariant finding that
  // names this access and the one that took the last item.
  std::int64_t pop_front(SourceLoc loc = SourceLoc::current());
  // Recorded reads: scheduling points unless the guard is held.
  std::size_t size(SourceLoc loc = SourceLoc::current()) const;
  bool empty(SourceLoc loc = SourceLoc::current()) const { return size(loc) == 0; }
  // Unrecorded, for checks and reports, never for the code under test.
  std::size_t peek_size() const { return size_; }
  std::int64_t peek_at(std::size_t i) const { return ring_[(head_ + i) % ring_.size()]; }
  ObjectId id() const { return id_; }
  // Values that belong to tasks (a producer's items), for symmetry: `fn`
  // gives value v as it reads with every task t renamed label[t]
  // (Execution::set_relabel). Without it the values name no task.
  using ValueRelabelFn = std::int64_t (*)(const void* ctx, std::int64_t v, const TaskId* label);
  void set_value_relabel(ValueRelabelFn fn, const void* ctx);

 private:
  void rehash();
  std::uint64_t hash_with(const TaskId* label) const;
  [[noreturn]] void misuse(const char* what) const;

  Execution* ex_;
  ObjectId id_;
  std::vector<std::int64_t> ring_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
  ValueRelabelFn relabel_ = nullptr;
  const void* relabel_ctx_ = nullptr;
};

}  // namespace wakecheck
