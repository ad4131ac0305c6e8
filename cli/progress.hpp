// Progress of a long search, on stderr only: executions, states,
// executions/s, depth, elapsed time, and an estimate of what is left where
// the strategy gives one (Scheduler::covered()). On a terminal one line is
// redrawn in place (\r) a few times a second; otherwise a line is printed
// every 10 s. Nothing here reaches stdout, a report or a trace (they hold no
// wall clock); `--quiet` turns it off.
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>

#include "checker/explorer.hpp"

namespace wakecheck {

enum class ProgressMode : std::uint8_t { off, lines, in_place };

// One display's figures.
struct ProgressFigures {
  std::uint64_t executions = 0;
  std::uint64_t states = 0;
  std::uint32_t depth = 0;
  double covered = -1;      // fraction of the tree explored; negative: no estimate
  double elapsed = 0;       // seconds
  std::uint64_t limit = 0;  // max_executions (0: none): the search stops there
};

// "sleep_on_w2: 1.23M executions, 802k states, 52.3k/s, depth 152, 23.6s;
// ~37% of the tree, ~2.10M executions (~40s) left" (the estimate only when
// the figures have one and it is not yet done; "at most N (T) left before
// max_executions" when the limit comes first or there is no estimate).
std::string format_progress(const std::string& label, const ProgressFigures& f);

// Seconds as a person reads them: "8.4s", "4m05s", "2h03m".
std::string format_duration(double seconds);
// A count, short: "950", "12.3k", "1.23M", "4.56G".
std::string format_count(std::uint64_t n);

class ProgressDisplay {
 public:
  using Clock = std::function<double()>;  // seconds, monotonic
  // `clock` defaults to std::chrono::steady_clock; tests pass their own.
  // `limit`: the search's max_executions.
  ProgressDisplay(std::ostream& err, ProgressMode mode, std::string label, std::uint64_t limit,
                  Clock clock = {});
  ~ProgressDisplay() { finish(); }
  ProgressDisplay(const ProgressDisplay&) = delete;
  ProgressDisplay& operator=(const ProgressDisplay&) = delete;

  // The search's callback (SearchLimits::progress): draws when one is due.
  void update(const SearchProgress& p);
  // Erases the in-place line, if one was drawn, so what follows starts clean.
  void finish();
  // SearchLimits::progress for this display, or empty when it is off.
  ProgressFn callback();

 private:
  std::ostream& err_;
  ProgressMode mode_;
  std::string label_;
  std::uint64_t limit_;
  Clock clock_;
  double start_;
  double next_;  // when the next display is due
  bool drawn_ = false;
};

}  // namespace wakecheck
