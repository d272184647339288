// The draw op: forward simulation inside an autodiff program (docs/simulation.md).
//
// forward() fills its output with fresh samples of a distribution's SampleKernel
// (kernel.hpp) given its parameter nodes, broadcast as the factor op broadcasts them: each
// parameter's first `event_rank` event dims form one event, its other dims are element dims,
// and the draw has one outcome per element of the broadcast of `elements` and every
// parameter's element dims. Randomness comes from a random::Stream the op holds by pointer:
// the caller owns it and may reseed it between passes (e.g. stream = base.split(draw_index),
// so a draw depends on its index only, never on scheduling).
//
// The output carries no gradient (requires_gradient false): simulation is outside the
// gradient, as Stan's generated quantities are.
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

#include "engine/ad/builder.hpp"

namespace pm::random {
class Stream;
}

namespace pm::ad {

// A declared support that cuts the distribution's (real<lower=0> sigma ~ normal(0, 1) is a
// half-normal): an outcome outside [lower, upper] is redrawn (rejection sampling, which
// draws exactly from the truncated distribution). After kMaxRedraws failures the element
// is NaN, so the caller can name the variable.
struct DrawBounds {
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
  static constexpr int kMaxRedraws = 10000;
};

// `elements`: element dims the outcome must have at least (the declared size of the
// variable drawn); `outcome_event`: the sizes of one outcome's event dims (empty for a
// univariate outcome; {K} for a vector, {K, K} for a matrix). A multivariate outcome's
// elements must be plate dims only; its output is (outcome event dims..., plates...), so
// each outcome is contiguous, as the kernel writes it. `append_outcome_size`: the kernel
// cannot infer the outcome's size from its parameters (lkj_corr_cholesky), so one
// KernelArg{nullptr, outcome size} follows them (registry.hpp).
// Throws std::invalid_argument when shapes do not broadcast.
Node draw(SampleKernel sample, const std::vector<FactorArgument>& parameters, const Shape& elements,
          const std::vector<std::size_t>& outcome_event, random::Stream* stream, DrawBounds bounds = {},
          bool append_outcome_size = false);

}  // namespace pm::ad
