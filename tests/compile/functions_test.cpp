// The function table (engine/compile/functions.cpp): values against plain double code, and
// gradients through the whole compiled model against finite differences. Each model puts
// the function's result into `target +=` so that its value is the log density itself.
#include <doctest/doctest.h>

#include <cmath>
#include <numeric>

#include "compile_support.hpp"

using namespace pm::compile::testing;

namespace {

const std::string kHeader = R"(
data { int N; vector[N] x; matrix[N, N] M; }
param { vector[N] v; real<lower=0> s; }
model {
)";
const std::string kData = R"({"N": 3, "x": [0.5, -1.0, 2.0], "M": [[2, 0.5, 0.1], [0.5, 3, 0.2], [0.1, 0.2, 1.5]]})";
const double x[3] = {0.5, -1.0, 2.0};
const double M[3][3] = {{2, 0.5, 0.1}, {0.5, 3, 0.2}, {0.1, 0.2, 1.5}};  // M[row][col]
const std::vector<double> u = {0.3, -0.7, 1.1, -0.2};                  // v, then log s

// Compiles `target += EXPRESSION;` and checks value (relative 1e-12) and gradient.
void expect_target(const std::string& expression, double expected) {
  CAPTURE(expression);
  auto compiled = compile_text(kHeader + "  target += " + expression + ";\n}\n", kData,
                               {.include_priors = true, .include_jacobian = false});
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  std::vector<double> gradient;
  CHECK(compiled->evaluate(u, gradient) == doctest::Approx(expected).epsilon(1e-12));
  for (std::size_t i = 0; i < u.size(); ++i) {
    std::vector<double> shifted = u;
    const double h = 1e-6;
    shifted[i] = u[i] + h;
    double plus = compiled->evaluate(shifted);
    shifted[i] = u[i] - h;
    double minus = compiled->evaluate(shifted);
    CAPTURE(i);
    CHECK(gradient[i] == doctest::Approx((plus - minus) / (2 * h)).epsilon(1e-6).scale(1.0));
  }
}

double sum_of(const double* a, int n) { return std::accumulate(a, a + n, 0.0); }

}  // namespace

