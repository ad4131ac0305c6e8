#include "checker/race.hpp"

#include <algorithm>
#include <utility>

#include "checker/hash.hpp"

namespace wakecheck {

// Reuses the previous execution's buffers: no allocation once they are big enough.
void RaceDetector::start(std::size_t tasks, std::size_t objects) {
  active_ = true;
  changed_ = true;
  tasks_ = tasks;
  clocks_.resize(tasks);
  for (TaskId t = 0; t < tasks; ++t) {
    clocks_[t].assign(tasks, 0);
    clocks_[t][t] = 1;
  }
  released_.resize(objects);
  for (auto& vc : released_) vc.assign(tasks, 0);
  writer_.assign(objects, kNoTask);
  write_.assign(objects, Epoch{});
  reads_.resize(objects);
  for (auto& r : reads_) r.assign(tasks, Epoch{});
}

void RaceDetector::join(std::vector<std::uint32_t>& into, const std::vector<std::uint32_t>& from) {
  for (std::size_t i = 0; i < tasks_; ++i) into[i] = std::max(into[i], from[i]);
}

void RaceDetector::acquire(TaskId t, ObjectId lock) {
  changed_ = true;
  join(clocks_[t], released_[lock]);
}

void RaceDetector::release(TaskId t, ObjectId lock) {
  changed_ = true;
  released_[lock] = clocks_[t];
  ++clocks_[t][t];
}

void RaceDetector::wake(TaskId waker, TaskId woken) {
  changed_ = true;
  join(clocks_[woken], clocks_[waker]);
  ++clocks_[waker][waker];
}

RaceDetector::Conflict RaceDetector::access(TaskId t, ObjectId obj, bool write,
                                            std::uint32_t entry) {
  changed_ = true;
  Conflict c;
  const TaskId w = writer_[obj];
  if (w != kNoTask && w != t && !before(write_[obj], w, t)) c = {w, write_[obj].entry, true};
  std::vector<Epoch>& reads = reads_[obj];
  if (write) {
    for (TaskId u = 0; u < tasks_ && c.task == kNoTask; ++u)
      if (u != t && reads[u].clock != 0 && !before(reads[u], u, t)) c = {u, reads[u].entry, false};
    writer_[obj] = t;
    write_[obj] = {clocks_[t][t], entry};
    std::fill(reads.begin(), reads.end(), Epoch{});
  } else {
    reads[t] = {clocks_[t][t], entry};
  }
  return c;
}

// Which clocks cover e: one bit per task (in the renamed order) and per lock.
std::uint64_t RaceDetector::cover(std::uint64_t h, TaskId owner, const Epoch& e,
                                  const TaskId* inverse) const {
  std::uint64_t bits = 0;
  int n = 0;
  const auto bit = [&](bool covered) {
    bits = bits << 1 | (covered ? 1 : 0);
    if (++n % 64 == 0) h = fold(h, std::exchange(bits, 0));
  };
  for (TaskId t = 0; t < tasks_; ++t) bit(before(e, owner, inverse ? inverse[t] : t));
  for (const std::vector<std::uint32_t>& lock : released_) bit(e.clock <= lock[owner]);
  return fold(h, bits);
}

std::uint64_t RaceDetector::state_hash() const {
  if (changed_) {
    hash_ = compute_state_hash(nullptr, nullptr);
    changed_ = false;
  }
  return hash_;
}

std::uint64_t RaceDetector::compute_state_hash(const TaskId* label, const TaskId* inverse) const {
  const auto name = [label](TaskId t) { return label ? label[t] : t; };
  std::uint64_t h = 0;
  for (ObjectId o = 0; o < write_.size(); ++o) {
    if (writer_[o] != kNoTask)
      h = cover(fold(h, std::uint64_t{o} << 33 | name(writer_[o])), writer_[o], write_[o], inverse);
    for (TaskId slot = 0; slot < tasks_; ++slot) {
      const TaskId u = inverse ? inverse[slot] : slot;
      if (reads_[o][u].clock != 0)
        h = cover(fold(h, std::uint64_t{o} << 33 | 1ULL << 32 | slot), u, reads_[o][u], inverse);
    }
  }
  return h;
}

}  // namespace wakecheck
