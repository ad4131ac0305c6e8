#include "scenarios/scenario_reader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <utility>

#include "scenarios/did_you_mean.hpp"
#include "scenarios/scenario.hpp"

namespace wakecheck::reader {

bool contains(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += fmt::format("\\x{:02x}", byte);
    } else {
      out += c;
    }
  }
  return out;
}

std::string quoted(std::string_view text) {
  return fmt::format("'{}'", escaped(text));
}

std::string one_line(std::string_view description) {
  std::string out;
  for (std::size_t start = 0; start <= description.size();) {
    std::size_t end = description.find('\n', start);
    if (end == std::string_view::npos) end = description.size();
    std::string_view line = description.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!out.empty() && !line.empty()) out += "; ";
    out += escaped(line);
    start = end + 1;
  }
  return out;
}

std::string located(const std::string& path, toml::source_position where,
                    std::string_view message) {
  if (!where) return fmt::format("{}: {}", path, message);
  return fmt::format("{}:{}:{}: {}", path, where.line, where.column, message);
}

namespace {

// Indexed by toml::node_type, whose values run none, table, ..., date_time.
constexpr std::array<std::string_view, 10> kTypePhrases = {
    "nothing",   "a table", "an array", "a string",   "an integer", "a floating-point number",
    "a boolean", "a date",  "a time",   "a date-time"};
static_assert(static_cast<std::size_t>(toml::node_type::date_time) + 1 == kTypePhrases.size());

}  // namespace

std::string_view type_phrase(toml::node_type type) {
  return kTypePhrases[static_cast<std::size_t>(type)];
}

std::string suggestion(std::string_view word, std::span<const std::string_view> candidates,
                       std::string_view open, std::string_view close) {
  const std::string hint = did_you_mean(word, candidates);
  if (hint.empty()) return "";
  return fmt::format("; did you mean {}{}{}?", open, hint, close);
}

// "unknown variant 'sleepon' for model 'boundedq'; did you mean 'sleep_on'? (one of: ...)"
std::string unknown_name(std::string_view what, std::string_view word, std::string_view context,
                         std::span<const std::string_view> names) {
  return fmt::format("unknown {} {}{}{} (one of: {})", what, quoted(word), context,
                     suggestion(word, names, "'", "'"), fmt::join(names, ", "));
}

void Issues::throw_first(const std::string& path) const {
  if (list_.empty()) return;
  const auto first =
      std::min_element(list_.begin(), list_.end(), [](const Issue& a, const Issue& b) {
        return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
      });
  throw ScenarioError(located(path, first->where, first->message));
}

const toml::node* find_value(const Section& section, std::string_view key, bool required,
                             Issues& issues) {
  if (section.table == nullptr) return nullptr;  // the section's own issue is recorded
  const toml::node* node = section.table->get(key);
  if (node == nullptr && required)
    issues.add(*section.table, fmt::format("missing key '{}' in [{}]", key, section.name));
  return node;
}

namespace {

std::string wrong_type(std::string_view key, std::string_view expected, const toml::node& node) {
  return fmt::format("'{}' must be {}, not {}", key, expected, type_phrase(node.type()));
}

}  // namespace

std::optional<std::string> read_string(const toml::node* node, std::string_view key,
                                       Issues& issues) {
  if (node == nullptr) return std::nullopt;
  if (const auto* value = node->as_string()) return value->get();
  issues.add(*node, wrong_type(key, "a string", *node));
  return std::nullopt;
}

std::optional<bool> read_bool(const toml::node* node, std::string_view key, Issues& issues) {
  if (node == nullptr) return std::nullopt;
  if (const auto* value = node->as_boolean()) return value->get();
  issues.add(*node, wrong_type(key, "a boolean", *node));
  return std::nullopt;
}

std::optional<std::int64_t> read_integer(const toml::node* node, std::string_view key,
                                         std::int64_t min, std::int64_t max, Issues& issues) {
  if (node == nullptr) return std::nullopt;
  const auto* value = node->as_integer();
  if (value == nullptr) {
    issues.add(*node, wrong_type(key, "an integer", *node));
    return std::nullopt;
  }
  const std::int64_t n = value->get();
  if (n < min) {
    issues.add(*node, fmt::format("'{}' must be at least {}, not {}", key, min, n));
    return std::nullopt;
  }
  if (n > max) {
    issues.add(*node, fmt::format("'{}' must be at most {}, not {}", key, max, n));
    return std::nullopt;
  }
  return n;
}

// A string that must be one of `names` (`what` says which kind of name).
std::optional<std::string> read_name(const toml::node* node, std::string_view key,
                                     std::string_view what, std::string_view context,
                                     std::span<const std::string_view> names, Issues& issues) {
  std::optional<std::string> name = read_string(node, key, issues);
  if (!name || contains(names, *name)) return name;
  issues.add(*node, unknown_name(what, *name, context, names));
  return std::nullopt;
}

}  // namespace wakecheck::reader
