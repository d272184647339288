// The interface between the autodiff layer and the stdlib's distribution kernels.
//
// A kernel evaluates a log density element by element over `count` independent elements,
// each argument laid out contiguously, and optionally the partial derivative of each
// element's log density with respect to each real argument. The autodiff op that calls a
// kernel (the "factor" op) takes care of broadcasting by dimension identity, of blocking
// (calls are made on blocks small enough to stay in cache), of multiplying partials by the
// upstream adjoint and of reducing them onto broadcast arguments. Kernels therefore stay
// short Eigen array expressions, one distribution per file (STYLE.md).
//
// Conventions (the contract every kernel keeps):
// - args[0] is the outcome, args[1..] the parameters in Stan's order. Int values (outcomes of
//   discrete distributions, trial counts) are stored as doubles, exact up to 2^53.
// - An argument with event_size == 1 (a scalar per element) is never broadcast: the caller
//   passes `count` contiguous values. An argument with event_size > 1 (a simplex, a mean
//   vector, a Cholesky factor) is `count` events of `event_size` doubles each, event-major
//   (element e of event j at data[j * event_size + e]), or, when `broadcast` is set, one
//   event shared by every element.
// - out[j] is the normalized log density (all constants included). Outcome outside the
//   support: -infinity. Invalid parameters (sigma <= 0, a probability outside [0, 1], ...):
//   NaN, so that the engine can report the statement. Kernels never throw and never
//   allocate on the heap for univariate distributions (the hot path).
// - partials[a] is null when that partial is not wanted (data, ints, constants); otherwise
//   it points at count * event_size(a) doubles that the kernel OVERWRITES with
//   d out[j] / d args[a][j, e] -- per element even when args[a] is broadcast (the caller sums).
// - Optional shortcut for a broadcast scalar (KernelArg::uniform: its `count` values are all
//   equal): when call.summed_partials is non-null, a kernel MAY write the block's sum
//   sum_j d out[j] / d args[a][j] to partials[a][0] instead of the per-element values, and
//   then sets call.summed_partials[a] = true (the caller initializes every flag to false, so
//   a kernel that ignores the shortcut keeps the per-element contract). Only when args[a] is
//   uniform, and only when no out[j] is -infinity (zero_partials_outside_support must be able
//   to zero an element's partials). Saves the per-element partial array and the caller's pass
//   summing it: the scalar parameters of `y ~ normal(mu, sigma)` over N data.
#pragma once

#include <cstddef>

namespace pm::random {
class Stream;
}

namespace pm::ad {

struct KernelArg {
  const double* data = nullptr;
  std::size_t event_size = 1;
  bool broadcast = false;  // only when event_size > 1: one event for every element
  // Only when event_size == 1: every one of the `count` values equals data[0] (a scalar
  // broadcast over the elements). A hint: data still holds `count` values.
  bool uniform = false;
};

struct KernelCall {
  std::size_t count = 0;            // number of elements j
  const KernelArg* args = nullptr;  // outcome first, then parameters
  std::size_t arg_count = 0;
  // Null, or arg_count flags, all false on entry: see the summed-partials shortcut above.
  bool* summed_partials = nullptr;
};

// Writes out[0..count) and, for each non-null partials[a], its partial derivatives.
using LogDensityKernel = void (*)(const KernelCall& call, double* out, double* const* partials);

// Draws `count` outcomes given the parameters (call.args are the parameters only, laid out
// as above) into out (count * outcome event size doubles).
using SampleKernel = void (*)(const KernelCall& parameters, random::Stream& stream, double* out);

}  // namespace pm::ad