TEST_CASE("functions: reductions over the value's own dims") {
  const double* v = u.data();
  double mean = sum_of(v, 3) / 3;
  double squares = 0;
  for (int k = 0; k < 3; ++k) squares += (v[k] - mean) * (v[k] - mean);
  expect_target("sum(v)", sum_of(v, 3));
  expect_target("mean(v .* x)", (v[0] * x[0] + v[1] * x[1] + v[2] * x[2]) / 3);
  expect_target("prod(v)", v[0] * v[1] * v[2]);
  expect_target("sd(v)", std::sqrt(squares / 2));
  expect_target("variance(v)", squares / 2);
  expect_target("log_sum_exp(v)", std::log(std::exp(v[0]) + std::exp(v[1]) + std::exp(v[2])));
  expect_target("dot_self(v)", v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  expect_target("squared_distance(v, x)", (v[0] - x[0]) * (v[0] - x[0]) + (v[1] - x[1]) * (v[1] - x[1]) +
                                               (v[2] - x[2]) * (v[2] - x[2]));
}

TEST_CASE("functions: elementwise and scalar") {
  double s = std::exp(u[3]);
  expect_target("log1p_exp(s) + lgamma(s) + inv_logit(v[2]) + fma(s, v[1], 2.0)",
                std::log1p(std::exp(s)) + std::lgamma(s) + 1 / (1 + std::exp(-u[1])) + s * u[0] + 2.0);
  expect_target("log10(s) + log2(s) + pow(s, 1.5) + fmax(v[1], v[2])",
                std::log10(s) + std::log2(s) + std::pow(s, 1.5) + std::max(u[0], u[1]));
  expect_target("log_mix(0.3, v[1], v[2])", std::log(0.3 * std::exp(u[0]) + 0.7 * std::exp(u[1])));
  expect_target("step(v[2]) + int_step(v[3])", 0.0 + 1.0);
}

TEST_CASE("functions: vectors and matrices") {
  const double* v = u.data();
  // M * v, row 2 of M, column 3 of M
  double Mv[3];
  for (int r = 0; r < 3; ++r) Mv[r] = M[r][0] * v[0] + M[r][1] * v[1] + M[r][2] * v[2];
  expect_target("sum(M * v)", sum_of(Mv, 3));
  expect_target("dot_product(row(M, 2), v)", M[1][0] * v[0] + M[1][1] * v[1] + M[1][2] * v[2]);
  expect_target("dot_product(col(M, 3), v)", M[0][2] * v[0] + M[1][2] * v[1] + M[2][2] * v[2]);
  expect_target("sum(reverse(v) .* x)", v[2] * x[0] + v[1] * x[1] + v[0] * x[2]);
  expect_target("sum(segment(v, 2, 2))", v[1] + v[2]);
  expect_target("sum(append_row(v, x))", sum_of(v, 3) + sum_of(x, 3));
  expect_target("sum(cumulative_sum(v) .* x)", v[0] * x[0] + (v[0] + v[1]) * x[1] + (v[0] + v[1] + v[2]) * x[2]);
  double weighted = 0, total = 0;
  for (int k = 0; k < 3; ++k) total += std::exp(v[k]);
  for (int k = 0; k < 3; ++k) weighted += std::exp(v[k]) / total * x[k];
  expect_target("dot_product(softmax(v), x)", weighted);
  // rep_matrix(v, 3)[r, c] = v[r]; rep_matrix(v', 3)[r, c] = v[c]; diag_post_multiply(M, v)[r, c] = M[r, c] v[c]
  double by_rows = 0, by_cols = 0, post = 0, pre = 0;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) {
      by_rows += v[r] * M[r][c];
      by_cols += v[c] * M[r][c];
      post += M[r][c] * v[c] * x[r];
      pre += v[r] * M[r][c] * x[c];
    }
  expect_target("sum(rep_matrix(v, 3) .* M)", by_rows);
  expect_target("sum(rep_matrix(v', 3) .* M)", by_cols);
  expect_target("sum(diag_post_multiply(M, v)' * x)", post);
  expect_target("sum(diag_pre_multiply(v, M) * x)", pre);
  double quad = 0, lower = 0;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c < 3; ++c) {
      quad += v[r] * M[r][c] * v[c];
      if (r > c) lower += M[r][c] * v[c];
    }
  expect_target("quad_form(M, v) + trace(M) * v[1]", quad + (M[0][0] + M[1][1] + M[2][2]) * v[0]);
  expect_target("sum(strict_lower(M) * v)", lower);
  expect_target("sum(add_diag(M, v)) + sum(rep_vector(s, 2)) + sum(rep_array(v[1], 2, 2))",
                sum_of(&M[0][0], 9) + sum_of(v, 3) + 2 * std::exp(u[3]) + 4 * v[0]);
}

TEST_CASE("functions: Cholesky factor and triangular solve") {
  // L = cholesky(M) by hand (3 x 3), then L^{-1} x by forward substitution.
  double L[3][3] = {};
  for (int j = 0; j < 3; ++j) {
    double d = M[j][j];
    for (int k = 0; k < j; ++k) d -= L[j][k] * L[j][k];
    L[j][j] = std::sqrt(d);
    for (int i = j + 1; i < 3; ++i) {
      double t = M[i][j];
      for (int k = 0; k < j; ++k) t -= L[i][k] * L[j][k];
      L[i][j] = t / L[j][j];
    }
  }
  double z[3];
  for (int i = 0; i < 3; ++i) {
    double t = x[i];
    for (int k = 0; k < i; ++k) t -= L[i][k] * z[k];
    z[i] = t / L[i][i];
  }
  const double* v = u.data();
  expect_target("dot_product(mdivide_left_tri_low(cholesky_decompose(M), x), v)", z[0] * v[0] + z[1] * v[1] + z[2] * v[2]);
  double lower_sum = 0;
  for (int r = 0; r < 3; ++r)
    for (int c = 0; c <= r; ++c) lower_sum += L[r][c];
  expect_target("sum(cholesky_decompose(M)) * s", lower_sum * std::exp(u[3]));
}
