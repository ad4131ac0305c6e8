#include "cli/progress.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <chrono>
#include <cmath>
#include <ostream>

#include "checker/scheduler.hpp"

namespace wakecheck {
namespace {

constexpr double kInPlaceInterval = 0.25;  // seconds between redraws on a terminal
constexpr double kLineInterval = 10;       // seconds between lines elsewhere

double interval(ProgressMode mode) {
  return mode == ProgressMode::in_place ? kInPlaceInterval : kLineInterval;
}

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// " (~40s)": how long `executions` more take at the rate so far, or "".
std::string time_for(double executions, const ProgressFigures& f) {
  if (f.elapsed <= 0 || f.executions == 0) return "";
  return fmt::format(" (~{})", format_duration(executions * f.elapsed / f.executions));
}

// "37%", "0.6%".
std::string percent(double fraction) {
  const double p = fraction * 100;
  return p < 10 ? fmt::format("{:.1f}%", std::floor(p * 10) / 10)
                : fmt::format("{:.0f}%", std::floor(p));
}

// "; ~37% of the tree, ~2.10M executions (~40s) left", "; at most 600 (~2.0s)
// left before max_executions", or "".
std::string estimate(const ProgressFigures& f) {
  const double done = static_cast<double>(f.executions);
  const double to_limit = f.limit > f.executions ? static_cast<double>(f.limit) - done : 0;
  const bool has_tree = f.covered > 0 && f.covered < 1 && f.executions > 0;
  const double left = has_tree ? done / f.covered - done : 0;
  if (has_tree && (f.limit == 0 || left <= to_limit))
    return fmt::format("; ~{} of the tree, ~{} executions{} left", percent(f.covered),
                       format_count(static_cast<std::uint64_t>(left)), time_for(left, f));
  if (f.limit == 0) return "";
  return fmt::format("; {}at most {}{} left before max_executions",
                     has_tree ? fmt::format("~{} of the tree, ", percent(f.covered)) : "",
                     format_count(static_cast<std::uint64_t>(to_limit)), time_for(to_limit, f));
}

}  // namespace

std::string format_duration(double seconds) {
  if (seconds < 60) return fmt::format("{:.1f}s", seconds);
  const auto s = static_cast<std::uint64_t>(seconds);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
}

std::string format_count(std::uint64_t n) {
  if (n < 10'000) return fmt::format("{}", n);
  const double d = static_cast<double>(n);
  if (n < 1'000'000) return fmt::format("{:.1f}k", d / 1e3);
  if (n < 1'000'000'000) return fmt::format("{:.2f}M", d / 1e6);
  return fmt::format("{:.2f}G", d / 1e9);
}

std::string format_progress(const std::string& label, const ProgressFigures& f) {
  const double rate = f.elapsed > 0 ? static_cast<double>(f.executions) / f.elapsed : 0;
  return fmt::format("{}: {} executions, {} states, {}/s, depth {}, {}{}", label,
                     format_count(f.executions), format_count(f.states),
                     format_count(static_cast<std::uint64_t>(rate)), f.depth,
                     format_duration(f.elapsed), estimate(f));
}

ProgressDisplay::ProgressDisplay(std::ostream& err, ProgressMode mode, std::string label,
                                 std::uint64_t limit, Clock clock)
    : err_(err),
      mode_(mode),
      label_(std::move(label)),
      limit_(limit),
      clock_(clock ? std::move(clock) : Clock(steady_seconds)),
      start_(clock_()),
      next_(start_ + interval(mode)) {}

void ProgressDisplay::update(const SearchProgress& p) {
  if (mode_ == ProgressMode::off) return;
  const double now = clock_();
  if (now < next_) return;
  next_ = now + interval(mode_);
  ProgressFigures f{p.executions, 0, p.depth, -1, now - start_, limit_};
  if (p.scheduler != nullptr) {
    f.states = p.scheduler->states();
    f.covered = p.scheduler->covered();
  }
  const std::string line = format_progress(label_, f);
  if (mode_ == ProgressMode::in_place)
    fmt::print(err_, "\r{}\x1b[K", line);  // erase what a longer line left
  else
    fmt::print(err_, "{}\n", line);
  err_.flush();
  drawn_ = true;
}

void ProgressDisplay::finish() {
  if (mode_ == ProgressMode::in_place && drawn_) {
    fmt::print(err_, "\r\x1b[K");
    err_.flush();
  }
  drawn_ = false;
}

ProgressFn ProgressDisplay::callback() {
  if (mode_ == ProgressMode::off) return nullptr;
  return [this](const SearchProgress& p) { update(p); };
}

}  // namespace wakecheck
