// The [workload] table: the parameters a registered model declares
// (model/model.hpp), read and checked against that declaration. Internal to
// scenarios/.
#pragma once

#include <toml++/toml.h>

#include "model/model.hpp"
#include "scenarios/scenario_reader.hpp"

namespace wakecheck {

// The registered model that [scenario] model names, or null (absent, not a
// string, or unknown: read_scenario_section reports that).
const registered_model* named_model(const toml::table& root);

// Unknown keys in [workload], against the model's parameters.
void check_workload_keys(const toml::table& root, const registered_model& model,
                         reader::Issues& issues);

// Reads every parameter (defaults for those not set) into `values`, then, when
// each value is fine, runs the model's checks across them; `totals` receives
// those, located at the parameter each names.
void read_workload(const reader::Section& section, const registered_model& model,
                   param_values& values, reader::Issues& issues, reader::Issues& totals);

}  // namespace wakecheck
