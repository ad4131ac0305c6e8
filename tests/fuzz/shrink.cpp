#include "tests/fuzz/shrink.hpp"

namespace wakecheck::fuzz {
namespace {

class Shrinker {
 public:
  Shrinker(FuzzProgram p, const FailurePredicate& still_fails, int max_tries)
      : best_(std::move(p)), still_fails_(still_fails), tries_left_(max_tries) {}

  FuzzProgram run() {
    for (bool changed = true; changed;) {
      changed = drop_tasks();
      changed = drop_instructions() || changed;
      changed = drop_guards() || changed;
    }
    return best_;
  }

 private:
  // Keeps `candidate` if it still fails.
  bool keep(FuzzProgram candidate) {
    if (tries_left_ <= 0) return false;
    --tries_left_;
    if (!still_fails_(candidate)) return false;
    best_ = std::move(candidate);
    return true;
  }

  bool drop_tasks() {
    bool changed = false;
    for (std::size_t t = best_.tasks.size(); t-- > 0 && best_.tasks.size() > 1;) {
      FuzzProgram c = best_;
      c.tasks.erase(c.tasks.begin() + static_cast<std::ptrdiff_t>(t));
      changed = keep(std::move(c)) || changed;
    }
    return changed;
  }

  // From the end backwards, so an index not yet tried stays valid after a removal.
  bool drop_instructions() {
    bool changed = false;
    for (std::size_t t = 0; t < best_.tasks.size(); ++t)
      for (std::size_t i = best_.tasks[t].size(); i-- > 0;) {
        if (i >= best_.tasks[t].size()) continue;
        FuzzProgram c = best_;
        remove_instr(c.tasks[t], i);
        changed = keep(std::move(c)) || changed;
      }
    return changed;
  }

  bool drop_guards() {
    bool changed = false;
    for (int v = 0; v <= kVariables; ++v) {
      FuzzProgram c = best_;
      std::int8_t& guard = v == kVariables ? c.world.fifo_guard : c.world.var_guard[v];
      if (guard == kNoGuard) continue;
      guard = kNoGuard;
      changed = keep(std::move(c)) || changed;
    }
    return changed;
  }

  FuzzProgram best_;
  const FailurePredicate& still_fails_;
  int tries_left_;
};

}  // namespace

FuzzProgram shrink(FuzzProgram p, const FailurePredicate& still_fails, int max_tries) {
  return Shrinker(std::move(p), still_fails, max_tries).run();
}

}  // namespace wakecheck::fuzz
