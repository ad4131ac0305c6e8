#include "scenarios/workload.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "checker/strategies.hpp"
#include "scenarios/scenario.hpp"

namespace wakecheck {

using reader::Issues;

const registered_model* named_model(const toml::table& root) {
  const toml::node* model = root.at_path("scenario.model").node();
  if (model == nullptr || !model->is_string()) return nullptr;
  return find_model(model->as_string()->get());
}

void check_workload_keys(const toml::table& root, const registered_model& model, Issues& issues) {
  const toml::table* section = root.get_as<toml::table>("workload");
  if (section == nullptr) return;
  std::vector<std::string_view> names;
  for (const param& p : model.spec().params) names.push_back(p.name);
  for (auto&& [key, node] : *section) {
    if (model.find_param(key.str())) continue;
    const std::string hint = reader::suggestion(key.str(), names, "'", "'");
    std::string message =
        fmt::format("unknown key {} in [workload]{}", reader::quoted(key.str()), hint);
    if (names.empty())
      message += fmt::format(": model '{}' has no parameters", model.name());
    else if (hint.empty())
      message +=
          fmt::format(" (parameters of model '{}': {})", model.name(), fmt::join(names, ", "));
    issues.add(key.source().begin, std::move(message));
  }
}

namespace {

std::optional<std::int64_t> read_param(const toml::node* node, const param& p, Issues& issues) {
  if (p.type == param_type::boolean) {
    const std::optional<bool> b = reader::read_bool(node, p.name, issues);
    if (!b) return std::nullopt;
    return *b ? 1 : 0;
  }
  return reader::read_integer(node, p.name, p.min, p.max, issues);
}

}  // namespace

void read_workload(const reader::Section& section, const registered_model& model,
                   param_values& values, Issues& issues, Issues& totals) {
  bool all_read = true;
  for (const param& p : model.spec().params) {
    const bool required = !p.default_value.has_value();
    const toml::node* node =
        section.table ? reader::find_value(section, p.name, required, issues) : nullptr;
    if (node == nullptr) {
      if (required) {
        // The missing section itself is reported by the caller.
        all_read = false;
      } else {
        values.set(p.name, *p.default_value);
      }
      continue;
    }
    if (const std::optional<std::int64_t> v = read_param(node, p, issues))
      values.set(p.name, *v);
    else
      all_read = false;
  }
  if (!all_read || model.spec().check_params == nullptr) return;
  std::vector<param_issue> found;
  try {
    found = model.spec().check_params(values);
  } catch (const std::exception& e) {
    // A bug in the model, but the scenario is what cannot be run: say so at [workload].
    found.push_back(
        {"", fmt::format("model '{}': its check_params threw: {}", model.name(), e.what())});
  }
  for (const param_issue& issue : found) {
    const toml::node* node = section.table ? section.table->get(issue.param) : nullptr;
    if (node != nullptr)
      totals.add(*node, issue.message);
    else if (section.table != nullptr)
      totals.add(*section.table, issue.message);
    else
      totals.add(reader::kFileStart, issue.message);
  }
}

namespace {

[[noreturn]] void invalid(const Scenario& s, const std::string& message) {
  throw ScenarioError(fmt::format("scenario '{}': {}", s.name, message));
}

// The value `s` gives a parameter, checked; its default when it gives none.
std::int64_t checked_value(const Scenario& s, const param& p) {
  const std::int64_t* v = s.params.find(p.name);
  if (v == nullptr) {
    if (!p.default_value) invalid(s, fmt::format("missing parameter '{}'", p.name));
    return *p.default_value;
  }
  if (p.type == param_type::boolean && *v != 0 && *v != 1)
    invalid(s, fmt::format("'{}' is a boolean (0 or 1), not {}", p.name, *v));
  if (*v < p.min) invalid(s, fmt::format("'{}' must be at least {}, not {}", p.name, p.min, *v));
  if (*v > p.max) invalid(s, fmt::format("'{}' must be at most {}, not {}", p.name, p.max, *v));
  return *v;
}

}  // namespace

void validate_scenario(Scenario& s) {
  const registered_model* model = find_model(s.model);
  if (model == nullptr)
    invalid(s, reader::unknown_name("model", s.model, "", registered_model_names()));
  const std::vector<std::string>& variants = model->spec().variants;
  if (variants.empty() && !s.variant.empty())
    invalid(s, fmt::format("model '{}' has no variants, but variant '{}' is given", s.model,
                           s.variant));
  const std::vector<std::string_view> names(variants.begin(), variants.end());
  if (!variants.empty() && !reader::contains(names, s.variant))
    invalid(s, reader::unknown_name("variant", s.variant, fmt::format(" for model '{}'", s.model),
                                    names));
  std::vector<std::string_view> declared;
  for (const param& p : model->spec().params) declared.push_back(p.name);
  for (const auto& [name, value] : s.params.values())
    if (!model->find_param(name))
      invalid(s, fmt::format("model '{}' has no parameter {}{}", s.model, reader::quoted(name),
                             reader::suggestion(name, declared, "'", "'")));
  param_values values;  // in declaration order, defaults filled in
  for (const param& p : model->spec().params) values.set(p.name, checked_value(s, p));
  if (model->spec().check_params) {
    std::vector<param_issue> found;
    try {
      found = model->spec().check_params(values);
    } catch (const std::exception& e) {
      invalid(s, fmt::format("model '{}': its check_params threw: {}", s.model, e.what()));
    }
    for (const param_issue& issue : found) invalid(s, issue.message);
  }
  s.params = std::move(values);
  if (!find_strategy(s.strategy)) invalid(s, fmt::format("unknown strategy '{}'", s.strategy));
  if (s.max_executions == 0 || s.max_steps == 0)
    invalid(s, "max_executions and max_steps must be at least 1");
}

}  // namespace wakecheck
