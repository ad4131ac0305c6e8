#include "checker/explorer.hpp"

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

SearchResult explore(Program& program, Scheduler& scheduler, const SearchLimits& limits,
                     const ExecutionObserver& observer) {
  SearchResult result;
  StackPool stacks;
  Execution ex(stacks, limits.max_steps);
  ex.set_checked(limits.checked);
  while (result.stats.executions < limits.max_executions && scheduler.begin_execution()) {
    ex.reset();
    program.setup(ex);
    ex.run(scheduler, program);
    ++result.stats.executions;
    result.stats.steps += ex.steps();
    if (ex.cut()) ++result.stats.cut;
    if (ex.finding() && scheduler.problem().empty() && !result.failure)
      result.failure = ex.snapshot();
    if (observer) observer(ex);
    scheduler.end_execution();
    if ((result.failure && limits.stop_at_finding) || !scheduler.problem().empty()) break;
  }
  result.problem = scheduler.problem();
  result.stats.exhausted = scheduler.exhausted();
  result.stats.states = scheduler.states();
  return result;
}

}  // namespace wakecheck
