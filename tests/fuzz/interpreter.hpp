// Runs a FuzzProgram on the real kernel model: a Program whose tasks
// interpret their instruction lists. Everything a task keeps across
// scheduling points is its program counter and its registers (the condition
// it waits for is its instruction's), which it declares before every
// instruction (Execution::declare_task_state); the differential oracle
// compares that abstraction with whole histories.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "checker/program.hpp"
#include "checker/shared.hpp"
#include "model/kernel/completion.hpp"
#include "model/kernel/mutex.hpp"
#include "model/kernel/sched.hpp"
#include "model/kernel/semaphore.hpp"
#include "model/kernel/spinlock.hpp"
#include "model/kernel/wait.hpp"
#include "tests/fuzz/program.hpp"

namespace wakecheck::fuzz {

// The objects of one execution, in the order program.hpp gives.
struct FuzzWorld {
  FuzzWorld(Execution& ex, const WorldSpec& spec);

  kernel k;
  spinlock_t locks[kLocks];
  wait_queue_head wqs[kWaitQueues];
  shared_var vars[kVariables];
  shared_fifo q;
  mutex m;
  completion c;
  semaphore s;
  std::vector<task_struct*> tasks;  // by TaskId
  // Per task: the condition it waits for now, or null.
  std::vector<const Cond*> waiting;
};

class InterpretedProgram final : public Program {
 public:
  explicit InterpretedProgram(FuzzProgram program) : program_(std::move(program)) {}

  void setup(Execution& ex) override;
  // Work remains for a sleeper whose wait condition holds now.
  std::string work_left(const Execution& ex, TaskId sleeper, ObjectId wq) const override;
  void at_end(Execution&) override {}

  const FuzzProgram& program() const { return program_; }
  std::vector<std::string> task_names() const;

 private:
  FuzzProgram program_;
  std::unique_ptr<FuzzWorld> world_;
};

}  // namespace wakecheck::fuzz
