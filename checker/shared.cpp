#include "checker/shared.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace wakecheck {

shared_var::shared_var(Execution& ex, std::string name, std::int64_t init, ObjectId guard)
    : ex_(&ex), id_(ex.add_object(ObjectKind::Variable, std::move(name))), value_(init) {
  ex.set_guard(id_, guard);
  ex.set_hash(id_, static_cast<std::uint64_t>(init));
  ex.set_describe(
      id_,
      [](const void* self, const Execution&, std::string& out) {
        out += fmt::format("{}", static_cast<const shared_var*>(self)->value_);
      },
      this);
}

std::int64_t shared_var::load(SourceLoc loc) const {
  ex_->access(OpKind::Read, id_, Access::Read, "read", loc).a = value_;
  return value_;
}

void shared_var::store(std::int64_t v, SourceLoc loc) {
  ex_->access(OpKind::Write, id_, Access::Write, "write", loc).a = v;
  value_ = v;
  ex_->set_hash(id_, static_cast<std::uint64_t>(v));
}

shared_fifo::shared_fifo(Execution& ex, std::string name, std::size_t capacity, ObjectId guard)
    : ex_(&ex), id_(ex.add_object(ObjectKind::Container, std::move(name))), ring_(capacity) {
  ex.set_guard(id_, guard);
  ex.set_describe(
      id_,
      [](const void* self, const Execution&, std::string& out) {
        const auto* q = static_cast<const shared_fifo*>(self);
        out += "[";
        for (std::size_t i = 0; i < q->size_; ++i)
          out += fmt::format("{}{}", i ? " " : "", q->at(i));
        out += "]";
      },
      this);
}

void shared_fifo::push_back(std::int64_t v, SourceLoc loc) {
  if (size_ == ring_.size())
    throw std::logic_error(
        fmt::format("{} holds more than {} items", ex_->object_name(id_), size_));
  ex_->access(OpKind::Write, id_, Access::Write, "list_add_tail", loc).a = v;
  ring_[(head_ + size_) % ring_.size()] = v;
  ++size_;
  rehash();
}

std::int64_t shared_fifo::pop_front(SourceLoc loc) {
  if (size_ == 0) throw std::logic_error(fmt::format("{} is empty", ex_->object_name(id_)));
  const std::int64_t v = ring_[head_];
  ex_->access(OpKind::Write, id_, Access::ReadWrite, "list_del", loc).a = v;
  head_ = (head_ + 1) % ring_.size();
  --size_;
  rehash();
  return v;
}

void shared_fifo::rehash() {
  std::uint64_t h = size_;
  for (std::size_t i = 0; i < size_; ++i) h = fold(h, static_cast<std::uint64_t>(at(i)));
  ex_->set_hash(id_, h);
}

}  // namespace wakecheck
