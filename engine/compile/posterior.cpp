// Bayes-rule posteriors of the summed-out latents from the contraction's joints
// (posterior.hpp).
#include "engine/compile/posterior.hpp"

#include <algorithm>
#include <cmath>
#include <span>

#include "engine/compile/compiled_model.hpp"
#include "engine/compile/enumeration.hpp"

namespace pm::compile {
namespace {

using tensor::DimId;
using tensor::DimSet;

bool contains(const DimSet& set, DimId id) { return std::find(set.begin(), set.end(), id) != set.end(); }

DimSet without(const DimSet& set, DimId removed) {
  DimSet kept;
  for (DimId id : set)
    if (id != removed) kept.push_back(id);
  return kept;
}

DimSet enumeration_dims(const tensor::Shape& shape) {
  DimSet dims;
  for (const tensor::Dim& dim : shape.dims())
    if (dim.id.kind == tensor::DimKind::enumeration) dims.push_back(dim.id);
  return dims;
}

// log p(dims | ...) from an unnormalized log joint over them: x - log_sum_exp(x, dims).
ad::Node normalized(ad::Node joint, const DimSet& dims) { return ad::subtract(joint, ad::log_sum_exp(joint, dims)); }

}  // namespace

ad::Node log_posterior_node(const EnumeratedLatent& latent, const Contraction& contraction,
                            const std::map<tensor::DimId, ad::Node>& earlier) {
  DimSet plates;
  for (const PlateBinding& plate : latent.plates) plates.push_back(plate.dim);
  std::sort(plates.begin(), plates.end());
  const ContractionGroup* own = nullptr;
  const ContractionGroup* root = nullptr;
  for (const ContractionGroup& group : contraction.groups) {
    if (group.plates == plates && contains(group.eliminated, latent.dim)) own = &group;
    if (group.plates.empty()) root = &group;
  }
  if (!own) return {};
  // The other latents of this plate set are summed out of the joint: their marginal.
  ad::Node joint = own->joint;
  DimSet others = without(own->eliminated, latent.dim);
  if (!others.empty()) joint = ad::log_sum_exp(joint, others);
  ad::Node result = normalized(joint, {latent.dim});  // log p(v | outer, data)
  DimSet outer = without(enumeration_dims(joint.shape()), latent.dim);
  bool all_global = root && root != own;
  for (DimId dim : outer) all_global = all_global && contains(root->eliminated, dim);
  if (outer.size() == 1 && !all_global) {
    // One outer latent of an enclosing plate (a per row, b per cell): its own posterior.
    auto found = earlier.find(outer.front());
    if (found == earlier.end() || !found->second.valid()) return {};
    result = ad::log_sum_exp(ad::add(result, found->second), outer);
  } else if (!outer.empty()) {
    if (!all_global) return {};  // several outer latents, not all global: their joint is not formed
    ad::Node global = root->joint;
    DimSet unused;
    for (DimId dim : root->eliminated)
      if (!contains(outer, dim)) unused.push_back(dim);
    if (!unused.empty()) global = ad::log_sum_exp(global, unused);
    result = ad::log_sum_exp(ad::add(result, normalized(global, outer)), outer);
  }
  // Every element of its plates (a plate the factors never varied along still has elements).
  for (const PlateBinding& plate : latent.plates)
    if (!result.shape().has(plate.dim)) {
      tensor::Shape shape({tensor::Dim{plate.dim, plate.size}});
      result = ad::add(result, result.program->constant(shape, std::vector<double>(plate.size, 0.0)));
    }
  if (result.shape().rank() != static_cast<int>(plates.size()) + 1) return {};
  return result;
}

std::vector<std::string> latent_element_names(const EnumeratedLatent& latent) {
  const std::string& name = latent.symbol->name;
  if (latent.plates.empty()) return {name};
  // Canonical order puts the plates by number; the names follow that order (first fastest).
  std::vector<PlateBinding> plates = latent.plates;
  std::vector<std::size_t> position(plates.size());  // index position of each plate in the source
  for (std::size_t k = 0; k < plates.size(); ++k) position[k] = k;
  std::sort(position.begin(), position.end(),
            [&](std::size_t a, std::size_t b) { return plates[a].dim < plates[b].dim; });
  std::size_t count = 1;
  for (const PlateBinding& plate : plates) count *= plate.size;
  std::vector<std::string> names;
  std::vector<std::size_t> counter(plates.size(), 0);  // over the sorted plates
  for (std::size_t element = 0; element < count; ++element) {
    std::vector<std::int64_t> index(plates.size());
    for (std::size_t k = 0; k < plates.size(); ++k)
      index[position[k]] = plates[position[k]].first + static_cast<std::int64_t>(counter[k]);
    std::string text = name + "[";
    for (std::size_t k = 0; k < index.size(); ++k) text += (k ? "," : "") + std::to_string(index[k]);
    names.push_back(text + "]");
    for (std::size_t k = 0; k < counter.size(); ++k) {
      if (++counter[k] < plates[position[k]].size) break;
      counter[k] = 0;
    }
  }
  return names;
}

std::vector<DiscretePosterior> CompiledModel::discrete_posteriors() const {
  std::vector<DiscretePosterior> posteriors;
  for (const DiscreteLatent& latent : discrete_latents) {
    if (!latent.log_posterior.valid()) continue;
    DiscretePosterior posterior{latent.name, latent.element_names, {}, {}};
    for (std::size_t k = 0; k < latent.support_size; ++k)
      posterior.values.push_back(latent.first_value + static_cast<std::int64_t>(k));
    std::span<double> log_values = program->values(latent.log_posterior);
    const std::size_t elements = latent.element_names.size();
    for (std::size_t e = 0; e < elements; ++e) {
      std::vector<double> row(latent.support_size);
      for (std::size_t k = 0; k < latent.support_size; ++k) row[k] = std::exp(log_values[e + k * elements]);
      posterior.probabilities.push_back(std::move(row));
    }
    posteriors.push_back(std::move(posterior));
  }
  return posteriors;
}

}  // namespace pm::compile
