#include "tests/fuzz/outcomes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include "checker/execution.hpp"
#include "tests/fuzz/interpreter.hpp"

namespace wakecheck::fuzz {

const ScenarioIdentity kFuzzIdentity{"fuzz program", "generated"};

namespace {

// "leaked-lock t1 l0": the finding without anything that depends on the path.
// A data race is the pair of tasks, whichever came second ("data-race t0,t1
// x"): a reduction may run the pair in one order only, when a finding that
// ends the other order (a leaked lock at an exit it moved earlier) is found
// there first, and the race is the same bug either way.
std::string finding_key(const Execution& ex) {
  const Finding& f = ex.finding();
  if (!f) return "none";
  std::string tasks = f.task == kNoTask ? "-" : ex.task_name(f.task);
  if (f.kind == FindingKind::DataRace && f.window_first != 0) {
    std::string other = ex.task_name(ex.trace()[f.window_first - 1].task);
    tasks = std::min(tasks, other) + "," + std::max(tasks, other);
  }
  return fmt::format("{} {} {}", finding_name(f.kind), tasks,
                     f.object == kNoObject ? "-" : ex.object_name(f.object));
}

// The state an execution ended in: each task's status (one line each, in
// `tasks`) and each object's value (in `objects`). Built from state only
// (never trace positions), so any two searches that reach the same state
// write the same text.
void end_state(const Execution& ex, std::vector<std::string>& tasks, std::string& objects) {
  for (TaskId t = 0; t < ex.task_count(); ++t) {
    std::string& out = tasks.emplace_back();
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
  std::string& out = objects;
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
}

bool name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// `text` with every whole-word task name names[t] written names[to[t]].
std::string rename(const std::string& text, const std::vector<std::string>& names,
                   const std::vector<TaskId>& to) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t best = names.size();
    if (i == 0 || !name_char(text[i - 1]))
      for (std::size_t t = 0; t < names.size(); ++t) {
        const std::string& n = names[t];
        const std::size_t end = i + n.size();
        if (text.compare(i, n.size(), n) == 0 && (end == text.size() || !name_char(text[end])) &&
            (best == names.size() || n.size() > names[best].size()))
          best = t;
      }
    if (best == names.size()) {
      out += text[i++];
      continue;
    }
    out += names[to[best]];
    i += names[best].size();
  }
  return out;
}

// The least of the parts (a finding key, the task lines, the object lines)
// over every renaming of interchangeable tasks (Execution::declare_symmetric):
// a search with symmetry reduction meets one state of each class of
// renamings, so outcomes are compared class by class.
std::string canonical(const Execution& ex, const std::string& finding,
                      const std::vector<std::string>& tasks, const std::string& objects) {
  std::vector<std::string> names;
  for (TaskId t = 0; t < ex.task_count(); ++t) names.push_back(ex.task_name(t));
  std::vector<std::vector<TaskId>> classes;  // each class's tasks, ascending
  for (TaskId t = 0; t < ex.task_count(); ++t) {
    auto c = std::find_if(classes.begin(), classes.end(), [&](const std::vector<TaskId>& k) {
      return ex.interchangeable(k[0], t);
    });
    if (c == classes.end())
      classes.push_back({t});
    else
      c->push_back(t);
  }
  std::vector<std::vector<TaskId>> perm = classes;
  std::vector<TaskId> to(ex.task_count());
  std::string best;
  for (;;) {
    for (std::size_t c = 0; c < classes.size(); ++c)
      for (std::size_t i = 0; i < classes[c].size(); ++i) to[classes[c][i]] = perm[c][i];
    std::vector<std::string> lines;
    for (const std::string& l : tasks) lines.push_back(rename(l, names, to));
    std::sort(lines.begin(), lines.end());
    std::string key = rename(finding, names, to);
    if (!tasks.empty() || !objects.empty()) key += "\n";
    for (const std::string& l : lines) key += l;
    key += rename(objects, names, to);
    if (best.empty() || key < best) best = key;
    // The next renaming, as an odometer over the classes' permutations.
    std::size_t c = classes.size();
    while (c > 0 && !std::next_permutation(perm[c - 1].begin(), perm[c - 1].end())) --c;
    if (c == 0) return best;
  }
}

// The finding, then the end state. A finding raised mid-execution stops it at
// a point that depends on where the search puts scheduling points (the
// reduction puts fewer), so only states where nothing could run on
// (Execution::quiescent) are compared.
std::string end_key(const Execution& ex) {
  std::vector<std::string> tasks;
  std::string objects = "(stopped mid-execution)\n";
  if (ex.quiescent()) {
    objects.clear();
    end_state(ex, tasks, objects);
  }
  // Each part on its own: which task a finding names may follow task ids
  // (the first of two sleepers), not the state, so a renamed state can come
  // with a finding that is not the renamed one.
  return canonical(ex, finding_key(ex), {}, "") + "\n" + canonical(ex, "", tasks, objects);
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
    const std::string key = canonical(ex, finding_key(ex), {}, "");
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
    const std::string key = canonical(ex, finding_key(ex), {}, "");
    if (key == item || end_key(ex) == item) found = ex.snapshot();
  });
  return found ? format_trace(*found, kFuzzIdentity) : "";
}

}  // namespace wakecheck::fuzz
