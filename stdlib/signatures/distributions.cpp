// Registration of every distribution's signature: Stan's names and argument orders
// (Stan Functions Reference), the support of the outcome, and what the engine offers for it.
//
// In a draw type after "->", $k and #k refer to the k-th parameter (after the bar).
#include "stdlib/signatures/registry.hpp"

namespace pm::stdlib {

void register_distributions(Registry& r) {
  // Reparameterizable (x = location + scale * standard draw, or an inverse CDF) with a CDF.
  const DistributionTraits reparameterized_cdf{.reparameterizable = true, .has_cdf = true};
  // A CDF, but no reparameterized sampler in v0 (gamma, beta: implicit reparameterization
  // would be needed), so they may be priors but not guide families.
  const DistributionTraits cdf_only{.reparameterizable = false, .has_cdf = true};
  const DistributionTraits reparameterized{.reparameterizable = true, .has_cdf = false};
  const DistributionTraits plain{};

  // ---- continuous, univariate
  r.dist("normal", "reals y | reals mu, reals sigma", Support::RealLine, reparameterized_cdf);
  r.dist("lognormal", "reals y | reals mu, reals sigma", Support::Positive, reparameterized_cdf);
  r.dist("student_t", "reals y | reals nu, reals mu, reals sigma", Support::RealLine, reparameterized_cdf);
  r.dist("cauchy", "reals y | reals mu, reals sigma", Support::RealLine, reparameterized_cdf);
  r.dist("exponential", "reals y | reals beta", Support::Positive, reparameterized_cdf);
  r.dist("gamma", "reals y | reals alpha, reals beta", Support::Positive, cdf_only);
  r.dist("inv_gamma", "reals y | reals alpha, reals beta", Support::Positive, cdf_only);
  r.dist("beta", "reals theta | reals alpha, reals beta", Support::UnitInterval, cdf_only);
  r.dist("uniform", "reals y | reals alpha, reals beta", Support::ArgumentInterval, reparameterized_cdf);
  r.dist("double_exponential", "reals y | reals mu, reals sigma", Support::RealLine, reparameterized_cdf);
  r.dist("logistic", "reals y | reals mu, reals sigma", Support::RealLine, reparameterized_cdf);
  r.dist("weibull", "reals y | reals alpha, reals sigma", Support::Positive, reparameterized_cdf);
  // Pixel intensities in [0, 1] (LANGUAGE.md): the cross-entropy and its normalized version
  // (Loaiza-Ganem & Cunningham 2019).
  r.dist("std_normal", "reals y |", Support::RealLine, cdf_only);
  r.dist("skew_normal", "reals y | reals xi, reals omega, reals alpha", Support::RealLine, plain);
  r.dist("gumbel", "reals y | reals mu, reals beta", Support::RealLine, cdf_only);
  r.dist("von_mises", "reals y | reals mu, reals kappa", Support::RealLine, plain);
  r.dist("chi_square", "reals y | reals nu", Support::Positive, plain);
  r.dist("inv_chi_square", "reals y | reals nu", Support::Positive, plain);
  r.dist("scaled_inv_chi_square", "reals y | reals nu, reals s", Support::Positive, plain);
  r.dist("bernoulli_probs", "reals x | reals p", Support::ClosedUnitInterval, plain);
  r.dist("continuous_bernoulli", "reals x | reals p", Support::ClosedUnitInterval, plain);

  // ---- continuous, multivariate
  r.dist("dirichlet", "vectors theta | vectors alpha -> same", Support::Simplex, plain);
  r.dist("multi_normal", "vectors y | vectors mu, matrix Sigma -> same", Support::RealLine, reparameterized);
  r.dist("multi_student_t", "vectors y | real nu, vectors mu, matrix Sigma -> same", Support::RealLine, plain);
  r.dist("multi_normal_cholesky", "vectors y | vectors mu, matrix L -> same", Support::RealLine, reparameterized);
  r.dist("lkj_corr_cholesky", "matrix L | real eta -> matrix[?, ?]", Support::CholeskyCorrelation, plain);
  // Gaussian linear model y ~ normal(alpha + x * beta, sigma), Stan's argument order.
  r.dist("normal_id_glm", "reals y | matrix x, reals alpha, vector beta, reals sigma -> vector[#1]",
         Support::RealLine, plain);

  // ---- discrete
  r.dist("bernoulli", "ints y | reals theta", Support::Binary);
  r.dist("bernoulli_logit", "ints y | reals alpha", Support::Binary);
  r.dist("binomial", "ints n | ints N, reals theta", Support::ZeroToArgument);
  r.dist("binomial_logit", "ints n | ints N, reals alpha", Support::ZeroToArgument);
  r.dist("poisson", "ints n | reals lambda", Support::NonNegativeIntegers);
  r.dist("poisson_log", "ints n | reals alpha", Support::NonNegativeIntegers);
  r.dist("neg_binomial_2", "ints n | reals mu, reals phi", Support::NonNegativeIntegers);
  r.dist("categorical", "ints y | vector theta -> int", Support::OneToArgumentSize);
  r.dist("categorical_logit", "ints y | vector beta -> int", Support::OneToArgumentSize);
  r.dist("neg_binomial_2_log", "ints n | reals eta, reals phi", Support::NonNegativeIntegers);
  r.dist("beta_binomial", "ints n | ints N, reals alpha, reals beta", Support::ZeroToArgument);
  r.dist("discrete_range", "ints y | ints lower, ints upper", Support::IntegerRange);
  r.dist("ordered_logistic", "ints k | reals eta, vector c", Support::OneToCutpoints);
  r.dist("ordered_probit", "ints k | reals eta, vector c", Support::OneToCutpoints);
  // Stan's argument order: y ~ bernoulli_logit(alpha + x * beta), y ~ poisson_log(alpha + x * beta).
  r.dist("bernoulli_logit_glm", "ints y | matrix x, reals alpha, vector beta -> array[#1] int", Support::Binary);
  r.dist("poisson_log_glm", "ints y | matrix x, reals alpha, vector beta -> array[#1] int", Support::NonNegativeIntegers);
}

}  // namespace pm::stdlib
