// Warmup of the NUTS sampler, as Stan's: the step size by dual averaging, the metric by
// windowed estimation of the posterior's variances (or covariance). Stan's reference manual,
// "HMC algorithm parameters" (adaptation), and Stan's stepsize_adaptation, windowed_adaptation,
// var_adaptation and covar_adaptation.
#pragma once

#include <cstddef>

#include <Eigen/Dense>

namespace pm::infer {

// Nesterov's dual averaging (Hoffman & Gelman 2014, section 3.2), Stan's defaults:
// gamma 0.05, kappa 0.75, t0 10, mu = log(10 epsilon0). After iteration t with acceptance a:
//   s_t = (1 - 1/(t + t0)) s_{t-1} + (delta - a) / (t + t0)
//   log epsilon_t = mu - s_t sqrt(t) / gamma
//   log epsilon_bar_t = t^-kappa log epsilon_t + (1 - t^-kappa) log epsilon_bar_{t-1}
// and warmup ends at epsilon_bar.
class StepSizeAdaptation {
 public:
  explicit StepSizeAdaptation(double delta) : delta_(delta) {}
  void set_mu(double mu) { mu_ = mu; }
  void restart() { counter_ = 0, s_bar_ = 0, x_bar_ = 0; }
  // The next step size after a transition whose mean acceptance was accept_stat.
  double learn(double accept_stat);
  double final_step_size() const;

 private:
  double delta_, mu_ = 0, gamma_ = 0.05, kappa_ = 0.75, t0_ = 10;
  double counter_ = 0, s_bar_ = 0, x_bar_ = 0;
};

// Welford's running mean and (co)variance.
class RunningMoments {
 public:
  RunningMoments(std::size_t dimension, bool dense);
  void restart();
  void add(const Eigen::VectorXd& q);
  std::size_t count() const { return count_; }
  Eigen::VectorXd variance() const;    // divisor n - 1
  Eigen::MatrixXd covariance() const;  // dense only; divisor n - 1

 private:
  bool dense_;
  std::size_t count_ = 0;
  Eigen::VectorXd mean_, m2_, delta_;
  Eigen::MatrixXd m2_dense_;
};

// The windows of Stan's windowed adaptation (defaults 75 / 25 / 50): an initial fast
// interval (step size only), slow windows that double in size (25, 50, 100, ...), the last
// stretched to the terminal buffer, and a terminal fast interval. After each slow window the
// metric is set to the window's regularized estimate
//   (n / (n + 5)) Sigma + 1e-3 (5 / (n + 5)) I
// and the step size search starts again. When the warmup is shorter than the three buffers,
// they are set to 15% / 75% / 10% of it (Stan's rule); below 20 iterations the metric is not
// adapted at all.
class MetricAdaptation {
 public:
  MetricAdaptation(std::size_t dimension, bool dense, std::size_t warmup, std::size_t init_buffer = 75,
                   std::size_t term_buffer = 50, std::size_t base_window = 25);
  // Called once per warmup iteration with the draw; true when a window ended and `variance`
  // or `covariance` (for dense) holds the new inverse metric.
  bool learn(const Eigen::VectorXd& q, Eigen::VectorXd& variance, Eigen::MatrixXd& covariance);
  bool adapts() const { return adapts_; }

 private:
  bool in_window() const;
  bool window_ends() const;
  void compute_next_window();

  bool dense_, adapts_ = true;
  std::size_t warmup_, init_buffer_, term_buffer_, base_window_;
  std::size_t counter_ = 0, window_size_ = 0, next_window_ = 0;
  RunningMoments moments_;
};

}  // namespace pm::infer
