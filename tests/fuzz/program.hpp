// A fuzz program: a small kernel-style program as data, so it can be
// generated from a seed, interpreted on the real kernel model, printed and
// shrunk. Every task runs straight-line code with forward branches only, and
// a wait ends when a finite number of wakes has run out: every execution of
// every program terminates (the step bound is never the reason one ends).
//
// The world every program shares (objects made in this order, so ids are the
// same in every execution):
//   spinlocks l0, l1; wait queues wq0, wq1; variables x, y (each guarded by a
//   lock or by none); a FIFO q of capacity 1..2 (guarded or not); a mutex m; a
//   completion c; a semaphore s; tasks t0..tN.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wakecheck::fuzz {

inline constexpr int kLocks = 2;
inline constexpr int kWaitQueues = 2;
inline constexpr int kVariables = 2;
inline constexpr int kRegisters = 2;
inline constexpr int kNoGuard = -1;

enum class Op : std::uint8_t {
  Lock,         // spin_lock(l[obj])
  Unlock,       // spin_unlock(l[obj])
  Load,         // r[reg] = var[obj]
  Store,        // var[obj] = value
  StoreReg,     // var[obj] = r[reg] + value
  Push,         // q.push_back(value)
  Pop,          // r[reg] = q.pop_front()
  Size,         // r[reg] = q.size()
  Active,       // r[reg] = waitqueue_active(wq[obj])
  If,           // if (r[reg] <style: Cmp> value) { the next `skip` instructions }
  Return,       // return value; style 1: return r[reg]
  Wait,         // wait on wq[obj] until `cond` holds, as `style` (WaitStyle) does it
  Wake,         // wake wq[obj] (or task t[obj]) as `style` (WakeStyle) does it
  SpinTrylock,  // r[reg] = spin_trylock(l[obj])
  Mutex,        // on mutex m, as `style` (MutexOp) says
  Completion,   // on completion c, as `style` (CompletionOp) says
  Semaphore,    // on semaphore s, as `style` (SemaphoreOp) says
};

enum class MutexOp : std::uint8_t { Lock, Unlock, Trylock };  // trylock: into r[reg]
enum class CompletionOp : std::uint8_t { Complete, CompleteAll, Wait, TryWait };  // try: r[reg]
enum class SemaphoreOp : std::uint8_t { Down, Up, DownTrylock };  // trylock: into r[reg]

enum class Cmp : std::uint8_t { Eq, Ne, Ge };

enum class WaitStyle : std::uint8_t {
  WaitEvent,             // wait_event()
  WaitEventExclusive,    // ___wait_event(.., exclusive)
  WaitInterruptible,     // wait_event_interruptible()
  PrepareToWait,         // DEFINE_WAIT; prepare_to_wait; if (!cond) schedule(); finish_wait
  PrepareExclusive,      // the same with prepare_to_wait_exclusive
  AddWaitQueue,          // init_waitqueue_entry; add_wait_queue; set state; ...; remove
  SleepOn,               // while (!cond) sleep_on()  -- the racy one
  InterruptibleSleepOn,  // while (!cond) interruptible_sleep_on()
  ReturnQueued,          // prepare_to_wait; if (!cond) schedule(); return value (no finish_wait)
  Count
};

enum class WakeStyle : std::uint8_t {
  WakeUp,
  WakeUpAll,
  WakeUpNr2,
  WakeUpInterruptible,
  WakeUpInterruptibleAll,
  WakeUpProcess,  // wake_up_process(t[obj])
  Count
};

// A wait's condition: var[source] >= at_least, or q.size() >= at_least when
// source is kFifoSource.
inline constexpr std::uint8_t kFifoSource = kVariables;
struct Cond {
  std::uint8_t source = 0;
  std::int8_t at_least = 1;
  friend bool operator==(const Cond&, const Cond&) = default;
};

struct Instr {
  Op op = Op::Return;
  std::uint8_t obj = 0;
  std::uint8_t reg = 0;
  std::int8_t value = 0;
  std::uint8_t skip = 0;
  std::uint8_t style = 0;
  Cond cond;
  friend bool operator==(const Instr&, const Instr&) = default;
};

struct WorldSpec {
  std::int8_t var_guard[kVariables] = {kNoGuard, kNoGuard};
  std::int8_t fifo_guard = kNoGuard;
  std::uint8_t fifo_capacity = 2;
  std::uint8_t semaphore_count = 1;
  // Spinlocks l0, l1 are FIFO ticket locks (SearchLimits::fair_spinlocks);
  // the generator turns them on for odd seeds (without drawing from its
  // random stream, so each seed's program is what it was before).
  bool fair_spinlocks = false;
};

struct FuzzProgram {
  std::uint64_t seed = 0;  // the generator's seed (0: written by hand)
  WorldSpec world;
  std::vector<std::vector<Instr>> tasks;
};

// The compact text form: the world's declarations, then each task's code with
// if-blocks indented. What a failure report shows.
std::string to_text(const FuzzProgram& p);
// One instruction as the text form prints it (without indentation).
std::string instr_text(const Instr& in);

std::size_t instruction_count(const FuzzProgram& p);

// Removes instruction `at` of `task`, shortening every if-block that contains
// it. Removing an `If` keeps its body, which then runs unconditionally.
void remove_instr(std::vector<Instr>& task, std::size_t at);

}  // namespace wakecheck::fuzz
