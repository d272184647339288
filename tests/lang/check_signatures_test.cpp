// The stdlib signature table: every function and distribution the language promises is
// registered, with Stan's argument orders and the right support.
#include <doctest/doctest.h>

#include <stdexcept>

#include "stdlib/signatures/signature.hpp"

using namespace pm::stdlib;

TEST_CASE("every function of LANGUAGE.md and of the posteriordb models is registered") {
  for (const char* name :
       {"exp", "log", "log1p", "expm1", "sqrt", "square", "pow", "abs", "fabs", "inv_logit", "logit",
        "log_inv_logit", "log1m", "softplus", "log1p_exp", "lgamma", "digamma", "lbeta", "tanh", "sigmoid", "relu",
        "sum", "mean", "sd", "prod", "dot_product", "rows_dot_product", "columns_dot_product", "log_sum_exp",
        "softmax", "log_softmax", "cumulative_sum", "rep_vector", "rep_row_vector", "rep_matrix", "to_vector",
        "to_matrix", "diag_matrix", "strict_lower", "size", "rows", "cols", "min", "max", "fmin", "fmax", "inv",
        "inv_sqrt", "inv_square", "log2", "log10", "exp2", "floor", "ceil", "round", "Phi", "Phi_approx",
        "inv_cloglog", "log_diff_exp", "log_mix", "fma", "hypot", "erf", "erfc", "tgamma", "lchoose", "choose",
        "step", "int_step", "is_inf", "is_nan", "pi", "e", "not_a_number", "positive_infinity",
        "negative_infinity", "machine_precision", "num_elements", "rep_array", "to_array_1d", "to_row_vector",
        "col", "row", "head", "tail", "segment", "append_row", "append_col", "reverse", "variance",
        "squared_distance", "distance", "cholesky_decompose", "gp_exp_quad_cov", "cov_exp_quad", "add_diag",
        "diag_pre_multiply", "diag_post_multiply", "multiply_lower_tri_self_transpose", "tcrossprod", "crossprod",
        "quad_form", "mdivide_left_tri_low", "mdivide_right_tri_low", "inverse", "log_determinant", "trace",
        "block", "sub_col", "sub_row", "dims"}) {
    INFO(name);
    CHECK(find_function(name) != nullptr);
  }
  CHECK(find_function("no_such_function") == nullptr);
}

