// Must not compile: a work_left with the wrong signature would otherwise be
// taken for none and never called (tests/CMakeLists.txt: model_wrong_work_left).
#include "model/model.hpp"

namespace {

struct wrong {
  wrong(wakecheck::kernel&, const wakecheck::model_args&) {}
  std::string work_left(int sleeper) const { return sleeper ? "work" : ""; }
};

const wakecheck::register_model<wrong> registered{{.name = "wrong"}};

}  // namespace
