// A registration that is wrong on its own: a default outside its range. The
// executable must refuse to start and say which (tests/CMakeLists.txt).
#include "model/model.hpp"

namespace {

struct bad_default {
  bad_default(wakecheck::kernel&, const wakecheck::model_args&) {}
};

const wakecheck::register_model<bad_default> registered{{
    .name = "bad_default",
    .params = {wakecheck::int_param("n", 1, 4, 9, "a default outside 1..4")},
}};

}  // namespace