TEST_CASE("distributions: Stan's argument orders, supports, discreteness, guide families") {
  struct Expected {
    const char* name;
    std::vector<std::string> parameters;
    Support support;
    bool reparameterizable;
  };
  const std::vector<Expected> expected = {
      {"normal", {"mu", "sigma"}, Support::RealLine, true},
      {"lognormal", {"mu", "sigma"}, Support::Positive, true},
      {"student_t", {"nu", "mu", "sigma"}, Support::RealLine, true},
      {"cauchy", {"mu", "sigma"}, Support::RealLine, true},
      {"exponential", {"beta"}, Support::Positive, true},
      {"gamma", {"alpha", "beta"}, Support::Positive, false},
      {"inv_gamma", {"alpha", "beta"}, Support::Positive, false},
      {"beta", {"alpha", "beta"}, Support::UnitInterval, false},
      {"uniform", {"alpha", "beta"}, Support::ArgumentInterval, true},
      {"double_exponential", {"mu", "sigma"}, Support::RealLine, true},
      {"logistic", {"mu", "sigma"}, Support::RealLine, true},
      {"weibull", {"alpha", "sigma"}, Support::Positive, true},
      {"dirichlet", {"alpha"}, Support::Simplex, false},
      {"multi_normal", {"mu", "Sigma"}, Support::RealLine, true},
      {"multi_normal_cholesky", {"mu", "L"}, Support::RealLine, true},
      {"lkj_corr_cholesky", {"eta"}, Support::CholeskyCorrelation, false},
      {"bernoulli", {"theta"}, Support::Binary, false},
      {"bernoulli_logit", {"alpha"}, Support::Binary, false},
      {"binomial", {"N", "theta"}, Support::ZeroToArgument, false},
      {"binomial_logit", {"N", "alpha"}, Support::ZeroToArgument, false},
      {"poisson", {"lambda"}, Support::NonNegativeIntegers, false},
      {"poisson_log", {"alpha"}, Support::NonNegativeIntegers, false},
      {"neg_binomial_2", {"mu", "phi"}, Support::NonNegativeIntegers, false},
      {"categorical", {"theta"}, Support::OneToArgumentSize, false},
      {"categorical_logit", {"beta"}, Support::OneToArgumentSize, false},
      {"bernoulli_probs", {"p"}, Support::ClosedUnitInterval, false},
      {"continuous_bernoulli", {"p"}, Support::ClosedUnitInterval, false},
      {"normal_id_glm", {"x", "alpha", "beta", "sigma"}, Support::RealLine, false},
  };
  for (const auto& entry : expected) {
    INFO(entry.name);
    const DistributionSignature* dist = find_distribution(entry.name);
    REQUIRE(dist != nullptr);
    std::vector<std::string> names;
    for (const auto& parameter : dist->parameters) names.push_back(parameter.name);
    CHECK(names == entry.parameters);
    CHECK(dist->support == entry.support);
    CHECK(dist->reparameterizable == entry.reparameterizable);
    CHECK(dist->discrete == is_discrete(entry.support));
  }
  CHECK(find_distribution("normal")->density_suffix() == "_lpdf");
  CHECK(find_distribution("poisson")->density_suffix() == "_lpmf");
  CHECK(find_distribution("normal")->has_cdf);
  CHECK_FALSE(find_distribution("dirichlet")->has_cdf);
}

TEST_CASE("finite supports are the enumerable ones") {
  CHECK(is_finite(Support::Binary));
  CHECK(is_finite(Support::ZeroToArgument));
  CHECK(is_finite(Support::OneToArgumentSize));
  CHECK_FALSE(is_finite(Support::NonNegativeIntegers));
  CHECK_FALSE(is_finite(Support::RealLine));
  CHECK(describe(Support::NonNegativeIntegers) == "{0, 1, 2, ...}");
}

TEST_CASE("signature strings: sizes from argument values and sizes") {
  auto signature = parse_function_signature("rep_matrix", "vector v, int n -> matrix[#1, $2]");
  REQUIRE(signature.arguments.size() == 2);
  CHECK(signature.arguments[0].shape == ShapeKind::Vector);
  CHECK(signature.arguments[1].element == ElementType::Int);
  CHECK(signature.arguments[1].name == "n");
  CHECK(signature.result.shape == ShapeKind::Matrix);
  REQUIRE(signature.result.shape_sizes.size() == 2);
  CHECK(signature.result.shape_sizes[0].kind == SizeRule::Kind::ArgumentSize);
  CHECK(signature.result.shape_sizes[0].argument == 0);
  CHECK(signature.result.shape_sizes[1].kind == SizeRule::Kind::ArgumentValue);
  CHECK(signature.result.shape_sizes[1].argument == 1);

  auto crossprod = parse_function_signature("crossprod", "matrix A -> matrix[#1.2, #1.2]");
  CHECK(crossprod.result.shape_sizes[0].dimension == 1);

  auto array = parse_argument_pattern("array[,] real x");
  CHECK(array.array_dimensions == 2);
  CHECK(parse_result_pattern("array[$2] same").kind == ResultPattern::Kind::ArrayOfFirst);
  CHECK_THROWS_AS(parse_function_signature("bad", "real x"), std::logic_error);
  CHECK_THROWS_AS(parse_result_pattern("tensor"), std::logic_error);
  CHECK_THROWS_AS(parse_result_pattern("vector[1, 2]"), std::logic_error);
}
