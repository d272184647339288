// fit_variational: objective estimators, the optimizer, draws (variational_fit.hpp).
#include "engine/infer/variational_fit.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "engine/infer/lbfgs.hpp"
#include "stdlib/transforms/eigen_dense.hpp"

namespace pm::infer {
namespace {

constexpr double kNegativeInfinity = -std::numeric_limits<double>::infinity();

// One forward-backward pass of `output` at the current parameters with fresh noise; the
// value (non-finite: the draw failed).
double one_draw(compile::VariationalModel& model, random::Stream& stream, ad::Node output) {
  model.draw_noise(stream);
  ad::Program& program = *model.model.program;
  program.forward(true);
  const double value = program.value(output);
  if (!std::isfinite(value)) return value;
  program.backward(output);
  return value;
}

// (1/S) sum of single-draw ELBOs and their gradients.
double elbo_estimate(compile::VariationalModel& model, std::size_t samples, std::span<double> gradient,
                     random::Stream& stream) {
  std::fill(gradient.begin(), gradient.end(), 0.0);
  const double weight = 1.0 / static_cast<double>(samples);
  double total = 0;
  for (std::size_t s = 0; s < samples; ++s) {
    const double value = one_draw(model, stream, model.elbo);
    if (!std::isfinite(value)) return value;
    total += weight * value;
    std::span<const double> g = model.model.program->gradient();
    for (std::size_t k = 0; k < gradient.size(); ++k) gradient[k] += weight * g[k];
  }
  return total;
}

// 1/(1-a) log (1/K) sum_k exp((1-a) log w_k) and its gradient sum_k softmax((1-a) log w)_k
// grad log w_k, by a streaming log-sum-exp: the running sum is rescaled whenever a larger
// term arrives, so nothing overflows and one gradient buffer suffices. a = 0: IWAE.
double weighted_bound(compile::VariationalModel& model, std::size_t particles, double alpha, std::span<double> gradient,
                      random::Stream& stream) {
  std::fill(gradient.begin(), gradient.end(), 0.0);
  const double power = 1.0 - alpha;
  double largest = kNegativeInfinity, total = 0;
  for (std::size_t k = 0; k < particles; ++k) {
    const double log_weight = one_draw(model, stream, model.log_weight);
    if (std::isnan(log_weight) || log_weight == std::numeric_limits<double>::infinity()) return log_weight;
    if (log_weight == kNegativeInfinity) continue;  // weight 0: no contribution
    const double scaled = power * log_weight;
    if (scaled > largest) {
      const double rescale = largest == kNegativeInfinity ? 0.0 : std::exp(largest - scaled);
      total *= rescale;
      for (double& g : gradient) g *= rescale;
      largest = scaled;
    }
    const double w = std::exp(scaled - largest);
    total += w;
    std::span<const double> g = model.model.program->gradient();
    for (std::size_t i = 0; i < gradient.size(); ++i) gradient[i] += w * g[i];
  }
  if (total == 0) return kNegativeInfinity;  // every particle had weight 0
  for (double& g : gradient) g /= total;
  return (largest + std::log(total) - std::log(static_cast<double>(particles))) / power;
}

std::size_t objective_particles(const VariationalFitOptions& options) {
  if (options.objective.kind == ObjectiveKind::iwae) return options.objective.particles;
  if (options.objective.kind == ObjectiveKind::renyi)
    return options.objective.particles > 1 ? options.objective.particles
                                           : (options.grad_samples > 1 ? options.grad_samples : 10);
  return options.grad_samples;
}

void set_parameters(compile::VariationalModel& model, std::span<const double> x) {
  std::span<double> parameters = model.model.program->parameters();
  std::copy(x.begin(), x.end(), parameters.begin());
}

// log_joint and its gradient at the guide's center (noise 0: u = m, a guide-block draw at its
// location), for the Laplace start.
double center_log_joint(compile::VariationalModel& model, std::span<const double> x, std::span<double> gradient) {
  ad::Program& program = *model.model.program;
  set_parameters(model, x);
  for (ad::Node node : model.noise) std::fill(program.values(node).begin(), program.values(node).end(), 0.0);
  program.forward(true);
  const double value = program.value(model.log_joint);
  if (!std::isfinite(value)) return value;
  program.backward(model.log_joint);
  std::span<const double> g = program.gradient();
  std::copy(g.begin(), g.end(), gradient.begin());
  return value;
}

// A Laplace start (the normal approximation at the mode): the mode of log p(data, u) on the
// unconstrained scale (Jacobian included) by L-BFGS over theta, phi and m at noise 0, then
// the automatic guide's scale from the curvature there: meanfield omega_i = -log(-H_ii) / 2,
// fullrank L = chol((-H)^-1); H by central differences of the gradient along each of m's d
// coordinates (2d gradients; skipped above kMaxCurvatureDimension, leaving the scale at 1).
// Nullopt when the mode is not finite. A random start can stall far from the posterior
// where the data are far from unit scale (a flat-prior regression with sigma ~ 1e3); the
// mode cannot, but it can sit in a funnel's neck, so fit_variational runs both and keeps the
// better ELBO.
constexpr std::size_t kMaxCurvatureDimension = 2000;

std::optional<std::vector<double>> laplace_start(compile::VariationalModel& model, std::vector<double> start,
                                                 bool& unbounded) {
  // Tolerances on the gradient and the step only: CmdStan's relative tests stop early on
  // badly scaled posteriors (earnings' intercept at -6e4 beside a slope of 1e3).
  LbfgsOptions options;
  options.max_iterations = 2000;
  options.tol_obj = options.tol_rel_obj = options.tol_rel_grad = 0;
  Objective objective = [&](std::span<const double> x, std::span<double> gradient) {
    return center_log_joint(model, x, gradient);
  };
  // The start is finite with its gradient (find_variational_start); L-BFGS reports it otherwise.
  LbfgsResult mode = maximize_lbfgs(objective, std::move(start), options, {});
  if (mode.reason == ConvergenceReason::NotFiniteAtStart) return std::nullopt;
  unbounded = mode.reason == ConvergenceReason::Unbounded;
  if (unbounded) return std::nullopt;  // no mode to start from
  if (!std::isfinite(mode.value) || !std::all_of(mode.x.begin(), mode.x.end(), [](double v) { return std::isfinite(v); }))
    return std::nullopt;
  std::vector<double> x = mode.x;
  const std::size_t d = model.automatic_size;
  if (d == 0 || d > kMaxCurvatureDimension || model.family == compile::GuideFamily::map) return x;
  Eigen::MatrixXd negative_hessian(d, d);
  std::vector<double> plus(x.size()), minus(x.size()), point = x;
  for (std::size_t i = 0; i < d; ++i) {
    const std::size_t k = model.location_offset + i;
    const double h = 1e-4 * std::max(1.0, std::abs(x[k]));
    point[k] = x[k] + h;
    const double up = center_log_joint(model, point, plus);
    point[k] = x[k] - h;
    const double down = center_log_joint(model, point, minus);
    point[k] = x[k];
    if (!std::isfinite(up) || !std::isfinite(down)) return x;
    for (std::size_t j = 0; j < d; ++j)
      negative_hessian(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)) =
          -(plus[model.location_offset + j] - minus[model.location_offset + j]) / (2 * h);
  }
  negative_hessian = (0.5 * (negative_hessian + negative_hessian.transpose())).eval();
  if (model.family == compile::GuideFamily::meanfield) {
    for (std::size_t i = 0; i < d; ++i) {
      const double curvature = negative_hessian(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i));
      if (curvature > 0 && std::isfinite(curvature)) x[model.scale_offset + i] = -0.5 * std::log(curvature);
    }
    return x;
  }
  Eigen::LLT<Eigen::MatrixXd> precision(negative_hessian);
  if (precision.info() != Eigen::Success) return x;  // not a maximum in every direction: scale 1
  const Eigen::MatrixXd covariance = precision.solve(Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(d), static_cast<Eigen::Index>(d)));
  Eigen::LLT<Eigen::MatrixXd> factor(covariance);
  if (factor.info() != Eigen::Success) return x;
  const Eigen::MatrixXd lower = factor.matrixL();
  for (std::size_t j = 0; j < d; ++j)
    for (std::size_t i = 0; i < d; ++i)
      x[model.scale_offset + i + j * d] = i >= j ? lower(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) : 0.0;
  return x;
}

