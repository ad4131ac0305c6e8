#include "reports/schedule_file.hpp"

#include "checker/files.hpp"
#include "checker/finding.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace wakecheck {
namespace {

constexpr std::string_view kMagic = "wakecheck-schedule";
constexpr int kVersion = 2;
constexpr int kOldestVersion = 1;  // without scenario-relative and model

class Parser {
 public:
  Parser(std::string_view text, const std::string& path) : text_(text), path_(path) {}

  ScheduleFile parse();

 private:
  [[noreturn]] void error(std::size_t column, const std::string& message) const {
    throw ScheduleError(fmt::format("{}:{}:{}: {}", path_, line_no_, column, message));
  }
  bool next_line();
  std::string_view word();
  std::string_view rest();
  template <class T>
  T number(std::string_view what);
  void expect_key(std::string_view key);
  void header();
  void model(ScheduleFile& s);
  void decisions(ScheduleFile& s, std::size_t count);
  WakeEvent decision_word();

  std::string_view text_;
  const std::string& path_;
  std::size_t pos_ = 0;
  int line_no_ = 0;
  std::string_view line_;
  std::size_t col_ = 0;  // 0-based cursor in line_
  int version_ = kVersion;
};

bool Parser::next_line() {
  while (pos_ < text_.size()) {
    const std::size_t end = std::min(text_.find('\n', pos_), text_.size());
    line_ = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    ++line_no_;
    col_ = 0;
    if (!line_.empty() && line_.back() == '\r') line_.remove_suffix(1);
    for (unsigned char c : line_)
      if (c == 0 || (c < 0x20 && c != '\t')) error(1, "not a text file (control characters)");
    if (!line_.empty() && line_[0] != '#') return true;
  }
  ++line_no_;
  line_ = {};
  return false;
}

std::string_view Parser::word() {
  while (col_ < line_.size() && line_[col_] == ' ') ++col_;
  const std::size_t start = col_;
  while (col_ < line_.size() && line_[col_] != ' ') ++col_;
  return line_.substr(start, col_ - start);
}

std::string_view Parser::rest() {
  while (col_ < line_.size() && line_[col_] == ' ') ++col_;
  std::string_view r = line_.substr(col_);
  col_ = line_.size();
  return r;
}

template <class T>
T Parser::number(std::string_view what) {
  const std::size_t column = col_ + 2;
  const std::string_view w = word();
  T value{};
  const auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), value);
  if (w.empty() || ec != std::errc() || end != w.data() + w.size())
    error(column, fmt::format("expected {} (a number), found '{}'", what, w));
  return value;
}

void Parser::expect_key(std::string_view key) {
  if (!next_line()) error(1, fmt::format("unexpected end of file: expected '{}'", key));
  const std::string_view w = word();
  if (w != key) error(1, fmt::format("expected '{}', found '{}'", key, w));
}

void Parser::header() {
  if (!next_line()) error(1, "empty file: expected 'wakecheck-schedule 2'");
  if (word() != kMagic) error(1, "not a wakecheck schedule file: expected 'wakecheck-schedule 2'");
  version_ = number<int>("the format version");
  if (version_ < kOldestVersion || version_ > kVersion)
    error(20,
          fmt::format("schedule format version {} is not supported (this wakecheck reads {} to {})",
                      version_, kOldestVersion, kVersion));
}

void Parser::model(ScheduleFile& s) {
  expect_key("model");
  const std::size_t column = col_ + 2;
  s.model = word();
  if (s.model.empty()) error(column, "expected the model's name and version");
  s.model_version = number<int>("the model's version");
}

// "run" (a task runs), or an event that ends a task's sleep: "timer", "signal",
// "spurious", or that makes its operation fail: "fail".
WakeEvent Parser::decision_word() {
  if (!next_line()) error(1, "unexpected end of file: expected 'run' (a decision)");
  const std::string_view w = word();
  for (const WakeEvent e :
       {WakeEvent::None, WakeEvent::Timer, WakeEvent::Signal, WakeEvent::Spurious, WakeEvent::Fail})
    if (w == wake_event_word(e)) return e;
  error(1, fmt::format("expected 'run', 'timer', 'signal', 'spurious' or 'fail', found '{}'", w));
}

