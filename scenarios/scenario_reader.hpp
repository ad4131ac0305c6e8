// Reading typed values out of a TOML document with one message per problem:
// the scenario loader's helpers, shared by its general sections and the
// model-defined [workload]. Internal to scenarios/.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace wakecheck::reader {

// Messages stay one line whatever the file holds: text taken from it has its
// control characters escaped.
std::string escaped(std::string_view text);
std::string quoted(std::string_view text);
// A multi-line toml++ description as one line.
std::string one_line(std::string_view description);
std::string located(const std::string& path, toml::source_position where, std::string_view message);
std::string_view type_phrase(toml::node_type type);
bool contains(std::span<const std::string_view> names, std::string_view name);
// "; did you mean 'x'?" (with `open`/`close` around the name), or "".
std::string suggestion(std::string_view word, std::span<const std::string_view> candidates,
                       std::string_view open, std::string_view close);
// "unknown variant 'sleepon' for model 'boundedq'; did you mean 'sleep_on'? (one of: ...)"
std::string unknown_name(std::string_view what, std::string_view word, std::string_view context,
                         std::span<const std::string_view> names);

inline constexpr toml::source_position kFileStart{1, 1};

// Problems are collected rather than thrown at once, so the one reported is
// the first in the file, not the first the code happens to look at.
class Issues {
 public:
  void add(toml::source_position where, std::string message) {
    list_.push_back({where, std::move(message)});
  }
  void add(const toml::node& at, std::string message) {
    add(at.source().begin, std::move(message));
  }
  // Throws ScenarioError with the earliest issue in document order (ties: the
  // first recorded), if any.
  void throw_first(const std::string& path) const;

 private:
  struct Issue {
    toml::source_position where;
    std::string message;
  };
  std::vector<Issue> list_;
};

// A section as found: its table, or null when it is absent or not a table.
struct Section {
  std::string_view name;
  const toml::table* table;
};

// The value of `key`, or null. A missing required key is reported at the
// section header: that is where it has to be added.
const toml::node* find_value(const Section& section, std::string_view key, bool required,
                             Issues& issues);
std::optional<std::string> read_string(const toml::node* node, std::string_view key,
                                       Issues& issues);
std::optional<bool> read_bool(const toml::node* node, std::string_view key, Issues& issues);
std::optional<std::int64_t> read_integer(const toml::node* node, std::string_view key,
                                         std::int64_t min, std::int64_t max, Issues& issues);
// A string that must be one of `names` (`what` says which kind of name).
std::optional<std::string> read_name(const toml::node* node, std::string_view key,
                                     std::string_view what, std::string_view context,
                                     std::span<const std::string_view> names, Issues& issues);

}  // namespace wakecheck::reader
