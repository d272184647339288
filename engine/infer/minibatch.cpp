// train_minibatch: shuffled batches, Adam, per-epoch ELBOs (minibatch.hpp).
#include "engine/infer/minibatch.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include <Eigen/Core>
#include <fmt/format.h>

#include "engine/compile/data_feed.hpp"

namespace pm::infer {
namespace {

void set_parameters(compile::VariationalModel& model, std::span<const double> x) {
  std::span<double> parameters = model.model.program->parameters();
  std::copy(x.begin(), x.end(), parameters.begin());
}

// Fisher-Yates with the stream's uniforms.
void shuffle(std::vector<std::size_t>& order, random::Stream& stream) {
  for (std::size_t i = order.size(); i > 1; --i) {
    const auto j = std::min(i - 1, static_cast<std::size_t>(stream.uniform() * static_cast<double>(i)));
    std::swap(order[i - 1], order[j]);
  }
}

// Kingma & Ba (2015), bias-corrected, ascending; on Eigen arrays so that the update of the
// tens of thousands of net weights vectorizes (a scalar loop took a quarter of a VAE's step).
// The iterate is updated in an aligned copy: in place on the caller's vector, Eigen would
// peel a number of leading elements that depends on where the heap put it, and those take the
// scalar path, whose rounding (no fused multiply-add) differs from the packets' in the last
// bit; the same seed then gave a different final ELBO after an unrelated allocation
// (--save-params).
struct Adam {
  Eigen::ArrayXd m, v, point;
  std::size_t t = 0;
  explicit Adam(std::size_t n) : m(Eigen::ArrayXd::Zero(static_cast<Eigen::Index>(n))), v(m), point(m) {}
  void step(std::span<double> x, std::span<const double> gradient, double rate) {
    constexpr double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
    ++t;
    const double correction1 = 1 - std::pow(beta1, static_cast<double>(t)),
                 correction2 = 1 - std::pow(beta2, static_cast<double>(t));
    const auto n = static_cast<Eigen::Index>(x.size());
    Eigen::Map<const Eigen::ArrayXd> g(gradient.data(), n);
    point = Eigen::Map<const Eigen::ArrayXd>(x.data(), n);
    m = beta1 * m + (1 - beta1) * g;
    v = beta2 * v + (1 - beta2) * g.square();
    point += (rate / correction1) * m / ((v / correction2).sqrt() + epsilon);
    Eigen::Map<Eigen::ArrayXd>(x.data(), n) = point;
  }
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

ElboEstimate estimate_elbo(compile::VariationalModel& model, std::span<const double> parameters, std::size_t draws,
                           random::Stream& stream) {
  set_parameters(model, parameters);
  ad::Program& program = *model.model.program;
  double elbo = 0, reconstruction = 0;
  std::size_t finite = 0;
  for (std::size_t s = 0; s < draws; ++s) {
    model.draw_noise(stream);
    program.forward(false);
    const double value = program.value(model.elbo) - program.value(model.params_log_prior);
    if (!std::isfinite(value)) continue;
    elbo += value;
    reconstruction += program.value(model.reconstruction);
    ++finite;
  }
  ElboEstimate estimate;
  if (finite == 0) return estimate;
  estimate.elbo = elbo / static_cast<double>(finite);
  estimate.reconstruction = reconstruction / static_cast<double>(finite);
  estimate.kl = estimate.reconstruction - estimate.elbo;
  return estimate;
}

MinibatchResult train_minibatch(compile::VariationalModel& model, const io::DataSet& full, const compile::DataPlate& plate,
                                compile::VariationalModel* test, const MinibatchOptions& options, std::uint64_t seed,
                                const EpochCallback& on_epoch) {
  MinibatchResult result;
  const random::Stream root(seed);
  random::Stream init_stream = root.split(0);
  // On the rows the model holds (the first batch): redrawn until finite with its gradient.
  InitialPoint initial = find_variational_start(model, {options.init_radius, options.init, kMaxStartAttempts}, init_stream);
  if (initial.failure) {
    result.start_failure = std::move(initial.failure);
    result.failed = true;
    result.message = fmt::format("no starting point had a finite log density and gradient at the guide's center ({} attempts)", result.start_failure->attempts);
    return result;
  }
  std::vector<double> x = std::move(initial.unconstrained);
  random::Stream shuffle_stream = root.split(5), noise_stream = root.split(6), test_stream = root.split(7);

  ad::Program& program = *model.model.program;
  compile::DataFeed& feed = *model.model.feed;
  const std::size_t n = plate.size, b = std::min(options.batch, n);
  const std::size_t steps_per_epoch = (n + b - 1) / b;
  const std::size_t samples = std::max<std::size_t>(1, options.grad_samples);
  std::vector<std::size_t> order(n), rows(b);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::vector<double> gradient(x.size());
  Adam adam(x.size());
  auto batch_rows = [&](std::size_t step) {
    for (std::size_t r = 0; r < b; ++r) rows[r] = order[(step * b + r) % n];
    return std::span<const std::size_t>(rows);
  };

  for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
    const auto started = std::chrono::steady_clock::now();
    shuffle(order, shuffle_stream);
    ElboEstimate running{0, 0, 0};
    for (std::size_t step = 0; step < steps_per_epoch; ++step) {
      feed.load_rows(program, full, plate, batch_rows(step));
      set_parameters(model, x);
      if (samples > 1) std::fill(gradient.begin(), gradient.end(), 0.0);
      double elbo = 0, reconstruction = 0;
      for (std::size_t s = 0; s < samples; ++s) {
        double value = std::numeric_limits<double>::quiet_NaN();
        for (std::size_t attempt = 0; attempt <= options.max_draw_retries && !std::isfinite(value); ++attempt) {
          model.draw_noise(noise_stream);
          program.forward(true);
          value = program.value(model.elbo);
        }
        if (!std::isfinite(value)) {
          result.failed = true;
          result.message = fmt::format("the ELBO of a batch was not finite in {} draws at epoch {}, step {}",
                                       options.max_draw_retries + 1, epoch, step + 1);
          if (const compile::FactorTerm* term = model.model.first_non_finite_term()) {
            result.failed_statement = term->statement;
            result.failed_values = model.model.describe_arguments(*term);
          }
          result.parameters = x;
          return result;
        }
        program.backward(model.elbo);
        std::span<const double> g = program.gradient();
        if (samples == 1)
          std::copy(g.begin(), g.end(), gradient.begin());
        else
          for (std::size_t k = 0; k < gradient.size(); ++k) gradient[k] += g[k] / static_cast<double>(samples);
        elbo += (value - program.value(model.params_log_prior)) / static_cast<double>(samples);
        reconstruction += program.value(model.reconstruction) / static_cast<double>(samples);
      }
      adam.step(x, gradient, options.learning_rate);
      running.elbo += elbo / static_cast<double>(steps_per_epoch);
      running.reconstruction += reconstruction / static_cast<double>(steps_per_epoch);
      ++result.steps;
    }
    running.kl = running.reconstruction - running.elbo;
    EpochReport report{epoch, running, {}, seconds_since(started)};
    result.train_seconds += report.seconds;
    if (test) report.test = estimate_elbo(*test, x, options.test_draws, test_stream);
    result.epochs.push_back(report);
    if (on_epoch) on_epoch(report);
  }

  // The final train ELBO: one pass over the data in batches (each an estimate of the whole).
  std::iota(order.begin(), order.end(), std::size_t{0});
  ElboEstimate pass{0, 0, 0};
  std::size_t counted = 0;
  for (std::size_t step = 0; step < steps_per_epoch; ++step) {
    feed.load_rows(program, full, plate, batch_rows(step));
    ElboEstimate estimate = estimate_elbo(model, x, 1, noise_stream);
    if (!std::isfinite(estimate.elbo)) continue;
    pass.elbo += estimate.elbo;
    pass.reconstruction += estimate.reconstruction;
    ++counted;
  }
  if (counted > 0) {
    result.train.elbo = pass.elbo / static_cast<double>(counted);
    result.train.reconstruction = pass.reconstruction / static_cast<double>(counted);
    result.train.kl = result.train.reconstruction - result.train.elbo;
  }
  if (test) result.test = estimate_elbo(*test, x, options.final_draws, test_stream);
  result.parameters = x;
  return result;
}

}  // namespace pm::infer
