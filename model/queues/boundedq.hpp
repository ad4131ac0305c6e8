// The seed's bounded producer/consumer queue and its classic bugs
// (../shared/BENCHMARKS.md "Variants"), as kernel-style code on model/kernel.
#pragma once

#include <memory>
#include <span>
#include <string_view>

#include "checker/program.hpp"
#include "model/models.hpp"

namespace wakecheck {

// "ok", "leak", "sleep_on", "nowake", "herd".
std::span<const std::string_view> boundedq_variants();
std::unique_ptr<Program> make_boundedq(std::string_view variant, const Workload& workload);

}  // namespace wakecheck
