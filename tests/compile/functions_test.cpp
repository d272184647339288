// The function table (engine/compile/functions.cpp): values against plain double code, and
// gradients through the whole compiled model against finite differences. Each model puts
// the function's result into `target +=` so that its value is the log density itself.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <numbers>
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

namespace {

// KL(N(m, s) || N(a, b)), the closed form.
double kl_normal(double m, double s, double a, double b) {
  return std::log(b / s) + (s * s + (m - a) * (m - a)) / (2 * b * b) - 0.5;
}

}  // namespace

TEST_CASE("functions: kl(normal, normal) elementwise, summed by target +=") {
  const double* v = u.data();
  const double s = std::exp(u[3]);
  // A vector q against a data-dependent p: one KL per element; target += sums them.
  double total = 0;
  for (int k = 0; k < 3; ++k) total += kl_normal(v[k], s, x[k], 2.0);
  expect_target("-kl(normal(v, s), normal(x, 2))", -total);
  // Scalars, and a p known from the data alone (computed once, like any data-only value).
  expect_target("kl(normal(v[1], s), normal(2, 1))", kl_normal(v[0], s, 2, 1));
  expect_target("kl(normal(2, 1), normal(v[2], s))", kl_normal(2, 1, v[1], s));
  // The value is a vector: sum, indexing and elementwise arithmetic see it as one.
  expect_target("sum(kl(normal(0, s), normal(v, 1)) .* x)",
                kl_normal(0, s, v[0], 1) * x[0] + kl_normal(0, s, v[1], 1) * x[1] + kl_normal(0, s, v[2], 1) * x[2]);
  // Inside a plate: one KL per iteration.
  auto compiled = compile_text(kHeader + "  for (i in 1:N) target += -kl(normal(v[i], s), normal(x[i], 1));\n}\n", kData,
                               {.include_priors = true, .include_jacobian = false});
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  double looped = 0;
  for (int k = 0; k < 3; ++k) looped -= kl_normal(v[k], s, x[k], 1.0);
  CHECK(compiled->evaluate(u) == doctest::Approx(looped).epsilon(1e-12));
  expect_gradient_matches(*compiled, u);
}

TEST_CASE("functions: kl under MLE (the optimum is q = p)") {
  auto compiled = compile_text(R"(
param { real m; real<lower=0> s; }
model { target += -kl(normal(m, s), normal(2, 1)); }
)",
                               "{}", {.include_priors = false, .include_jacobian = false});
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  std::vector<double> gradient;
  CHECK(compiled->evaluate({2.0, 0.0}, gradient) == doctest::Approx(0.0).scale(1.0));
  CHECK(gradient[0] == doctest::Approx(0.0).scale(1.0));
  CHECK(gradient[1] == doctest::Approx(0.0).scale(1.0));
  std::vector<double> point{0.5, -0.4};
  CHECK(compiled->evaluate(point) == doctest::Approx(-kl_normal(0.5, std::exp(-0.4), 2, 1)).epsilon(1e-13));
  expect_gradient_matches(*compiled, point);
}

TEST_CASE("functions: reshapes (to_vector, to_row_vector, to_array_1d, to_matrix with sizes)") {
  const double* v = u.data();
  // to_vector(M) is column-major: M[1,1], M[2,1], M[3,1], M[1,2], ...
  std::vector<double> by_columns;
  for (int c = 0; c < 3; ++c)
    for (int r = 0; r < 3; ++r) by_columns.push_back(M[r][c]);
  double weighted = 0;
  for (int k = 0; k < 9; ++k) weighted += by_columns[static_cast<std::size_t>(k)] * (k + 1);
  expect_target("dot_product(to_vector(M), [1, 2, 3, 4, 5, 6, 7, 8, 9]') * s", weighted * std::exp(u[3]));
  // to_matrix(v, m, n) fills column by column: to_matrix(to_vector(M), 3, 3) is M again,
  // to_matrix(v, 1, 3) is v as a row, and to_row_vector(M) / to_array_1d(M) are to_vector(M).
  double Mv[3];
  for (int r = 0; r < 3; ++r) Mv[r] = M[r][0] * v[0] + M[r][1] * v[1] + M[r][2] * v[2];
  expect_target("sum(to_matrix(to_vector(M), 3, 3) * v)", sum_of(Mv, 3));
  double vM = 0;  // sum over columns of the row v' M
  for (int r = 0; r < 3; ++r) vM += v[r] * (M[r][0] + M[r][1] + M[r][2]);
  expect_target("sum(to_matrix(v, 1, 3) * M)", vM);
  expect_target("to_row_vector(M)[4] * v[1] + to_array_1d(M)[8] * v[2]", M[0][1] * v[0] + M[1][2] * v[1]);
  // A matrix of the params: to_matrix(v * s of length 6, 2, 3)[r, c] = w[r + 2 (c - 1)].
  expect_target("to_matrix(append_row(v, v * s), 2, 3)[2, 3] + to_matrix(append_row(v, v * s), 3, 2)[1, 2]",
                v[2] * std::exp(u[3]) + v[0] * std::exp(u[3]));
}

