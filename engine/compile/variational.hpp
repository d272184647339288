// A model and its guide compiled into ONE autodiff program for variational inference
// (ARCHITECTURE.md decisions 2 and 6; LANGUAGE.md "Guides").
//
// The program's parameters are every quantity the ELBO is maximized over, packed in order:
//   1. the model's params theta (their slots' unconstrained coordinates: point estimates,
//      their priors counted, no Jacobian: LANGUAGE.md "Under VI every param ..."), then the
//      weights of the nets the model block reads (nets.hpp);
//   2. the guide block's params phi (their slots, constrained through their transforms),
//      then the weights of the nets only the guide block reads;
//   3. the automatic guide of the continuous latents the guide block leaves out, on their
//      unconstrained space u (d coordinates): the location m (d), then
//        meanfield  omega (d):  u = m + exp(omega) .* eps         (Stan's ADVI meanfield)
//        fullrank   L (d x d):  u = m + tril(L) eps              (only the lower triangle
//                               is read; its diagonal may be negative: Stan's fullrank)
//        map        nothing:    u = m                            (a point mass, Pyro's AutoDelta)
// The standard normal draws eps are a constant node (`noise`) the caller refills before
// each evaluation: every draw is reparameterized, so one backward pass gives the gradient
// of a single-draw estimate with respect to all three groups.
//
// The guide block's draws are reparameterized too, in the latent's own (constrained) space:
//   z ~ normal(m, s)                    z = m + s .* eps
//   z ~ lognormal(m, s)                 z = exp(m + s .* eps)
//   z ~ multi_normal_cholesky(mu, L)    z = mu + L eps
// in dependency order (a draw may read latents drawn before it).
//
// Nodes, per draw (scalars):
//   log_joint       log p(data, z; theta) + log p(theta): the model's terms; plus, for the
//                   automatically guided latents, log|J| of u -> z (the density of u)
//   log_guide       log q(z): the automatic part as the normal density of u, plus each guide
//                   block draw's log density at the drawn value
//   elbo            log_joint - log_guide with the automatic part's -log q replaced by its
//                   exact entropy (sum omega + d/2 (1 + log 2 pi), or sum log|L_ii| + ...):
//                   Stan's estimator, the same expectation with less variance
//   reconstruction  the terms on data (FactorTerm::on_data): E_q of it is the ELBO's first
//                   term; kl = reconstruction - ELBO (LANGUAGE.md)
// log_joint - log_guide is the log importance weight (IWAE, Renyi, PSIS, pm evidence --method is).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "engine/compile/compiled_model.hpp"
#include "engine/compile/data_plate.hpp"
#include "engine/random/stream.hpp"

namespace pm::compile {

enum class GuideFamily { meanfield, fullrank, map };
const char* to_string(GuideFamily family);  // "meanfield", "fullrank", "map"
std::optional<GuideFamily> parse_guide_family(std::string_view text);

struct VariationalOptions {
  GuideFamily family = GuideFamily::meanfield;
  bool discrete_posteriors = true;  // as CompileOptions
  // Replace the Monte Carlo E_q[log p(z) - log q(z)] by the closed form -KL(q || p) for the
  // latents whose prior and guide are both normal (variational.cpp, with_analytic_kl).
  bool analytic_kl = true;
  // Minibatching (data_plate.hpp): the data given to compile_variational hold a batch of the
  // plate's rows; the terms of local statements, and the guide's draws of local latents, are
  // scaled by `batch_scale` (N / B). Null: no plate handling. Refused with a batch: local
  // latents under the automatic guide (one parameter per datum), and discrete latents that
  // are not local (their exact sum couples every datum).
  const DataPlate* batch_plate = nullptr;
  double batch_scale = 1.0;
};

struct VariationalModel {
  // slots: the params (program parameters) and the continuous latents (computed from the
  // guide's draws), in declaration order; terms, definitions, discrete latents as for
  // compile_model; model.log_density is log_joint.
  CompiledModel model;
  GuideFamily family = GuideFamily::meanfield;
  std::vector<ParameterSlot> guide_slots;  // the guide block's params

  std::vector<std::size_t> automatic_latents;  // indices into model.slots
  std::size_t automatic_size = 0;              // d
  std::size_t location_offset = 0;             // m in the parameter vector
  std::size_t scale_offset = 0;                // omega or L (absent for map)
  ad::Node location, scale;

  // eps: the automatic guide's (d), then one node per guide-block draw, shaped like its
  // latent; noise_size counts their elements.
  std::vector<ad::Node> noise;
  std::size_t noise_size = 0;

  ad::Node log_joint, log_guide, elbo, reconstruction, log_weight;
  // The params' log prior (inside log_joint): log_weight - params_log_prior is the log weight
  // of p(data; theta) = integral of p(data, z; theta) dz, the evidence given the params.
  ad::Node params_log_prior;
  // The latents whose KL term is analytic in `elbo` (log_guide and log_weight keep the
  // Monte Carlo densities: IWAE, Renyi and importance sampling need the draws' weights).
  std::vector<std::string> analytic_kl_latents;

  std::size_t dimension() const { return model.dimension(); }
  // The parameter vector's start (Stan's ADVI): theta and phi uniform(-radius, radius) on their
  // unconstrained scale, m likewise, omega = 0 (sd 1), L = identity; net weights Glorot / He
  // from stream.split(kNetInitStream), biases 0 (nets.hpp). infer::find_variational_start
  // (initialize.hpp) redraws it until it is finite.
  std::vector<double> initial_point(random::Stream& stream, double radius = 2.0) const;
  // The guide block's draws, in draw order: the latent's name, its distribution and the
  // lowered arguments of its `~` (pm encode reads the location and scale of a normal guide).
  struct GuideDraw {
    std::string latent;
    std::string distribution;
    std::vector<ad::Node> arguments;
    ad::Node value;
  };
  std::vector<GuideDraw> guide_draws;

  // Refills the noise with independent standard normals.
  void draw_noise(random::Stream& stream);
  // A name per parameter coordinate: "mu" / "theta[2]" (unconstrained theta), "guide.s"
  // (unconstrained phi), "decoder.layer1.weight[j,i]" / "decoder.layer1.bias[j]" for nets,
  // "loc[k]", "omega[k]" or "L[i,j]" for the automatic guide.
  std::vector<std::string> parameter_names() const;
};

// Null (with located errors in `diagnostics`) when the model or its guide cannot be
// compiled: a guide draw from a distribution with no reparameterization here, guide
// statements inside loops, what compile_model rejects.
std::optional<VariationalModel> compile_variational(const lang::CheckedProgram& checked, const io::DataSet& data,
                                                    const VariationalOptions& options, lang::Diagnostics& diagnostics);

}  // namespace pm::compile
