#include "scenarios/scenario.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <system_error>
#include <utility>

#include "checker/hash.hpp"
#include "checker/strategies.hpp"
#include "scenarios/did_you_mean.hpp"

namespace wakecheck {
namespace {

// Workload limits. Every task is a fiber and every item is tracked in the
// model's state, so these keep one execution small and its state fingerprint
// cheap; a workload beyond them could not be searched exhaustively anyway.
constexpr std::int64_t kMaxTasks = 16;       // producers, consumers, and their sum
constexpr std::int64_t kMaxItemsEach = 16;   // items per producer
constexpr std::int64_t kMaxItemsTotal = 64;  // producers * items
constexpr std::int64_t kMaxCapacity = 64;
constexpr std::int64_t kMaxSteps = 10'000'000;
constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();

struct WorkloadField {
  std::string_view key;
  int Workload::*field;
  std::int64_t max;
};

constexpr std::array<WorkloadField, 4> kWorkloadFields = {{
    {"producers", &Workload::producers, kMaxTasks},
    {"consumers", &Workload::consumers, kMaxTasks},
    {"items", &Workload::items, kMaxItemsEach},
    {"capacity", &Workload::capacity, kMaxCapacity},
}};
// The values the checks across values point at.
constexpr std::size_t kConsumers = 1;
constexpr std::size_t kItems = 2;
static_assert(kWorkloadFields[kConsumers].key == "consumers" &&
              kWorkloadFields[kItems].key == "items");

// The file's sections and keys: defined here and nowhere else.
constexpr std::array<std::string_view, 4> kScenarioKeys = {"name", "description", "model",
                                                           "variant"};
constexpr auto kWorkloadKeys = [] {
  std::array<std::string_view, kWorkloadFields.size()> keys{};
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = kWorkloadFields[i].key;
  return keys;
}();
constexpr std::array<std::string_view, 5> kSearchKeys = {"strategy", "max_executions", "max_steps",
                                                         "seed", "state_caching"};
constexpr std::array<std::string_view, 1> kExpectKeys = {"finding"};

struct SectionSpec {
  std::string_view name;
  std::span<const std::string_view> keys;
  bool required;
};

constexpr std::array<SectionSpec, 4> kSections = {{
    {"scenario", kScenarioKeys, true},
    {"workload", kWorkloadKeys, true},
    {"search", kSearchKeys, false},
    {"expect", kExpectKeys, false},
}};

const SectionSpec* find_section_spec(std::string_view name) {
  for (const SectionSpec& s : kSections)
    if (s.name == name) return &s;
  return nullptr;
}

bool contains(std::span<const std::string_view> names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

template <typename Table>
std::vector<std::string_view> names_of(const Table& table) {
  std::vector<std::string_view> names;
  for (const auto& entry : table) names.push_back(entry.name);
  return names;
}

// ---------------------------------------------------------------------------
// Messages. what() must stay one line whatever the file holds, so text taken
// from the file (keys, values, toml++ descriptions) has its control characters
// escaped.

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

// Indexed by toml::node_type, whose values run none, table, ..., date_time.
constexpr std::array<std::string_view, 10> kTypePhrases = {
    "nothing",   "a table", "an array", "a string",   "an integer", "a floating-point number",
    "a boolean", "a date",  "a time",   "a date-time"};
static_assert(static_cast<std::size_t>(toml::node_type::date_time) + 1 == kTypePhrases.size());

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

// ---------------------------------------------------------------------------
// Problems are collected rather than thrown at once, so the one reported is
// the first in the file, not the first the code happens to look at.

struct Issue {
  toml::source_position where;
  std::string message;
};

class Issues {
 public:
  void add(toml::source_position where, std::string message) {
    list_.push_back({where, std::move(message)});
  }
  void add(const toml::node& at, std::string message) {
    add(at.source().begin, std::move(message));
  }

  // Throws the earliest issue in document order (ties: the first recorded), if any.
  void throw_first(const std::string& path) const {
    if (list_.empty()) return;
    const auto first =
        std::min_element(list_.begin(), list_.end(), [](const Issue& a, const Issue& b) {
          return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
        });
    throw ScenarioError(located(path, first->where, first->message));
  }

 private:
  std::vector<Issue> list_;
};

constexpr toml::source_position kFileStart{1, 1};

// ---------------------------------------------------------------------------
// Unknown sections and keys.

void check_unknown_keys(const toml::table& section, const SectionSpec& spec, Issues& issues) {
  for (auto&& [key, node] : section) {
    if (contains(spec.keys, key.str())) continue;
    issues.add(key.source().begin,
               fmt::format("unknown key {} in [{}]{}", quoted(key.str()), spec.name,
                           suggestion(key.str(), spec.keys, "'", "'")));
  }
}

// A key above the first section header: usually a key of one of the sections.
std::string stray_key_message(std::string_view key) {
  std::vector<std::string_view> keys;
  for (const SectionSpec& s : kSections) keys.insert(keys.end(), s.keys.begin(), s.keys.end());
  const std::string hint = did_you_mean(key, keys);
  const auto owner = std::find_if(kSections.begin(), kSections.end(),
                                  [&](const SectionSpec& s) { return contains(s.keys, hint); });
  if (hint.empty() || owner == kSections.end())
    return fmt::format("unknown key {} outside any section", quoted(key));
  if (hint == key)
    return fmt::format("key '{}' is outside any section; it belongs in [{}]", key, owner->name);
  return fmt::format("unknown key {} outside any section; did you mean '{}' in [{}]?", quoted(key),
                     hint, owner->name);
}

void check_unknown_names(const toml::table& root, Issues& issues) {
  const std::vector<std::string_view> sections = names_of(kSections);
  for (auto&& [key, node] : root) {
    if (const SectionSpec* spec = find_section_spec(key.str())) {
      if (const toml::table* table = node.as_table()) check_unknown_keys(*table, *spec, issues);
    } else if (node.is_table()) {
      issues.add(key.source().begin, fmt::format("unknown section [{}]{}", escaped(key.str()),
                                                 suggestion(key.str(), sections, "[", "]")));
    } else {
      issues.add(key.source().begin, stray_key_message(key.str()));
    }
  }
}

// ---------------------------------------------------------------------------
// Typed values.

// A section as found: its table, or null when it is absent or not a table.
struct Section {
  std::string_view name;
  const toml::table* table;
};

Section find_section(const toml::table& root, std::string_view name, Issues& issues) {
  const toml::node* node = root.get(name);
  if (node == nullptr) {
    if (find_section_spec(name)->required)
      issues.add(kFileStart, fmt::format("missing section [{}]", name));
    return {name, nullptr};
  }
  if (!node->is_table())
    issues.add(*node, fmt::format("[{}] must be a table, not {}", name, type_phrase(node->type())));
  return {name, node->as_table()};
}

// The value of `key`, or null. A missing required key is reported at the
// section header: that is where it has to be added.
const toml::node* find_value(const Section& section, std::string_view key, bool required,
                             Issues& issues) {
  if (section.table == nullptr) return nullptr;  // the section's own issue is recorded
  const toml::node* node = section.table->get(key);
  if (node == nullptr && required)
    issues.add(*section.table, fmt::format("missing key '{}' in [{}]", key, section.name));
  return node;
}

std::string wrong_type(std::string_view key, std::string_view expected, const toml::node& node) {
  return fmt::format("'{}' must be {}, not {}", key, expected, type_phrase(node.type()));
}

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

// ---------------------------------------------------------------------------
// Sections.

void read_scenario_section(const Section& s, Scenario& scenario, Issues& issues) {
  const toml::node* name_node = find_value(s, "name", true, issues);
  if (auto name = read_string(name_node, "name", issues)) {
    // Reports and schedule files carry the name on one line.
    if (name->empty()) {
      issues.add(*name_node, "'name' must not be empty");
    } else if (escaped(*name) != *name) {
      issues.add(*name_node, "'name' must be one line, without control characters");
    } else {
      scenario.name = std::move(*name);
    }
  }
  if (auto description =
          read_string(find_value(s, "description", false, issues), "description", issues))
    scenario.description = std::move(*description);

  const auto model = read_name(find_value(s, "model", true, issues), "model", "model", "",
                               names_of(models()), issues);
  const toml::node* variant_node = find_value(s, "variant", true, issues);
  if (!model) {
    read_string(variant_node, "variant", issues);  // its type can still be wrong
    return;
  }
  scenario.model = *model;
  const ModelInfo* info = find_model(*model);
  const std::string context = fmt::format(" for model '{}'", info->name);
  if (auto variant = read_name(variant_node, "variant", "variant", context, info->variants, issues))
    scenario.variant = std::move(*variant);
}

using WorkloadNodes = std::array<const toml::node*, kWorkloadFields.size()>;

// Returns where each value is, for the checks across values.
WorkloadNodes read_workload(const Section& s, Workload& workload, Issues& issues) {
  WorkloadNodes nodes{};
  for (std::size_t i = 0; i < kWorkloadFields.size(); ++i) {
    const WorkloadField& f = kWorkloadFields[i];
    nodes[i] = find_value(s, f.key, true, issues);
    if (auto n = read_integer(nodes[i], f.key, 1, f.max, issues))
      workload.*f.field = static_cast<int>(*n);
  }
  return nodes;
}

// REQUIRES: every value was read without issue (so every node is present).
void check_workload_totals(const Workload& w, const WorkloadNodes& nodes, Issues& issues) {
  const toml::node& consumers = *nodes[kConsumers];
  const toml::node& items = *nodes[kItems];
  const int tasks = w.producers + w.consumers;
  const int total = w.producers * w.items;
  if (tasks > kMaxTasks)
    issues.add(consumers,
               fmt::format("producers+consumers ({}) must be at most {}", tasks, kMaxTasks));
  if (total > kMaxItemsTotal)
    issues.add(items,
               fmt::format("producers*items ({}) must be at most {}", total, kMaxItemsTotal));
  if (total % w.consumers != 0)
    issues.add(consumers, fmt::format("producers*items ({}) is not divisible by consumers ({}): "
                                      "each consumer must take the same number of items",
                                      total, w.consumers));
}

void read_search(const Section& s, Scenario& scenario, Issues& issues) {
  if (auto strategy = read_name(find_value(s, "strategy", false, issues), "strategy", "strategy",
                                "", names_of(strategies()), issues))
    scenario.strategy = std::move(*strategy);
  if (auto n = read_integer(find_value(s, "max_executions", false, issues), "max_executions", 1,
                            kMaxInt, issues))
    scenario.max_executions = static_cast<std::uint64_t>(*n);
  if (auto n = read_integer(find_value(s, "max_steps", false, issues), "max_steps", 1, kMaxSteps,
                            issues))
    scenario.max_steps = static_cast<std::uint32_t>(*n);
  if (auto n = read_integer(find_value(s, "seed", false, issues), "seed", 0, kMaxInt, issues))
    scenario.seed = static_cast<std::uint64_t>(*n);
  if (auto b = read_bool(find_value(s, "state_caching", false, issues), "state_caching", issues))
    scenario.state_caching = *b;
}

void read_expect(const Section& s, Scenario& scenario, Issues& issues) {
  if (auto finding = read_name(find_value(s, "finding", false, issues), "finding", "finding", "",
                               finding_names(), issues))
    scenario.expect = *finding_from_name(*finding);
}

// toml++ rejects a NUL byte too, but as an encoding error found further on;
// "not a text file" says what is wrong, at the first NUL.
void check_text(std::string_view text, const std::string& path) {
  const std::size_t nul = text.find('\0');
  if (nul == std::string_view::npos) return;
  const std::string_view before = text.substr(0, nul);
  const std::size_t line_start = before.rfind('\n') + 1;  // npos + 1 == 0
  const auto line = 1 + std::count(before.begin(), before.end(), '\n');
  // Columns count characters, as toml++'s do: skip UTF-8 continuation bytes.
  const auto column = 1 + std::count_if(before.begin() + line_start, before.end(),
                                        [](char c) { return (c & 0xc0) != 0x80; });
  const toml::source_position where{static_cast<toml::source_index>(line),
                                    static_cast<toml::source_index>(column)};
  throw ScenarioError(located(path, where, "not a text file (it contains a NUL byte)"));
}

toml::table parse_toml(std::string_view text, const std::string& path) {
  check_text(text, path);
  try {
    return toml::parse(text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    throw ScenarioError(located(path, e.source().begin, one_line(e.description())));
  }
}

// ---------------------------------------------------------------------------
// Files.

}  // namespace

Scenario parse_scenario(std::string_view text, const std::string& path) {
  const toml::table root = parse_toml(text, path);
  // Unknown names first: a misspelt key also shows up as a missing one.
  Issues unknown;
  check_unknown_names(root, unknown);
  unknown.throw_first(path);

  Scenario scenario{};
  scenario.path = path;
  scenario.content_hash = fnv1a64(text);
  Issues issues;
  read_scenario_section(find_section(root, "scenario", issues), scenario, issues);
  const WorkloadNodes nodes =
      read_workload(find_section(root, "workload", issues), scenario.workload, issues);
  read_search(find_section(root, "search", issues), scenario, issues);
  read_expect(find_section(root, "expect", issues), scenario, issues);
  issues.throw_first(path);

  Issues totals;
  check_workload_totals(scenario.workload, nodes, totals);
  totals.throw_first(path);
  return scenario;
}

}  // namespace wakecheck
