// L-BFGS (Nocedal & Wright ch. 7) on the negated objective, so that the textbook's
// minimization formulas apply unchanged: phi(alpha) = -f(x + alpha p).
#include "engine/infer/lbfgs.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>

namespace pm::infer {
namespace {

constexpr double kEpsilon = std::numeric_limits<double>::epsilon();
constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Wolfe constants of Nocedal & Wright (3.7) for quasi-Newton methods: c1 = 1e-4, c2 = 0.9.
constexpr double kSufficientDecrease = 1e-4;
constexpr double kCurvature = 0.9;
constexpr int kMaxLineSearchTrials = 60;

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

// A point of the minimization: value m = -f and its gradient; m = +inf where f (or its
// gradient) is not finite, so that every comparison treats it as "too far".
struct Point {
  std::vector<double> x;
  double value = kInfinity;
  std::vector<double> gradient;
  double alpha = 0;        // step length along the search direction
  double slope = 0;        // d value / d alpha = gradient . direction
  bool overflowed = false;  // f was +inf: the objective rose past the largest double
  bool finite() const { return std::isfinite(value); }
};

class Negated {
 public:
  explicit Negated(const Objective& objective) : objective_(objective) {}

  void evaluate(Point& point) {
    point.gradient.assign(point.x.size(), 0.0);
    double f = objective_(point.x, point.gradient);
    ++evaluations;
    bool finite = std::isfinite(f);
    for (double& g : point.gradient) {
      finite = finite && std::isfinite(g);
      g = -g;
    }
    point.value = finite ? -f : kInfinity;
    point.overflowed = f == kInfinity;
  }

  std::size_t evaluations = 0;

 private:
  const Objective& objective_;
};

// The minimizer of the cubic matching values and slopes at both ends (Nocedal & Wright
// (3.59)), safeguarded into the middle 80% of the interval; bisection when the cubic has no
// minimizer there or an end is not finite.
double interpolate(const Point& lo, const Point& hi) {
  double left = std::min(lo.alpha, hi.alpha), right = std::max(lo.alpha, hi.alpha);
  double width = right - left, middle = left + 0.5 * width;
  if (!lo.finite() || !hi.finite()) return middle;
  double d1 = lo.slope + hi.slope - 3 * (lo.value - hi.value) / (lo.alpha - hi.alpha);
  double discriminant = d1 * d1 - lo.slope * hi.slope;
  if (!(discriminant >= 0)) return middle;
  double d2 = std::copysign(std::sqrt(discriminant), hi.alpha - lo.alpha);
  double alpha = hi.alpha - (hi.alpha - lo.alpha) * (hi.slope + d2 - d1) / (hi.slope - lo.slope + 2 * d2);
  if (!std::isfinite(alpha) || alpha < left + 0.1 * width || alpha > right - 0.1 * width) return middle;
  return alpha;
}

class LineSearch {
 public:
  LineSearch(Negated& negated, const Point& start, const std::vector<double>& direction)
      : negated_(negated), start_(start), direction_(direction), slope0_(dot(start.gradient, direction)) {}

  // A step satisfying the strong Wolfe conditions, or (when the bracket shrinks to rounding
  // level) the best point with sufficient decrease; nullopt-like `found = false` otherwise.
  bool search(double alpha, Point& out) {
    Point lo = start_;
    lo.alpha = 0;
    lo.slope = slope0_;
    bool backtracked = false;
    for (int trial = 0; trial < kMaxLineSearchTrials; ++trial) {
      Point point = evaluate(alpha);
      if (!point.finite()) {  // outside the domain: backtrack toward the last finite point
        alpha = lo.alpha + 0.5 * (alpha - lo.alpha);
        backtracked = backtracked || !point.overflowed;  // NaN or -inf: an edge of the domain
        continue;
      }
      if (!sufficient_decrease(point) || (trial > 0 && point.value >= lo.value)) return zoom(lo, point, out);
      if (std::abs(point.slope) <= -kCurvature * slope0_) {
        out = std::move(point);
        return true;
      }
      if (point.slope >= 0) return zoom(point, lo, out);
      lo = std::move(point);
      alpha *= 2;  // still descending steeply: expand the bracket
    }
    // Every expansion still descended steeply: the objective has no minimum along this line.
    // Not so when trials went to backtracking from points where f is NaN or -inf (not +inf, an
    // overflow of the rise): the line meets an edge of the domain there (lscale -> 0 under an
    // inv_gamma prior), and the best finite point found (it decreased sufficiently) is taken.
    if (backtracked) {
      if (lo.alpha > 0) {
        out = std::move(lo);
        return true;
      }
      return false;
    }
    unbounded_ = lo.alpha > 0;
    return false;
  }

