#include "checker/shared.hpp"

#include <fmt/format.h>

#include "checker/diagnose.hpp"

namespace wakecheck {

shared_var::shared_var(Execution& ex, std::string name, std::int64_t init, ObjectId guard)
    : ex_(&ex), id_(ex.add_object(ObjectKind::Variable, std::move(name))), value_(init) {
  ex.set_guard(id_, guard);
  ex.set_hash(id_, static_cast<std::uint64_t>(init));
  ex.declare_task_free(id_);  // a value, never a task
  ex.set_describe(
      id_,
      [](const void* self, const Execution&, std::string& out) {
        out += fmt::format("{}", static_cast<const shared_var*>(self)->value_);
      },
      this);
}

std::int64_t shared_var::load(SourceLoc loc) const {
  return ex_->perform(OpKind::Read, id_, Access::Read, "read", loc, [&] {
    ex_->observe(id_, loc);
    return value_;
  });
}

void shared_var::store(std::int64_t v, SourceLoc loc) {
  ex_->perform(OpKind::Write, id_, Access::Write, "write", loc, [&] {
    ex_->observe(id_, loc);
    value_ = v;
    ex_->set_hash(id_, static_cast<std::uint64_t>(v));
    return v;
  });
}

shared_fifo::shared_fifo(Execution& ex, std::string name, std::size_t capacity, ObjectId guard)
    : ex_(&ex), id_(ex.add_object(ObjectKind::Container, std::move(name))), ring_(capacity) {
  ex.set_guard(id_, guard);
  ex.declare_task_free(id_);  // values, never tasks
  ex.set_describe(
      id_,
      [](const void* self, const Execution&, std::string& out) {
        const auto* q = static_cast<const shared_fifo*>(self);
        out += "[";
        for (std::size_t i = 0; i < q->size_; ++i)
          out += fmt::format("{}{}", i ? " " : "", q->peek_at(i));
        out += "]";
      },
      this);
}

void shared_fifo::push_back(std::int64_t v, SourceLoc loc) {
  ex_->perform(OpKind::Write, id_, Access::Write, "list_add_tail", loc, [&] {
    ex_->observe(id_, loc);
    if (size_ == ring_.size()) misuse("list_add_tail");
    ring_[(head_ + size_) % ring_.size()] = v;
    ++size_;
    rehash();
    return v;
  });
}

std::int64_t shared_fifo::pop_front(SourceLoc loc) {
  return ex_->perform(OpKind::Write, id_, Access::ReadWrite, "list_del", loc, [&] {
    ex_->observe(id_, loc);
    if (size_ == 0) misuse("list_del");
    const std::int64_t v = ring_[head_];
    head_ = (head_ + 1) % ring_.size();
    --size_;
    rehash();
    return v;
  });
}

std::size_t shared_fifo::size(SourceLoc loc) const {
  return static_cast<std::size_t>(ex_->perform(OpKind::Read, id_, Access::Read, "size", loc, [&] {
    ex_->observe(id_, loc);
    return static_cast<std::int64_t>(size_);
  }));
}

void shared_fifo::misuse(const char* what) const {
  ex_->fail(container_misuse(*ex_, id_, what, ring_.size()));
}

void shared_fifo::rehash() {
  ex_->set_hash(id_, hash_with(nullptr));
}

// The contents in order; with `label`, each value renamed by it.
std::uint64_t shared_fifo::hash_with(const TaskId* label) const {
  std::uint64_t h = size_;
  for (std::size_t i = 0; i < size_; ++i) {
    const std::int64_t v = label ? relabel_(relabel_ctx_, peek_at(i), label) : peek_at(i);
    h = fold(h, static_cast<std::uint64_t>(v));
  }
  return h;
}

void shared_fifo::set_value_relabel(ValueRelabelFn fn, const void* ctx) {
  relabel_ = fn;
  relabel_ctx_ = ctx;
  ex_->set_relabel(
      id_,
      [](const void* self, const TaskId* label) {
        return static_cast<const shared_fifo*>(self)->hash_with(label);
      },
      this);
}

}  // namespace wakecheck