bool failed(const StochasticResult& result) {
  return result.stop == StochasticStop::diverged || result.stop == StochasticStop::non_finite;
}

}  // namespace

std::string VariationalObjective::text() const {
  switch (kind) {
    case ObjectiveKind::elbo: return "elbo";
    case ObjectiveKind::iwae: return fmt::format("iwae:{}", particles);
    case ObjectiveKind::renyi: return fmt::format("renyi:{}", alpha);
  }
  return "elbo";
}

std::optional<VariationalObjective> parse_objective(std::string_view text, std::string& error) {
  VariationalObjective objective;
  if (text == "elbo") return objective;
  const std::size_t colon = text.find(':');
  const std::string_view kind = text.substr(0, colon), value = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  if (kind == "iwae") {
    std::size_t k = 0;
    auto [end, code] = std::from_chars(value.data(), value.data() + value.size(), k);
    if (code == std::errc() && end == value.data() + value.size() && k >= 1) {
      objective.kind = ObjectiveKind::iwae;
      objective.particles = k;
      return objective;
    }
    error = fmt::format("--objective {}: iwae needs a particle count K >= 1, as in iwae:10", text);
    return std::nullopt;
  }
  if (kind == "renyi") {
    try {
      std::size_t used = 0;
      const double alpha = std::stod(std::string(value), &used);
      if (used == value.size() && std::isfinite(alpha) && alpha >= 0 && alpha != 1) {
        objective.kind = ObjectiveKind::renyi;
        objective.alpha = alpha;
        return objective;
      }
    } catch (const std::exception&) {
    }
    error = fmt::format("--objective {}: renyi needs an order ALPHA >= 0 other than 1 (1 is the ELBO), as in renyi:0.5",
                        text);
    return std::nullopt;
  }
  error = fmt::format("--objective {}: expected elbo, iwae:K or renyi:ALPHA", text);
  return std::nullopt;
}

