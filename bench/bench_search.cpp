// Search throughput on the BENCHMARKS.md workloads. Figures go in notes, never
// in tests. Run: make bench-micro (or build/bench/wakecheck_bench --benchmark_filter=...).
#include <benchmark/benchmark.h>

#include "checker/dfs.hpp"
#include "checker/dpor.hpp"
#include "checker/explorer.hpp"
#include "checker/random.hpp"
#include "model/models.hpp"

namespace wakecheck {
namespace {

// One exhaustive DFS (with state caching) per iteration; reports executions/s.
void exhaustive(benchmark::State& state, const char* variant, Workload w) {
  auto program = find_model("boundedq")->make(variant, w);
  std::uint64_t executions = 0, states = 0;
  for (auto _ : state) {
    DfsScheduler dfs(true);
    const SearchResult r = explore(*program, dfs, SearchLimits{});
    executions += r.stats.executions;
    states = r.stats.states;
    if (!r.stats.exhausted) state.SkipWithError("search did not finish");
  }
  state.counters["executions/s"] =
      benchmark::Counter(static_cast<double>(executions), benchmark::Counter::kIsRate);
  state.counters["executions"] =
      static_cast<double>(executions) / static_cast<double>(state.iterations());
  state.counters["states"] = static_cast<double>(states);
}

// One exhaustive stateless DPOR search per iteration; reports executions/s.
void dpor(benchmark::State& state, const char* variant, Workload w) {
  auto program = find_model("boundedq")->make(variant, w);
  std::uint64_t executions = 0;
  for (auto _ : state) {
    DporScheduler search;
    const SearchResult r = explore(*program, search, SearchLimits{});
    executions += r.stats.executions;
    if (!r.stats.exhausted) state.SkipWithError("search did not finish");
  }
  state.counters["executions/s"] =
      benchmark::Counter(static_cast<double>(executions), benchmark::Counter::kIsRate);
  state.counters["executions"] =
      static_cast<double>(executions) / static_cast<double>(state.iterations());
}

// Fixed number of random executions per iteration: raw engine speed, no cache.
void random_walk(benchmark::State& state, const char* variant, Workload w) {
  auto program = find_model("boundedq")->make(variant, w);
  constexpr std::uint64_t kExecutions = 2000;
  for (auto _ : state) {
    RandomScheduler random(1);
    benchmark::DoNotOptimize(explore(*program, random, SearchLimits{kExecutions, 10000}));
  }
  state.counters["executions/s"] = benchmark::Counter(
      static_cast<double>(kExecutions * state.iterations()), benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(exhaustive, ok_W1, "ok", Workload{1, 1, 2, 1})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(exhaustive, ok_W2, "ok", Workload{2, 2, 1, 1})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(exhaustive, herd_W2, "herd", Workload{2, 2, 1, 1})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(dpor, ok_W1, "ok", Workload{1, 1, 2, 1})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(dpor, ok_W2, "ok", Workload{2, 2, 1, 1})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(dpor, herd_W2, "herd", Workload{2, 2, 1, 1})->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(random_walk, ok_W2, "ok", Workload{2, 2, 1, 1})->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace wakecheck

BENCHMARK_MAIN();
