// The per-event kernels behind Transform (internal to stdlib/transforms): one family per
// file. Each kernel works on one event (one simplex, one Cholesky factor); the elementwise
// bounded kernels work on n scalars at once. Transform (transform.cpp) loops over copies.
//
// Every *_unconstrain may assume the matching *_in_support holds; it returns false when a
// free coordinate would be infinite (x on the boundary), and may have written part of u.
#pragma once

#include <cstddef>

#include "stdlib/transforms/transform.hpp"

namespace pm::transforms::detail {

// bounded.cpp: identity, lower, upper, lower_upper; element i of the call is element
// `offset + i` of the whole variable, for indexing the bounds.
double bounded_constrain(const double* u, double* x, std::size_t n, std::size_t offset, const Bounds& bounds);
void bounded_constrain_vjp(const double* u, const double* x, const double* adjoint_x, double adjoint_log_jacobian,
                           double* adjoint_u, std::size_t n, std::size_t offset, const Bounds& bounds);
bool bounded_unconstrain(const double* x, double* u, std::size_t n, std::size_t offset, const Bounds& bounds);
bool bounded_in_support(const double* x, std::size_t n, std::size_t offset, const Bounds& bounds);

// simplex.cpp: simplex[K], K - 1 free values.
double simplex_constrain(const double* u, double* x, std::size_t K);
void simplex_constrain_vjp(const double* u, const double* x, const double* adjoint_x, double adjoint_log_jacobian,
                           double* adjoint_u, std::size_t K);
bool simplex_unconstrain(const double* x, double* u, std::size_t K);
bool simplex_in_support(const double* x, std::size_t K);

// ordered.cpp: ordered[K] (positive = false) and positive_ordered[K] (positive = true).
double ordered_constrain(const double* u, double* x, std::size_t K, bool positive);
void ordered_constrain_vjp(const double* u, const double* x, const double* adjoint_x, double adjoint_log_jacobian,
                           double* adjoint_u, std::size_t K, bool positive);
bool ordered_unconstrain(const double* x, double* u, std::size_t K, bool positive);
bool ordered_in_support(const double* x, std::size_t K, bool positive);

// cholesky_corr.cpp: cholesky_factor_corr[K] and corr_matrix[K], K(K-1)/2 free values.
double cholesky_corr_constrain(const double* u, double* x, std::size_t K);
void cholesky_corr_constrain_vjp(const double* u, const double* x, const double* adjoint_x,
                                 double adjoint_log_jacobian, double* adjoint_u, std::size_t K);
bool cholesky_corr_unconstrain(const double* x, double* u, std::size_t K);
bool cholesky_corr_in_support(const double* x, std::size_t K);

double corr_matrix_constrain(const double* u, double* x, std::size_t K);
void corr_matrix_constrain_vjp(const double* u, const double* x, const double* adjoint_x, double adjoint_log_jacobian,
                               double* adjoint_u, std::size_t K);
bool corr_matrix_unconstrain(const double* x, double* u, std::size_t K);
bool corr_matrix_in_support(const double* x, std::size_t K);

// cholesky_cov.cpp: cholesky_factor_cov[M, N] (N(N+1)/2 + (M-N)N free values) and
// cov_matrix[K] (K + K(K-1)/2 free values).
double cholesky_cov_constrain(const double* u, double* x, std::size_t M, std::size_t N);
void cholesky_cov_constrain_vjp(const double* u, const double* x, const double* adjoint_x,
                                double adjoint_log_jacobian, double* adjoint_u, std::size_t M, std::size_t N);
bool cholesky_cov_unconstrain(const double* x, double* u, std::size_t M, std::size_t N);
bool cholesky_cov_in_support(const double* x, std::size_t M, std::size_t N);

double cov_matrix_constrain(const double* u, double* x, std::size_t K);
void cov_matrix_constrain_vjp(const double* u, const double* x, const double* adjoint_x, double adjoint_log_jacobian,
                              double* adjoint_u, std::size_t K);
bool cov_matrix_unconstrain(const double* x, double* u, std::size_t K);
bool cov_matrix_in_support(const double* x, std::size_t K);

}  // namespace pm::transforms::detail
