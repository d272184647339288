#include "engine/infer/hmc_adaptation.hpp"

#include <cmath>

namespace pm::infer {

double StepSizeAdaptation::learn(double accept_stat) {
  counter_ += 1;
  accept_stat = accept_stat > 1 ? 1 : accept_stat;
  const double eta = 1.0 / (counter_ + t0_);
  s_bar_ = (1.0 - eta) * s_bar_ + eta * (delta_ - accept_stat);
  const double x = mu_ - s_bar_ * std::sqrt(counter_) / gamma_;
  const double x_eta = std::pow(counter_, -kappa_);
  x_bar_ = (1.0 - x_eta) * x_bar_ + x_eta * x;
  return std::exp(x);
}

double StepSizeAdaptation::final_step_size() const { return std::exp(x_bar_); }

RunningMoments::RunningMoments(std::size_t dimension, bool dense) : dense_(dense) {
  const auto n = static_cast<Eigen::Index>(dimension);
  mean_ = Eigen::VectorXd::Zero(n);
  m2_ = Eigen::VectorXd::Zero(n);
  delta_ = Eigen::VectorXd::Zero(n);
  if (dense_) m2_dense_ = Eigen::MatrixXd::Zero(n, n);
}

void RunningMoments::restart() {
  count_ = 0;
  mean_.setZero();
  m2_.setZero();
  if (dense_) m2_dense_.setZero();
}

void RunningMoments::add(const Eigen::VectorXd& q) {
  ++count_;
  delta_ = q - mean_;
  mean_ += delta_ / static_cast<double>(count_);
  if (dense_)
    m2_dense_.noalias() += (q - mean_) * delta_.transpose();
  else
    m2_ += delta_.cwiseProduct(q - mean_);
}

Eigen::VectorXd RunningMoments::variance() const {
  if (dense_) return covariance().diagonal();
  return m2_ / (static_cast<double>(count_) - 1.0);
}

Eigen::MatrixXd RunningMoments::covariance() const { return m2_dense_ / (static_cast<double>(count_) - 1.0); }

MetricAdaptation::MetricAdaptation(std::size_t dimension, bool dense, std::size_t warmup, std::size_t init_buffer,
                                   std::size_t term_buffer, std::size_t base_window)
    : dense_(dense), warmup_(warmup), init_buffer_(init_buffer), term_buffer_(term_buffer),
      base_window_(base_window), moments_(dimension, dense) {
  if (warmup_ < 20) {
    adapts_ = false;
  } else if (init_buffer_ + base_window_ + term_buffer_ > warmup_) {
    init_buffer_ = static_cast<std::size_t>(0.15 * static_cast<double>(warmup_));
    term_buffer_ = static_cast<std::size_t>(0.1 * static_cast<double>(warmup_));
    base_window_ = warmup_ - (init_buffer_ + term_buffer_);
  }
  window_size_ = base_window_;
  next_window_ = init_buffer_ + window_size_ - 1;
}

bool MetricAdaptation::in_window() const {
  return counter_ >= init_buffer_ && counter_ < warmup_ - term_buffer_ && counter_ != warmup_;
}

bool MetricAdaptation::window_ends() const { return counter_ == next_window_ && counter_ != warmup_; }

void MetricAdaptation::compute_next_window() {
  if (next_window_ == warmup_ - term_buffer_ - 1) return;
  window_size_ *= 2;
  next_window_ = counter_ + window_size_;
  if (next_window_ != warmup_ - term_buffer_ - 1) {
    std::size_t next_boundary = next_window_ + 2 * window_size_;
    if (next_boundary >= warmup_ - term_buffer_) next_window_ = warmup_ - term_buffer_ - 1;
  }
}

bool MetricAdaptation::learn(const Eigen::VectorXd& q, Eigen::VectorXd& variance, Eigen::MatrixXd& covariance) {
  if (!adapts_) return false;
  if (in_window()) moments_.add(q);
  if (window_ends()) {
    compute_next_window();
    const double n = static_cast<double>(moments_.count());
    if (dense_) {
      const auto d = static_cast<Eigen::Index>(q.size());
      covariance = (n / (n + 5.0)) * moments_.covariance() +
                   1e-3 * (5.0 / (n + 5.0)) * Eigen::MatrixXd::Identity(d, d);
      variance = covariance.diagonal();
    } else {
      variance = (n / (n + 5.0)) * moments_.variance() + 1e-3 * (5.0 / (n + 5.0)) * Eigen::VectorXd::Ones(q.size());
    }
    moments_.restart();
    ++counter_;
    return true;
  }
  ++counter_;
  return false;
}

}  // namespace pm::infer
