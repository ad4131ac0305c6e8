#include "model/model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <stdexcept>

#include "checker/diagnose.hpp"
#include "checker/execution.hpp"

namespace wakecheck {
namespace {

// Filled during static initialisation, from registrars in any translation
// unit: a function-local static is built on first use, whatever the order.
struct registry {
  std::vector<std::unique_ptr<registered_model>> models;  // sorted by name
  std::vector<std::string> problems;
};

registry& the_registry() {
  static registry r;
  return r;
}

bool valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// What is wrong with a spec on its own, or "".
std::string spec_problem(const model_spec& s) {
  if (!valid_name(s.name))
    return fmt::format("model name '{}' must be letters, digits, '_' and '-'", s.name);
  for (std::size_t i = 0; i < s.variants.size(); ++i)
    if (std::find(s.variants.begin(), s.variants.begin() + i, s.variants[i]) !=
        s.variants.begin() + i)
      return fmt::format("model '{}' declares variant '{}' twice", s.name, s.variants[i]);
  for (std::size_t i = 0; i < s.params.size(); ++i) {
    const param& p = s.params[i];
    if (!valid_name(p.name))
      return fmt::format("model '{}': parameter name '{}' must be letters, digits, '_' and '-'",
                         s.name, p.name);
    for (std::size_t j = 0; j < i; ++j)
      if (s.params[j].name == p.name)
        return fmt::format("model '{}' declares parameter '{}' twice", s.name, p.name);
    if (p.min > p.max)
      return fmt::format("model '{}': parameter '{}' has min {} above max {}", s.name, p.name,
                         p.min, p.max);
    if (p.default_value && (*p.default_value < p.min || *p.default_value > p.max))
      return fmt::format("model '{}': parameter '{}' defaults to {}, outside {}..{}", s.name,
                         p.name, *p.default_value, p.min, p.max);
  }
  return "";
}

Finding model_error(const Execution& ex, std::string what) {
  return {FindingKind::ModelError,
          ex.current(),
          kNoObject,
          static_cast<std::uint32_t>(ex.trace().size()),
          std::move(what),
          "  a bug in the model itself, not a finding about the code under test.\n"};
}

// A registered model as the engine's Program: each execution gets a fresh
// kernel and a fresh world. What the model throws outside its tasks (in its
// constructor, work_left or at_end) becomes a model-error finding; inside its
// tasks the engine does that already.
class model_program final : public Program {
 public:
  model_program(detail::world_factory make, std::string variant, param_values values)
      : make_(make), variant_(std::move(variant)), values_(std::move(values)) {}

  void setup(Execution& ex) override {
    world_.reset();  // it refers to the kernel: goes first
    kernel_ = std::make_unique<kernel>(ex);
    ex_ = &ex;
    try {
      world_ = make_(*kernel_, model_args{variant_, values_});
    } catch (const std::exception& e) {
      ex.raise(model_error(ex, fmt::format("the model's constructor threw: {}", e.what())));
    } catch (...) {
      ex.raise(model_error(ex, "the model's constructor threw something not a std::exception"));
    }
  }

  std::string work_left(const Execution&, TaskId sleeper, ObjectId wq) const override {
    if (!world_) return "";
    try {
      if (std::optional<std::string> work = world_->work_left(sleeper, wq)) return *work;
    } catch (const std::exception& e) {
      ex_->raise(model_error(*ex_, fmt::format("the model's work_left threw: {}", e.what())));
      return "";
    } catch (...) {
      ex_->raise(model_error(*ex_, "the model's work_left threw something not a std::exception"));
      return "";
    }
    return wq == kNoObject ? "" : "unknown (the model defines no work_left)";
  }

  void at_end(Execution& ex) override {
    if (!world_) return;
    try {
      world_->at_end(*kernel_);
    } catch (const std::exception& e) {
      ex.raise(model_error(ex, fmt::format("the model's at_end threw: {}", e.what())));
    } catch (...) {
      ex.raise(model_error(ex, "the model's at_end threw something not a std::exception"));
    }
  }

 private:
  detail::world_factory make_;
  std::string variant_;
  param_values values_;
  Execution* ex_ = nullptr;
  std::unique_ptr<kernel> kernel_;
  std::unique_ptr<detail::world> world_;  // declared after kernel_: destroyed before it
};

}  // namespace

param int_param(std::string name, std::int64_t min, std::int64_t max, std::int64_t default_value,
                std::string doc) {
  return {std::move(name), param_type::integer, min, max, default_value, std::move(doc)};
}

param required_int_param(std::string name, std::int64_t min, std::int64_t max, std::string doc) {
  return {std::move(name), param_type::integer, min, max, std::nullopt, std::move(doc)};
}

param bool_param(std::string name, bool default_value, std::string doc) {
  return {std::move(name), param_type::boolean, 0, 1, default_value ? 1 : 0, std::move(doc)};
}

param_values::param_values(std::initializer_list<std::pair<std::string, std::int64_t>> values) {
  for (const auto& [name, value] : values) set(name, value);
}

const std::int64_t* param_values::find(std::string_view name) const {
  for (const auto& [n, v] : values_)
    if (n == name) return &v;
  return nullptr;
}

std::int64_t param_values::get(std::string_view name) const {
  if (const std::int64_t* v = find(name)) return *v;
  throw std::out_of_range(fmt::format("no parameter '{}' (not declared by the model?)", name));
}

void param_values::set(std::string name, std::int64_t value) {
  for (auto& [n, v] : values_)
    if (n == name) {
      v = value;
      return;
    }
  values_.emplace_back(std::move(name), value);
}

const param* registered_model::find_param(std::string_view name) const {
  for (const param& p : spec_.params)
    if (p.name == name) return &p;
  return nullptr;
}

std::unique_ptr<Program> registered_model::make(std::string_view variant,
                                                const param_values& values) const {
  return std::make_unique<model_program>(make_, std::string(variant), values);
}

namespace detail {

void add_model(model_spec spec, world_factory make, SourceLoc site) {
  registry& r = the_registry();
  if (std::string problem = spec_problem(spec); !problem.empty()) {
    r.problems.push_back(fmt::format("{}: {}", where(site), problem));
    return;
  }
  const auto at = std::lower_bound(r.models.begin(), r.models.end(), spec.name,
                                   [](const std::unique_ptr<registered_model>& m,
                                      const std::string& n) { return m->name() < n; });
  if (at != r.models.end() && (*at)->name() == spec.name) {
    r.problems.push_back(fmt::format("model '{}' is registered twice: at {} and at {}", spec.name,
                                     where((*at)->site()), where(site)));
    return;
  }
  r.models.insert(at, std::make_unique<registered_model>(std::move(spec), make, site));
}

}  // namespace detail

std::vector<const registered_model*> registered_models() {
  std::vector<const registered_model*> out;
  for (const auto& m : the_registry().models) out.push_back(m.get());
  return out;
}

const registered_model* find_model(std::string_view name) {
  for (const auto& m : the_registry().models)
    if (m->name() == name) return m.get();
  return nullptr;
}

std::vector<std::string_view> registered_model_names() {
  std::vector<std::string_view> out;
  for (const auto& m : the_registry().models) out.push_back(m->name());
  return out;
}

std::string registry_problem() {
  std::string out;
  for (const std::string& p : the_registry().problems) out += (out.empty() ? "" : "\n") + p;
  return out;
}

}  // namespace wakecheck
