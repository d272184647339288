#include "engine/infer/discrete_report.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace pm::infer {

std::vector<compile::DiscretePosterior> discrete_posteriors_at(compile::CompiledModel& model,
                                                               std::span<const double> unconstrained) {
  if (unconstrained.size() != model.dimension())
    throw std::invalid_argument(fmt::format("discrete_posteriors_at: {} values for a model of dimension {}",
                                            unconstrained.size(), model.dimension()));
  std::span<double> parameters = model.program->parameters();
  std::copy(unconstrained.begin(), unconstrained.end(), parameters.begin());
  model.program->forward(false);
  return model.discrete_posteriors();
}

nlohmann::json discrete_posteriors_json(const std::vector<compile::DiscretePosterior>& posteriors) {
  nlohmann::json out = nlohmann::json::object();
  for (const compile::DiscretePosterior& posterior : posteriors)
    for (std::size_t e = 0; e < posterior.element_names.size(); ++e) {
      nlohmann::json by_value = nlohmann::json::object();
      for (std::size_t k = 0; k < posterior.values.size(); ++k)
        by_value[std::to_string(posterior.values[k])] = posterior.probabilities[e][k];
      out[posterior.element_names[e]] = std::move(by_value);
    }
  return out;
}

namespace {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

std::string discrete_posteriors_csv(const std::vector<compile::DiscretePosterior>& posteriors) {
  std::set<std::int64_t> all_values;
  for (const compile::DiscretePosterior& posterior : posteriors)
    all_values.insert(posterior.values.begin(), posterior.values.end());
  std::string text = "latent,element";
  for (std::int64_t value : all_values) text += fmt::format(",p_{}", value);
  text += "\n";
  for (const compile::DiscretePosterior& posterior : posteriors)
    for (std::size_t e = 0; e < posterior.element_names.size(); ++e) {
      text += csv_field(posterior.name) + "," + csv_field(posterior.element_names[e]);
      for (std::int64_t value : all_values) {
        auto found = std::find(posterior.values.begin(), posterior.values.end(), value);
        text += ",";
        // 17 significant digits: the probability round-trips exactly through a text reader.
        if (found != posterior.values.end())
          text += fmt::format("{:.17g}", posterior.probabilities[e][found - posterior.values.begin()]);
      }
      text += "\n";
    }
  return text;
}

std::vector<std::string> latents_without_posterior(const compile::CompiledModel& model,
                                                   const std::vector<compile::DiscretePosterior>& posteriors) {
  std::vector<std::string> missing;
  for (const compile::DiscreteLatent& latent : model.discrete_latents) {
    bool present = std::any_of(posteriors.begin(), posteriors.end(),
                               [&](const compile::DiscretePosterior& p) { return p.name == latent.name; });
    if (!present) missing.push_back(latent.name);
  }
  return missing;
}

}  // namespace pm::infer
