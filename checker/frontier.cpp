#include "checker/frontier.hpp"

#include <algorithm>

#include "checker/execution.hpp"
#include "checker/program.hpp"
#include "checker/stack_pool.hpp"
#include "checker/visited.hpp"

namespace wakecheck {
namespace {

// Follows a path, then stops at the next decision and says what was there.
class Probe final : public Scheduler {
 public:
  explicit Probe(const std::vector<PrefixStep>& path) : path_(path) {}

  bool begin_execution() override { return true; }
  std::optional<TaskId> pick_task(const Decision& d) override {
    const auto options = static_cast<std::uint32_t>(d.enabled.size());
    if (depth_ < path_.size()) {
      const PrefixStep& step = path_[depth_++];
      if (step.options != options) {
        diverged_ = true;
        return std::nullopt;
      }
      return d.enabled[step.chosen];
    }
    reached_ = true;
    options_ = options;
    state_ = d.state;
    return std::nullopt;
  }
  void end_execution() override {}

  bool diverged() const { return diverged_; }
  // Whether the execution met a decision past the path, and what it was.
  bool reached() const { return reached_; }
  std::uint32_t options() const { return options_; }
  const Fingerprint& state() const { return state_; }

 private:
  const std::vector<PrefixStep>& path_;
  std::size_t depth_ = 0;
  bool diverged_ = false;
  bool reached_ = false;
  std::uint32_t options_ = 0;
  Fingerprint state_;
};

using Path = std::vector<PrefixStep>;

bool before(const Path& a, const Path& b) {
  return std::lexicographical_compare(
      a.begin(), a.end(), b.begin(), b.end(),
      [](const PrefixStep& x, const PrefixStep& y) { return x.chosen < y.chosen; });
}

class Expansion {
 public:
  Expansion(Program& program, const SearchLimits& limits, bool caching)
      : program_(program), ex_(stacks_, limits.max_steps), caching_(caching) {
    ex_.set_checked(limits.checked);
    ex_.set_choices(limits.choices);
    ex_.set_abstraction(limits.abstraction);
    ex_.set_reduction(limits.reduction);
    ex_.set_symmetry(limits.symmetry && caching);  // the states the dfs units will cache
  }

  // Expands one level; false when a probe diverged.
  bool expand(const std::vector<Path>& level, std::vector<Path>& next, Frontier& f,
              std::vector<Path>& pruned) {
    for (const Path& path : level) {
      Probe probe(path);
      ex_.reset();
      program_.setup(ex_);
      ex_.run(probe, program_);
      if (probe.diverged()) return false;
      if (!probe.reached()) {
        f.roots.push_back(path);
        continue;
      }
      if (caching_ && !seen_.insert(probe.state())) {
        pruned.push_back(path);
        continue;
      }
      if (caching_) f.interior.emplace_back(probe.state(), probe.options());
      for (std::uint32_t i = 0; i < probe.options(); ++i) {
        next.push_back(path);
        next.back().push_back({probe.options(), i});
      }
    }
    return true;
  }

 private:
  Program& program_;
  StackPool stacks_;
  Execution ex_;
  bool caching_;
  VisitedSet seen_;
};

}  // namespace

Frontier frontier(Program& program, const SearchLimits& limits, bool state_caching) {
  Expansion expansion(program, limits, state_caching);
  std::vector<Path> level{Path{}};
  Frontier f;
  std::vector<Path> pruned;
  while (!level.empty() && f.roots.size() + level.size() < kUnits) {
    std::vector<Path> next;
    if (!expansion.expand(level, next, f, pruned)) return Frontier{{Path{}}, {}, {0, 0}};
    level.swap(next);
  }
  f.roots.insert(f.roots.end(), level.begin(), level.end());
  std::sort(f.roots.begin(), f.roots.end(), before);
  f.pruned_before.assign(f.roots.size() + 1, 0);
  for (const Path& p : pruned)
    ++f.pruned_before[std::lower_bound(f.roots.begin(), f.roots.end(), p, before) -
                      f.roots.begin()];
  return f;
}

}  // namespace wakecheck
