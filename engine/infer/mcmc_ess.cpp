// posterior's .ess (mcmc_ess.hpp): autocovariances and Geyer's initial monotone sequence.
#include "engine/infer/mcmc_ess.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstddef>

#include <unsupported/Eigen/FFT>

namespace pm::infer {
namespace {

using Chains = std::vector<std::vector<double>>;

double mean_of(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double variance_of(const std::vector<double>& values, double mean) {  // n - 1 divisor, n >= 2
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return squares / static_cast<double>(values.size() - 1);
}

// The chains' mean biased autocovariance, (1/N) sum_k yc_k yc_{k+t} averaged over chains, at
// the lags Geyer's sequence asks for: direct sums for the first kDirectLags lags (a well-mixed
// chain stops within a few), then every lag at once by FFT (zero-padded to a power of 2 >= 2N,
// so no wrap-around: the same sums as posterior's autocovariance()).
class MeanAutocovariance {
 public:
  explicit MeanAutocovariance(const Chains& x) : n_(x.front().size()) {
    for (const std::vector<double>& chain : x) {
      std::vector<double>& centred = centred_.emplace_back(chain);
      const double mean = mean_of(chain);
      for (double& v : centred) v -= mean;
    }
  }
  double operator()(std::size_t lag) {
    if (lag < kDirectLags && fft_.empty()) return direct(lag);
    if (fft_.empty()) compute_fft();
    return fft_[lag];
  }

 private:
  static constexpr std::size_t kDirectLags = 48;

  double direct(std::size_t lag) const {
    double total = 0;
    for (const std::vector<double>& y : centred_) {
      double sum = 0;
      for (std::size_t k = 0; k + lag < n_; ++k) sum += y[k] * y[k + lag];
      total += sum / static_cast<double>(n_);
    }
    return total / static_cast<double>(centred_.size());
  }

  void compute_fft() {
    std::size_t size = 1;
    while (size < 2 * n_) size *= 2;
    Eigen::FFT<double> fft;
    fft_.assign(n_, 0.0);
    std::vector<std::complex<double>> time(size), frequency;
    for (const std::vector<double>& y : centred_) {
      std::fill(time.begin(), time.end(), std::complex<double>(0, 0));
      for (std::size_t k = 0; k < n_; ++k) time[k] = y[k];
      fft.fwd(frequency, time);
      for (std::complex<double>& f : frequency) f = std::norm(f);
      fft.inv(time, frequency);  // scaled by 1 / size: time[t] = sum_k y_k y_{k+t}
      for (std::size_t t = 0; t < n_; ++t) fft_[t] += time[t].real() / static_cast<double>(n_);
    }
    for (double& value : fft_) value /= static_cast<double>(centred_.size());
  }

  std::size_t n_;
  Chains centred_;
  std::vector<double> fft_;
};

}  // namespace

double geyer_ess(const std::vector<std::vector<double>>& x) {
  const std::size_t chains = x.size(), n = x.front().size();
  MeanAutocovariance acov(x);
  const double nd = static_cast<double>(n);
  const double mean_var = acov(0) * nd / (nd - 1);
  double var_plus = mean_var * (nd - 1) / nd;
  if (chains > 1) {
    std::vector<double> means;
    for (const std::vector<double>& chain : x) means.push_back(mean_of(chain));
    var_plus += variance_of(means, mean_of(means));
  }
  std::vector<double> rho(n, 0.0);
  long t = 0;
  const long last = static_cast<long>(n);
  double even = 1, odd = 1 - (mean_var - acov(1)) / var_plus;
  rho[0] = even;
  rho[1] = odd;
  while (t < last - 5 && !std::isnan(even + odd) && even + odd > 0) {
    t += 2;
    even = 1 - (mean_var - acov(static_cast<std::size_t>(t))) / var_plus;
    odd = 1 - (mean_var - acov(static_cast<std::size_t>(t + 1))) / var_plus;
    if (even + odd >= 0) {
      rho[static_cast<std::size_t>(t)] = even;
      rho[static_cast<std::size_t>(t + 1)] = odd;
    }
  }
  const long max_t = t;
  if (even > 0) rho[static_cast<std::size_t>(max_t)] = even;  // used by the improved estimate
  t = 0;
  while (t <= max_t - 4) {  // monotone: no pair sum larger than the one before it
    t += 2;
    auto at = [&](long i) -> double& { return rho[static_cast<std::size_t>(i)]; };
    if (at(t) + at(t + 1) > at(t - 2) + at(t - 1)) {
      at(t) = (at(t - 2) + at(t - 1)) / 2;
      at(t + 1) = at(t);
    }
  }
  const double total = static_cast<double>(chains * n);
  // R's sum(rho_hat_t[1:max_t]): for max_t = 0, 1:0 picks rho_0 alone.
  double sum = 0;
  for (long i = 0; i < std::max(max_t, 1L); ++i) sum += rho[static_cast<std::size_t>(i)];
  double tau = -1 + 2 * sum + rho[static_cast<std::size_t>(max_t)];
  tau = std::max(tau, 1 / std::log10(total));  // posterior caps the ESS at M N log10(M N)
  return total / tau;
}


}  // namespace pm::infer