  bool unbounded() const { return unbounded_; }

 private:
  Point evaluate(double alpha) {
    Point point;
    point.alpha = alpha;
    point.x.resize(start_.x.size());
    for (std::size_t i = 0; i < point.x.size(); ++i) point.x[i] = start_.x[i] + alpha * direction_[i];
    negated_.evaluate(point);
    point.slope = point.finite() ? dot(point.gradient, direction_) : 0.0;
    return point;
  }

  bool sufficient_decrease(const Point& point) const {
    return point.value <= start_.value + kSufficientDecrease * point.alpha * slope0_;
  }

  // Nocedal & Wright Algorithm 3.6: lo has sufficient decrease and the lowest value so far;
  // the interval between lo and hi contains a strong-Wolfe step.
  bool zoom(Point lo, Point hi, Point& out) {
    for (int trial = 0; trial < kMaxLineSearchTrials; ++trial) {
      if (std::abs(hi.alpha - lo.alpha) <= 4 * kEpsilon * std::max(1.0, lo.alpha)) break;
      Point point = evaluate(interpolate(lo, hi));
      if (!point.finite() || !sufficient_decrease(point) || point.value >= lo.value) {
        hi = std::move(point);
        continue;
      }
      if (std::abs(point.slope) <= -kCurvature * slope0_) {
        out = std::move(point);
        return true;
      }
      if (point.slope * (hi.alpha - lo.alpha) >= 0) hi = lo;
      lo = std::move(point);
    }
    // The bracket collapsed at rounding level: accept lo if it moved at all (it decreases
    // the objective sufficiently), as the curvature condition cannot be resolved further.
    if (lo.alpha > 0 && lo.value < start_.value) {
      out = std::move(lo);
      return true;
    }
    return false;
  }

