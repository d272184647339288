// Monte Carlo estimates of log p(data) with a fitted guide as the proposal (CLI.md
// `pm evidence --method is|iwae`):
//   is     p-hat = (1/S) sum_s p(x, z_s) / q(z_s),  z_s ~ q: unbiased for p(x) whatever q
//          is (given q covers p's support), with variance small when q is close to the
//          posterior; reported in log space with the delta-method standard error and the
//          effective sample size (monte_carlo.hpp)
//   iwae   the IWAE bound log (1/K) sum_k p(x, z_k) / q(z_k) (Burda et al. 2016), a lower
//          bound of log p(x) in expectation that tightens as K grows; estimated as the mean
//          over G = max(2, S / K) independent groups of K particles, with se = sd / sqrt(G)
// The log weights come from the compiled model-and-guide program (variational.hpp) at the
// given parameter vector. Discrete latents are summed out inside p(x, z), exactly.
#pragma once

#include <cstdint>
#include <span>

#include "engine/compile/variational.hpp"
#include "engine/infer/monte_carlo.hpp"

namespace pm::infer {

// S log importance weights log p(x, z_s; theta) - log q(z_s), z_s drawn from
// random::Stream(seed); the params theta are fixed at their values in `parameters` (their
// priors left out: the evidence of a model with params is p(x; theta)).
// With `reconstruction`, also each draw's reconstruction term (the factors on data), so that
// the ELBO and its terms can be reported from the very draws of the estimate.
std::vector<double> guide_log_weights(compile::VariationalModel& model, std::span<const double> parameters,
                                      std::size_t draws, std::uint64_t seed,
                                      std::vector<double>* reconstruction = nullptr);

MonteCarloEstimate importance_sampling_evidence(compile::VariationalModel& model, std::span<const double> parameters,
                                                std::size_t draws, std::uint64_t seed);

struct IwaeEstimate {
  double bound = 0;           // mean over the groups of log (1/K) sum_k w_k
  double standard_error = 0;  // sd over the groups / sqrt(groups)
  std::size_t particles = 0;  // K
  std::size_t groups = 0;     // G
};

IwaeEstimate iwae_evidence(compile::VariationalModel& model, std::span<const double> parameters, std::size_t particles,
                           std::size_t draws, std::uint64_t seed);
// The same from log weights already drawn: consecutive groups of `particles` (the weights'
// count is groups x particles, groups >= 2).
IwaeEstimate iwae_from_log_weights(std::span<const double> log_weights, std::size_t particles);
// The number of weights iwae_evidence draws for `draws` and K = `particles`.
std::size_t iwae_weight_count(std::size_t particles, std::size_t draws);

// The ELBO and its two terms (reconstruction, kl = reconstruction - elbo) averaged over
// `draws` draws of the guide, for `pm evidence`'s report of the gap log p(x) - ELBO.
struct ElboTerms {
  double elbo = 0, elbo_se = 0, reconstruction = 0, kl = 0;
};
ElboTerms elbo_terms(compile::VariationalModel& model, std::span<const double> parameters, std::size_t draws,
                     std::uint64_t seed);

}  // namespace pm::infer
