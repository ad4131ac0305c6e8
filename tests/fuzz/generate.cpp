#include "tests/fuzz/generate.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "checker/rng.hpp"
#include "tests/fuzz/build.hpp"

namespace wakecheck::fuzz {
namespace {

using build::instr;

// What each statement costs against the task's budget: about the scheduling
// points it adds (prepare_to_wait alone takes and drops the queue's lock and
// sets the state).
constexpr int kWaitCost = 4;
constexpr int kWakeCost = 2;

enum class Kind {
  Section,
  Load,
  Store,
  Fifo,
  If,
  Wait,
  Wake,
  ActiveWake,
  Return,
  Misuse,
  Trylock,
  Primitive,
  Count
};
// Relative weights, by Kind.
constexpr std::array<int, static_cast<int>(Kind::Count)> kWeights = {18, 14, 12, 8, 12, 10,
                                                                     12, 4,  3,  1, 3,  4};
// Bit of the mutex in a `held` mask (bits 0.. are the spinlocks).
constexpr unsigned kMutexHeld = 1u << kLocks;

// if (waitqueue_active(wq)) wake_up(wq): racy unless the waiter's condition
// change is ordered before the test.
void active_wake(std::vector<Instr>& out, int wq, int reg) {
  out.push_back(instr(Op::Active, wq, reg));
  out.push_back(instr(Op::If, 0, reg, 1, static_cast<int>(Cmp::Eq)));
  out.back().skip = 1;
  out.push_back(instr(Op::Wake, wq));
}

// One of the primitives' operations that never sleep (a filler must not wait
// for what no task does), by number 0..4.
Instr nonblocking_primitive(int which, int reg) {
  const std::array<std::pair<Op, int>, 5> ops = {
      {{Op::Completion, static_cast<int>(CompletionOp::Complete)},
       {Op::Completion, static_cast<int>(CompletionOp::TryWait)},
       {Op::Semaphore, static_cast<int>(SemaphoreOp::Up)},
       {Op::Semaphore, static_cast<int>(SemaphoreOp::DownTrylock)},
       {Op::Mutex, static_cast<int>(MutexOp::Trylock)}}};
  const auto [op, style] = ops[static_cast<std::size_t>(which)];
  return instr(op, 0, reg, 0, style);
}

class Generator {
 public:
  Generator(std::uint64_t seed, const GenOptions& o) : rng_(seed), options_(o) {}

  FuzzProgram program(std::uint64_t seed);

 private:
  int below(int n) { return static_cast<int>(rng_.below(static_cast<std::uint64_t>(n))); }
  bool chance(int percent) { return below(100) < percent; }
  int reg() { return below(kRegisters); }
  Kind kind();
  Cond cond();
  // Appends statements until `budget` is spent. `held`: bit i = l_i is held.
  void block(std::vector<Instr>& out, int& budget, int depth, unsigned held);
  void statement(Kind k, std::vector<Instr>& out, int& budget, int depth, unsigned held);
  void section(std::vector<Instr>& out, int& budget, int depth, unsigned held);
  void if_block(std::vector<Instr>& out, int& budget, int depth, unsigned held);
  void trylock(std::vector<Instr>& out, int& budget, int depth, unsigned held);

  // The protocol's parts; each appends to a task's top level.
  void choose_protocol(const WorldSpec& world);
  template <class Body>
  void locked(std::vector<Instr>& out, Body body);
  void wake_part(std::vector<Instr>& out, int waiter);
  void waker(std::vector<Instr>& out, int waiter);
  void waiter(std::vector<Instr>& out);
  void consumer(std::vector<Instr>& out);
  void both_locks(std::vector<Instr>& out);

