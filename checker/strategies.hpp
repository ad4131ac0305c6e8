// Search strategies by name: one table, one factory; nothing else lists them.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "checker/scheduler.hpp"

namespace wakecheck {

struct StrategyInfo {
  std::string_view name;
  std::string_view summary;
  bool exhaustive;  // finishing it proves there is no finding within its bounds
  std::unique_ptr<Scheduler> (*make)(const StrategyOptions&);
};

// The strategies a scenario or --strategy may name (replay is driven by schedule files).
std::span<const StrategyInfo> strategies();
const StrategyInfo* find_strategy(std::string_view name);

}  // namespace wakecheck
