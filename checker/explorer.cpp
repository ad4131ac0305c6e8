#include "checker/explorer.hpp"

#include "checker/execution.hpp"
#include "checker/program.hpp"
#include "checker/scheduler.hpp"

namespace wakecheck {

SearchResult explore(Program& program, Scheduler& scheduler, const SearchLimits& limits) {
  SearchResult result;
  StackPool stacks;
  Execution ex(stacks, limits.max_steps);
  while (result.stats.executions < limits.max_executions && scheduler.begin_execution()) {
    ex.reset();
    program.setup(ex);
    ex.run(scheduler, program);
    ++result.stats.executions;
    result.stats.steps += ex.steps();
    if (ex.cut()) ++result.stats.cut;
    if (ex.finding() && scheduler.problem().empty()) result.failure = ex.snapshot();
    scheduler.end_execution();
    if (result.failure || !scheduler.problem().empty()) break;
  }
  result.problem = scheduler.problem();
  result.stats.exhausted = scheduler.exhausted();
  result.stats.states = scheduler.states();
  return result;
}

}  // namespace wakecheck