TEST_CASE("functions: reshapes of params and arrays: values, order, gradients, errors") {
  const std::string model = R"(
data { array[2, 3] real a; }
param { matrix[2, 3] A; array[2] matrix[2, 2] B; }
model {
  to_vector(A) ~ normal(0, 1);
  target += dot_product(to_vector(A), to_array_1d(a));
  for (i in 1:2) target += dot_product(to_vector(B[i]), [1, 2, 3, 4]') * i;
  target += sum(to_matrix(to_array_1d(B), 4, 2) * [1, -1]');
}
)";
  // a = [[1, 2, 3], [4, 5, 6]]: to_array_1d is row-major (Stan): 1, 2, 3, 4, 5, 6.
  auto compiled = compile_text(model, R"({"a": [[1, 2, 3], [4, 5, 6]]})");
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  std::vector<double> point = seeded_point(14, 3, 1.5);
  // A is u[0..5] column-major; B[i] is u[6..13], the array index first: B[i][r, c] = u[6 + i + 2 r + 4 c] (0-based).
  double expected = 0;
  const double a_row_major[6] = {1, 2, 3, 4, 5, 6};
  for (int k = 0; k < 6; ++k) {
    expected += -0.5 * point[k] * point[k] - 0.5 * std::log(2 * std::numbers::pi);
    // to_vector(A)[k]: column-major element k of A = u[k].
    expected += point[k] * a_row_major[k];
  }
  auto b = [&](int i, int r, int c) { return point[static_cast<std::size_t>(6 + i + 2 * r + 4 * c)]; };
  for (int i = 0; i < 2; ++i)
    for (int c = 0; c < 2; ++c)
      for (int r = 0; r < 2; ++r) expected += b(i, r, c) * (1 + r + 2 * c) * (i + 1);
  // to_array_1d(B): for each B[i] (row-major over the array), its entries column-major;
  // filled column by column into 4 x 2: column 1 is B[1], column 2 is B[2].
  for (int c = 0; c < 2; ++c)
    for (int r = 0; r < 2; ++r) expected += b(0, r, c) - b(1, r, c);
  CHECK(compiled->evaluate(point) == doctest::Approx(expected).epsilon(1e-12));
  expect_gradient_matches(*compiled, point);

  // Sizes that do not fill the matrix: a located error at the call.
  auto bad = compile_text(R"(
param { vector[5] w; }
model { target += sum(to_matrix(w, 2, 3)); }
)",
                          "{}");
  CHECK_FALSE(bad->model.has_value());
  CHECK(bad->messages().find("5 elements do not fill a 2 x 3 matrix") != std::string::npos);
  CHECK(bad->messages().find("test.pm:3:23") != std::string::npos);
}