  Negated& negated_;
  bool unbounded_ = false;
  const Point& start_;
  const std::vector<double>& direction_;
  double slope0_;
};

struct Correction {
  std::vector<double> s, y;
  double rho;  // 1 / (y . s)
};

// H_k v by the two-loop recursion (Nocedal & Wright Algorithm 7.4), H_0 = gamma I with
// gamma = s'y / y'y of the newest pair (their (7.20)).
std::vector<double> apply_inverse_hessian(const std::deque<Correction>& history, const std::vector<double>& v) {
  std::vector<double> q = v;
  std::vector<double> a(history.size());
  for (std::size_t k = history.size(); k-- > 0;) {
    a[k] = history[k].rho * dot(history[k].s, q);
    for (std::size_t i = 0; i < q.size(); ++i) q[i] -= a[k] * history[k].y[i];
  }
  if (!history.empty()) {
    const Correction& newest = history.back();
    double gamma = 1.0 / (newest.rho * dot(newest.y, newest.y));
    for (double& value : q) value *= gamma;
  }
  for (std::size_t k = 0; k < history.size(); ++k) {
    double b = history[k].rho * dot(history[k].y, q);
    for (std::size_t i = 0; i < q.size(); ++i) q[i] += (a[k] - b) * history[k].s[i];
  }
  return q;
}

}  // namespace

const char* to_string(ConvergenceReason reason) {
  switch (reason) {
    case ConvergenceReason::AbsoluteObjective: return "absolute change in objective below tol_obj";
    case ConvergenceReason::RelativeObjective: return "relative change in objective below tol_rel_obj";
    case ConvergenceReason::GradientNorm: return "gradient norm below tol_grad";
    case ConvergenceReason::RelativeGradient: return "relative gradient magnitude below tol_rel_grad";
    case ConvergenceReason::ParameterChange: return "change in parameters below tol_param";
    case ConvergenceReason::MaxIterations: return "maximum iterations reached";
    case ConvergenceReason::LineSearchFailed: return "line search failed to find a better point";
    case ConvergenceReason::Unbounded: return "the objective increases without bound";
    case ConvergenceReason::NotFiniteAtStart: return "the objective is not finite at the start";
  }
  return "unknown";
}

LbfgsResult maximize_lbfgs(const Objective& objective, std::vector<double> start, const LbfgsOptions& options,
                           const IterationCallback& on_iteration) {
  Negated negated(objective);
  Point current;
  current.x = std::move(start);
  negated.evaluate(current);
  LbfgsResult result;
  if (!current.finite()) {
    result.x = std::move(current.x);
    result.value = std::numeric_limits<double>::quiet_NaN();
    result.gradient.assign(result.x.size(), std::numeric_limits<double>::quiet_NaN());
    result.evaluations = negated.evaluations;
    result.reason = ConvergenceReason::NotFiniteAtStart;
    return result;
  }

  std::deque<Correction> history;
  std::size_t iteration = 0;
  ConvergenceReason reason = ConvergenceReason::MaxIterations;
  std::vector<double> direction(current.x.size());
  double last_step_norm = 0;
  while (iteration < options.max_iterations) {
    Point next;
    bool found = false;
    // Quasi-Newton direction first; on failure (or a non-descent direction) forget the
    // curvature pairs and search along the negative gradient.
    if (!history.empty()) {
      direction = apply_inverse_hessian(history, current.gradient);
      for (double& d : direction) d = -d;
      if (dot(direction, current.gradient) < 0) found = LineSearch(negated, current, direction).search(1.0, next);
    }
    if (!found) {
      // The first step along the gradient: init_alpha at the start; on a restart, the length
      // of the last accepted step (Nocedal & Wright's (3.60) idea: expect the same change),
      // since init_alpha times a gradient that is small near an optimum would move by less
      // than f can resolve.
      double gradient_norm = std::sqrt(dot(current.gradient, current.gradient));
      double alpha = iteration == 0 || !(last_step_norm > 0) ? options.init_alpha : last_step_norm / gradient_norm;
      history.clear();
      for (std::size_t i = 0; i < direction.size(); ++i) direction[i] = -current.gradient[i];
      LineSearch along_gradient(negated, current, direction);
      found = along_gradient.search(alpha, next);
      if (!found && along_gradient.unbounded()) {
        reason = ConvergenceReason::Unbounded;
        break;
      }
    }
    if (!found) {
      reason = ConvergenceReason::LineSearchFailed;
      break;
    }
    ++iteration;
    Correction pair{std::vector<double>(direction.size()), std::vector<double>(direction.size()), 0};
    for (std::size_t i = 0; i < direction.size(); ++i) {
      pair.s[i] = next.x[i] - current.x[i];
      pair.y[i] = next.gradient[i] - current.gradient[i];
    }
    double sy = dot(pair.s, pair.y), yy = dot(pair.y, pair.y);
    double step_norm = std::sqrt(dot(pair.s, pair.s));
    last_step_norm = step_norm;
    double previous_value = current.value;
    current = std::move(next);
    if (on_iteration) on_iteration(iteration, -current.value);
    // Strong Wolfe makes s'y > 0; skip a pair whose curvature is lost to rounding.
    if (sy > kEpsilon * yy) {
      pair.rho = 1.0 / sy;
      history.push_back(std::move(pair));
      if (history.size() > options.history) history.pop_front();
    }

    double change = std::abs(previous_value - current.value);
    double scale = std::max({std::abs(previous_value), std::abs(current.value), 1.0});
    double gradient_norm = std::sqrt(dot(current.gradient, current.gradient));
    if (change < options.tol_obj) {
      reason = ConvergenceReason::AbsoluteObjective;
    } else if (change / scale < options.tol_rel_obj * kEpsilon) {
      reason = ConvergenceReason::RelativeObjective;
    } else if (gradient_norm < options.tol_grad) {
      reason = ConvergenceReason::GradientNorm;
    } else if (dot(current.gradient, apply_inverse_hessian(history, current.gradient)) /
                   std::max(std::abs(current.value), 1.0) <
               options.tol_rel_grad * kEpsilon) {
      reason = ConvergenceReason::RelativeGradient;
    } else if (step_norm < options.tol_param) {
      reason = ConvergenceReason::ParameterChange;
    } else {
      continue;
    }
    break;
  }
  result.x = std::move(current.x);
  result.value = -current.value;
  result.gradient = std::move(current.gradient);
  for (double& g : result.gradient) g = -g;
  result.iterations = iteration;
  result.evaluations = negated.evaluations;
  result.reason = reason;
  return result;
}

}  // namespace pm::infer
