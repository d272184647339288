// cholesky_factor_corr, corr_matrix, cholesky_factor_cov and cov_matrix transforms.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "transforms_checks.hpp"

namespace pm::transforms::test {
namespace {

using ConstMatrixMap = Eigen::Map<const Eigen::MatrixXd>;

Case matrix_case(TransformKind kind, std::size_t rows, std::size_t cols, std::size_t count = 1) {
  return Case{Transform{kind, rows, cols, count}, {}, {}};
}

bool is_lower_triangular(const ConstMatrixMap& L) {
  for (Eigen::Index j = 0; j < L.cols(); ++j)
    for (Eigen::Index i = 0; i < j && i < L.rows(); ++i)
      if (L(i, j) != 0.0) return false;
  return true;
}

}  // namespace

TEST_CASE("transforms: cholesky_factor_corr inverts, and matches finite-difference Jacobians and gradients") {
  check_transform(matrix_case(TransformKind::cholesky_factor_corr, 1, 1), 41);
  check_transform(matrix_case(TransformKind::cholesky_factor_corr, 2, 2), 42);
  check_transform(matrix_case(TransformKind::cholesky_factor_corr, 3, 3), 43);
  check_transform(matrix_case(TransformKind::cholesky_factor_corr, 5, 5), 44);
  check_transform(matrix_case(TransformKind::cholesky_factor_corr, 3, 3, 2), 45);
}

TEST_CASE("transforms: corr_matrix inverts, and matches finite-difference Jacobians and gradients") {
  check_transform(matrix_case(TransformKind::corr_matrix, 2, 2), 51);
  check_transform(matrix_case(TransformKind::corr_matrix, 3, 3), 52);
  check_transform(matrix_case(TransformKind::corr_matrix, 5, 5), 53);
  check_transform(matrix_case(TransformKind::corr_matrix, 3, 3, 2), 54);
}

TEST_CASE("transforms: cholesky_factor_cov and cov_matrix invert, and match finite differences") {
  check_transform(matrix_case(TransformKind::cholesky_factor_cov, 3, 3), 61);
  check_transform(matrix_case(TransformKind::cholesky_factor_cov, 4, 2), 62);
  check_transform(matrix_case(TransformKind::cholesky_factor_cov, 3, 1, 2), 63);
  check_transform(matrix_case(TransformKind::cov_matrix, 1, 1), 64);
  check_transform(matrix_case(TransformKind::cov_matrix, 3, 3), 65);
  check_transform(matrix_case(TransformKind::cov_matrix, 4, 4), 66);
  check_transform(matrix_case(TransformKind::cov_matrix, 2, 2, 3), 67);
}

TEST_CASE("transforms: matrix outputs lie in their supports") {
  std::mt19937_64 rng(71);
  for (int p = 0; p < 5; ++p) {
    const std::size_t K = 5;
    const Case chol = matrix_case(TransformKind::cholesky_factor_corr, K, K);
    const Constrained L = run(chol, normal_draws(rng, chol.transform.free_size(), 2.0));
    const ConstMatrixMap l(L.x.data(), K, K);
    CHECK(is_lower_triangular(l));
    for (std::size_t i = 0; i < K; ++i) {
      CHECK(l(i, i) > 0.0);
      CHECK(l.row(i).squaredNorm() == doctest::Approx(1.0).epsilon(1e-14));
    }

    const Case corr = matrix_case(TransformKind::corr_matrix, K, K);
    const Constrained omega = run(corr, normal_draws(rng, corr.transform.free_size(), 2.0));
    const ConstMatrixMap o(omega.x.data(), K, K);
    CHECK(o == o.transpose());
    for (std::size_t i = 0; i < K; ++i) CHECK(o(i, i) == 1.0);
    CHECK(Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(o).eigenvalues().minCoeff() > 0.0);
    CHECK(o.cwiseAbs().maxCoeff() <= 1.0);

    const Case cov = matrix_case(TransformKind::cov_matrix, K, K);
    const Constrained sigma = run(cov, normal_draws(rng, cov.transform.free_size(), 1.0));
    const ConstMatrixMap s(sigma.x.data(), K, K);
    CHECK(s == s.transpose());
    CHECK(Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(s).eigenvalues().minCoeff() > 0.0);

    const Case factor = matrix_case(TransformKind::cholesky_factor_cov, 5, 3);
    const Constrained f = run(factor, normal_draws(rng, factor.transform.free_size(), 1.0));
    const ConstMatrixMap fm(f.x.data(), 5, 3);
    CHECK(is_lower_triangular(fm));
    for (std::size_t i = 0; i < 3; ++i) CHECK(fm(i, i) > 0.0);
  }
}

TEST_CASE("transforms: u = 0 gives the identity correlation matrix") {
  const Case corr = matrix_case(TransformKind::corr_matrix, 4, 4);
  const Constrained omega = run(corr, std::vector<double>(6, 0.0));
  CHECK(ConstMatrixMap(omega.x.data(), 4, 4) == Eigen::MatrixXd::Identity(4, 4));
}

TEST_CASE("transforms: Cholesky transforms at u = +-800 give no NaN") {
  for (TransformKind kind : {TransformKind::cholesky_factor_corr, TransformKind::corr_matrix,
                             TransformKind::cholesky_factor_cov, TransformKind::cov_matrix}) {
    const Case c = matrix_case(kind, 4, 4);
    std::vector<double> u(c.transform.free_size());
    for (std::size_t i = 0; i < u.size(); ++i) u[i] = i % 2 == 0 ? 800.0 : -800.0;
    const Constrained y = run(c, u);
    CHECK_FALSE(has_nan(y.x));
    CHECK_FALSE(std::isnan(y.log_jacobian));
    if (kind == TransformKind::cholesky_factor_corr || kind == TransformKind::corr_matrix) {
      CHECK(std::isfinite(y.log_jacobian));
      std::vector<double> adjoint(16, 0.5), adjoint_u(u.size(), 0.0);
      c.transform.constrain_vjp(u.data(), y.x.data(), adjoint.data(), 1.0, adjoint_u.data(), c.bounds());
      CHECK_FALSE(has_nan(adjoint_u));
    }
  }
  // Rows of the correlation factor keep unit norm at the extremes.
  const Case chol = matrix_case(TransformKind::cholesky_factor_corr, 3, 3);
  const Constrained L = run(chol, {-800.0, 800.0, -800.0});
  for (int i = 0; i < 3; ++i) CHECK(ConstMatrixMap(L.x.data(), 3, 3).row(i).squaredNorm() == doctest::Approx(1.0).epsilon(1e-15));
}

TEST_CASE("transforms: Cholesky unconstrain rejects points outside the support") {
  const Case chol = matrix_case(TransformKind::cholesky_factor_corr, 2, 2);
  std::vector<double> u{3.0};
  // Column-major 2 x 2: {L00, L10, L01, L11}.
  for (const std::vector<double>& x : {std::vector<double>{1.0, 0.6, 0.0, 0.9},   // row 1 norm 1.17
                                       std::vector<double>{1.0, 0.6, 0.1, 0.8},   // not lower triangular
                                       std::vector<double>{1.0, 0.6, 0.0, -0.8},  // negative diagonal
                                       std::vector<double>{1.0, 1.0, 0.0, 0.0}}) {  // zero diagonal
    CHECK_FALSE(chol.transform.unconstrain(x.data(), u.data(), chol.bounds()));
  }
  CHECK(u == std::vector<double>{3.0});
  const std::vector<double> valid{1.0, 0.6, 0.0, 0.8};
  REQUIRE(chol.transform.unconstrain(valid.data(), u.data(), chol.bounds()));
  CHECK(u[0] == doctest::Approx(std::atanh(0.6)).epsilon(1e-14));

  const Case corr = matrix_case(TransformKind::corr_matrix, 2, 2);
  for (const std::vector<double>& x : {std::vector<double>{1.0, 0.5, 0.4, 1.0},    // not symmetric
                                       std::vector<double>{1.1, 0.5, 0.5, 1.0},    // diagonal not 1
                                       std::vector<double>{1.0, 1.0, 1.0, 1.0},    // singular
                                       std::vector<double>{1.0, 1.5, 1.5, 1.0}}) {  // not positive definite
    CHECK_FALSE(corr.transform.unconstrain(x.data(), u.data(), corr.bounds()));
  }
  // Asymmetry within kConstraintTolerance is accepted.
  const std::vector<double> nearly{1.0, 0.5, 0.5 + 1e-10, 1.0};
  CHECK(corr.transform.unconstrain(nearly.data(), u.data(), corr.bounds()));

  const Case cov = matrix_case(TransformKind::cov_matrix, 2, 2);
  std::vector<double> v(3, 2.0);
  for (const std::vector<double>& x : {std::vector<double>{1.0, 0.5, 0.4, 1.0}, std::vector<double>{1.0, 2.0, 2.0, 1.0},
                                       std::vector<double>{-1.0, 0.0, 0.0, 1.0}, std::vector<double>{1.0, 0.0, 0.0, std::nan("")}}) {
    CHECK_FALSE(cov.transform.unconstrain(x.data(), v.data(), cov.bounds()));
  }
  CHECK(v == std::vector<double>(3, 2.0));

  const Case factor = matrix_case(TransformKind::cholesky_factor_cov, 3, 2);
  // Column-major 3 x 2: {L00, L10, L20, L01, L11, L21}.
  const std::vector<double> upper_nonzero{1.0, 0.5, 0.5, 0.1, 1.0, 0.5};
  const std::vector<double> zero_diagonal{1.0, 0.5, 0.5, 0.0, 0.0, 0.5};
  std::vector<double> w(5, 0.0);
  CHECK_FALSE(factor.transform.unconstrain(upper_nonzero.data(), w.data(), factor.bounds()));
  CHECK_FALSE(factor.transform.unconstrain(zero_diagonal.data(), w.data(), factor.bounds()));
}

TEST_CASE("transforms: make_transform sizes from declared types") {
  auto make = [](DeclaredBase base, std::vector<std::size_t> sizes, bool lower = false, bool upper = false,
                 std::size_t count = 1) { return make_transform(base, sizes, lower, upper, count); };
  REQUIRE(make(DeclaredBase::real, {}, true, false));
  CHECK(make(DeclaredBase::real, {}, true, false)->kind == TransformKind::lower);
  CHECK(make(DeclaredBase::vector, {4}, true, true, 3)->kind == TransformKind::lower_upper);
  CHECK(make(DeclaredBase::vector, {4}, true, true, 3)->free_size() == 12);
  CHECK(make(DeclaredBase::matrix, {2, 3})->kind == TransformKind::identity);
  CHECK(make(DeclaredBase::matrix, {2, 3})->constrained_size() == 6);
  CHECK(make(DeclaredBase::row_vector, {5}, false, true)->kind == TransformKind::upper);
  CHECK(make(DeclaredBase::simplex, {4}, false, false, 2)->free_size() == 6);
  CHECK(make(DeclaredBase::simplex, {4}, false, false, 2)->constrained_size() == 8);
  CHECK(make(DeclaredBase::ordered, {3})->free_size() == 3);
  CHECK(make(DeclaredBase::cholesky_factor_corr, {4})->free_size() == 6);
  CHECK(make(DeclaredBase::cholesky_factor_corr, {4})->constrained_size() == 16);
  CHECK(make(DeclaredBase::corr_matrix, {3})->free_size() == 3);
  CHECK(make(DeclaredBase::cov_matrix, {3})->free_size() == 6);
  CHECK(make(DeclaredBase::cholesky_factor_cov, {4, 2})->free_size() == 3 + 4);
  CHECK(make(DeclaredBase::cholesky_factor_cov, {3})->free_size() == 6);
  CHECK_FALSE(make(DeclaredBase::cholesky_factor_cov, {2, 3}));
  CHECK_FALSE(make(DeclaredBase::simplex, {3}, true, false));
  CHECK_FALSE(make(DeclaredBase::simplex, {0}));
  CHECK_FALSE(make(DeclaredBase::vector, {}));
  CHECK_FALSE(make(DeclaredBase::matrix, {3}));
  CHECK(declared_base_from_name("cov_matrix") == DeclaredBase::cov_matrix);
  CHECK_FALSE(declared_base_from_name("tensor"));
  CHECK(transform_kind_name(TransformKind::positive_ordered) == "positive_ordered");
}

}  // namespace pm::transforms::test
