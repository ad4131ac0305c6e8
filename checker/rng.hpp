// A tiny deterministic RNG (splitmix64). std::uniform_int_distribution is
// implementation-defined, so it would break replay across standard libraries.
#pragma once

#include <cstdint>

#include "checker/hash.hpp"

namespace wakecheck {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    return mix64(state_);
  }

  // Uniform in [0, n) for n > 0, by rejection so no value is favoured.
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    std::uint64_t x = next();
    while (x >= limit) x = next();
    return x % n;
  }

 private:
  std::uint64_t state_;
};

}  // namespace wakecheck
