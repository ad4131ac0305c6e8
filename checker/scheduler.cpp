#include "checker/scheduler.hpp"

#include <fmt/format.h>

namespace wakecheck {

std::string nondeterministic(std::size_t decision, std::uint32_t before, std::uint32_t now) {
  return fmt::format(
      "the model is not deterministic: decision {} had {} enabled tasks before and {} now",
      decision, before, now);
}

const std::string& Scheduler::problem() const {
  static const std::string none;
  return none;
}

}  // namespace wakecheck
