// The work units of a tree search: the decision tree explored breadth-first,
// one probe execution per path, until the frontier holds at least kUnits
// paths; each path (a prefix of decisions) roots a subtree that one work unit
// searches on its own (checker/parallel.hpp).
//
// The frontier depends only on the program and the search's settings, never
// on --jobs or --shard: every run, every shard, cuts the tree the same way.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "checker/explorer.hpp"
#include "checker/scheduler.hpp"

namespace wakecheck {

class Program;

// Enough subtrees to keep a few cores busy when they are uneven, few enough
// that each one still shares states within itself.
inline constexpr std::size_t kUnits = 64;

// The roots of the work units, in depth-first (lexicographic) order, so that
// unit order is the order a single depth-first search would meet them.
// A path whose execution ends before another decision is a unit of its own
// (one execution); with state caching, a path that ends at a state another
// path reached first is dropped, as the depth-first search would cut it.
// A model that is not deterministic under the probes gets one unit, the
// whole tree, whose search then reports it.
struct Frontier {
  std::vector<std::vector<PrefixStep>> roots;
  // With state caching: the states at the end of the paths expanded (first
  // reached there), with their number of options. A path that ends at a
  // state reached before is dropped: one execution, cut.
  std::vector<std::pair<Fingerprint, std::uint32_t>> interior;
  // pruned_before[u]: those dropped paths that come before unit u in
  // depth-first order, and after unit u - 1 (the last entry: after every unit).
  std::vector<std::uint64_t> pruned_before = {0};
  // Every path dropped (each one execution, cut).
  std::uint64_t pruned() const {
    std::uint64_t n = 0;
    for (const std::uint64_t p : pruned_before) n += p;
    return n;
  }
};
Frontier frontier(Program& program, const SearchLimits& limits, bool state_caching);

}  // namespace wakecheck