VariationalFitResult fit_variational(compile::VariationalModel& model, const VariationalFitOptions& options,
                                     std::uint64_t seed, const StochasticCallback& progress) {
  VariationalFitResult result;
  const random::Stream root(seed);
  random::Stream init_stream = root.split(0);
  // One start for the random run and the Laplace search alike: redrawn until log p(data, m)
  // and the objective are finite with their gradients at the guide's center (initialize.hpp).
  InitialPoint initial = find_variational_start(model, {options.init_radius, options.init, kMaxStartAttempts}, init_stream);
  if (initial.failure) {
    result.start_failure = std::move(initial.failure);
    result.optimization.stop = StochasticStop::non_finite;
    result.optimization.message = fmt::format("no starting point had a finite log density and gradient at the guide's center ({} attempts)", result.start_failure->attempts);
    return result;
  }
  std::vector<double> start = std::move(initial.unconstrained);

  const std::size_t particles = objective_particles(options);
  StochasticObjective objective = [&](std::span<const double> x, std::span<double> gradient, random::Stream& stream) {
    set_parameters(model, x);
    switch (options.objective.kind) {
      case ObjectiveKind::elbo: return elbo_estimate(model, particles, gradient, stream);
      case ObjectiveKind::iwae: return weighted_bound(model, particles, 0.0, gradient, stream);
      case ObjectiveKind::renyi: return weighted_bound(model, particles, options.objective.alpha, gradient, stream);
    }
    return std::numeric_limits<double>::quiet_NaN();
  };
  const bool user_start = options.init.size() == start.size();
  const std::uint64_t optimizer_seed = root.split(1).next_bits();
  bool unbounded = false;
  std::optional<std::vector<double>> laplace = user_start ? std::nullopt : laplace_start(model, start, unbounded);
  result.unbounded_density = unbounded;
  // A run that diverged at an adapted step size is run once more at a tenth of it: the step that
  // scored best over 50 iterations can be one a long run does not survive (the Adam iterate
  // jitters into a region where the gradient vanishes and the ELBO falls: gp_underflow.pm's
  // fullrank fit from the mode, seed 1, at 0.1). A given --lr is kept as given.
  auto run_from = [&](const std::vector<double>& x0) {
    StochasticResult run = maximize_stochastic(objective, x0, options.optimizer, optimizer_seed, progress);
    if (run.stop != StochasticStop::diverged || !std::isnan(options.optimizer.learning_rate) || !(run.learning_rate > 0))
      return run;
    StochasticOptions smaller = options.optimizer;
    smaller.learning_rate = run.learning_rate / 10;
    StochasticResult retry = maximize_stochastic(objective, x0, smaller, optimizer_seed, progress);
    return failed(retry) ? run : retry;
  };
  result.optimization = run_from(start);
  if (laplace) {
    // Both starts, the better ELBO kept (see laplace_start); ties keep the random start.
    StochasticResult from_mode = run_from(*laplace);
    if (!failed(from_mode) && (failed(result.optimization) || from_mode.objective > result.optimization.objective)) {
      result.optimization = std::move(from_mode);
      result.laplace_start = true;
    }
  }
  ad::Program& program = *model.model.program;
  if (!result.optimization.failed_x.empty() && result.optimization.stop == StochasticStop::non_finite) {
    // Name the statement: redraw at the failing point until a term is not finite.
    set_parameters(model, result.optimization.failed_x);
    random::Stream probe = root.split(3);
    for (std::size_t attempt = 0; attempt < 100 && !result.failed_statement; ++attempt) {
      model.draw_noise(probe);
      program.forward(false);
      if (const compile::FactorTerm* term = model.model.first_non_finite_term()) {
        result.failed_statement = term->statement;
        result.failed_values = model.model.describe_arguments(*term);
      }
    }
  }
  result.parameters = result.optimization.x;
  if (result.optimization.stop == StochasticStop::diverged || result.optimization.stop == StochasticStop::non_finite)
    return result;

  // Draws from the fitted guide: values, log p, log q, the ELBO's terms, discrete posteriors.
  const auto draws_started = std::chrono::steady_clock::now();
  set_parameters(model, result.parameters);
  compile::CompiledModel& compiled = model.model;
  result.names = compiled.constrained_names();
  const std::vector<std::string> definition_names = compiled.definition_names();
  result.names.insert(result.names.end(), definition_names.begin(), definition_names.end());
  for (ad::Node node : model.noise) std::fill(program.values(node).begin(), program.values(node).end(), 0.0);
  program.forward(false);
  result.mean_row = compiled.constrained_values();
  const std::vector<double> mean_definitions = compiled.definition_values();
  result.mean_row.insert(result.mean_row.end(), mean_definitions.begin(), mean_definitions.end());

  random::Stream draw_stream = root.split(2), discrete_stream = root.split(4);
  double elbo_sum = 0, elbo_square_sum = 0, reconstruction_sum = 0;
  std::size_t finite = 0;
  for (std::size_t s = 0; s < options.draws; ++s) {
    model.draw_noise(draw_stream);
    program.forward(false);
    // The reported ELBO is of p(data, z; theta): the params' priors, part of the objective,
    // are left out, so that kl = reconstruction - ELBO is the guide's KL from the prior.
    const double elbo = program.value(model.elbo) - program.value(model.params_log_prior),
                 log_p = program.value(model.log_joint),
                 log_g = program.value(model.log_guide);
    std::vector<double> row = compiled.constrained_values();
    const std::vector<double> definitions = compiled.definition_values();
    row.insert(row.end(), definitions.begin(), definitions.end());
    result.draws.insert(result.draws.end(), row.begin(), row.end());
    result.log_p.push_back(log_p);
    result.log_g.push_back(log_g);
    ++result.draw_count;
    if (std::isfinite(elbo)) {
      ++finite;
      elbo_sum += elbo;
      elbo_square_sum += elbo * elbo;
      reconstruction_sum += program.value(model.reconstruction);
    }
    std::vector<compile::DiscretePosterior> posteriors = compiled.discrete_posteriors();
    for (const compile::DiscretePosterior& posterior : posteriors)
      for (const std::vector<double>& probabilities : posterior.probabilities)
        result.discrete_draws.push_back(static_cast<double>(
            posterior.values[discrete_stream.categorical(probabilities.data(), probabilities.size())]));
    if (result.discrete.empty()) {
      for (const compile::DiscretePosterior& posterior : posteriors)
        result.discrete_names.insert(result.discrete_names.end(), posterior.element_names.begin(),
                                     posterior.element_names.end());
      result.discrete = posteriors;
      for (compile::DiscretePosterior& posterior : result.discrete)
        for (std::vector<double>& row_probabilities : posterior.probabilities)
          std::fill(row_probabilities.begin(), row_probabilities.end(), 0.0);
    }
    for (std::size_t l = 0; l < posteriors.size(); ++l)
      for (std::size_t e = 0; e < posteriors[l].probabilities.size(); ++e)
        for (std::size_t v = 0; v < posteriors[l].probabilities[e].size(); ++v)
          result.discrete[l].probabilities[e][v] += posteriors[l].probabilities[e][v] / static_cast<double>(options.draws);
  }
  if (finite > 0) {
    const double n = static_cast<double>(finite);
    result.elbo = elbo_sum / n;
    const double variance = std::max(0.0, elbo_square_sum / n - result.elbo * result.elbo);
    result.elbo_se = std::sqrt(variance / n);
    result.reconstruction = reconstruction_sum / n;
    result.kl = result.reconstruction - result.elbo;
  } else {
    result.elbo = result.reconstruction = result.kl = std::numeric_limits<double>::quiet_NaN();
  }
  result.draws_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - draws_started).count();
  return result;
}

}  // namespace pm::infer
