#include "checker/strategies.hpp"

#include <array>

#include "checker/bounded.hpp"
#include "checker/dfs.hpp"
#include "checker/dpor.hpp"
#include "checker/pct.hpp"
#include "checker/random.hpp"

namespace wakecheck {
namespace {

std::unique_ptr<Scheduler> make_dfs(const StrategyOptions& o) {
  return std::make_unique<DfsScheduler>(o.state_caching, o.root, o.memory, o.shared_states);
}

std::unique_ptr<Scheduler> make_dpor(const StrategyOptions&) {
  return std::make_unique<DporScheduler>();
}

std::unique_ptr<Scheduler> make_random(const StrategyOptions& o) {
  return std::make_unique<RandomScheduler>(o.seed);
}

std::unique_ptr<Scheduler> make_pb(const StrategyOptions& o) {
  return std::make_unique<BoundedScheduler>(BoundedScheduler::Measure::preemptions, o.bound,
                                            o.state_caching, o.memory);
}

std::unique_ptr<Scheduler> make_db(const StrategyOptions& o) {
  return std::make_unique<BoundedScheduler>(BoundedScheduler::Measure::delays, o.bound,
                                            o.state_caching, o.memory);
}

std::unique_ptr<Scheduler> make_pct(const StrategyOptions& o) {
  return std::make_unique<PctScheduler>(o.seed, o.pct_depth);
}

constexpr std::array<StrategyInfo, 6> kStrategies = {{
    {"dfs", "exhaustive depth-first search with state caching", true, make_dfs, Split::tree},
    {"dpor", "exhaustive stateless search, one execution per Mazurkiewicz trace (source-set DPOR)",
     true, make_dpor},
    {"pb", "every schedule with at most `bound` preemptions, fewest first", false, make_pb},
    {"db", "every schedule with at most `bound` delays of a round-robin scheduler", false, make_db},
    {"pct", "probabilistic concurrency testing with bug depth `pct_depth`, seeded", false, make_pct,
     Split::seeds},
    {"random", "random walk, seeded", false, make_random, Split::seeds},
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