TEST_CASE("multi-dimensional arrays of constrained vectors and matrices: array[K, D] simplex[C]") {
  auto compiled = compile_text(R"(
data { int K; int D; }
param { array[K, D] simplex[3] w; array[2] cholesky_factor_corr[2] L; }
model {
  for (k in 1:K)
    for (d in 1:D)
      w[k, d] ~ dirichlet([1.0 + k, 2.0, 1.0 + d]');
  for (i in 1:2) L[i] ~ lkj_corr_cholesky(2);
}
)",
                               R"({"K": 2, "D": 3})", {.include_priors = true, .include_jacobian = true});
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  const auto& slot = compiled->model->slots[0];
  CHECK(slot.dims == std::vector<std::size_t>{2, 3, 3});
  REQUIRE(compiled->model->dimension() == 6 * 2 + 2 * 1);
  CHECK(compiled->model->constrained_names()[1] == "w[2,1,1]");
  CHECK(compiled->model->constrained_names()[6] == "w[1,1,2]");
  CHECK(compiled->model->slots[1].dims == std::vector<std::size_t>{2, 2, 2});
  std::vector<double> point = seeded_point(compiled->model->dimension(), 11, 1.5);
  compiled->evaluate(point);
  // w[k, d] is copy k + K d of the simplex transform (the array index in data order).
  auto single = pm::transforms::make_transform(pm::transforms::DeclaredBase::simplex, std::vector<std::size_t>{3}, false, false, 1);
  auto values = compiled->model->program->values(slot.value);
  std::vector<double> one(3);
  for (std::size_t copy = 0; copy < 6; ++copy) {
    single->constrain(point.data() + 2 * copy, one.data(), {});
    for (std::size_t c = 0; c < 3; ++c) CHECK(values[copy + 6 * c] == doctest::Approx(one[c]).epsilon(1e-15));
  }
  // Each L[i] is a 2 x 2 Cholesky factor of a correlation matrix: L[i][1,1] = 1, L[i][1,2] = 0, rows of unit length.
  auto l = compiled->model->program->values(compiled->model->slots[1].value);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(l[i] == doctest::Approx(1.0));          // [i, 1, 1]
    CHECK(l[i + 4] == 0.0);                       // [i, 1, 2]
    CHECK(l[i + 2] * l[i + 2] + l[i + 6] * l[i + 6] == doctest::Approx(1.0));  // row 2
  }
  expect_gradient_matches(*compiled, point);
}

TEST_CASE("functions: Stan's constants and elementwise functions composed from the ops") {
  const double* v = u.data();
  const double s = std::exp(u[3]);
  expect_target("pi() + e() + sqrt2() + log2() + log10() + machine_precision() * v[1]",
                std::numbers::pi + std::numbers::e + std::numbers::sqrt2 + std::log(2.0) + std::log(10.0) +
                    std::numeric_limits<double>::epsilon() * v[0]);
  expect_target("sum(inv_square(v)) + exp2(s)", 1 / (v[0] * v[0]) + 1 / (v[1] * v[1]) + 1 / (v[2] * v[2]) + std::exp2(s));
  expect_target("sum(erfc(v)) + erfc(5 * s)", std::erfc(v[0]) + std::erfc(v[1]) + std::erfc(v[2]) + std::erfc(5 * s));
  auto phi_approx = [](double t) { return 1 / (1 + std::exp(-(0.07056 * t * t * t + 1.5976 * t))); };
  expect_target("Phi_approx(v[1]) + inv_cloglog(v[2])", phi_approx(v[0]) + 1 - std::exp(-std::exp(v[1])));
  expect_target("sinh(v[1]) + cosh(v[2]) + sinh(1e-9 * s)", std::sinh(v[0]) + std::cosh(v[1]) + std::sinh(1e-9 * s));
  expect_target("fdim(v[1], v[2]) + fdim(v[2], v[1]) + hypot(v[3], s)",
                std::fdim(v[0], v[1]) + std::fdim(v[1], v[0]) + std::hypot(v[2], s));
  expect_target("log_diff_exp(s + 1, s) + lchoose(s + 5, 2.5)",
                std::log(std::exp(s + 1) - std::exp(s)) + std::lgamma(s + 6) - std::lgamma(3.5) - std::lgamma(s + 3.5));
  const double p = 1 / (1 + std::exp(-v[1]));
  expect_target("binary_log_loss(1, inv_logit(v[2])) + 2 * binary_log_loss(0, inv_logit(v[2]))",
                -std::log(p) - 2 * std::log1p(-p));
  expect_target("s * (is_nan(not_a_number()) + is_inf(negative_infinity()) + is_inf(v[1]) + is_nan(v[1]))", s * 2);
}

