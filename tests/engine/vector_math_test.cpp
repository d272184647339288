// The vectorized log1p family (engine/ad/vector_math.hpp) against the C library's scalar
// functions: errors in ulps of the reference over arguments spread log-uniformly over
// 1e-300 .. 1e300 of both signs, near the poles, and at the special values.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "engine/ad/vector_math.hpp"

namespace {

namespace vm = pm::ad::vector_math;
constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

// |got - want| in units of the last place of want (want finite and nonzero), or 0 when both
// are equal (covers the infinities).
double ulps(double got, double want) {
  if (got == want) return 0.0;
  const double unit = std::nextafter(std::abs(want), inf) - std::abs(want);
  return std::abs(got - want) / unit;
}

// Arguments of both signs with |x| log-uniform in [1e-300, 1e300], seeded.
Eigen::ArrayXd wide_arguments(std::size_t count) {
  std::mt19937_64 engine(20261125);
  std::uniform_real_distribution<double> exponent(-300.0, 300.0);
  Eigen::ArrayXd x(static_cast<Eigen::Index>(count));
  for (Eigen::Index i = 0; i < x.size(); ++i) x[i] = (i % 2 ? -1.0 : 1.0) * std::pow(10.0, exponent(engine));
  return x;
}

// Arguments uniform in [low, high], seeded.
Eigen::ArrayXd uniform_arguments(std::size_t count, double low, double high) {
  std::mt19937_64 engine(7);
  std::uniform_real_distribution<double> uniform(low, high);
  Eigen::ArrayXd x(static_cast<Eigen::Index>(count));
  for (double& v : x) v = uniform(engine);
  return x;
}

double reference_log1p_exp(double x) { return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }

}  // namespace

TEST_CASE("vectorized log1p is within 4 ulps of std::log1p over the whole domain") {
  for (const Eigen::ArrayXd& all : {wide_arguments(20000), uniform_arguments(20000, -1.0, 3.0),
                                    uniform_arguments(20000, -1e-8, 1e-8)}) {
    const Eigen::ArrayXd x = all.max(-1.0);  // below -1 is checked separately
    const Eigen::ArrayXd got = vm::log1p(x);
    double worst = 0.0;
    for (Eigen::Index i = 0; i < x.size(); ++i) worst = std::max(worst, ulps(got[i], std::log1p(x[i])));
    CHECK(worst <= 4.0);
  }
}

TEST_CASE("vectorized log1p of a product expression is as accurate (FMA contraction does not break it)") {
  // z * z is not evaluated first: the compiler may fuse it into the additions of log1p.
  const Eigen::ArrayXd z = uniform_arguments(20000, -1e6, 1e6);
  const Eigen::ArrayXd got = vm::log1p(z * z);
  double worst = 0.0;
  for (Eigen::Index i = 0; i < z.size(); ++i) worst = std::max(worst, ulps(got[i], std::log1p(z[i] * z[i])));
  CHECK(worst <= 4.0);
}

TEST_CASE("vectorized log1p keeps the special values of std::log1p") {
  Eigen::ArrayXd x(9);
  x << 0.0, -0.0, inf, -1.0, -2.0, -inf, not_a_number, std::numeric_limits<double>::max(), 5e-324;
  const Eigen::ArrayXd got = vm::log1p(x);
  CHECK(got[0] == 0.0);
  CHECK(got[1] == 0.0);
  CHECK(got[2] == inf);
  CHECK(got[3] == -inf);
  CHECK(std::isnan(got[4]));
  CHECK(std::isnan(got[5]));
  CHECK(std::isnan(got[6]));
  CHECK(ulps(got[7], std::log1p(x[7])) <= 1.0);
  CHECK(got[8] == 5e-324);
}

TEST_CASE("vectorized log1p_exp, log_inv_logit and log1m_inv_logit match the scalar forms") {
  for (const Eigen::ArrayXd& x : {wide_arguments(20000), uniform_arguments(20000, -50.0, 50.0)}) {
    const Eigen::ArrayXd softplus = vm::log1p_exp(x), log_p = vm::log_inv_logit(x), log_q = vm::log1m_inv_logit(x);
    double worst = 0.0;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      // exp(x) is subnormal below -708: there only absolute accuracy is possible (as with std::exp).
      const auto close = [](double got, double want) { return std::abs(got - want) <= 1e-300 || ulps(got, want) <= 4.0; };
      CHECK(close(softplus[i], reference_log1p_exp(x[i])));
      CHECK(close(log_p[i], -reference_log1p_exp(-x[i])));
      CHECK(close(log_q[i], -reference_log1p_exp(x[i])));
      if (std::abs(x[i]) < 700.0) worst = std::max(worst, ulps(softplus[i], reference_log1p_exp(x[i])));
    }
    CHECK(worst <= 4.0);
  }
  Eigen::ArrayXd special(3);
  special << inf, -inf, not_a_number;
  const Eigen::ArrayXd softplus = vm::log1p_exp(special), log_p = vm::log_inv_logit(special);
  CHECK(softplus[0] == inf);
  CHECK(softplus[1] == 0.0);
  CHECK(std::isnan(softplus[2]));
  CHECK(log_p[0] == 0.0);
  CHECK(log_p[1] == -inf);
  CHECK(std::isnan(log_p[2]));
}

TEST_CASE("vectorized inv_logit is within 3 ulps of 1 / (1 + exp(-x)) and saturates cleanly") {
  const Eigen::ArrayXd x = uniform_arguments(20000, -700.0, 700.0);
  const Eigen::ArrayXd got = vm::inv_logit(x);
  double worst = 0.0;
  for (Eigen::Index i = 0; i < x.size(); ++i) {
    // exp(x) / (1 + exp(x)) for x < 0 and 1 / (1 + exp(-x)) otherwise: the scalar reference.
    const double want = x[i] < 0.0 ? std::exp(x[i]) / (1.0 + std::exp(x[i])) : 1.0 / (1.0 + std::exp(-x[i]));
    worst = std::max(worst, ulps(got[i], want));
  }
  CHECK(worst <= 3.0);
  Eigen::ArrayXd special(3);
  special << inf, -inf, not_a_number;
  const Eigen::ArrayXd saturated = vm::inv_logit(special);
  CHECK(saturated[0] == 1.0);
  CHECK(saturated[1] == 0.0);
  CHECK(std::isnan(saturated[2]));
}
