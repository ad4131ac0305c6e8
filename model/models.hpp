// The built-in models register themselves like any other (model/model.hpp).
// This header keeps the engine's tests and benchmarks short: boundedq's four
// parameters as a struct that converts to param_values, so they can write
//   find_model("boundedq")->make("ok", Workload{2, 2, 1, 1})
#pragma once

#include "model/model.hpp"

namespace wakecheck {

// P producers x C consumers, K items per producer, queue capacity M
// (../shared/BENCHMARKS.md).
struct Workload {
  int producers = 1;
  int consumers = 1;
  int items = 1;
  int capacity = 1;

  operator param_values() const {
    return {{"producers", producers},
            {"consumers", consumers},
            {"items", items},
            {"capacity", capacity}};
  }
};

}  // namespace wakecheck
