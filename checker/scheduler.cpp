#include "checker/scheduler.hpp"

namespace wakecheck {

const std::string& Scheduler::problem() const {
  static const std::string none;
  return none;
}

}  // namespace wakecheck
