// Eigen views of vector and matrix events (column-major K x K), for the multivariate kernels.
#pragma once

// GCC 12 false positive in avx512fintrin.h (bug 105593): see stdlib/transforms/eigen_dense.hpp.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <Eigen/Core>
#pragma GCC diagnostic pop
#include <Eigen/Cholesky>

namespace pm::stdlib::kernel_math {

using ConstVectorMap = Eigen::Map<const Eigen::VectorXd>;
using VectorMap = Eigen::Map<Eigen::VectorXd>;
using ConstMatrixMap = Eigen::Map<const Eigen::MatrixXd>;
using MatrixMap = Eigen::Map<Eigen::MatrixXd>;

}  // namespace pm::stdlib::kernel_math
