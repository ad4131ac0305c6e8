// What a search met, in path-independent terms: the findings (kind, task,
// object) and the end states (the finding, then what every task and object is
// at the end), and the first execution with each finding. The oracle compares
// these between searches; trace positions and summary text never enter them.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "checker/explorer.hpp"
#include "checker/program.hpp"
#include "checker/scheduler.hpp"
#include "checker/trace.hpp"
#include "reports/trace_report.hpp"
#include "tests/fuzz/program.hpp"

namespace wakecheck::fuzz {

// How traces of fuzz programs name their scenario.
extern const ScenarioIdentity kFuzzIdentity;

struct Outcomes {
  SearchResult result;
  std::set<std::string> findings;  // "leaked-lock t1 l0"
  std::set<std::string> ends;      // a finding key ("none" for none), then the end state
  std::map<std::string, ExecutionRecord> first;  // the first execution with each finding
  // The most wasted wakeups of one execution that ran until nothing could run
  // on: one stopped at a finding stops where the scheduling points put it.
  std::uint32_t worst_waste = 0;
};

// Runs `p` under `s`; executions the scheduler cut count for nothing.
Outcomes search(const FuzzProgram& p, Scheduler& s, const SearchLimits& limits);
// The same for any program (a shipped model, say).
Outcomes search_program(Program& program, Scheduler& s, const SearchLimits& limits);

// The trace of the first execution of a search that met `item` (a finding
// key, or an end), or "" if none did.
std::string witness(const FuzzProgram& p, Scheduler& s, const SearchLimits& limits,
                    const std::string& item);

// Up to three members of `a` that `b` lacks, one per paragraph ("(nothing)").
std::string only_in(const std::set<std::string>& a, const std::set<std::string>& b);
// The first member of `a` that `b` lacks, or "".
std::string first_only_in(const std::set<std::string>& a, const std::set<std::string>& b);

}  // namespace wakecheck::fuzz