void Parser::decisions(ScheduleFile& s, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const WakeEvent event = decision_word();
    s.decision_lines.push_back(line_no_);
    const std::size_t column = col_ + 2;
    const auto task = number<TaskId>("a task number");
    if (task >= kMaxScheduleTask)
      error(column,
            fmt::format("task number {} is too large (at most {})", task, kMaxScheduleTask - 1));
    s.decisions.push_back(event_id(task, event));
    s.decision_names.emplace_back(rest());
  }
  expect_key("end");
}

ScheduleFile Parser::parse() {
  ScheduleFile s;
  header();
  expect_key("scenario-file");
  s.scenario_file = rest();
  if (s.scenario_file.empty()) error(col_ + 1, "expected the scenario's path");
  if (version_ >= 2) {
    expect_key("scenario-relative");
    s.scenario_relative = rest();
    if (s.scenario_relative.empty()) error(col_ + 1, "expected the scenario's path");
  }
  expect_key("scenario-name");
  s.scenario_name = rest();
  expect_key("scenario-hash");
  const std::string_view h = rest();
  if (h.substr(0, 8) != "fnv1a64:" ||
      std::from_chars(h.data() + 8, h.data() + h.size(), s.scenario_hash, 16).ptr !=
          h.data() + h.size() ||
      h.size() == 8)
    error(15, fmt::format("expected fnv1a64:<16 hex digits>, found '{}'", h));
  if (version_ >= 2) model(s);
  expect_key("strategy");
  s.strategy = rest();
  expect_key("finding");
  const std::size_t column = col_ + 2;
  s.finding = rest();
  const std::optional<FindingKind> kind = finding_from_name(s.finding);
  if (!kind || *kind == FindingKind::None)
    error(column, fmt::format("expected the finding the schedule reproduces (lost-wakeup, "
                              "leaked-lock, ...), found '{}'",
                              s.finding));
  expect_key("steps");
  s.steps = number<std::uint32_t>("the number of steps");
  expect_key("decisions");
  const auto count = number<std::size_t>("the number of decisions");
  if (count > 100'000'000) error(11, "too many decisions");
  decisions(s, count);
  if (next_line()) error(1, "unexpected text after 'end'");
  return s;
}

}  // namespace

std::string write_schedule(const ScheduleFile& s) {
  std::string name = s.scenario_name;
  for (char& c : name)
    if (c == '\n' || c == '\r') c = ' ';
  std::string out = fmt::format(
      "# wakecheck schedule: replay with `wakecheck replay <this file>`\n"
      "{} {}\nscenario-file {}\nscenario-relative {}\nscenario-name {}\n"
      "scenario-hash fnv1a64:{:016x}\nmodel {} {}\nstrategy {}\nfinding {}\nsteps {}\n"
      "decisions {}\n",
      kMagic, kVersion, s.scenario_file, s.scenario_relative, name, s.scenario_hash, s.model,
      s.model_version, s.strategy, s.finding, s.steps, s.decisions.size());
  for (std::size_t i = 0; i < s.decisions.size(); ++i)
    out += fmt::format("{} {} {}\n", wake_event_word(event_of(s.decisions[i])),
                       task_of(s.decisions[i]), s.decision_names[i]);
  out += "end\n";
  return out;
}

ScheduleFile parse_schedule(std::string_view text, const std::string& path) {
  return Parser(text, path).parse();
}

std::string read_schedule_file(const std::string& path) {
  // A schedule holds a line per decision; 64 MiB is millions of decisions.
  return read_text_file(path, std::size_t{64} << 20, "a schedule file");
}

}  // namespace wakecheck
