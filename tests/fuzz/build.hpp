// Instructions by name, for programs written by hand (regression tests, the
// generator's fixed patterns). Each mirrors the text form to_text() prints.
#pragma once

#include "tests/fuzz/program.hpp"

namespace wakecheck::fuzz::build {

inline Instr instr(Op op, int obj = 0, int reg = 0, int value = 0, int style = 0) {
  Instr in;
  in.op = op;
  in.obj = static_cast<std::uint8_t>(obj);
  in.reg = static_cast<std::uint8_t>(reg);
  in.value = static_cast<std::int8_t>(value);
  in.style = static_cast<std::uint8_t>(style);
  return in;
}

inline Instr spin_lock(int l) {
  return instr(Op::Lock, l);
}
inline Instr spin_unlock(int l) {
  return instr(Op::Unlock, l);
}
// r<reg> = var<var>
inline Instr load(int reg, int var) {
  return instr(Op::Load, var, reg);
}
inline Instr store(int var, int value) {
  return instr(Op::Store, var, 0, value);
}
// var = r<reg> + add
inline Instr store_reg(int var, int reg, int add) {
  return instr(Op::StoreReg, var, reg, add);
}
inline Instr push(int value) {
  return instr(Op::Push, 0, 0, value);
}
inline Instr pop(int reg) {
  return instr(Op::Pop, 0, reg);
}
inline Instr size(int reg) {
  return instr(Op::Size, 0, reg);
}
inline Instr active(int reg, int wq) {
  return instr(Op::Active, wq, reg);
}
// if (r<reg> <cmp> value) { the next `body` instructions }
inline Instr if_(int reg, Cmp cmp, int value, int body) {
  Instr in = instr(Op::If, 0, reg, value, static_cast<int>(cmp));
  in.skip = static_cast<std::uint8_t>(body);
  return in;
}
inline Instr ret(int value) {
  return instr(Op::Return, 0, 0, value);
}
inline Instr ret_reg(int reg) {
  return instr(Op::Return, 0, reg, 0, 1);
}
// Waits on wq until `source` (a variable, or kFifoSource) >= at_least.
// `value`: the exit code of WaitStyle::ReturnQueued.
inline Instr wait(WaitStyle style, int wq, int source, int at_least, int value = 0) {
  Instr in = instr(Op::Wait, wq, 0, value, static_cast<int>(style));
  in.cond.source = static_cast<std::uint8_t>(source);
  in.cond.at_least = static_cast<std::int8_t>(at_least);
  return in;
}
// `target`: the wait queue, or the task for WakeStyle::WakeUpProcess.
inline Instr wake(WakeStyle style, int target) {
  return instr(Op::Wake, target, 0, 0, static_cast<int>(style));
}

}  // namespace wakecheck::fuzz::build
