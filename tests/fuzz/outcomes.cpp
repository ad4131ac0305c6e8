#include "tests/fuzz/outcomes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "checker/execution.hpp"
#include "tests/fuzz/interpreter.hpp"

namespace wakecheck::fuzz {

const ScenarioIdentity kFuzzIdentity{"fuzz program", "generated"};

namespace {

// "leaked-lock t1 l0": the finding without anything that depends on the path.
std::string finding_key(const Execution& ex) {
  const Finding& f = ex.finding();
  if (!f) return "none";
  return fmt::format("{} {} {}", finding_name(f.kind),
                     f.task == kNoTask ? "-" : ex.task_name(f.task),
                     f.object == kNoObject ? "-" : ex.object_name(f.object));
}

// The state an execution ended in: each task's status and each object's value.
// Built from state only (never trace positions), so any two searches that
// reach the same state write the same text.
std::string end_state(const Execution& ex) {
  std::string out;
  for (TaskId t = 0; t < ex.task_count(); ++t) {
    out += ex.task_name(t) + ": ";
    switch (ex.status(t)) {
      case TaskStatus::Finished:
        out += fmt::format("returned {}", ex.exit_code(t));
        break;
      case TaskStatus::Sleeping:
        out += "asleep";
        break;
      case TaskStatus::Runnable:
        out += fmt::format("stopped before {}", ex.pending_label(t));
        break;
    }
    out += ", ";
    ex.describe(ex.task_object(t), out);
    out += "\n";
  }
  for (ObjectId o = 0; o < ex.object_count(); ++o) {
    if (ex.object_kind(o) == ObjectKind::Task) continue;
    out += ex.object_name(o) + ": ";
    if (is_lock(ex.object_kind(o)))
      out += ex.owner(o) == kNoTask ? "free" : "held by " + ex.task_name(ex.owner(o));
    else
      ex.describe(o, out);
    if (ex.wasted(o) != 0) out += fmt::format(" ({} wasted wakeups)", ex.wasted(o));
    out += "\n";
  }
  return out;
}

// The finding, then the end state. A finding raised mid-execution stops it at
// a point that depends on where the search puts scheduling points (the
// reduction puts fewer), so only states where nothing could run on
// (Execution::quiescent) are compared.
std::string end_key(const Execution& ex) {
  return finding_key(ex) + "\n" + (ex.quiescent() ? end_state(ex) : "(stopped mid-execution)\n");
}

}  // namespace

Outcomes search(const FuzzProgram& p, Scheduler& s, const SearchLimits& limits) {
  InterpretedProgram program(p);
  return search_program(program, s, limits);
}

Outcomes search_program(Program& program, Scheduler& s, const SearchLimits& limits) {
  Outcomes o;
  o.result = explore(program, s, limits, [&o](const Execution& ex) {
    if (ex.cut()) return;
    const std::string key = finding_key(ex);
    o.ends.insert(end_key(ex));
    if (ex.quiescent()) {
      std::uint32_t wasted = 0;
      for (ObjectId obj = 0; obj < ex.object_count(); ++obj) wasted += ex.wasted(obj);
      o.worst_waste = std::max(o.worst_waste, wasted);
    }
    if (ex.finding() && o.findings.insert(key).second) o.first.emplace(key, ex.snapshot());
  });
  return o;
}

std::string only_in(const std::set<std::string>& a, const std::set<std::string>& b) {
  std::string out;
  int shown = 0;
  for (const std::string& x : a)
    if (!b.count(x) && shown++ < 3) out += x + (x.back() == '\n' ? "\n" : "\n\n");
  return out.empty() ? "(nothing)\n\n" : out;
}

std::string first_only_in(const std::set<std::string>& a, const std::set<std::string>& b) {
  for (const std::string& x : a)
    if (!b.count(x)) return x;
  return "";
}

std::string witness(const FuzzProgram& p, Scheduler& s, const SearchLimits& limits,
                    const std::string& item) {
  InterpretedProgram program(p);
  std::optional<ExecutionRecord> found;
  explore(program, s, limits, [&](const Execution& ex) {
    if (found || ex.cut()) return;
    const std::string key = finding_key(ex);
    if (key == item || end_key(ex) == item) found = ex.snapshot();
  });
  return found ? format_trace(*found, kFuzzIdentity) : "";
}

}  // namespace wakecheck::fuzz
