#include "checker/explorer.hpp"

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "checker/execution.hpp"
#include "checker/program.hpp"
#include "checker/scheduler.hpp"

namespace wakecheck {

bool checked_mode_default() {
#ifdef WAKECHECK_CHECKED
  return true;
#else
  static const bool on = [] {
    const char* v = std::getenv("WAKECHECK_CHECKED");
    return v != nullptr && std::string_view(v) != "0";
  }();
  return on;
#endif
}

namespace {

// Keeps the worst execution for wasted wakeups, in total and per object.
void tally_waste(const Execution& ex, SearchResult& result) {
  std::uint32_t total = 0;
  if (result.max_wasted_by_object.size() < ex.object_count()) {
    result.max_wasted_by_object.resize(ex.object_count(), 0);
    result.worst_waste_by_object.resize(ex.object_count());
  }
  for (ObjectId o = 0; o < ex.object_count(); ++o) {
    total += ex.wasted(o);
    if (ex.wasted(o) <= result.max_wasted_by_object[o]) continue;
    result.max_wasted_by_object[o] = ex.wasted(o);
    result.worst_waste_by_object[o] = ex.snapshot();
  }
  if (total <= result.stats.max_wasted) return;
  result.stats.max_wasted = total;
  result.worst_waste = ex.snapshot();
}

}  // namespace

SearchResult explore(Program& program, Scheduler& scheduler, const SearchLimits& limits,
                     const ExecutionObserver& observer) {
  SearchResult result;
  StackPool stacks;
  Execution ex(stacks, limits.max_steps);
  ex.set_checked(limits.checked);
  ex.set_choices(limits.choices);
  ex.set_abstraction(limits.abstraction);
  ex.set_reduction(limits.reduction);
  ex.set_fair_locks(limits.fair_spinlocks);
  ex.set_symmetry(limits.symmetry && scheduler.caches_states());
  while (result.stats.executions < limits.max_executions) {
    if (limits.cancel != nullptr && *limits.cancel != 0) {
      result.interrupted = true;
      break;
    }
    if (!scheduler.begin_execution()) break;
    ex.reset();
    program.setup(ex);
    ex.run(scheduler, program);
    ++result.stats.executions;
    result.stats.steps += ex.steps();
    if (ex.cut()) ++result.stats.cut;
    tally_waste(ex, result);
    result.offered_events |= ex.offered_events();
    if (ex.finding() && scheduler.problem().empty() && !result.failure)
      result.failure = ex.snapshot();
    if (observer) observer(ex);
    scheduler.end_execution();
    if (limits.progress) limits.progress({result.stats.executions, ex.steps(), &scheduler});
    if ((result.failure && limits.stop_at_finding) || !scheduler.problem().empty()) break;
  }
  result.problem = scheduler.problem();
  result.stats.exhausted = scheduler.exhausted();
  result.stats.states = scheduler.states();
  result.memory = scheduler.memory();
  return result;
}

}  // namespace wakecheck
