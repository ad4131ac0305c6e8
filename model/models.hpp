// The models a scenario can name, with their variants: one table.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "checker/program.hpp"

namespace wakecheck {

// P producers x C consumers, K items per producer, queue capacity M
// (../shared/BENCHMARKS.md). Each consumer takes P*K/C items.
struct Workload {
  int producers = 1;
  int consumers = 1;
  int items = 1;
  int capacity = 1;
};

struct ModelInfo {
  std::string_view name;
  std::string_view summary;
  std::span<const std::string_view> variants;
  // `variant` is one of `variants`; the workload has been validated.
  std::unique_ptr<Program> (*make)(std::string_view variant, const Workload& workload);
};

std::span<const ModelInfo> models();
const ModelInfo* find_model(std::string_view name);

}  // namespace wakecheck
