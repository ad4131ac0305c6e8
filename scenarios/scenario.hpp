// Scenario files: what to check (a registered model, its variant, values for
// its parameters), how to search, and what the author expects to find. The
// loader is the one place that defines the file's sections and keys;
// everything else reads a validated Scenario.
//
// File format (TOML):
//   [scenario]  name (required, one line), description, model (required),
//               variant (required when the model has variants, absent otherwise)
//   [workload]  the model's parameters (model/model.hpp): each within its
//               declared type and range; those without a default are required
//   [search]    strategy = "dfs", max_executions = 1000000, max_steps = 10000,
//               seed = 1, state_caching = true, bound = 2, pct_depth = 3,
//               timeouts = true, signals = true, spurious_wakeups = false,
//               minimise_budget = 20000 (all optional)
//   [expect]    finding = "none", max_wasted_wakeups = N (N >= 0: the most
//               wasted wakeups one execution may have, over all wait queues),
//               exhaustive = true|false (whether the search must cover every
//               execution for "none" to count; default: true for dfs, false
//               for the bounded strategies) (all optional)
//   [expect.max_wasted_wakeups_by_queue]  WAIT_QUEUE = N: the same bound for
//               one wait queue, named as the model names it (optional)
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "checker/explorer.hpp"
#include "checker/finding.hpp"
#include "checker/minimise.hpp"
#include "checker/scheduler.hpp"
#include "model/model.hpp"

namespace wakecheck {

struct Scenario {
  std::string path;            // as given to load_scenario
  std::uint64_t content_hash;  // fnv1a64 of the file's exact bytes
  std::string name;            // [scenario] name (required, non-empty)
  std::string description;     // [scenario] description (optional)
  std::string model;           // [scenario] model (required): a registered model's name
  std::string variant;         // [scenario] variant: one of that model's variants, if it has any
  // [workload]: a value for every parameter of the model (defaults filled in).
  param_values params;
  std::string strategy = "dfs";            // [search] strategy: a name from strategies()
  std::uint64_t max_executions = 1000000;  // [search] max_executions >= 1
  std::uint32_t max_steps = 10000;         // [search] max_steps in 1..10000000
  std::uint64_t seed = 1;                  // [search] seed >= 0
  bool state_caching = true;               // [search] state_caching
  std::uint32_t bound = 2;                 // [search] bound: pb preemptions, db delays (0..1000)
  std::uint32_t pct_depth = 3;             // [search] pct_depth (1..100)
  // [search] timeouts, signals (default true), spurious_wakeups (default false):
  // the environment's choices a search may explore.
  ChoiceFamilies choices;
  // The families the file turns on (key = true), each with where it says so:
  // one that no execution of the search offers gets a warning
  // (unused_family_warnings in cli/commands.hpp).
  struct FamilyKey {
    std::string key;    // "kmalloc_failures"
    WakeEvent event;    // the family's event
    std::string where;  // "path:line:column: " of the key
  };
  std::vector<FamilyKey> families_on;
  // [search] fair_spinlocks (default false): spinlocks are FIFO ticket locks,
  // as Linux's (SearchLimits::fair_spinlocks); off, a release lets any waiter in.
  bool fair_spinlocks = false;
  // [search] minimise_budget: executions to spend shortening a counterexample
  // (checker/minimise.hpp); 0 reports the search's own. --minimise-budget and
  // --no-minimise override it.
  std::uint64_t minimise_budget = kDefaultMinimiseBudget;
  FindingKind expect = FindingKind::None;  // [expect] finding (default "none")
  // [expect] max_wasted_wakeups: above it, the verdict is thundering-herd.
  std::optional<std::uint32_t> max_wasted;
  // [expect.max_wasted_wakeups_by_queue]: per wait queue, in file order.
  struct QueueBound {
    std::string queue;  // a wait queue's name, checked against the model before a search
    std::uint32_t max = 0;
    std::string where;  // "path:line:column" of the key, for messages
  };
  std::vector<QueueBound> max_wasted_by_queue;
  // [expect] exhaustive; unset: the strategy's default (strategy_is_bounded()).
  std::optional<bool> exhaustive;
};

// What the scenario's [search] section asks of a strategy and of the search.
// Replay takes the same limits: the choices offered must be the ones recorded.
StrategyOptions strategy_options(const Scenario& s);
SearchLimits search_limits(const Scenario& s);

// Whether a search that did not cover everything still answers the scenario:
// [expect] exhaustive = false, or a bounded strategy (pb, db, pct, random)
// without exhaustive = true.
bool bounded_search_accepted(const Scenario& s, const std::string& strategy);

// Thrown for every bad input. what() is one line:
// "<path>:<line>:<column>: <message>" (1-based), or "<path>: <message>" when
// there is no position. The first problem in document order is reported, except
// that unknown sections and keys come first: they usually explain the rest.
class ScenarioError : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

// `text` is the whole file; `path` names it in messages and in Scenario::path.
Scenario parse_scenario(std::string_view text, const std::string& path);

// Reads the file (binary-safe) and parses it. A missing or unreadable file
// throws "<path>: cannot read: <reason>".
Scenario load_scenario(const std::string& path);

// Checks an in-code scenario the way the loader checks a file: the model is
// registered, the variant is one of its variants, every parameter is declared
// and within range, and the model's own checks pass. Fills in defaults.
// Throws ScenarioError ("<name>: <message>") naming what is wrong.
void validate_scenario(Scenario& scenario);

// Every *.toml under each path: a file is taken as is, a directory is walked
// recursively (directory symlinks are not followed, so a loop cannot hang it).
// Sorted by path string, without duplicates. A path that does not exist throws.
std::vector<std::string> find_scenarios(const std::vector<std::string>& paths);

}  // namespace wakecheck
