// Random FuzzPrograms from a seed. The same seed gives the same program on
// every machine: every choice comes from the in-tree SplitMix64, never from a
// std distribution, and no two draws share an expression whose evaluation
// order the language leaves open (function arguments): each goes into a
// variable of its own first.
//
// Programs are mostly well formed (balanced lock sections, waits that other
// tasks satisfy and wake) with the classic mistakes mixed in at low rates:
// early returns inside a section, a missing unlock, a second lock order,
// sleep_on, unguarded tests of shared data, a wake made conditional on an
// unlocked waitqueue_active(), exclusive waiters woken one at a time.
#pragma once

#include <cstdint>

#include "tests/fuzz/program.hpp"

namespace wakecheck::fuzz {

struct GenOptions {
  int min_tasks = 2;
  int max_tasks = 4;
  // Rough scheduling points over all tasks (a wait counts several): what
  // keeps plain DFS within its budget.
  int min_cost = 0;
  int max_cost = 6;
};

FuzzProgram generate(std::uint64_t seed, const GenOptions& options = {});

}  // namespace wakecheck::fuzz
