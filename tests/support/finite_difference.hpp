// Central finite differences for checking analytic partial derivatives of scalar functions.
// (f(x + h) - f(x - h)) / 2h errs by h^2 f'''/6 (truncation) plus about eps |f| / h
// (rounding); h = 1e-6 * max(1, |x|) balances the two at roughly 1e-10 relative to the
// size of f and its derivatives, so comparisons at 1e-6 relative tolerance are safe.
#pragma once

#include <algorithm>
#include <cmath>

namespace pm::test {

template <class Function>
double central_difference(Function&& f, double x, double relative_step = 1e-6) {
  const double step = relative_step * std::max(1.0, std::abs(x));
  return (f(x + step) - f(x - step)) / (2.0 * step);
}

}  // namespace pm::test
