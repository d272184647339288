// `pm fit`'s options, shared by its point-estimate path (command_fit.cpp) and its
// variational path (fit_variational.cpp). CLI.md "pm fit options".
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/common.hpp"
#include "engine/compile/data_plate.hpp"
#include "engine/compile/simulate.hpp"
#include "engine/compile/variational.hpp"
#include "engine/infer/draw_summary.hpp"
#include "engine/infer/initialize.hpp"
#include "engine/infer/variational_fit.hpp"

namespace pm::cli {

struct FitOptions {
  std::string model_path;
  std::vector<std::string> data;
  std::string method;  // empty: the default of CLI.md
  bool jacobian = false;
  std::uint64_t seed = 1;
  std::size_t iterations = 10000;
  std::size_t starts = 4;
  bool starts_given = false;  // --starts on the command line (map and mle only)
  bool json = false;
  std::string output, save_params, init, discrete_out;  // init "0": the origin (Stan's init=0)
  double init_radius = 2;  // --init-radius R: starts uniform(-R, R) on the unconstrained scale
  bool quiet = false;
  std::size_t threads = 1;  // --threads: accepted, one thread (common.hpp add_threads_option)
  // vi
  std::string guide = "meanfield";
  std::string objective = "elbo";
  double learning_rate = std::numeric_limits<double>::quiet_NaN();
  std::size_t grad_samples = 1;
  std::size_t draws = 1000;
  double tolerance_relative = 0.01;
  std::size_t evaluate_every = 100;
  bool psis = false;
  // vi with minibatches (fit_minibatch.cpp)
  std::size_t batch = 0;  // 0: all the data at every step
  std::size_t epochs = 10;
  bool epochs_given = false;  // --epochs on the command line (it needs --batch)
  std::string test;
  bool summary_locals = false;
  // nuts (fit_nuts.cpp); --draws is the draws per chain after warmup
  std::size_t chains = 4;
  std::size_t warmup = 1000;
  std::size_t max_depth = 10;
  double adapt_delta = 0.8;
  std::string metric = "diag";
  bool save_warmup = false;
  bool warmup_given = false;  // nuts options given without --method nuts are refused
};

// --init and --init-radius (CLI.md): whether --init names a file (not "0", the origin), and the
// radius starts are drawn from (0 with --init 0).
bool init_file_given(const FitOptions& options);
double init_radius(const FitOptions& options);
// The message of every method whose starting points were all non-finite (initialize.hpp),
// located at the statement that made the first start non-finite, with what to try next.
// `command` prefixes the unlocated lines ("fit").
std::string start_failure_text(const infer::StartFailure& failure, std::uint64_t seed);
std::string start_failure_advice(const infer::StartFailure& failure);
void print_start_failure(const LoadedModel& loaded, const infer::StartFailure& failure, std::string_view command,
                         std::uint64_t seed);

// The options that shape a variational fit, shared by `pm fit` and `pm evidence` (which fits
// a guide first when it has no --params): --objective, --lr, --grad-samples, --tol-rel-obj,
// --eval-elbo, --init, --init-radius, --quiet, --threads, each checked as it is parsed.
void add_variational_fit_options(CLI::App* command, FitOptions& options);
// Those options as the optimizer's settings for `model` (reading --init): nullopt after
// printing why (an unknown objective, an unreadable --init). `command` prefixes messages.
std::optional<infer::VariationalFitOptions> variational_fit_options(const FitOptions& options,
                                                                   const compile::VariationalModel& model,
                                                                   std::string_view command);

// The NUTS path of `pm fit` (fit_nuts.cpp; the model is loaded). Returns the exit code.
int run_fit_nuts(const FitOptions& options, const LoadedModel& loaded);
void add_nuts_options(CLI::App* command, FitOptions& options);

// The variational path of `pm fit` (the model is loaded; the data not yet). Returns the exit code.
int run_fit_variational(const FitOptions& options, const LoadedModel& loaded);
// --save-params of vi: the params and latents at the guide's center (`center`: their
// constrained values, readable by --init of any method) and every coordinate of the guide
// by name (read back by --init of vi to resume).
nlohmann::json saved_variational_params(const compile::VariationalModel& model, std::span<const double> center,
                                        std::span<const double> parameters);
// --init for vi: a file from `pm fit --method vi --save-params` resumes the guide itself;
// any other saved point sets theta, the nets and the guide's location (a warm start).
// NaN where the file says nothing. Nullopt after printing why the file cannot be used.
std::optional<std::vector<double>> initial_variational_parameters(const FitOptions& options,
                                                                  const compile::VariationalModel& model);

// A params file (--params of score, encode, evidence) as the guide's whole parameter vector:
// nullopt after printing which coordinate it lacks. `command` prefixes the message.
std::optional<std::vector<double>> saved_guide_parameters(const std::string& path, const compile::VariationalModel& model,
                                                          std::string_view command);
// The guide family a params file was saved with ("__guide__": {"family": ...}), meanfield
// when it has none (a point estimate of MAP / MLE). Nullopt after printing why.
std::optional<compile::GuideFamily> saved_guide_family(const std::string& path);

// The generated block (LANGUAGE.md) of a fit, shared by vi (once per draw) and map / mle
// (once at the optimum): compile::generated_per_row on the named `rows`, its diagnostics
// rendered, a warning for each param or latent it had to draw from its prior. Nullopt after
// printing why the block cannot be simulated.
bool has_generated_block(const lang::CheckedProgram& checked);
std::optional<compile::GeneratedRows> evaluate_generated(const LoadedModel& loaded, const io::DataSet& data,
                                                         std::span<const std::string> names,
                                                         std::span<const double> rows, std::uint64_t seed,
                                                         const nlohmann::json* net_weights = nullptr);

// What q is, for the reports: the automatic family ("meanfield"), "block" when the guide block
// draws every continuous latent, "block+meanfield" when it draws some, "none" with no
// continuous latent at all.
std::string guide_label(const compile::VariationalModel& model);

// The VI summary's rows. Params are point estimates under VI (LANGUAGE.md): `point` rows show
// the value as mean and "—" for the spread in the table, null in --json; latents and
// definitions their draws' mean, sd and quantiles.
bool is_param_element(const compile::VariationalModel& model, const std::string& element);
std::string summary_header(std::size_t width);
std::string summary_row(const std::string& name, std::size_t width, const infer::DrawSummary& summary, bool point);
nlohmann::json summary_json(const infer::DrawSummary& summary, bool point);

// What score and encode start from: the model, the guide family of --params, the data and
// its plate, each checked in that order. Nullopt after printing why, prefixed "pm: COMMAND: "
// where the message is this function's own.
struct PerDatumInput {
  std::unique_ptr<LoadedModel> loaded;
  compile::GuideFamily family{};
  io::DataSet data;
  compile::DataPlate plate;
};
std::optional<PerDatumInput> load_per_datum_input(const std::string& model_path,
                                                  const std::vector<std::string>& data_arguments,
                                                  const std::string& params_path, std::string_view command);

// The guide's PSIS k-hat per datum (Yao et al. 2018) on the first `rows` rows of the data:
// q(z_n | x_n) against p(z_n | x_n; theta) for each, from `draws` draws each. An amortized
// guide is judged datum by datum: the k-hat of all rows at once is that of an importance
// sampler in thousands of dimensions, always "bad", and costs a pass over the data per draw.
// Nullopt when the model has a global latent, no latent, or no data plate.
struct DatumKhats {
  std::vector<double> khat;  // per datum
  double median = 0, largest = 0;
  std::size_t bad = 0;  // above 0.7
};
std::optional<DatumKhats> per_datum_khat(const LoadedModel& loaded, const io::DataSet& data,
                                         const compile::DataPlate& plate, compile::GuideFamily family,
                                         std::span<const double> parameters, std::size_t rows, std::size_t draws,
                                         std::uint64_t seed);

// The same with --batch: minibatch training over the data plate (engine/infer/minibatch.hpp).
int run_fit_minibatch(const FitOptions& options, const LoadedModel& loaded);

}  // namespace pm::cli
