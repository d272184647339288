// Minibatch training of an amortized variational model (`pm fit --batch B --epochs E`;
// ISSUE 6 item 2): stochastic variational inference over the data plate (Hoffman et al.
// 2013) with Adam (Kingma & Ba 2015), the protocol of VAE code: a fresh shuffle of the rows
// each epoch, ceil(N / B) steps of one batch each, a constant step size, the last iterate.
//
//   compile::VariationalOptions vo{.batch_plate = &plate, .batch_scale = double(N) / B};
//   auto vm = compile::compile_variational(checked, compile::select_rows(data, plate, first_b), vo, diagnostics);
//   infer::MinibatchResult r = infer::train_minibatch(*vm, data, plate, test_model, options, seed, on_epoch);
//
// The model is compiled once with B rows; each step writes the batch's rows into it
// (compile/data_feed.hpp). Its local terms are scaled by N / B, so one step's ELBO is an
// unbiased estimate of the full data's and its gradient of the full gradient. The last batch
// of an epoch, when B does not divide N, takes the remaining rows and fills up with rows from
// the epoch's start (each row is seen once or twice per epoch; each batch is still uniform).
//
// Reported: per epoch, the mean of the steps' ELBO estimates (the running train ELBO, as VAE
// code prints it) and, with a test model (compiled on the held-out data whole, unscaled),
// its ELBO from `test_draws` draws; at the end, the train ELBO over one pass of batches at
// the final parameters and the test ELBO from `final_draws` draws. ELBOs exclude the params'
// priors (as fit_variational reports them), KL = reconstruction - ELBO.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/compile/data_plate.hpp"
#include "engine/compile/variational.hpp"
#include "engine/infer/initialize.hpp"
#include "engine/io/data_set.hpp"

namespace pm::infer {

struct MinibatchOptions {
  std::size_t batch = 64;       // --batch
  std::size_t epochs = 10;      // --epochs
  double learning_rate = 1e-3;  // --lr
  std::size_t grad_samples = 1;  // draws averaged per step
  std::size_t test_draws = 1;    // per epoch, on the test model
  std::size_t final_draws = 10;  // the final test ELBO
  std::size_t max_draw_retries = 10;  // non-finite draws redrawn before failing
  std::vector<double> init;      // empty, or dimension() values (NaN: the default start)
  double init_radius = 2;        // InitOptions::radius: the start is find_variational_start's, on the first batch
};

struct ElboEstimate {
  double elbo = std::numeric_limits<double>::quiet_NaN();
  double reconstruction = std::numeric_limits<double>::quiet_NaN();
  double kl = std::numeric_limits<double>::quiet_NaN();
};

struct EpochReport {
  std::size_t epoch = 0;  // 1-based
  ElboEstimate train, test;
  double seconds = 0;  // this epoch's training steps
};
using EpochCallback = std::function<void(const EpochReport&)>;

struct MinibatchResult {
  std::vector<double> parameters;
  std::vector<EpochReport> epochs;
  std::size_t steps = 0;
  ElboEstimate train, test;  // at the final parameters
  double train_seconds = 0;  // the steps alone
  // No start was finite on the first batch (initialize.hpp): nothing was trained.
  std::optional<StartFailure> start_failure;
  // A step whose ELBO stayed non-finite after the retries: the run stops there.
  bool failed = false;
  std::string message;
  const lang::Stmt* failed_statement = nullptr;
  std::string failed_values;
};

MinibatchResult train_minibatch(compile::VariationalModel& model, const io::DataSet& full, const compile::DataPlate& plate,
                                compile::VariationalModel* test, const MinibatchOptions& options, std::uint64_t seed,
                                const EpochCallback& on_epoch);

// The mean over `draws` draws of the ELBO (params' priors excluded) and its reconstruction
// term, at `parameters`, of the data the model holds now.
ElboEstimate estimate_elbo(compile::VariationalModel& model, std::span<const double> parameters, std::size_t draws,
                           random::Stream& stream);

}  // namespace pm::infer
