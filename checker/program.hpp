// What a model gives the engine: the initial state of one execution, and the
// model-level meaning of how an execution ended.
#pragma once

#include <string>

#include "checker/types.hpp"

namespace wakecheck {

class Execution;

class Program {
 public:
  virtual ~Program() = default;

  // Creates this execution's objects and tasks. Called before every execution,
  // so each starts from the same state; drop what the previous one made.
  virtual void setup(Execution& ex) = 0;

  // The execution ended with nothing enabled and `sleeper` asleep, last
  // enqueued on wait queue `wq` (kNoObject if never). Says what work remains
  // for it ("an item is queued: len=1"), or "" when none does.
  virtual std::string work_left(const Execution& ex, TaskId sleeper, ObjectId wq) const = 0;

  // Every task finished: final checks (all items delivered, ...). May raise().
  virtual void at_end(Execution& ex) = 0;
};

}  // namespace wakecheck
