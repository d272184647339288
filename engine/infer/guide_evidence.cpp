// Importance-sampling and IWAE estimates of the evidence (guide_evidence.hpp).
#include "engine/infer/guide_evidence.hpp"

#include <algorithm>
#include <cmath>

namespace pm::infer {

std::vector<double> guide_log_weights(compile::VariationalModel& model, std::span<const double> parameters,
                                      std::size_t draws, std::uint64_t seed, std::vector<double>* reconstruction) {
  ad::Program& program = *model.model.program;
  std::span<double> slots = program.parameters();
  std::copy(parameters.begin(), parameters.end(), slots.begin());
  random::Stream stream(seed);
  std::vector<double> log_weights(draws);
  if (reconstruction) reconstruction->assign(draws, 0.0);
  for (std::size_t s = 0; s < draws; ++s) {
    model.draw_noise(stream);
    program.forward(false);
    log_weights[s] = program.value(model.log_weight) - program.value(model.params_log_prior);
    if (reconstruction) (*reconstruction)[s] = program.value(model.reconstruction);
  }
  return log_weights;
}

MonteCarloEstimate importance_sampling_evidence(compile::VariationalModel& model, std::span<const double> parameters,
                                                std::size_t draws, std::uint64_t seed) {
  return log_mean_exp(guide_log_weights(model, parameters, draws, seed));
}

std::size_t iwae_weight_count(std::size_t particles, std::size_t draws) {
  const std::size_t k = std::max<std::size_t>(particles, 1);
  return std::max<std::size_t>(2, draws / k) * k;
}

IwaeEstimate iwae_from_log_weights(std::span<const double> log_weights, std::size_t particles) {
  IwaeEstimate estimate;
  estimate.particles = std::max<std::size_t>(particles, 1);
  estimate.groups = log_weights.size() / estimate.particles;
  std::vector<double> bounds(estimate.groups);
  for (std::size_t g = 0; g < estimate.groups; ++g) {
    std::span<const double> group(log_weights.data() + g * estimate.particles, estimate.particles);
    bounds[g] = log_mean_exp(group).log_mean;
  }
  double mean = 0;
  for (double bound : bounds) mean += bound / static_cast<double>(estimate.groups);
  double squares = 0;
  for (double bound : bounds) squares += (bound - mean) * (bound - mean);
  estimate.bound = mean;
  estimate.standard_error = std::sqrt(squares / static_cast<double>(estimate.groups - 1) / static_cast<double>(estimate.groups));
  return estimate;
}

IwaeEstimate iwae_evidence(compile::VariationalModel& model, std::span<const double> parameters, std::size_t particles,
                           std::size_t draws, std::uint64_t seed) {
  const std::vector<double> log_weights =
      guide_log_weights(model, parameters, iwae_weight_count(particles, draws), seed);
  return iwae_from_log_weights(log_weights, particles);
}

ElboTerms elbo_terms(compile::VariationalModel& model, std::span<const double> parameters, std::size_t draws,
                     std::uint64_t seed) {
  ad::Program& program = *model.model.program;
  std::span<double> slots = program.parameters();
  std::copy(parameters.begin(), parameters.end(), slots.begin());
  random::Stream stream(seed);
  double sum = 0, squares = 0, reconstruction = 0;
  for (std::size_t s = 0; s < draws; ++s) {
    model.draw_noise(stream);
    program.forward(false);
    const double elbo = program.value(model.elbo) - program.value(model.params_log_prior);
    sum += elbo;
    squares += elbo * elbo;
    reconstruction += program.value(model.reconstruction);
  }
  ElboTerms terms;
  const double n = static_cast<double>(std::max<std::size_t>(draws, 1));
  terms.elbo = sum / n;
  terms.elbo_se = std::sqrt(std::max(0.0, squares / n - terms.elbo * terms.elbo) / n);
  terms.reconstruction = reconstruction / n;
  terms.kl = terms.reconstruction - terms.elbo;
  return terms;
}

}  // namespace pm::infer
