// The engine half of the distribution table: each distribution's kernels and the shapes of
// its arguments. The engine-free half (argument types, supports, for the checker) is
// stdlib/signatures, whose pm::stdlib::find_distribution returns the signature; this one,
// pm::stdlib::kernels::find_distribution, returns the kernels. Adding a distribution is one
// new file in this folder that defines `const DistributionEntry NAME_distribution` in this
// namespace, plus one line in distribution_list.hpp. docs/distributions.md lists them all.
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "engine/ad/kernel.hpp"

namespace pm::stdlib::kernels {

// How an argument's event size follows from the distribution's dimension K (the length of
// the outcome vector, or of a simplex parameter).
enum class ArgShape {
  scalar,         // event_size 1
  vector,         // event_size K
  square_matrix,  // event_size K * K, column-major (element (r, c) at r + c * K), as Eigen
};

enum class ArgKind { real, integer };

struct ArgSpec {
  std::string_view name;
  ArgKind kind = ArgKind::real;
  ArgShape shape = ArgShape::scalar;
};

inline std::size_t event_size(ArgShape shape, std::size_t dimension) {
  switch (shape) {
    case ArgShape::scalar: return 1;
    case ArgShape::vector: return dimension;
    case ArgShape::square_matrix: return dimension * dimension;
  }
  return 1;
}

inline constexpr std::size_t max_distribution_args = 5;

struct DistributionEntry {
  std::string_view name;
  bool discrete = false;
  std::size_t arg_count = 0;  // outcome included
  std::array<ArgSpec, max_distribution_args> args{};  // args[0] is the outcome
  ad::LogDensityKernel log_density = nullptr;
  // Parameters only (args[1..]). When the outcome's size does not follow from the
  // parameters (lkj_corr_cholesky), the caller appends one KernelArg with data == nullptr
  // and event_size == the outcome's event size.
  ad::SampleKernel sample = nullptr;
  // log P(Y <= y) and log P(Y > y), same layout as log_density; null where not provided.
  ad::LogDensityKernel log_cdf = nullptr;
  ad::LogDensityKernel log_ccdf = nullptr;

  [[nodiscard]] std::span<const ArgSpec> arguments() const { return {args.data(), arg_count}; }
};

// nullptr when no distribution has that name (Stan's names: "normal", "bernoulli_logit").
const DistributionEntry* find_distribution(std::string_view name);
// Every registered distribution, in registration order.
std::span<const DistributionEntry* const> all_distributions();

}  // namespace pm::stdlib::kernels
