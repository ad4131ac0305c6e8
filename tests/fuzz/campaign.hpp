// A fuzz campaign: programs generate(first_seed), generate(first_seed + 1), ...
// each checked by the oracle, until a count or a time is reached. A failing
// program is shrunk (keeping the same failed check) and reported with its seed,
// so `wakecheck_fuzz --seed S --count 1` reproduces it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tests/fuzz/generate.hpp"
#include "tests/fuzz/oracle.hpp"

namespace wakecheck::fuzz {

struct CampaignOptions {
  std::uint64_t first_seed = 1;
  std::uint64_t count = 100;
  double seconds = 0;  // > 0: also stop once this much wall time has passed
  OracleOptions oracle;
  GenOptions generator;
  bool shrink = true;
  bool verbose = false;  // log every program, its verdict and its findings
  // Polled between programs: true ends the campaign early (an interrupt).
  std::function<bool()> should_stop;
  // Progress and failure reports go here (nothing when empty).
  std::function<void(const std::string&)> log;
};

struct Failure {
  std::uint64_t seed = 0;
  std::size_t instructions = 0;  // before shrinking
  OracleResult result;
  FuzzProgram minimal;
  OracleResult minimal_result;
};

struct CampaignResult {
  std::uint64_t programs = 0;   // generated and checked, discarded ones included
  std::uint64_t discarded = 0;  // plain DFS could not exhaust them within the budget
  std::uint64_t executions = 0;
  // Checked programs whose plain DFS found this finding kind (or "none").
  std::map<std::string, std::uint64_t> programs_with;
  std::vector<Failure> failures;
};

CampaignResult run_campaign(const CampaignOptions& options);

// "fuzz: 300 programs (seeds 1..300), 12 discarded over budget, 0 failures, 812345 executions"
std::string closing_line(const CampaignOptions& options, const CampaignResult& result);
// The failure as a human reads it: the check, the minimal program, what differed.
std::string failure_report(const Failure& f);

}  // namespace wakecheck::fuzz
