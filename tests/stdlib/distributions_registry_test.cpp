// The distribution registry: every distribution of LANGUAGE.md is registered once, with
// consistent argument tables; samplers give NaN for invalid parameters.
#include <doctest/doctest.h>

#include <set>

#include "distributions_harness.hpp"

namespace pm::test {
namespace {

TEST_CASE("registry: every distribution of the language is registered with its kernels") {
  const std::vector<std::string_view> continuous{
      "normal", "lognormal", "student_t", "cauchy", "exponential", "gamma", "inv_gamma", "beta", "uniform",
      "double_exponential", "logistic", "weibull", "dirichlet", "multi_normal", "multi_normal_cholesky",
      "lkj_corr_cholesky", "bernoulli_probs", "continuous_bernoulli", "normal_id_glm",
      "std_normal", "gumbel", "chi_square", "inv_chi_square", "scaled_inv_chi_square", "skew_normal", "von_mises", "multi_student_t"};
  const std::vector<std::string_view> discrete{"bernoulli", "bernoulli_logit", "binomial", "binomial_logit", "poisson",
                                               "poisson_log", "neg_binomial_2", "categorical", "categorical_logit",
                                               "neg_binomial_2_log", "beta_binomial", "discrete_range",
                                               "ordered_logistic", "ordered_probit", "bernoulli_logit_glm",
                                               "poisson_log_glm"};
  for (auto names : {continuous, discrete}) {
    for (std::string_view name : names) {
      INFO(std::string(name));
      const DistributionEntry* entry = stdlib::kernels::find_distribution(name);
      REQUIRE(entry != nullptr);
      CHECK(entry->name == name);
      CHECK(entry->discrete == (names == discrete));
      CHECK((entry->log_density != nullptr));
      CHECK((entry->sample != nullptr));
      CHECK((entry->log_cdf == nullptr) == (entry->log_ccdf == nullptr));
      REQUIRE(entry->arg_count >= (name == "std_normal" ? 1u : 2u));  // the outcome, and parameters but for std_normal
      REQUIRE(entry->arg_count <= stdlib::kernels::max_distribution_args);
      for (const auto& argument : entry->arguments()) CHECK(!argument.name.empty());
      // A discrete distribution's outcome is an int; a continuous one's is real.
      CHECK((entry->args[0].kind == stdlib::kernels::ArgKind::integer) == entry->discrete);
    }
  }
  CHECK(stdlib::kernels::all_distributions().size() == continuous.size() + discrete.size());
  std::set<std::string_view> unique;
  for (const auto* entry : stdlib::kernels::all_distributions()) unique.insert(entry->name);
  CHECK(unique.size() == stdlib::kernels::all_distributions().size());
  CHECK(stdlib::kernels::find_distribution("no_such_distribution") == nullptr);
  CHECK(stdlib::kernels::event_size(stdlib::kernels::ArgShape::square_matrix, 3) == 9);
  CHECK(stdlib::kernels::event_size(stdlib::kernels::ArgShape::vector, 3) == 3);
  CHECK(stdlib::kernels::event_size(stdlib::kernels::ArgShape::scalar, 3) == 1);
}

TEST_CASE("samplers: invalid parameters give NaN outcomes; a seed repeats the draws") {
  CHECK(std::isnan(sample_scalars(distribution("normal"), {0.0, -1.0}, 1, 1)[0]));
  CHECK(std::isnan(sample_scalars(distribution("gamma"), {0.0, 1.0}, 1, 1)[0]));
  CHECK(std::isnan(sample_scalars(distribution("poisson"), {-3.0}, 1, 1)[0]));
  CHECK(std::isnan(sample_scalars(distribution("binomial"), {4.5, 0.5}, 1, 1)[0]));
  CHECK(std::isnan(sample_scalars(distribution("bernoulli"), {1.5}, 1, 1)[0]));
  CHECK(std::isnan(sample_scalars(distribution("beta"), {1.0, -1.0}, 1, 1)[0]));
  CHECK(sample_scalars(distribution("student_t"), {3.0, 0.0, 1.0}, 50, 99) ==
        sample_scalars(distribution("student_t"), {3.0, 0.0, 1.0}, 50, 99));
  CHECK(sample_scalars(distribution("student_t"), {3.0, 0.0, 1.0}, 50, 99) !=
        sample_scalars(distribution("student_t"), {3.0, 0.0, 1.0}, 50, 98));
}

TEST_CASE("kernels: an empty block writes nothing and does not crash") {
  for (const auto* entry : stdlib::kernels::all_distributions()) {
    std::vector<ad::KernelArg> args(entry->arg_count);
    ad::KernelCall call{0, args.data(), args.size()};
    entry->log_density(call, nullptr, nullptr);
    CHECK(true);
  }
}

}  // namespace
}  // namespace pm::test
