#include "tests/fuzz/campaign.hpp"

#include <fmt/format.h>

#include <chrono>

#include "tests/fuzz/shrink.hpp"

namespace wakecheck::fuzz {
namespace {

Failure shrunk(const FuzzProgram& p, const OracleResult& r, const CampaignOptions& options) {
  Failure f{p.seed, instruction_count(p), r, p, r};
  if (!options.shrink) return f;
  f.minimal = shrink(
      p, [&](const FuzzProgram& c) { return check_program(c, options.oracle).check == r.check; });
  f.minimal_result = check_program(f.minimal, options.oracle);
  return f;
}

void tally(CampaignResult& out, const OracleResult& r) {
  if (r.findings.empty()) ++out.programs_with["none"];
  std::set<std::string> kinds;
  for (const std::string& key : r.findings) kinds.insert(key.substr(0, key.find(' ')));
  for (const std::string& kind : kinds) ++out.programs_with[kind];
}

std::string verdict_text(const FuzzProgram& p, const OracleResult& r) {
  const char* verdict = r.verdict == Verdict::Agree       ? "agree"
                        : r.verdict == Verdict::Discarded ? "discarded"
                                                          : "DISAGREE";
  std::string findings;
  for (const std::string& f : r.findings) findings += "\n  finding: " + f;
  return fmt::format("{}{}: {} executions (estimated {:.0f}){}\n\n", to_text(p), verdict,
                     r.executions, r.estimate, findings);
}

}  // namespace

CampaignResult run_campaign(const CampaignOptions& options) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  CampaignResult out;
  for (std::uint64_t i = 0; i < options.count; ++i) {
    if (options.seconds > 0 &&
        std::chrono::duration<double>(Clock::now() - start).count() >= options.seconds)
      break;
    if (options.should_stop && options.should_stop()) break;
    const FuzzProgram p = generate(options.first_seed + i, options.generator);
    const OracleResult r = check_program(p, options.oracle);
    ++out.programs;
    out.executions += r.executions;
    if (options.verbose && options.log) options.log(verdict_text(p, r));
    if (r.verdict == Verdict::Discarded) ++out.discarded;
    if (r.verdict == Verdict::Agree) tally(out, r);
    if (r.verdict != Verdict::Disagree) continue;
    out.failures.push_back(shrunk(p, r, options));
    if (options.log) options.log(failure_report(out.failures.back()));
  }
  return out;
}

std::string closing_line(const CampaignOptions& options, const CampaignResult& r) {
  std::string kinds;
  for (const auto& [kind, n] : r.programs_with) kinds += fmt::format(" {}={}", kind, n);
  return fmt::format(
      "fuzz: {} programs (seeds {}..{}), {} discarded over budget, {} failures, {} plain-dfs "
      "executions; programs with:{}",
      r.programs, options.first_seed, options.first_seed + r.programs - (r.programs ? 1 : 0),
      r.discarded, r.failures.size(), r.executions, kinds);
}

std::string failure_report(const Failure& f) {
  return fmt::format(
      "FAIL seed {}: {}\nminimal program ({} -> {} instructions), failing '{}':\n{}\n{}\n", f.seed,
      f.result.check, f.instructions, instruction_count(f.minimal), f.minimal_result.check,
      to_text(f.minimal), f.minimal_result.detail);
}

}  // namespace wakecheck::fuzz
