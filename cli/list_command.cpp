#include <fmt/format.h>
#include <fmt/ostream.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <ostream>

#include "checker/diagnose.hpp"
#include "cli/commands.hpp"

namespace wakecheck {
namespace {

std::string param_kind(const param& p) {
  if (p.type == param_type::boolean)
    return fmt::format("boolean, default {}", *p.default_value ? "true" : "false");
  if (!p.default_value) return fmt::format("integer {}..{}, required", p.min, p.max);
  return fmt::format("integer {}..{}, default {}", p.min, p.max, *p.default_value);
}

void print_model(const Console& io, const registered_model& m) {
  const model_spec& s = m.spec();
  fmt::print(io.out, "{} (version {}): {}\n", s.name, s.version, s.summary);
  if (!s.variants.empty()) fmt::print(io.out, "  variants: {}\n", fmt::join(s.variants, ", "));
  fmt::print(io.out, "  parameters:{}\n", s.params.empty() ? " none" : "");
  std::size_t name_width = 0, kind_width = 0;
  for (const param& p : s.params) {
    name_width = std::max(name_width, p.name.size());
    kind_width = std::max(kind_width, param_kind(p).size());
  }
  for (const param& p : s.params)
    fmt::print(io.out, "    {:<{}}  {:<{}}  {}\n", p.name, name_width, param_kind(p), kind_width,
               p.doc);
  fmt::print(io.out, "  registered at {}\n", where(m.site()));
}

}  // namespace

int list_command(const Console& io) {
  const std::vector<const registered_model*> models = registered_models();
  if (models.empty()) {
    fmt::print(io.err,
               "wakecheck: no models are registered: link the .cpp of each model (the one that "
               "defines its register_model) into this executable\n");
    return kExitBadInput;
  }
  for (std::size_t i = 0; i < models.size(); ++i) {
    if (i) fmt::print(io.out, "\n");
    print_model(io, *models[i]);
  }
  return kExitMet;
}

}  // namespace wakecheck
