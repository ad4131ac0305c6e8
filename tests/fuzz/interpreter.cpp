#include "tests/fuzz/interpreter.hpp"

#include <fmt/format.h>

#include <optional>

namespace wakecheck::fuzz {
namespace {

ObjectId guard_id(const FuzzWorld& w, int guard) {
  return guard == kNoGuard ? kNoObject : w.locks[guard].id;
}

using Registers = std::int64_t[kRegisters];

// The condition as the task tests it: a recorded read.
bool test(FuzzWorld& w, const Cond& c) {
  const std::int64_t v =
      c.source == kFifoSource ? static_cast<std::int64_t>(w.q.size()) : w.vars[c.source].load();
  return v >= c.at_least;
}

// The condition as the end-of-execution check sees it (unrecorded): "" when
// it does not hold, else what holds.
std::string holds_now(const Execution& ex, const FuzzWorld& w, const Cond& c) {
  const bool fifo = c.source == kFifoSource;
  const std::int64_t v =
      fifo ? static_cast<std::int64_t>(w.q.peek_size()) : w.vars[c.source].peek();
  if (v < c.at_least) return "";
  return fmt::format("its condition holds: {} = {} >= {}",
                     fifo ? std::string("q.size()") : ex.object_name(w.vars[c.source].id()), v,
                     c.at_least);
}

// prepare_to_wait[_exclusive]; test; schedule() unless it holds. The entry is
// the caller's: it must outlive the wait.
void prepare_and_sleep(FuzzWorld& w, task_struct* current, const Instr& in, wait_queue_entry* wait,
                       bool exclusive) {
  wait_queue_head* wq = &w.wqs[in.obj];
  if (exclusive)
    prepare_to_wait_exclusive(wq, wait, TASK_UNINTERRUPTIBLE);
  else
    prepare_to_wait(wq, wait, TASK_UNINTERRUPTIBLE);
  if (!test(w, in.cond)) schedule(current);
}

void add_wait_queue_and_sleep(FuzzWorld& w, task_struct* current, const Instr& in) {
  wait_queue_head* wq = &w.wqs[in.obj];
  wait_queue_entry wait;
  init_waitqueue_entry(&wait, current);
  add_wait_queue(wq, &wait);
  set_current_state(current, TASK_UNINTERRUPTIBLE);
  if (!test(w, in.cond)) schedule(current);
  __set_current_state(current, TASK_RUNNING);
  remove_wait_queue(wq, &wait);
}

// Runs a Wait; returns the task's exit code when the wait ends the task.
std::optional<int> wait(FuzzWorld& w, task_struct* current, const Instr& in) {
  wait_queue_head* wq = &w.wqs[in.obj];
  auto cond = [&w, &in] { return test(w, in.cond); };
  switch (static_cast<WaitStyle>(in.style)) {
    case WaitStyle::WaitEvent:
      wait_event(wq, cond);
      break;
    case WaitStyle::WaitEventExclusive:
      if (!cond())
        ___wait_event(wq, cond, TASK_UNINTERRUPTIBLE, true, MAX_SCHEDULE_TIMEOUT,
                      SourceLoc::current());
      break;
    case WaitStyle::WaitInterruptible:
      // Interrupted by a signal (the environment may send one): give up, as
      // kernel code does with -ERESTARTSYS.
      if (wait_event_interruptible(wq, cond) != 0) return -ERESTARTSYS;
      break;
    case WaitStyle::PrepareToWait:
    case WaitStyle::PrepareExclusive: {
      wait_queue_entry entry = DEFINE_WAIT(current);
      prepare_and_sleep(w, current, in, &entry,
                        static_cast<WaitStyle>(in.style) == WaitStyle::PrepareExclusive);
      finish_wait(wq, &entry);
      break;
    }
    case WaitStyle::AddWaitQueue:
      add_wait_queue_and_sleep(w, current, in);
      break;
    case WaitStyle::SleepOn:
      while (!cond()) sleep_on(wq);
      break;
    case WaitStyle::InterruptibleSleepOn:
      // With a signal pending the sleep returns at once: without this test the
      // loop would spin (the classic interruptible_sleep_on bug).
      while (!cond()) {
        interruptible_sleep_on(wq);
        if (signal_pending(current)) return -ERESTARTSYS;
      }
      break;
    case WaitStyle::ReturnQueued: {
      // The bug it stands for: returning with the entry (on this stack) maybe
      // still queued. The exit check in kthread_run reports it before anything
      // walks the list again.
      wait_queue_entry entry = DEFINE_WAIT(current);
      prepare_and_sleep(w, current, in, &entry, false);
      return in.value;
    }
    case WaitStyle::Count:
      break;
  }
  return std::nullopt;
}

void wake(FuzzWorld& w, const Instr& in) {
  wait_queue_head* wq = &w.wqs[in.obj % kWaitQueues];
  switch (static_cast<WakeStyle>(in.style)) {
    case WakeStyle::WakeUp:
      wake_up(wq);
      break;
    case WakeStyle::WakeUpAll:
      wake_up_all(wq);
      break;
    case WakeStyle::WakeUpNr2:
      wake_up_nr(wq, 2);
      break;
    case WakeStyle::WakeUpInterruptible:
      wake_up_interruptible(wq);
      break;
    case WakeStyle::WakeUpInterruptibleAll:
      wake_up_interruptible_all(wq);
      break;
    case WakeStyle::WakeUpProcess:
      if (in.obj < w.tasks.size()) wake_up_process(w.tasks[in.obj]);
      break;
    case WakeStyle::Count:
      break;
  }
}

// The sleeping primitives: mutex, completion, semaphore.
void primitive(FuzzWorld& w, const Instr& in, Registers& r) {
  if (in.op == Op::Mutex) {
    const auto op = static_cast<MutexOp>(in.style);
    if (op == MutexOp::Lock) mutex_lock(&w.m);
    if (op == MutexOp::Unlock) mutex_unlock(&w.m);
    if (op == MutexOp::Trylock) r[in.reg] = mutex_trylock(&w.m);
  } else if (in.op == Op::Completion) {
    const auto op = static_cast<CompletionOp>(in.style);
    if (op == CompletionOp::Complete) complete(&w.c);
    if (op == CompletionOp::CompleteAll) complete_all(&w.c);
    if (op == CompletionOp::Wait) wait_for_completion(&w.c);
    if (op == CompletionOp::TryWait) r[in.reg] = try_wait_for_completion(&w.c) ? 1 : 0;
  } else {
    const auto op = static_cast<SemaphoreOp>(in.style);
    if (op == SemaphoreOp::Down) down(&w.s);
    if (op == SemaphoreOp::Up) up(&w.s);
    if (op == SemaphoreOp::DownTrylock) r[in.reg] = down_trylock(&w.s);
  }
}

bool compare(const Instr& in, std::int64_t r) {
  switch (static_cast<Cmp>(in.style)) {
    case Cmp::Eq:
      return r == in.value;
    case Cmp::Ne:
      return r != in.value;
    case Cmp::Ge:
      return r >= in.value;
  }
  return false;
}

// Every instruction but If, Return and Wait.
void perform(FuzzWorld& w, const Instr& in, Registers& r) {
  switch (in.op) {
    case Op::Lock:
      spin_lock(&w.locks[in.obj]);
      break;
    case Op::Unlock:
      spin_unlock(&w.locks[in.obj]);
      break;
    case Op::Load:
      r[in.reg] = w.vars[in.obj].load();
      break;
    case Op::Store:
      w.vars[in.obj].store(in.value);
      break;
    case Op::StoreReg:
      w.vars[in.obj].store(r[in.reg] + in.value);
      break;
    case Op::Push:
      w.q.push_back(in.value);
      break;
    case Op::Pop:
      r[in.reg] = w.q.pop_front();
      break;
    case Op::Size:
      r[in.reg] = static_cast<std::int64_t>(w.q.size());
      break;
    case Op::Active:
      r[in.reg] = waitqueue_active(&w.wqs[in.obj]) ? 1 : 0;
      break;
    case Op::Wake:
      wake(w, in);
      break;
    case Op::SpinTrylock:
      r[in.reg] = spin_trylock(&w.locks[in.obj]);
      break;
    case Op::Mutex:
    case Op::Completion:
    case Op::Semaphore:
      primitive(w, in, r);
      break;
    case Op::If:
    case Op::Return:
    case Op::Wait:
      break;
  }
}

int run_task(FuzzWorld& w, task_struct* current, const std::vector<Instr>& code) {
  Registers r = {0, 0};
  for (std::size_t pc = 0; pc < code.size(); ++pc) {
    // All this task carries into the next instruction: where it is, its registers.
    w.k.ex().declare_task_state(
        fold(fold(pc, static_cast<std::uint64_t>(r[0])), static_cast<std::uint64_t>(r[1])));
    const Instr& in = code[pc];
    if (in.op == Op::If) {
      if (!compare(in, r[in.reg])) pc += in.skip;
    } else if (in.op == Op::Return) {
      return static_cast<int>(in.style ? r[in.reg] : in.value);
    } else if (in.op == Op::Wait) {
      w.waiting[current->pid] = &in.cond;
      const std::optional<int> code_if_returned = wait(w, current, in);
      w.waiting[current->pid] = nullptr;
      if (code_if_returned) return *code_if_returned;
    } else {
      perform(w, in, r);
    }
  }
  return 0;
}

}  // namespace

FuzzWorld::FuzzWorld(Execution& ex, const WorldSpec& spec)
    : k(ex),
      locks{{k, "l0"}, {k, "l1"}},
      wqs{{k, "wq0"}, {k, "wq1"}},
      vars{{ex, "x", 0, guard_id(*this, spec.var_guard[0])},
           {ex, "y", 0, guard_id(*this, spec.var_guard[1])}},
      q(ex, "q", spec.fifo_capacity, guard_id(*this, spec.fifo_guard)),
      m(k, "m"),
      c(k, "c"),
      s(k, "s", spec.semaphore_count) {}

namespace {

// Tasks with the same code are interchangeable (one group: the first such
// task's index), unless some task's code names one of them (wake_up_process
// of t[obj]): then renaming them is not a symmetry of the program.
std::uint32_t group_of(const FuzzProgram& p, std::size_t t) {
  const auto named = [&p](std::size_t u) {
    for (const std::vector<Instr>& code : p.tasks)
      for (const Instr& in : code)
        if (in.op == Op::Wake && in.style == static_cast<std::uint8_t>(WakeStyle::WakeUpProcess) &&
            in.obj == u)
          return true;
    return false;
  };
  if (named(t)) return static_cast<std::uint32_t>(t);
  for (std::size_t u = 0; u < t; ++u)
    if (p.tasks[u] == p.tasks[t] && !named(u)) return static_cast<std::uint32_t>(u);
  return static_cast<std::uint32_t>(t);
}

}  // namespace

void InterpretedProgram::setup(Execution& ex) {
  world_.reset();
  ex.set_fair_locks(program_.world.fair_spinlocks);  // before the locks are made
  world_ = std::make_unique<FuzzWorld>(ex, program_.world);
  FuzzWorld* w = world_.get();
  // A lock the program never trylocks is promised so, as a model would: the
  // oracle then checks the reduction both with the promise and without it.
  bool trylocked[kLocks] = {};
  for (const std::vector<Instr>& code : program_.tasks)
    for (const Instr& in : code)
      if (in.op == Op::SpinTrylock) trylocked[in.obj] = true;
  for (std::size_t l = 0; l < kLocks; ++l)
    if (!trylocked[l]) spin_lock_no_trylock(&w->locks[l]);
  w->waiting.assign(program_.tasks.size(), nullptr);
  for (std::size_t t = 0; t < program_.tasks.size(); ++t) {
    const std::vector<Instr>* code = &program_.tasks[t];
    const std::uint32_t group = group_of(program_, t);
    w->tasks.push_back(
        w->k.kthread_run(fmt::format("t{}", t), group,
                         [w, code](task_struct* current) { return run_task(*w, current, *code); }));
    if (group != t) ex.declare_symmetric(group);
  }
}

std::string InterpretedProgram::work_left(const Execution& ex, TaskId sleeper, ObjectId) const {
  const Cond* c = world_->waiting[sleeper];
  return c == nullptr ? "" : holds_now(ex, *world_, *c);
}

std::vector<std::string> InterpretedProgram::task_names() const {
  std::vector<std::string> names;
  for (std::size_t t = 0; t < program_.tasks.size(); ++t) names.push_back(fmt::format("t{}", t));
  return names;
}

}  // namespace wakecheck::fuzz
