#include "tests/fuzz/program.hpp"

#include <fmt/format.h>

namespace wakecheck::fuzz {
namespace {

const char* const kVarNames[kVariables] = {"x", "y"};

std::string cond_text(const Cond& c) {
  return fmt::format("{} >= {}", c.source == kFifoSource ? "q.size()" : kVarNames[c.source],
                     c.at_least);
}

std::string guard_text(int guard) {
  return guard == kNoGuard ? "" : fmt::format(" guarded by l{}", guard);
}

std::string wait_text(const Instr& in) {
  const std::string wq = fmt::format("wq{}", in.obj);
  const std::string c = cond_text(in.cond);
  switch (static_cast<WaitStyle>(in.style)) {
    case WaitStyle::WaitEvent:
      return fmt::format("wait_event({}, {})", wq, c);
    case WaitStyle::WaitEventExclusive:
      return fmt::format("wait_event_exclusive({}, {})", wq, c);
    case WaitStyle::WaitInterruptible:
      return fmt::format("wait_event_interruptible({}, {})", wq, c);
    case WaitStyle::PrepareToWait:
      return fmt::format("prepare_to_wait({}); if (!({})) schedule(); finish_wait()", wq, c);
    case WaitStyle::PrepareExclusive:
      return fmt::format("prepare_to_wait_exclusive({}); if (!({})) schedule(); finish_wait()", wq,
                         c);
    case WaitStyle::AddWaitQueue:
      return fmt::format(
          "add_wait_queue({}); set_current_state(D); if (!({})) schedule(); "
          "__set_current_state(R); remove_wait_queue()",
          wq, c);
    case WaitStyle::SleepOn:
      return fmt::format("while (!({})) sleep_on({})", c, wq);
    case WaitStyle::InterruptibleSleepOn:
      return fmt::format("while (!({})) interruptible_sleep_on({})", c, wq);
    case WaitStyle::ReturnQueued:
      return fmt::format("prepare_to_wait({}); if (!({})) schedule(); return {}  // no finish_wait",
                         wq, c, in.value);
    case WaitStyle::Count:
      break;
  }
  return "?";
}

std::string wake_text(const Instr& in) {
  const char* const names[] = {"wake_up",
                               "wake_up_all",
                               "wake_up_nr",
                               "wake_up_interruptible",
                               "wake_up_interruptible_all",
                               "wake_up_process"};
  const auto style = static_cast<WakeStyle>(in.style);
  if (style == WakeStyle::WakeUpProcess) return fmt::format("wake_up_process(t{})", in.obj);
  if (style == WakeStyle::WakeUpNr2) return fmt::format("wake_up_nr(wq{}, 2)", in.obj);
  return fmt::format("{}(wq{})", names[in.style], in.obj);
}

std::string primitive_text(const Instr& in) {
  const char* const mutex_ops[] = {"mutex_lock(m)", "mutex_unlock(m)", "mutex_trylock(m)"};
  const char* const completion_ops[] = {"complete(c)", "complete_all(c)", "wait_for_completion(c)",
                                        "try_wait_for_completion(c)"};
  const char* const semaphore_ops[] = {"down(s)", "up(s)", "down_trylock(s)"};
  const bool into_reg =
      (in.op == Op::Mutex && in.style == static_cast<int>(MutexOp::Trylock)) ||
      (in.op == Op::Completion && in.style == static_cast<int>(CompletionOp::TryWait)) ||
      (in.op == Op::Semaphore && in.style == static_cast<int>(SemaphoreOp::DownTrylock));
  const char* text = in.op == Op::Mutex        ? mutex_ops[in.style]
                     : in.op == Op::Completion ? completion_ops[in.style]
                                               : semaphore_ops[in.style];
  return into_reg ? fmt::format("r{} = {}", in.reg, text) : text;
}

}  // namespace

std::string instr_text(const Instr& in) {
  const char* const cmp[] = {"==", "!=", ">="};
  switch (in.op) {
    case Op::Lock:
      return fmt::format("spin_lock(l{})", in.obj);
    case Op::Unlock:
      return fmt::format("spin_unlock(l{})", in.obj);
    case Op::Load:
      return fmt::format("r{} = {}", in.reg, kVarNames[in.obj]);
    case Op::Store:
      return fmt::format("{} = {}", kVarNames[in.obj], in.value);
    case Op::StoreReg:
      return fmt::format("{} = r{} + {}", kVarNames[in.obj], in.reg, in.value);
    case Op::Push:
      return fmt::format("q.push_back({})", in.value);
    case Op::Pop:
      return fmt::format("r{} = q.pop_front()", in.reg);
    case Op::Size:
      return fmt::format("r{} = q.size()", in.reg);
    case Op::Active:
      return fmt::format("r{} = waitqueue_active(wq{})", in.reg, in.obj);
    case Op::If:
      return fmt::format("if (r{} {} {}) {{", in.reg, cmp[in.style], in.value);
    case Op::Return:
      return in.style ? fmt::format("return r{}", in.reg) : fmt::format("return {}", in.value);
    case Op::Wait:
      return wait_text(in);
    case Op::Wake:
      return wake_text(in);
    case Op::SpinTrylock:
      return fmt::format("r{} = spin_trylock(l{})", in.reg, in.obj);
    case Op::Mutex:
    case Op::Completion:
    case Op::Semaphore:
      return primitive_text(in);
  }
  return "?";
}

std::string to_text(const FuzzProgram& p) {
  std::string out = p.seed ? fmt::format("# fuzz program, seed {}\n", p.seed) : "";
  for (int v = 0; v < kVariables; ++v)
    out += fmt::format("var {} = 0{}\n", kVarNames[v], guard_text(p.world.var_guard[v]));
  out += fmt::format("fifo q[{}]{}\n", p.world.fifo_capacity, guard_text(p.world.fifo_guard));
  if (p.world.fair_spinlocks) out += "fair spinlocks\n";
  if (p.world.semaphore_count != 1)
    out += fmt::format("semaphore s = {}\n", p.world.semaphore_count);
  for (std::size_t t = 0; t < p.tasks.size(); ++t) {
    out += fmt::format("task t{}:\n", t);
    std::vector<std::size_t> open;  // instruction index at which each open block ends
    const std::vector<Instr>& code = p.tasks[t];
    for (std::size_t i = 0; i < code.size(); ++i) {
      out += std::string(2 * (open.size() + 1), ' ') + instr_text(code[i]) + "\n";
      if (code[i].op == Op::If) open.push_back(i + code[i].skip);
      while (!open.empty() && open.back() <= i) {
        open.pop_back();
        out += std::string(2 * (open.size() + 1), ' ') + "}\n";
      }
    }
  }
  return out;
}

std::size_t instruction_count(const FuzzProgram& p) {
  std::size_t n = 0;
  for (const auto& t : p.tasks) n += t.size();
  return n;
}

void remove_instr(std::vector<Instr>& task, std::size_t at) {
  for (std::size_t i = 0; i < at; ++i)
    if (task[i].op == Op::If && i + task[i].skip >= at) --task[i].skip;
  task.erase(task.begin() + static_cast<std::ptrdiff_t>(at));
}

}  // namespace wakecheck::fuzz
