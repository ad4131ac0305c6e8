#include "model/models.hpp"

#include <array>

#include "model/queues/boundedq.hpp"

namespace wakecheck {
namespace {

const std::array<ModelInfo, 1> kModels = {{
    {"boundedq", "the seed's bounded producer/consumer queue on Linux wait queues",
     boundedq_variants(), make_boundedq},
}};

}  // namespace

std::span<const ModelInfo> models() {
  return kModels;
}

const ModelInfo* find_model(std::string_view name) {
  for (const ModelInfo& m : kModels)
    if (m.name == name) return &m;
  return nullptr;
}

}  // namespace wakecheck
