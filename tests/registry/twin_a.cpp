// One of two models registered under one name: the executable they are linked
// into must refuse to start, naming both registrations (tests/CMakeLists.txt).
#include "model/model.hpp"

namespace {

struct twin_a {
  twin_a(wakecheck::kernel&, const wakecheck::model_args&) {}
};

const wakecheck::register_model<twin_a> registered{{.name = "twin", .summary = "twin a"}};

}  // namespace
