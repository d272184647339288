// The exact posteriors of the summed-out discrete latents at one point of the unconstrained
// space (`pm fit`, CLI.md "Output" and "--json"), and their two machine-readable forms.
//
//   auto posteriors = infer::discrete_posteriors_at(model, result.unconstrained);
//   out["discrete"] = infer::discrete_posteriors_json(posteriors);
//   write(path, infer::discrete_posteriors_csv(posteriors));   // --discrete-out
//
// At a point theta the posterior of each latent is Bayes rule given the data and theta,
// p(z_i = k | x, theta) (compile/posterior.hpp). For MLE/MAP it is evaluated at the optimum
// (EM's responsibilities at convergence); with no params and no continuous latents there is
// no point to choose and it is the exact posterior p(z | x).
//
// CSV layout (--discrete-out): one row per element of each latent, one column per value:
//   latent,element,p_1,p_2
//   z,z[1],0.99,0.01
// p_v is P(element = v | data, theta). The value columns are the union of the supports of
// every latent, in increasing order; a cell is empty (NA in R and pandas) where the value is
// outside that latent's support. An element name with a comma ("x[3,1]") is quoted.
// The engine never prints: these return values and text.
#pragma once

#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/compile/compiled_model.hpp"

namespace pm::infer {

// Runs one forward pass at `unconstrained` (dimension() values; empty when the model has
// none) and reads every discrete latent's posterior. Latents whose posterior the engine cannot
// form (posterior.hpp) are absent.
std::vector<compile::DiscretePosterior> discrete_posteriors_at(compile::CompiledModel& model,
                                                               std::span<const double> unconstrained);

// {"z[1]": {"1": 0.93, "2": 0.07}, ...}: element name -> value (as a string) -> probability.
nlohmann::json discrete_posteriors_json(const std::vector<compile::DiscretePosterior>& posteriors);

// The --discrete-out file (layout above), with a final newline.
std::string discrete_posteriors_csv(const std::vector<compile::DiscretePosterior>& posteriors);

// The names of the discrete latents of `model` whose posterior is not in `posteriors`.
std::vector<std::string> latents_without_posterior(const compile::CompiledModel& model,
                                                   const std::vector<compile::DiscretePosterior>& posteriors);

}  // namespace pm::infer
