#include "checker/strategies.hpp"

#include <array>

#include "checker/dfs.hpp"
#include "checker/random.hpp"

namespace wakecheck {
namespace {

std::unique_ptr<Scheduler> make_dfs(const StrategyOptions& o) {
  return std::make_unique<DfsScheduler>(o.state_caching);
}

std::unique_ptr<Scheduler> make_random(const StrategyOptions& o) {
  return std::make_unique<RandomScheduler>(o.seed);
}

constexpr std::array<StrategyInfo, 2> kStrategies = {{
    {"dfs", "exhaustive depth-first search with state caching", true, make_dfs},
    {"random", "random walk, seeded", false, make_random},
}};

}  // namespace

std::span<const StrategyInfo> strategies() {
  return kStrategies;
}

const StrategyInfo* find_strategy(std::string_view name) {
  for (const StrategyInfo& s : kStrategies)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace wakecheck
