// Search strategies by name: one table, one factory; nothing else lists them.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "checker/scheduler.hpp"

namespace wakecheck {

// How a search is cut into work units for --jobs and --shard (checker/parallel.hpp).
enum class Split : std::uint8_t {
  whole,  // one unit: the strategy's search as it is
  tree,   // subtrees below a frontier of decision paths (StrategyOptions::root)
  seeds,  // chunks of executions, each with its own seed
};

struct StrategyInfo {
  std::string_view name;
  std::string_view summary;
  bool exhaustive;  // finishing it proves there is no finding within its bounds
  std::unique_ptr<Scheduler> (*make)(const StrategyOptions&);
  Split split = Split::whole;
};

// The strategies a scenario or --strategy may name (replay is driven by schedule files).
std::span<const StrategyInfo> strategies();
const StrategyInfo* find_strategy(std::string_view name);

}  // namespace wakecheck
