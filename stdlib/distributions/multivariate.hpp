// Eigen views of vector and matrix events (column-major K x K), for the multivariate kernels.
#pragma once

#include <Eigen/Core>
#include <Eigen/Cholesky>

namespace pm::stdlib::kernel_math {

using ConstVectorMap = Eigen::Map<const Eigen::VectorXd>;
using VectorMap = Eigen::Map<Eigen::VectorXd>;
using ConstMatrixMap = Eigen::Map<const Eigen::MatrixXd>;
using MatrixMap = Eigen::Map<Eigen::MatrixXd>;

}  // namespace pm::stdlib::kernel_math
