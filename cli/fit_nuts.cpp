// `pm fit MODEL.pm -d DATA --method nuts [--chains 4] [--warmup 1000] [--draws 1000]
//  [--max-depth 10] [--adapt-delta 0.8] [--metric diag|dense] [--save-warmup] [--seed S]
//  [--init FILE] [--threads N] [--json] [-o FIT.csv] [--discrete-out FILE] [--save-params FILE]`
// (docs/nuts.md): NUTS chains (engine/infer/sample_nuts.hpp) on the log density of every
// param and continuous latent (priors and Jacobians included: full Bayes, as Stan samples
// its parameters block), with the discrete latents summed out in the density and, per draw,
// drawn from their exact conditional posterior.
//
// Outputs: the summary table (mean, MCSE, sd, quantiles, bulk and tail ESS, R-hat per
// quantity; the sampler's diagnostics and warnings that say what to try) or --json; -o FIT.csv
// as CmdStan's per-chain sampler CSVs FIT_1.csv ... (engine/io/sample_csv.hpp), which
// `pm summary FIT_*.csv` reads back; --discrete-out p(z | x) averaged over the draws;
// --save-params the posterior means (readable by --init of any method).
// Exit 0 (warnings on stderr), 1 when a chain cannot start or the step size search fails, 2 for
// bad model, data or arguments.
#include <chrono>
#include <cmath>
#include <iostream>
#include <mutex>

#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/common.hpp"
#include "cli/fit_command.hpp"
#include "cli/nuts_report.hpp"
#include "engine/infer/discrete_report.hpp"
#include "engine/infer/params_json.hpp"
#include "engine/infer/sample_nuts.hpp"
#include "engine/io/sample_csv.hpp"
#include "engine/random/stream.hpp"

namespace pm::cli {
namespace {

bool has_discrete_latents(const lang::CheckedProgram& checked) {
  for (const lang::Symbol& symbol : checked.symbols)
    if (symbol.kind == lang::SymbolKind::Latent && symbol.discrete) return true;
  return false;
}

bool has_nets(const lang::CheckedProgram& checked) {
  for (const lang::Symbol& symbol : checked.symbols)
    if (symbol.kind == lang::SymbolKind::Net) return true;
  return false;
}

// A terminal line with every chain's progress, redrawn at most every 1% of a chain.
class ProgressLine {
 public:
  explicit ProgressLine(std::size_t chains) : iterations_(chains, 0) {}
  void update(const infer::NutsProgress& step) {
    std::lock_guard<std::mutex> lock(mutex_);
    iterations_[step.chain] = step.iteration;
    const std::size_t every = std::max<std::size_t>(1, step.total / 100);
    if (step.iteration % every != 0 && step.iteration != step.total) return;
    std::string line = "\r";
    for (std::size_t c = 0; c < iterations_.size(); ++c)
      line += fmt::format("chain {}: {:>3}%  ", c + 1, 100 * iterations_[c] / step.total);
    std::cerr << line << std::flush;
  }
  void clear() const { std::cerr << "\r" << std::string(14 * iterations_.size(), ' ') << "\r"; }

