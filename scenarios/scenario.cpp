#include "scenarios/scenario.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <span>
#include <utility>

#include "checker/hash.hpp"
#include "checker/strategies.hpp"
#include "scenarios/did_you_mean.hpp"
#include "scenarios/scenario_reader.hpp"
#include "scenarios/workload.hpp"

namespace wakecheck {
namespace {

using namespace reader;

constexpr std::int64_t kMaxSteps = 10'000'000;
constexpr std::int64_t kMaxInt = std::numeric_limits<std::int64_t>::max();

// The file's sections and keys: defined here and nowhere else. [workload]'s
// keys are the parameters of the model the file names (scenarios/workload.hpp).
constexpr std::array<std::string_view, 4> kScenarioKeys = {"name", "description", "model",
                                                           "variant"};
constexpr std::array<std::string_view, 13> kSearchKeys = {"strategy",         "max_executions",
                                                          "max_steps",        "seed",
                                                          "state_caching",    "bound",
                                                          "pct_depth",        "timeouts",
                                                          "signals",          "spurious_wakeups",
                                                          "kmalloc_failures", "minimise_budget",
                                                          "fair_spinlocks"};
constexpr std::array<std::string_view, 4> kExpectKeys = {
    "finding", "max_wasted_wakeups", "max_wasted_wakeups_by_queue", "exhaustive"};
constexpr std::int64_t kMaxWasted = std::numeric_limits<std::uint32_t>::max();

struct SectionSpec {
  std::string_view name;
  std::span<const std::string_view> keys;
  bool model_keys;  // the keys are the model's parameters
};

constexpr std::array<SectionSpec, 4> kSections = {{
    {"scenario", kScenarioKeys, false},
    {"workload", {}, true},
    {"search", kSearchKeys, false},
    {"expect", kExpectKeys, false},
}};

const SectionSpec* find_section_spec(std::string_view name) {
  for (const SectionSpec& s : kSections)
    if (s.name == name) return &s;
  return nullptr;
}

template <typename Table>
std::vector<std::string_view> names_of(const Table& table) {
  std::vector<std::string_view> names;
  for (const auto& entry : table) names.push_back(entry.name);
  return names;
}

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
      const toml::table* table = node.as_table();
      if (table && !spec->model_keys) check_unknown_keys(*table, *spec, issues);
    } else if (node.is_table()) {
      issues.add(key.source().begin, fmt::format("unknown section [{}]{}", escaped(key.str()),
                                                 suggestion(key.str(), sections, "[", "]")));
    } else {
      issues.add(key.source().begin, stray_key_message(key.str()));
    }
  }
  if (const registered_model* model = named_model(root)) check_workload_keys(root, *model, issues);
}

// ---------------------------------------------------------------------------
// Sections.

Section find_section(const toml::table& root, std::string_view name, bool required,
                     Issues& issues) {
  const toml::node* node = root.get(name);
  if (node == nullptr) {
    if (required) issues.add(kFileStart, fmt::format("missing section [{}]", name));
    return {name, nullptr};
  }
  if (!node->is_table())
    issues.add(*node, fmt::format("[{}] must be a table, not {}", name, type_phrase(node->type())));
  return {name, node->as_table()};
}

void read_variant(const toml::node* node, const registered_model& model, const Section& s,
                  Scenario& scenario, Issues& issues) {
  const std::vector<std::string>& variants = model.spec().variants;
  if (variants.empty()) {
    if (node != nullptr)
      issues.add(*node, fmt::format("model '{}' has no variants: remove 'variant'", model.name()));
    return;
  }
  if (node == nullptr) {
    find_value(s, "variant", true, issues);  // reports it missing
    return;
  }
  const std::vector<std::string_view> names(variants.begin(), variants.end());
  const std::string context = fmt::format(" for model '{}'", model.name());
  if (auto variant = read_name(node, "variant", "variant", context, names, issues))
    scenario.variant = std::move(*variant);
}

