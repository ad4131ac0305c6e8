// A Console whose output and errors the test reads back.
#pragma once

#include <sstream>

#include "cli/commands.hpp"

namespace wakecheck {

struct Streams {
  std::ostringstream out, err;
  Console io{out, err, "wakecheck"};
};

}  // namespace wakecheck
