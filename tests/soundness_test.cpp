// The state abstraction, the reduction and symmetry against the reference on
// every shipped scenario: DFS with state caching over whole task histories, a
// scheduling point at every step and no symmetry (the search the
// differential fuzzer holds to plain DFS) must meet the same findings, the
// same terminal states and the same worst case of wasted wakeups as the
// default search (each task's declared state, Lipton reduction, one state per
// class of renamings of interchangeable tasks), findings and states compared
// class by class. A model that declares too little state
// (Execution::declare_task_state), or tasks interchangeable that are not,
// loses an outcome here.
#include <fmt/format.h>

#include <set>
#include <string>

#include "checker/dfs.hpp"
#include "model/model.hpp"
#include "scenarios/scenario.hpp"
#include "tests/fuzz/outcomes.hpp"

// CppUTest last: its leak-detection macros redefine operator new.
#include <CppUTest/TestHarness.h>

namespace wakecheck {
namespace {

// Both searches must finish within it; a bigger scenario is left to the
// scenario's own exhaustive run.
constexpr std::uint64_t kBudget = 100'000;

fuzz::Outcomes search(const Scenario& s, bool reference) {
  SearchLimits limits = search_limits(s);
  limits.max_executions = kBudget;
  limits.stop_at_finding = false;
  limits.checked = true;
  limits.abstraction = !reference;
  limits.reduction = !reference;
  limits.symmetry = !reference;
  auto program = find_model(s.model)->make(s.variant, s.params);
  DfsScheduler dfs(true);
  return fuzz::search_program(*program, dfs, limits);
}

// The reference keeps every task's whole history, so its states never repeat:
// where the default search closes a cycle (busy-wait, livelock) the reference
// runs on into the step bound. Both say "this execution need not end".
std::string no_end(const std::string& key) {
  for (const char* kind : {"busy-wait ", "livelock ", "step-bound "}) {
    if (key.rfind(kind, 0) != 0) continue;
    const std::size_t line_end = key.find('\n');  // an end key goes on with the end state
    return "(does not end)" + (line_end == std::string::npos ? "" : key.substr(line_end));
  }
  return key;
}

std::set<std::string> no_ends(const std::set<std::string>& keys) {
  std::set<std::string> out;
  for (const std::string& k : keys) out.insert(no_end(k));
  return out;
}

std::string difference(const std::string& path, fuzz::Outcomes ref, fuzz::Outcomes got) {
  ref.findings = no_ends(ref.findings);
  got.findings = no_ends(got.findings);
  ref.ends = no_ends(ref.ends);
  got.ends = no_ends(got.ends);
  if (ref.findings != got.findings)
    return fmt::format("{}: findings differ\nonly the reference:\n{}only the default:\n{}", path,
                       fuzz::only_in(ref.findings, got.findings),
                       fuzz::only_in(got.findings, ref.findings));
  if (ref.ends != got.ends)
    return fmt::format("{}: terminal states differ\nonly the reference:\n{}only the default:\n{}",
                       path, fuzz::only_in(ref.ends, got.ends), fuzz::only_in(got.ends, ref.ends));
  if (ref.worst_waste != got.worst_waste)
    return fmt::format("{}: worst wasted wakeups {} (reference) and {}", path, ref.worst_waste,
                       got.worst_waste);
  return "";
}

}  // namespace

TEST_GROUP(Soundness){};

TEST(Soundness, EveryShippedScenarioMeetsWhatTheReferenceMeets) {
  int compared = 0;
  std::string skipped;
  for (const std::string& path : find_scenarios({"scenarios"})) {
    const Scenario s = load_scenario(path);
    const fuzz::Outcomes ref = search(s, true);
    if (!ref.result.stats.exhausted) {
      skipped += path + " ";
      continue;
    }
    const fuzz::Outcomes got = search(s, false);
    CHECK_TEXT(got.result.stats.exhausted, path.c_str());
    const std::string diff = difference(path, ref, got);
    CHECK_TEXT(diff.empty(), diff.c_str());
    // The default search is the smaller one (or no bigger, on tiny scenarios).
    CHECK_TEXT(got.result.stats.executions <= ref.result.stats.executions, path.c_str());
    ++compared;
  }
  // Most scenarios are small; only the biggest workloads are left out.
  CHECK_TEXT(compared >= 40, fmt::format("compared {}; skipped {}", compared, skipped).c_str());
}

}  // namespace wakecheck
