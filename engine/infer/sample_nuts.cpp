#include "engine/infer/sample_nuts.hpp"

#include <chrono>
#include <cmath>
#include <exception>
#include <stdexcept>
#include <thread>

#include "engine/infer/hmc_adaptation.hpp"
#include "engine/infer/initialize.hpp"
#include "engine/infer/nuts.hpp"
#include "engine/random/stream.hpp"

namespace pm::infer {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point begin) {
  return std::chrono::duration<double>(Clock::now() - begin).count();
}

LogDensityFunction log_density_of(compile::CompiledModel& model) {
  return [&model](std::span<const double> q, std::span<double> gradient) {
    return model.program->value_and_gradient(q, gradient, model.log_density);
  };
}

// A start where the log density and its gradient are finite: every method's rule (initialize.hpp).
std::optional<StartFailure> find_start(NutsSampler& sampler, compile::CompiledModel& model, const NutsOptions& options,
                                       random::Stream& stream) {
  InitialPoint start = find_initial_point(model, {.radius = options.init_radius, .init = options.init}, stream);
  if (start.failure) return start.failure;
  if (!sampler.set_point(start.unconstrained)) {  // cannot happen: the same evaluation was finite
    StartFailure failure;
    failure.attempts = start.attempts;
    failure.radius = options.init_radius;
    return failure;
  }
  return std::nullopt;
}

// The columns of one kept draw: the sampler's, the report model's values at q, and a value
// drawn for each summed-out discrete latent element; their posteriors added to `sums`.
void record_draw(const NutsTransition& t, double step_size, const PhasePoint& point, compile::CompiledModel& report,
                 random::Stream& discrete_stream, bool accumulate, std::vector<compile::DiscretePosterior>& sums,
                 std::vector<double>& rows) {
  rows.insert(rows.end(), {point.log_density, t.accept_stat, step_size, static_cast<double>(t.depth),
                           static_cast<double>(t.leapfrog_steps), t.divergent ? 1.0 : 0.0, t.energy});
  report.program->value_only(std::span<const double>(point.q.data(), static_cast<std::size_t>(point.q.size())),
                             report.log_density);
  report.append_reported_values(rows);
  if (report.discrete_latents.empty()) return;
  std::vector<compile::DiscretePosterior> posteriors = report.discrete_posteriors();
  if (sums.empty()) {
    sums = posteriors;
    for (compile::DiscretePosterior& sum : sums)
      for (std::vector<double>& row : sum.probabilities) std::fill(row.begin(), row.end(), 0.0);
  }
  for (std::size_t l = 0; l < posteriors.size(); ++l)
    for (std::size_t e = 0; e < posteriors[l].probabilities.size(); ++e) {
      const std::vector<double>& p = posteriors[l].probabilities[e];
      if (accumulate)
        for (std::size_t k = 0; k < p.size(); ++k) sums[l].probabilities[e][k] += p[k];
      rows.push_back(static_cast<double>(posteriors[l].values[discrete_stream.categorical(p.data(), p.size())]));
    }
}