  SplitMix64 rng_;
  GenOptions options_;
  int tasks_ = 0;
  // The wait/wake protocol the tasks share, so that waits are mostly
  // satisfied and woken by someone and a lost wake-up is an interleaving away:
  // one waker (a producer when `fifo`) sets var[flag] (pushes to q) and wakes
  // wq; one or two waiters wait there for it (and pop).
  bool protocol_ = false;
  int primitive_ = 0;  // 1: complete() / wait_for_completion(); 2: up() / down()
  bool fifo_ = false;
  int flag_ = 0;
  int wq_ = 0;
  int lock_ = kNoGuard;  // taken around the protocol's data accesses
};

Kind Generator::kind() {
  int total = 0;
  for (int w : kWeights) total += w;
  int x = below(total);
  for (int k = 0; k < static_cast<int>(Kind::Count); ++k) {
    if (x < kWeights[k]) return static_cast<Kind>(k);
    x -= kWeights[k];
  }
  return Kind::Load;
}

Cond Generator::cond() {
  Cond c;
  c.source = static_cast<std::uint8_t>(chance(20) ? kFifoSource : below(kVariables));
  c.at_least = static_cast<std::int8_t>(chance(80) ? 1 : 2);
  return c;
}

int cost_of(Kind k) {
  switch (k) {
    case Kind::Section:
    case Kind::Wake:
      return kWakeCost;
    case Kind::Wait:
      return kWaitCost;
    case Kind::ActiveWake:
      return 1 + kWakeCost;
    case Kind::Trylock:
    case Kind::Primitive:
      return 2;
    case Kind::Return:
      return 0;
    default:
      return 1;
  }
}

void Generator::block(std::vector<Instr>& out, int& budget, int depth, unsigned held) {
  while (budget > 0) {
    Kind k = kind();
    while (cost_of(k) > budget + 1) k = kind();  // a small budget buys no wait
    statement(k, out, budget, depth, held);
  }
}

void Generator::section(std::vector<Instr>& out, int& budget, int depth, unsigned held) {
  if (!(held & kMutexHeld) && chance(25)) {  // a sleeping lock: schedule() under it is fine
    out.push_back(instr(Op::Mutex, 0, 0, 0, static_cast<int>(MutexOp::Lock)));
    budget -= 2;
    int inner = depth < 2 ? below(4) : 0;
    budget -= inner;
    block(out, inner, depth + 1, held | kMutexHeld);
    if (chance(94)) out.push_back(instr(Op::Mutex, 0, 0, 0, static_cast<int>(MutexOp::Unlock)));
    return;
  }
  int l = below(kLocks);
  if ((held & (1u << l)) && chance(90)) l = 1 - l;  // else (or both held): recursive locking
  out.push_back(instr(Op::Lock, l));
  budget -= 2;
  int inner = depth < 2 ? below(4) : 0;
  budget -= inner;
  block(out, inner, depth + 1, held | 1u << l);
  if (chance(94)) out.push_back(instr(Op::Unlock, l));
}

void Generator::if_block(std::vector<Instr>& out, int& budget, int depth, unsigned held) {
  const std::size_t at = out.size();
  const int r = reg(), value = below(3), cmp = below(3);
  out.push_back(instr(Op::If, 0, r, value, cmp));
  int inner = depth < 2 ? 1 + below(3) : 0;
  budget -= inner;
  if (chance(30)) {
    // The early return: with a lock held, the leak of the reader.
    if (chance(50)) block(out, inner, depth + 1, held);
    out.push_back(instr(Op::Return, 0, 0, chance(50) ? -16 : 1));
  } else {
    block(out, inner, depth + 1, held);
  }
  out[at].skip = static_cast<std::uint8_t>(out.size() - at - 1);
}

void Generator::statement(Kind k, std::vector<Instr>& out, int& budget, int depth, unsigned held) {
  const auto var = [this] { return below(kVariables); };
  const auto wq = [this] { return chance(75) ? 0 : 1; };
  switch (k) {
    case Kind::Section:
      if (depth < 2) return section(out, budget, depth, held);
      [[fallthrough]];
    case Kind::Load: {
      const int v = var(), r = reg();
      out.push_back(instr(Op::Load, v, r));
      budget -= 1;
      return;
    }
    case Kind::Store: {
      if (chance(70)) {
        const int v = var(), value = below(3);
        out.push_back(instr(Op::Store, v, 0, value));
      } else {
        const int v = var(), r = reg();
        out.push_back(instr(Op::StoreReg, v, r, 1));
      }
      budget -= 1;
      return;
    }
    case Kind::Fifo: {
      const Op op = std::array{Op::Push, Op::Pop, Op::Size}[below(3)];
      const int r = reg(), value = 1 + below(3);
      out.push_back(instr(op, 0, r, value));
      budget -= 1;
      return;
    }
    case Kind::If:
      return if_block(out, budget, depth, held);
    case Kind::Wait: {
      const int style = below(static_cast<int>(WaitStyle::Count));
      out.push_back(instr(Op::Wait, wq(), 0, 0, style));
      out.back().cond = cond();
      budget -= kWaitCost;
      return;
    }
    case Kind::Wake: {
      const int style = below(static_cast<int>(WakeStyle::Count));
      const bool process = style == static_cast<int>(WakeStyle::WakeUpProcess);
      out.push_back(instr(Op::Wake, process ? below(tasks_) : wq(), 0, 0, style));
      budget -= kWakeCost;
      return;
    }
    case Kind::ActiveWake: {
      const int q = wq(), r = reg();
      active_wake(out, q, r);
      budget -= 1 + kWakeCost;
      return;
    }
    case Kind::Return: {
      if (depth == 0 && chance(70)) return;  // mostly at the end of a branch
      const int r = reg(), from_reg = chance(50);
      out.push_back(instr(Op::Return, 0, r, 1, from_reg));
      budget = 0;
      return;
    }
    case Kind::Misuse:
      // Unlock of a lock not held (or held: then the section is simply shorter).
      out.push_back(instr(Op::Unlock, below(kLocks)));
      budget -= 1;
      return;
    case Kind::Trylock:
      return trylock(out, budget, depth, held);
    case Kind::Primitive: {
      const int which = below(5), r = reg();
      out.push_back(nonblocking_primitive(which, r));
      budget -= 2;
      return;
    }
    case Kind::Count:
      break;
  }
}

// r = spin_trylock(l); if (r == 1) { ...; spin_unlock(l) }
void Generator::trylock(std::vector<Instr>& out, int& budget, int depth, unsigned held) {
  const int l = below(kLocks), r = reg();
  out.push_back(instr(Op::SpinTrylock, l, r));
  const std::size_t at = out.size();
  out.push_back(instr(Op::If, 0, r, 1, static_cast<int>(Cmp::Eq)));
  int inner = depth < 2 ? below(3) : 0;
  budget -= 2 + inner;
  block(out, inner, depth + 1, held | 1u << l);
  out.push_back(instr(Op::Unlock, l));
  out[at].skip = static_cast<std::uint8_t>(out.size() - at - 1);
}

void Generator::choose_protocol(const WorldSpec& world) {
  protocol_ = chance(85);
  primitive_ = chance(25) ? 1 + below(2) : 0;
  fifo_ = chance(30);
  flag_ = below(kVariables);
  wq_ = chance(80) ? 0 : 1;
  const int guard = fifo_ ? world.fifo_guard : world.var_guard[flag_];
  // Mostly the declared guard; sometimes none (a race), or a lock of its own.
  lock_ = guard != kNoGuard && chance(85) ? guard : chance(50) ? kNoGuard : below(kLocks);
}

template <class Body>
void Generator::locked(std::vector<Instr>& out, Body body) {
  if (lock_ != kNoGuard) out.push_back(instr(Op::Lock, lock_));
  body();
  if (lock_ != kNoGuard) out.push_back(instr(Op::Unlock, lock_));
}

void Generator::wake_part(std::vector<Instr>& out, int waiter) {
  if (chance(20)) return active_wake(out, wq_, 0);
  const int style = below(static_cast<int>(WakeStyle::Count));
  const bool process = style == static_cast<int>(WakeStyle::WakeUpProcess);
  out.push_back(instr(Op::Wake, process ? waiter : wq_, 0, 0, style));
}

void Generator::waker(std::vector<Instr>& out, int waiter) {
  if (primitive_ == 1) {
    const auto op = chance(70) ? CompletionOp::Complete : CompletionOp::CompleteAll;
    return out.push_back(instr(Op::Completion, 0, 0, 0, static_cast<int>(op)));
  }
  if (primitive_ == 2)
    return out.push_back(instr(Op::Semaphore, 0, 0, 0, static_cast<int>(SemaphoreOp::Up)));
  locked(out, [&] {
    if (fifo_)
      out.push_back(instr(Op::Push, 0, 0, 1 + below(3)));
    else if (chance(75))
      out.push_back(instr(Op::Store, flag_, 0, 1));
    else  // flag++: a read-modify-write, racy without the lock
      out.push_back(instr(Op::Load, flag_, 1)), out.push_back(instr(Op::StoreReg, flag_, 1, 1));
  });
  wake_part(out, waiter);
}

void Generator::waiter(std::vector<Instr>& out) {
  if (primitive_ == 1) {
    const auto op = chance(80) ? CompletionOp::Wait : CompletionOp::TryWait;
    return out.push_back(instr(Op::Completion, 0, reg(), 0, static_cast<int>(op)));
  }
  if (primitive_ == 2) {
    const auto op = chance(80) ? SemaphoreOp::Down : SemaphoreOp::DownTrylock;
    out.push_back(instr(Op::Semaphore, 0, reg(), 0, static_cast<int>(op)));
    if (chance(50)) out.push_back(instr(Op::Semaphore, 0, 0, 0, static_cast<int>(SemaphoreOp::Up)));
    return;
  }
  const int code = chance(50) ? 0 : -16, style = below(static_cast<int>(WaitStyle::Count));
  Instr w = instr(Op::Wait, wq_, 0, code, style);
  w.cond.source = static_cast<std::uint8_t>(fifo_ ? kFifoSource : flag_);
  w.cond.at_least = 1;
  out.push_back(w);
  if (fifo_) consumer(out);
}

// Takes the item it waited for: under the lock after testing the size, or
// (the race) without the test.
void Generator::consumer(std::vector<Instr>& out) {
  locked(out, [&] {
    if (chance(70)) {
      out.push_back(instr(Op::Size, 0, 1));
      out.push_back(instr(Op::If, 0, 1, 1, static_cast<int>(Cmp::Ge)));
      out.back().skip = 1;
    }
    out.push_back(instr(Op::Pop, 0, 1));
  });
}

// Takes l0 and l1 nested, in either order: two tasks doing this in opposite
// orders make the ABBA deadlock.
void Generator::both_locks(std::vector<Instr>& out) {
  const int first = below(kLocks);
  out.push_back(instr(Op::Lock, first));
  out.push_back(instr(Op::Lock, 1 - first));
  out.push_back(instr(Op::Store, below(kVariables), 0, 2));
  out.push_back(instr(Op::Unlock, 1 - first));
  out.push_back(instr(Op::Unlock, first));
}

FuzzProgram Generator::program(std::uint64_t seed) {
  FuzzProgram p;
  p.seed = seed;
  p.world.fair_spinlocks = seed % 2 == 1;
  // Fewer programs with more tasks: each task multiplies the interleavings.
  const int x = below(20);
  tasks_ = std::clamp(x < 9 ? 2 : x < 16 ? 3 : 4, options_.min_tasks, options_.max_tasks);
  for (auto& g : p.world.var_guard) g = static_cast<std::int8_t>(chance(50) ? kNoGuard : below(2));
  p.world.fifo_guard = static_cast<std::int8_t>(chance(50) ? kNoGuard : below(2));
  p.world.fifo_capacity = static_cast<std::uint8_t>(1 + below(2));
  choose_protocol(p.world);
  if (protocol_ && primitive_ == 2) p.world.semaphore_count = 0;  // down() waits for the up()
  const int waker_task = below(tasks_);
  const int waiters = 1 + (tasks_ == 3 && chance(40));
  const bool nested = chance(15);  // two tasks take both locks
  // The filler's cost is spread over the tasks, before and after their part
  // in the protocol. Interleavings multiply with every task, so each task
  // beyond two halves the cost; a task outside the protocol gets at least one.
  const int max_cost = options_.max_cost >> (2 * (tasks_ - 2));
  const int cost = std::min(options_.min_cost, max_cost) + below(max_cost + 1);
  std::vector<std::array<int, 2>> filler(static_cast<std::size_t>(tasks_), {0, 0});
  for (int i = 0; i < cost; ++i) ++filler[static_cast<std::size_t>(below(tasks_))][below(2)];
  for (int t = 0; t < tasks_; ++t)
    if (!protocol_ || (t - waker_task + tasks_) % tasks_ > waiters)
      filler[static_cast<std::size_t>(t)][0] += 1;
  p.tasks.resize(static_cast<std::size_t>(tasks_));
  for (int t = 0; t < tasks_; ++t) {
    std::vector<Instr>& code = p.tasks[static_cast<std::size_t>(t)];
    const int after_waker = (t - waker_task + tasks_) % tasks_;  // 1..waiters: a waiter
    auto [before, after] = filler[static_cast<std::size_t>(t)];
    block(code, before, 0, 0);
    if (protocol_ && t == waker_task) waker(code, (t + 1) % tasks_);
    if (protocol_ && after_waker >= 1 && after_waker <= waiters) waiter(code);
    if (nested && (t == waker_task || after_waker == 1)) both_locks(code);
    if (!code.empty() && code.back().op == Op::Wait &&
        code.back().style == static_cast<std::uint8_t>(WaitStyle::ReturnQueued))
      continue;  // the task ends there
    block(code, after, 0, 0);
  }
  // Some programs have two tasks with the same code: interchangeable, which
  // puts symmetry reduction to the test (drawn last, so that the programs of
  // the other seeds stay as they were).
  if (chance(30)) {
    const auto t = static_cast<std::size_t>(below(tasks_ - 1));
    p.tasks[t + 1] = p.tasks[t];
  }
  return p;
}

}  // namespace

FuzzProgram generate(std::uint64_t seed, const GenOptions& options) {
  return Generator(seed, options).program(seed);
}

}  // namespace wakecheck::fuzz
