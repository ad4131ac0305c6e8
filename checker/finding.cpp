#include "checker/finding.hpp"

#include <array>

namespace wakecheck {
namespace {

// Indexed by FindingKind.
constexpr std::array<std::string_view, 13> kNames = {
    "none",       "lost-wakeup", "leaked-lock", "deadlock",  "invariant",       "sleep-in-atomic",
    "bad-unlock", "livelock",    "model-error", "data-race", "thundering-herd", "busy-wait",
    "step-bound",
};
static_assert(kNames.size() == static_cast<std::size_t>(FindingKind::StepBound) + 1);

}  // namespace

const char* finding_name(FindingKind kind) {
  return kNames[static_cast<std::size_t>(kind)].data();
}

std::optional<FindingKind> finding_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (kNames[i] == name) return static_cast<FindingKind>(i);
  return std::nullopt;
}

std::span<const std::string_view> finding_names() {
  return std::span<const std::string_view>(kNames).first(kNames.size() - 1);  // no "step-bound"
}

}  // namespace wakecheck
