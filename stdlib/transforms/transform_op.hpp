// A constraining transform (transform.hpp) as one autodiff op: the compiler maps a param's
// slot of unconstrained coordinates to its constrained value and its log|det J| through it.
//
//   Constrained c = constrain(u, transform, {lower_bounds, upper_bounds}, Shape::vector(K));
//   c.value         the constrained value, in `constrained_shape` (column-major, transform.hpp)
//   c.log_jacobian  a scalar: the sum over every copy of log|det J|
//
// Forward calls Transform::constrain; backward calls Transform::constrain_vjp with the
// adjoints of both outputs (an output nobody reads has adjoint 0, so a density without the
// Jacobian costs nothing extra in the gradient). The bounds are copied into the op.
#pragma once

#include <vector>

#include "engine/ad/program.hpp"
#include "stdlib/transforms/transform.hpp"

namespace pm::transforms {

// Bounds owned by the op, with transform.hpp's conventions (empty: none; size 1, event size
// or total size).
struct OwnedBounds {
  std::vector<double> lower;
  std::vector<double> upper;
};

struct Constrained {
  ad::Node value;
  ad::Node log_jacobian;
};

// `unconstrained` must hold transform.free_size() elements (any shape), and
// constrained_shape transform.constrained_size() elements. Throws std::invalid_argument on
// a size mismatch or bounds the transform rejects (bounds_valid).
Constrained constrain(ad::Node unconstrained, const Transform& transform, OwnedBounds bounds,
                      const tensor::Shape& constrained_shape);

}  // namespace pm::transforms
