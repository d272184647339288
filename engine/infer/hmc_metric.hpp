// The Euclidean metric of Hamiltonian Monte Carlo: the kinetic energy
// tau(p) = p' M^{-1} p / 2 with momentum p ~ normal(0, M), where the inverse metric M^{-1}
// is what warmup estimates (the posterior's variances, or its covariance with --metric
// dense). Stan's reference manual, "Hamiltonian Monte Carlo sampling", and Stan's
// diag_e_metric / dense_e_metric.
//
// For a dense M^{-1} = U' U (U upper triangular, the Cholesky factor), a momentum is drawn as
// p = U^{-1} u with u ~ normal(0, I): cov(p) = U^{-1} U^{-T} = (U' U)^{-1} = M.
#pragma once

#include <cstddef>

#include <Eigen/Dense>

#include "engine/random/stream.hpp"

namespace pm::infer {

class EuclideanMetric {
 public:
  // The unit metric in `dimension` coordinates; dense or diagonal.
  EuclideanMetric(std::size_t dimension, bool dense);

  bool dense() const { return dense_; }
  std::size_t dimension() const { return static_cast<std::size_t>(inverse_diagonal_.size()); }

  // M^{-1}: diagonal (the variances) or dense (a covariance, symmetric positive definite).
  void set_inverse_diagonal(const Eigen::VectorXd& variances);
  void set_inverse_dense(const Eigen::MatrixXd& covariance);  // positive definite: the caller regularizes
  const Eigen::VectorXd& inverse_diagonal() const { return inverse_diagonal_; }
  const Eigen::MatrixXd& inverse_dense() const { return inverse_dense_; }

  // p ~ normal(0, M).
  void sample_momentum(random::Stream& stream, Eigen::VectorXd& momentum);
  // M^{-1} p: the velocity dq/dt, "p sharp" in the generalized U-turn criterion.
  void velocity(const Eigen::VectorXd& momentum, Eigen::VectorXd& out) const;
  // tau(p) = p' M^{-1} p / 2.
  double kinetic_energy(const Eigen::VectorXd& momentum) const;

 private:
  bool dense_;
  Eigen::VectorXd inverse_diagonal_;
  Eigen::MatrixXd inverse_dense_;
  Eigen::MatrixXd upper_factor_;  // U with M^{-1} = U' U (dense only)
  Eigen::VectorXd noise_;         // scratch for u
};

}  // namespace pm::infer
