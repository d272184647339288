// discrete_range(y | lower, upper): uniform on the ints {lower, ..., upper},
// log p = -log(upper - lower + 1) inside, -inf outside; lower > upper is invalid (NaN).
// Every argument is an int: no partials.
#include "stdlib/distributions/kernel_math.hpp"
#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {
namespace {

using namespace kernel_math;

void discrete_range_log_density(const ad::KernelCall& call, double* out, double* const*) {
  for (std::size_t j = 0; j < call.count; ++j) {
    const double y = call.args[0].data[j], lower = call.args[1].data[j], upper = call.args[2].data[j];
    const bool valid = is_integer(lower) && is_integer(upper) && lower <= upper;
    const bool inside = is_integer(y) && y >= lower && y <= upper;
    out[j] = valid ? (inside ? -std::log(upper - lower + 1.0) : -infinity) : not_a_number;
  }
}

void discrete_range_sample(const ad::KernelCall& parameters, random::Stream& stream, double* out) {
  sample_each<2>(parameters, stream, out, [](random::Stream& s, double lower, double upper) {
    if (!(is_integer(lower) && is_integer(upper) && lower <= upper)) return not_a_number;
    const double count = upper - lower + 1.0;
    return std::min(upper, lower + std::floor(s.uniform() * count));  // uniform() < 1; min guards rounding
  });
}

}  // namespace

extern const DistributionEntry discrete_range_distribution{
    .name = "discrete_range",
    .discrete = true,
    .arg_count = 3,
    .args = {{{"y", ArgKind::integer}, {"lower", ArgKind::integer}, {"upper", ArgKind::integer}}},
    .log_density = discrete_range_log_density,
    .sample = discrete_range_sample,
};

}  // namespace pm::stdlib::kernels
