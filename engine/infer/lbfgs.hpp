// L-BFGS maximization with a strong-Wolfe line search (Nocedal & Wright, "Numerical
// Optimization", 2nd ed.: the two-loop recursion, Algorithm 7.4; the bracketing line search
// and its zoom, Algorithms 3.5 and 3.6), and CmdStan's optimize convergence tests.
//
//   infer::LbfgsOptions options;                       // CmdStan's defaults
//   auto result = infer::maximize_lbfgs(objective, start, options, {});
//   // result.x, result.value, result.reason (to_string: "relative change in objective")
//
// The objective returns f(x) and writes its gradient; it may return a non-finite value (or
// gradient) at a point outside where the model is defined: the line search then shrinks the
// step toward the last finite point (backtracking), never accepting a non-finite point.
// A start where f or its gradient is not finite returns at once with reason NotFiniteAtStart
// (callers draw finite starts: initialize.hpp).
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

namespace pm::infer {

// Why the iterations stopped. The first five are convergence (CmdStan's optimize tests);
// the others are not.
enum class ConvergenceReason {
  AbsoluteObjective,   // |f_k - f_{k-1}| < tol_obj
  RelativeObjective,   // |f_k - f_{k-1}| / max(|f_k|, |f_{k-1}|, 1) < tol_rel_obj * eps
  GradientNorm,        // ||g_k|| < tol_grad
  RelativeGradient,    // g_k' H_k^{-1} g_k / max(|f_k|, 1) < tol_rel_grad * eps
  ParameterChange,     // ||x_k - x_{k-1}|| < tol_param
  MaxIterations,       // the iteration limit was reached first
  LineSearchFailed,    // no step satisfied the Wolfe conditions, even along the gradient
  Unbounded,           // along the gradient f kept rising over every doubling of the step (2^60):
                       // it has no maximum there (an improper density, a likelihood without a bound)
  NotFiniteAtStart,    // f or its gradient was not finite at the start: nothing was done
};
// "absolute change in objective", ..., "maximum iterations reached", "line search failed".
const char* to_string(ConvergenceReason reason);
inline bool is_converged(ConvergenceReason reason) {
  return reason != ConvergenceReason::MaxIterations && reason != ConvergenceReason::LineSearchFailed &&
         reason != ConvergenceReason::Unbounded && reason != ConvergenceReason::NotFiniteAtStart;
}

// Defaults are CmdStan's (cmdstan optimize lbfgs), except the iteration limit (CLI.md).
struct LbfgsOptions {
  std::size_t history = 5;
  std::size_t max_iterations = 10000;
  double tol_obj = 1e-12;
  double tol_rel_obj = 1e4;   // multiplied by machine epsilon
  double tol_grad = 1e-8;
  double tol_rel_grad = 1e7;  // multiplied by machine epsilon
  double tol_param = 1e-8;
  double init_alpha = 1e-3;   // first step length (along the gradient): CmdStan's init_alpha
};

// f(x); writes df/dx into gradient (same size as x).
using Objective = std::function<double(std::span<const double> x, std::span<double> gradient)>;
// Called once per accepted iteration: (iteration, f at the new point).
using IterationCallback = std::function<void(std::size_t iteration, double value)>;

struct LbfgsResult {
  std::vector<double> x;
  double value = 0;  // f(x)
  std::vector<double> gradient;
  std::size_t iterations = 0;
  std::size_t evaluations = 0;  // objective calls, the start's included
  ConvergenceReason reason = ConvergenceReason::MaxIterations;
};

// Maximizes f from `start`.
LbfgsResult maximize_lbfgs(const Objective& objective, std::vector<double> start, const LbfgsOptions& options,
                           const IterationCallback& on_iteration);

}  // namespace pm::infer