// Returns the model it names, or null.
const registered_model* read_scenario_section(const Section& s, Scenario& scenario,
                                              Issues& issues) {
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

  const toml::node* model_node = find_value(s, "model", true, issues);
  if (model_node && registered_model_names().empty()) {
    issues.add(*model_node,
               "no models are registered in this executable: link the .cpp of each "
               "model (the one that defines its register_model) into it");
    model_node = nullptr;
  }
  const auto model = read_name(model_node, "model", "model", "", registered_model_names(), issues);
  const toml::node* variant_node = s.table ? s.table->get("variant") : nullptr;
  if (!model) {
    read_string(variant_node, "variant", issues);  // its type can still be wrong
    return nullptr;
  }
  scenario.model = *model;
  const registered_model* info = find_model(*model);
  read_variant(variant_node, *info, s, scenario, issues);
  return info;
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
  if (auto n = read_integer(find_value(s, "bound", false, issues), "bound", 0, 1000, issues))
    scenario.bound = static_cast<std::uint32_t>(*n);
  if (auto n = read_integer(find_value(s, "pct_depth", false, issues), "pct_depth", 1, 100, issues))
    scenario.pct_depth = static_cast<std::uint32_t>(*n);
  struct Family {
    const char* key;
    WakeEvent event;
    bool ChoiceFamilies::*on;
  };
  static constexpr Family kFamilies[] = {
      {"timeouts", WakeEvent::Timer, &ChoiceFamilies::timeouts},
      {"signals", WakeEvent::Signal, &ChoiceFamilies::signals},
      {"spurious_wakeups", WakeEvent::Spurious, &ChoiceFamilies::spurious},
      {"kmalloc_failures", WakeEvent::Fail, &ChoiceFamilies::failures},
  };
  for (const Family& f : kFamilies) {
    const toml::node* node = find_value(s, f.key, false, issues);
    const std::optional<bool> b = read_bool(node, f.key, issues);
    if (!b) continue;
    scenario.choices.*f.on = *b;
    if (*b)
      scenario.families_on.push_back(
          {f.key, f.event, located(scenario.path, node->source().begin, "")});
  }
  if (auto b = read_bool(find_value(s, "fair_spinlocks", false, issues), "fair_spinlocks", issues))
    scenario.fair_spinlocks = *b;
  if (auto n = read_integer(find_value(s, "minimise_budget", false, issues), "minimise_budget", 0,
                            kMaxInt, issues))
    scenario.minimise_budget = static_cast<std::uint64_t>(*n);
}

void read_expect(const Section& s, Scenario& scenario, Issues& issues) {
  if (auto finding = read_name(find_value(s, "finding", false, issues), "finding", "finding", "",
                               finding_names(), issues))
    scenario.expect = *finding_from_name(*finding);
  if (auto n = read_integer(find_value(s, "max_wasted_wakeups", false, issues),
                            "max_wasted_wakeups", 0, kMaxWasted, issues))
    scenario.max_wasted = static_cast<std::uint32_t>(*n);
  if (auto b = read_bool(find_value(s, "exhaustive", false, issues), "exhaustive", issues))
    scenario.exhaustive = *b;
  const toml::node* by_queue = find_value(s, "max_wasted_wakeups_by_queue", false, issues);
  if (by_queue == nullptr) return;
  const toml::table* table = by_queue->as_table();
  if (table == nullptr) {
    issues.add(*by_queue,
               fmt::format("'max_wasted_wakeups_by_queue' must be a table of wait queue = N "
                           "([expect.max_wasted_wakeups_by_queue]), not {}",
                           type_phrase(by_queue->type())));
    return;
  }
  for (auto&& [key, node] : *table) {
    const std::string what = "max_wasted_wakeups_by_queue." + std::string(key.str());
    if (auto n = read_integer(&node, what, 0, kMaxWasted, issues))
      scenario.max_wasted_by_queue.push_back({std::string(key.str()),
                                              static_cast<std::uint32_t>(*n),
                                              located(scenario.path, key.source().begin, "")});
  }
}

bool has_required_param(const registered_model& model) {
  for (const param& p : model.spec().params)
    if (!p.default_value) return true;
  return false;
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

}  // namespace

StrategyOptions strategy_options(const Scenario& s) {
  return {
      .seed = s.seed, .state_caching = s.state_caching, .bound = s.bound, .pct_depth = s.pct_depth};
}

SearchLimits search_limits(const Scenario& s) {
  SearchLimits limits;
  limits.max_executions = s.max_executions;
  limits.max_steps = s.max_steps;
  limits.choices = s.choices;
  limits.fair_spinlocks = s.fair_spinlocks;
  return limits;
}

bool bounded_search_accepted(const Scenario& s, const std::string& strategy) {
  if (s.exhaustive) return !*s.exhaustive;
  const StrategyInfo* info = find_strategy(strategy);
  return info != nullptr && !info->exhaustive;
}

Scenario parse_scenario(std::string_view text, const std::string& path) {
  const toml::table root = parse_toml(text, path);
  // Unknown names first: a misspelt key also shows up as a missing one.
  Issues unknown;
  check_unknown_names(root, unknown);
  unknown.throw_first(path);

  Scenario scenario{};
  scenario.path = path;
  scenario.content_hash = fnv1a64(text);
  Issues issues, totals;
  const registered_model* model =
      read_scenario_section(find_section(root, "scenario", true, issues), scenario, issues);
  // Without a known model there is no telling which parameters [workload] needs.
  const bool workload_required = model == nullptr || has_required_param(*model);
  const Section workload = find_section(root, "workload", workload_required, issues);
  if (model) read_workload(workload, *model, scenario.params, issues, totals);
  read_search(find_section(root, "search", false, issues), scenario, issues);
  read_expect(find_section(root, "expect", false, issues), scenario, issues);
  issues.throw_first(path);
  // Checks across parameters only once each value is fine on its own.
  totals.throw_first(path);
  return scenario;
}

}  // namespace wakecheck