void run_chain(std::size_t c, const NutsWorker& worker, const NutsOptions& options, std::uint64_t seed,
               const NutsCallback& progress, NutsChain& chain, std::vector<compile::DiscretePosterior>& sums) {
  random::Stream chain_stream = random::Stream(seed).split(c);
  random::Stream stream = chain_stream.split(0), discrete_stream = chain_stream.split(1);
  compile::CompiledModel& model = *worker.sampler;
  const std::size_t dimension = model.dimension();
  NutsSampler sampler(log_density_of(model), dimension, EuclideanMetric(dimension, options.dense_metric),
                      options.max_depth);
  chain.failure = find_start(sampler, model, options, stream);
  if (chain.failure) return;

  StepSizeAdaptation step_adaptation(options.adapt_delta);
  MetricAdaptation metric_adaptation(dimension, options.dense_metric, options.warmup, options.init_buffer,
                                     options.term_buffer, options.window);
  double step_size = sampler.find_reasonable_step_size(stream, options.initial_step_size);
  sampler.set_step_size(step_size);
  step_adaptation.set_mu(std::log(10 * step_size));
  step_adaptation.restart();
  Eigen::VectorXd variance;
  Eigen::MatrixXd covariance;
  const std::size_t total = options.warmup + options.draws;
  auto begin = Clock::now();
  for (std::size_t iteration = 0; iteration < total; ++iteration) {
    const bool warmup = iteration < options.warmup;
    if (iteration == options.warmup) {
      chain.warmup_seconds = seconds_since(begin);
      begin = Clock::now();
      if (options.warmup > 0) sampler.set_step_size(step_adaptation.final_step_size());
    }
    NutsTransition t = sampler.transition(stream);
    chain.gradient_evaluations += t.leapfrog_steps;
    if (!warmup || options.save_warmup) {
      if (warmup) ++chain.warmup_rows;
      record_draw(t, sampler.step_size(), sampler.point(), *worker.report, discrete_stream, !warmup, sums, chain.rows);
    }
    if (warmup) {
      sampler.set_step_size(step_adaptation.learn(t.accept_stat));
      if (metric_adaptation.learn(sampler.point().q, variance, covariance)) {
        if (options.dense_metric)
          sampler.metric().set_inverse_dense(covariance);
        else
          sampler.metric().set_inverse_diagonal(variance);
        double found = sampler.find_reasonable_step_size(stream, sampler.step_size());
        sampler.set_step_size(found);
        step_adaptation.set_mu(std::log(10 * found));
        step_adaptation.restart();
      }
    } else {
      chain.divergences += t.divergent ? 1 : 0;
      chain.max_depth_hits += t.depth >= options.max_depth ? 1 : 0;
    }
    if (progress) progress({c, iteration + 1, total, warmup});
  }
  chain.sampling_seconds = seconds_since(begin);
  chain.step_size = sampler.step_size();
  if (options.dense_metric) {
    const Eigen::MatrixXd& m = sampler.metric().inverse_dense();
    for (Eigen::Index i = 0; i < m.rows(); ++i)
      for (Eigen::Index j = 0; j < m.cols(); ++j) chain.inverse_metric.push_back(m(i, j));
  } else {
    const Eigen::VectorXd& v = sampler.metric().inverse_diagonal();
    chain.inverse_metric.assign(v.data(), v.data() + v.size());
  }
}

}  // namespace

NutsResult sample_nuts(const std::vector<NutsWorker>& workers, const NutsOptions& options, std::uint64_t seed,
                       const NutsCallback& progress) {
  if (workers.empty()) throw std::invalid_argument("sample_nuts: no workers");
  if (options.draws == 0 || options.chains == 0) throw std::invalid_argument("sample_nuts: no draws to take");
  NutsResult result;
  compile::CompiledModel& report = *workers.front().report;
  result.names = report.constrained_names();
  for (const std::string& name : report.definition_names()) result.names.push_back(name);
  result.continuous_columns = result.names.size();
  result.chains.resize(options.chains);
  std::vector<std::vector<compile::DiscretePosterior>> sums(options.chains);
  std::vector<std::exception_ptr> errors(workers.size());
  auto work = [&](std::size_t w) {
    try {
      for (std::size_t c = w; c < options.chains; c += workers.size())
        run_chain(c, workers[w], options, seed, progress, result.chains[c], sums[c]);
    } catch (...) {
      errors[w] = std::current_exception();
    }
  };
  if (workers.size() == 1) {
    work(0);
  } else {
    std::vector<std::thread> threads;
    for (std::size_t w = 0; w < workers.size(); ++w) threads.emplace_back(work, w);
    for (std::thread& thread : threads) thread.join();
  }
  for (const std::exception_ptr& error : errors)
    if (error) std::rethrow_exception(error);

  // The discrete latents' columns and their posteriors averaged over every kept draw.
  std::size_t kept = 0;
  for (std::size_t c = 0; c < options.chains; ++c) {
    if (result.chains[c].failure || sums[c].empty()) continue;
    if (result.discrete.empty()) {
      result.discrete = sums[c];
      for (compile::DiscretePosterior& d : result.discrete)
        for (std::vector<double>& row : d.probabilities) std::fill(row.begin(), row.end(), 0.0);
    }
    for (std::size_t l = 0; l < sums[c].size(); ++l)
      for (std::size_t e = 0; e < sums[c][l].probabilities.size(); ++e)
        for (std::size_t k = 0; k < sums[c][l].probabilities[e].size(); ++k)
          result.discrete[l].probabilities[e][k] += sums[c][l].probabilities[e][k];
    kept += options.draws;
  }
  for (compile::DiscretePosterior& d : result.discrete) {
    for (std::vector<double>& row : d.probabilities)
      for (double& p : row) p /= static_cast<double>(kept);
    for (const std::string& name : d.element_names) result.names.push_back(name);
  }
  return result;
}

}  // namespace pm::infer
