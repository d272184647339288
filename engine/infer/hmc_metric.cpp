#include "engine/infer/hmc_metric.hpp"

namespace pm::infer {

EuclideanMetric::EuclideanMetric(std::size_t dimension, bool dense)
    : dense_(dense), inverse_diagonal_(Eigen::VectorXd::Ones(static_cast<Eigen::Index>(dimension))),
      noise_(static_cast<Eigen::Index>(dimension)) {
  if (dense_) {
    inverse_dense_ = Eigen::MatrixXd::Identity(inverse_diagonal_.size(), inverse_diagonal_.size());
    upper_factor_ = inverse_dense_;
  }
}

void EuclideanMetric::set_inverse_diagonal(const Eigen::VectorXd& variances) { inverse_diagonal_ = variances; }

void EuclideanMetric::set_inverse_dense(const Eigen::MatrixXd& covariance) {
  inverse_dense_ = covariance;
  inverse_diagonal_ = covariance.diagonal();
  upper_factor_ = covariance.llt().matrixU();
}

void EuclideanMetric::sample_momentum(random::Stream& stream, Eigen::VectorXd& momentum) {
  momentum.resize(inverse_diagonal_.size());
  if (!dense_) {
    stream.fill_normal(momentum.data(), static_cast<std::size_t>(momentum.size()));
    momentum.array() /= inverse_diagonal_.array().sqrt();
    return;
  }
  stream.fill_normal(noise_.data(), static_cast<std::size_t>(noise_.size()));
  momentum = upper_factor_.triangularView<Eigen::Upper>().solve(noise_);
}

void EuclideanMetric::velocity(const Eigen::VectorXd& momentum, Eigen::VectorXd& out) const {
  if (dense_)
    out.noalias() = inverse_dense_ * momentum;
  else
    out = inverse_diagonal_.cwiseProduct(momentum);
}

double EuclideanMetric::kinetic_energy(const Eigen::VectorXd& momentum) const {
  if (dense_) return 0.5 * momentum.dot(inverse_dense_ * momentum);
  return 0.5 * momentum.cwiseProduct(inverse_diagonal_).dot(momentum);
}

}  // namespace pm::infer
