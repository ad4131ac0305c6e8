// Shrinks a failing FuzzProgram to one that still fails but has nothing left
// to drop: greedy passes that remove a task, remove an instruction (an `If`
// alone leaves its body unconditional), or drop a guard, keeping each change
// for which `still_fails` holds, until a whole pass changes nothing.
#pragma once

#include <functional>

#include "tests/fuzz/program.hpp"

namespace wakecheck::fuzz {

using FailurePredicate = std::function<bool(const FuzzProgram&)>;

// `max_tries` bounds the calls of `still_fails` (each runs searches).
FuzzProgram shrink(FuzzProgram p, const FailurePredicate& still_fails, int max_tries = 400);

}  // namespace wakecheck::fuzz