TEST_CASE("functions: head, tail, block, sub_col, sub_row, diagonal, linspaced_vector, dims") {
  const double* v = u.data();
  const double s = std::exp(u[3]);
  expect_target("sum(head(v, 2)) + 10 * sum(tail(v', 1))", v[0] + v[1] + 10 * v[2]);
  // M[row][col] below is 0-based; the language's indices are 1-based.
  expect_target("sum(block(M, 2, 1, 2, 2)) * s", (M[1][0] + M[1][1] + M[2][0] + M[2][1]) * s);
  expect_target("dot_product(sub_col(M, 2, 3, 2), head(v, 2)) + dot_product(sub_row(M, 1, 2, 2), tail(v, 2))",
                M[1][2] * v[0] + M[2][2] * v[1] + M[0][1] * v[1] + M[0][2] * v[2]);
  expect_target("dot_product(diagonal(M), v)", M[0][0] * v[0] + M[1][1] * v[1] + M[2][2] * v[2]);
  // linspaced_vector(4, a, b): a, a + (b - a) / 3, ..., b.
  expect_target("dot_product(linspaced_vector(4, v[1], s), [1, 2, 3, 4]')",
                v[0] + 2 * (v[0] + (s - v[0]) / 3) + 3 * (v[0] + 2 * (s - v[0]) / 3) + 4 * s);
  expect_target("sum(dims(M)) * s + size(s)", 6 * s + 1);
}

TEST_CASE("functions: gp_exp_quad_cov of reals and of vectors") {
  const double* v = u.data();
  const double s = std::exp(u[3]);
  // K[i, j] = alpha^2 exp(-(x_i - x_j)^2 / (2 rho^2)), alpha = s, rho = v[1]; weighted by M.
  double weighted = 0, cross = 0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      double k = s * s * std::exp(-(x[i] - x[j]) * (x[i] - x[j]) / (2 * v[0] * v[0]));
      weighted += k * M[i][j];
      cross += s * s * std::exp(-(x[i] - v[j]) * (x[i] - v[j]) / (2 * v[0] * v[0]));
    }
  expect_target("sum(gp_exp_quad_cov(to_array_1d(x), s, v[1]) .* M)", weighted);
  expect_target("sum(cov_exp_quad(to_array_1d(x), to_array_1d(v), s, v[1]))", cross);
  // Points in the plane (array[N] vector[2]): the squared distance sums the coordinates.
  auto compiled = compile_text(R"(
data { array[3] vector[2] p; }
param { real<lower=0> alpha; real<lower=0> rho; }
model { target += sum(gp_exp_quad_cov(p, alpha, rho)); }
)",
                               R"({"p": [[0, 0], [1, 2], [-1, 0.5]]})", {.include_priors = true, .include_jacobian = false});
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  const double points[3][2] = {{0, 0}, {1, 2}, {-1, 0.5}};
  std::vector<double> point{0.3, -0.4};
  const double alpha = std::exp(0.3), rho = std::exp(-0.4);
  double total = 0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      double d2 = 0;
      for (int c = 0; c < 2; ++c) d2 += (points[i][c] - points[j][c]) * (points[i][c] - points[j][c]);
      total += alpha * alpha * std::exp(-d2 / (2 * rho * rho));
    }
  CHECK(compiled->evaluate(point) == doctest::Approx(total).epsilon(1e-13));
  expect_gradient_matches(*compiled, point);
}

TEST_CASE("functions: rows_ / columns_dot_product of 1-d values; diag_matrix and to_matrix inside a plate") {
  const double* v = u.data();
  // rows_dot_product of two vectors is the vector of products (the checker's type), not a sum.
  expect_target("rows_dot_product(v, x)[2] + columns_dot_product(v', x')[3]", v[1] * x[1] + v[2] * x[2]);
  auto compiled = compile_text(R"(
param { matrix[3, 2] P; }
model {
  for (i in 1:3) {
    target += diag_matrix(P[i]')[2, 2] * i + diag_matrix(P[i]')[1, 2];
    target += to_matrix(P[i])[1, 1] * 10 * i;
    target += to_matrix(P[i], 2, 1)[2, 1] * 100 * i;
  }
}
)",
                               "{}");
  REQUIRE_MESSAGE(compiled->model.has_value(), compiled->messages());
  std::vector<double> point = seeded_point(6, 9, 1.0);
  double expected = 0;  // P[i, c] = point[i + 3 c]
  for (int i = 0; i < 3; ++i) expected += (point[i + 3] + 10 * point[i] + 100 * point[i + 3]) * (i + 1);
  CHECK(compiled->evaluate(point) == doctest::Approx(expected).epsilon(1e-13));
  expect_gradient_matches(*compiled, point);
}