 private:
  std::mutex mutex_;
  std::vector<std::size_t> iterations_;
};

// The generated block once per kept draw of each chain (fit_variational.cpp's evaluate_generated):
// chain c's rows use a seed derived from (seed, c), so the columns repeat with the seed whatever
// the thread count. Appends the generated columns to every chain's rows.
bool append_generated(const LoadedModel& loaded, const io::DataSet& data, std::uint64_t seed,
                      infer::NutsResult& result) {
  const std::size_t sampler_columns = infer::kNutsSamplerColumns.size();
  const std::size_t width = result.columns();
  std::vector<std::string> added_names;
  for (std::size_t c = 0; c < result.chains.size(); ++c) {
    infer::NutsChain& chain = result.chains[c];
    const std::size_t rows = chain.rows.size() / width;
    std::vector<double> values;
    values.reserve(rows * result.names.size());
    for (std::size_t r = 0; r < rows; ++r)
      values.insert(values.end(), chain.rows.begin() + static_cast<std::ptrdiff_t>(r * width + sampler_columns),
                    chain.rows.begin() + static_cast<std::ptrdiff_t>((r + 1) * width));
    random::Stream derived = random::Stream(seed).split(c).split(2);
    std::optional<compile::GeneratedRows> generated =
        evaluate_generated(loaded, data, result.names, values, derived.next_bits());
    if (!generated) return false;
    added_names = generated->names;
    const std::size_t added = added_names.size();
    std::vector<double> merged;
    merged.reserve(rows * (width + added));
    for (std::size_t r = 0; r < rows; ++r) {
      merged.insert(merged.end(), chain.rows.begin() + static_cast<std::ptrdiff_t>(r * width),
                    chain.rows.begin() + static_cast<std::ptrdiff_t>((r + 1) * width));
      merged.insert(merged.end(), generated->values.begin() + static_cast<std::ptrdiff_t>(r * added),
                    generated->values.begin() + static_cast<std::ptrdiff_t>((r + 1) * added));
    }
    chain.rows = std::move(merged);
  }
  result.names.insert(result.names.end(), added_names.begin(), added_names.end());
  return true;
}

io::SampleSettings sample_settings(const FitOptions& options, std::size_t chain) {
  io::SampleSettings s;
  s.model = options.model_path;
  s.num_samples = options.draws;
  s.num_warmup = options.warmup;
  s.save_warmup = options.save_warmup;
  s.delta = options.adapt_delta;
  s.max_depth = options.max_depth;
  s.dense_metric = options.metric == "dense";
  s.num_chains = options.chains;
  s.id = chain + 1;
  s.data_files = options.data;
  s.init = options.init.empty() ? fmt::format("{}", init_radius(options)) : options.init;
  s.seed = options.seed;
  s.output_file = io::chain_file_name(options.output, chain + 1);
  return s;
}

// --save-params: the posterior means of the params and latents, by name, as --init reads them.
nlohmann::json posterior_means_json(compile::CompiledModel& model, const infer::NutsResult& result) {
  const std::size_t width = result.columns(), offset = infer::kNutsSamplerColumns.size();
  const std::size_t count = model.constrained_names().size();
  std::vector<double> means(count, 0.0);
  std::size_t rows = 0;
  for (const infer::NutsChain& chain : result.chains) {
    const std::size_t n = chain.rows.size() / width;
    for (std::size_t r = chain.warmup_rows; r < n; ++r, ++rows)
      for (std::size_t i = 0; i < count; ++i) means[i] += chain.rows[r * width + offset + i];
  }
  for (double& m : means) m /= static_cast<double>(std::max<std::size_t>(rows, 1));
  return infer::params_to_json(model, means);
}

}  // namespace

void add_nuts_options(CLI::App* command, FitOptions& options) {
  command->add_option("--chains", options.chains, "nuts: independent chains")
      ->check(whole_number_at_least(1))
      ->capture_default_str();
  command->add_option("--warmup", options.warmup, "nuts: warmup (adaptation) iterations per chain")
      ->check(whole_number_at_least(0))
      ->capture_default_str();
  command->add_option("--max-depth", options.max_depth, "nuts: maximum tree depth")
      ->check(whole_number_at_least(1) & CLI::Range(1, 30))
      ->capture_default_str();
  command->add_option("--adapt-delta", options.adapt_delta, "nuts: target acceptance of the step size adaptation")
      ->check(CLI::Range(1e-6, 1.0 - 1e-12))
      ->capture_default_str();
  command->add_option("--metric", options.metric, "nuts: diag or dense metric, estimated in warmup")
      ->check(CLI::IsMember({"diag", "dense"}))
      ->capture_default_str();
  command->add_flag("--save-warmup", options.save_warmup, "nuts: keep the warmup iterations in -o (CmdStan's)");
}

int run_fit_nuts(const FitOptions& options, const LoadedModel& loaded) {
  if (options.starts_given) {
    std::cerr << "pm: fit: --starts is for map and mle; --method nuts runs --chains independent chains, each from "
                 "its own start\n";
    return kExitBadInput;
  }
  if (has_nets(loaded.checked)) {
    std::cerr << "pm: fit: --method nuts samples every param, but a net's weights are point parameters with no "
                 "prior; use --method vi (docs/nets.md)\n";
    return kExitBadInput;
  }
  std::optional<io::DataSet> data = load_model_data(loaded, options.data);
  if (!data) return kExitBadInput;
  const bool discrete = has_discrete_latents(loaded.checked);
  const std::size_t worker_count = std::max<std::size_t>(1, std::min(options.threads, options.chains));
  std::vector<compile::CompiledModel> samplers, reports;
  samplers.reserve(worker_count);
  reports.reserve(worker_count);
  for (std::size_t w = 0; w < worker_count; ++w) {
    lang::Diagnostics diagnostics;
    std::optional<compile::CompiledModel> model = compile::compile_model(
        loaded.checked, *data, {.include_priors = true, .include_jacobian = true, .discrete_posteriors = false},
        diagnostics);
    std::cerr << lang::render_all(*loaded.file, diagnostics);
    if (!model) return kExitBadInput;
    samplers.push_back(std::move(*model));
    // The per-draw report: with discrete latents the full model (their posteriors need the
    // factors), otherwise the constrained values and definitions alone.
    model = compile::compile_model(
        loaded.checked, *data,
        {.include_priors = true, .include_jacobian = true, .discrete_posteriors = true, .factors = discrete},
        diagnostics);
    if (!model) return kExitBadInput;
    reports.push_back(std::move(*model));
  }
  if (samplers.front().dimension() == 0) {
    std::cerr << "pm: fit: the model has no params and no continuous latents: there is nothing to sample; "
                 "`pm fit` (map) gives the exact posteriors of its discrete latents\n";
    return kExitBadInput;
  }
  std::vector<infer::NutsWorker> workers;
  for (std::size_t w = 0; w < worker_count; ++w)
    workers.push_back({&samplers[w], &reports[w]});

  infer::NutsOptions nuts;
  nuts.chains = options.chains;
  nuts.warmup = options.warmup;
  nuts.draws = options.draws;
  nuts.max_depth = options.max_depth;
  nuts.adapt_delta = options.adapt_delta;
  nuts.dense_metric = options.metric == "dense";
  nuts.save_warmup = options.save_warmup;
  nuts.init_radius = init_radius(options);
  if (init_file_given(options)) {
    std::optional<nlohmann::json> saved = read_json_file(options.init);
    if (!saved || !saved_params_fit_model(*saved, samplers.front(), options.init, "")) return kExitBadInput;
    std::string error;
    nuts.init = infer::unconstrain_params(samplers.front(), *saved, error);
    if (!error.empty()) {
      std::cerr << "pm: " << options.init << ": " << error << "\n";
      return kExitBadInput;
    }
  }
  const bool show_progress = !options.quiet && isatty(STDERR_FILENO);
  ProgressLine line(options.chains);
  infer::NutsCallback progress;
  if (show_progress) progress = [&line](const infer::NutsProgress& step) { line.update(step); };

  auto begin = std::chrono::steady_clock::now();
  infer::NutsResult result;
  try {
    result = infer::sample_nuts(workers, nuts, options.seed, progress);
  } catch (const std::runtime_error& error) {
    if (show_progress) line.clear();
    std::cerr << "pm: fit: nuts failed: " << error.what() << "\n";
    return kExitInferenceFailed;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  if (show_progress) line.clear();
  for (std::size_t c = 0; c < result.chains.size(); ++c)
    if (result.chains[c].failure) {
      std::cerr << "pm: fit: chain " << c + 1 << " cannot start\n";
      print_start_failure(loaded, *result.chains[c].failure, "fit", options.seed);
      return kExitInferenceFailed;
    }
  result.unavailable = infer::latents_without_posterior(workers.front().report ? *workers.front().report : samplers.front(),
                                                        result.discrete);
  if (has_generated_block(loaded.checked) && !append_generated(loaded, *data, options.seed, result)) return kExitBadInput;

  NutsReport report = nuts_report(result, {.chains = options.chains,
                                           .warmup = options.warmup,
                                           .draws = options.draws,
                                           .max_depth = options.max_depth,
                                           .metric = options.metric,
                                           .seconds = seconds});
  if (options.json)
    std::cout << nuts_json(report, result).dump() << "\n";
  else
    print_nuts_report(report, result);
  if (options.json)  // the table shows them; under --json they go to stderr too
    for (const std::string& warning : report.mcmc.warnings) std::cerr << "pm: warning: " << warning << "\n";

  if (!options.output.empty()) {
    std::vector<std::string> names = infer::kNutsSamplerColumns;
    names.insert(names.end(), result.names.begin(), result.names.end());
    for (std::size_t c = 0; c < result.chains.size(); ++c) {
      const infer::NutsChain& chain = result.chains[c];
      io::SampleChainOutput out{.names = names,
                                .rows = chain.rows,
                                .warmup_rows = chain.warmup_rows,
                                .step_size = chain.step_size,
                                .inverse_metric = chain.inverse_metric,
                                .warmup_seconds = chain.warmup_seconds,
                                .sampling_seconds = chain.sampling_seconds};
      if (!write_file_atomically(io::chain_file_name(options.output, c + 1),
                                 io::format_sample_csv(sample_settings(options, c), out)))
        return kExitBadInput;
    }
  }
  if (!options.discrete_out.empty() &&
      !write_file_atomically(options.discrete_out, infer::discrete_posteriors_csv(result.discrete)))
    return kExitBadInput;
  if (!options.save_params.empty() &&
      !write_file_atomically(options.save_params,
                             with_sizes(posterior_means_json(samplers.front(), result), loaded.checked, *data).dump(2) +
                                 "\n"))
    return kExitBadInput;
  return kExitSuccess;
}

}  // namespace pm::cli
