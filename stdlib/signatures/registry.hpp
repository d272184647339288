// The builder the registration files (functions.cpp, distributions.cpp) write into; the table
// (table.cpp) owns one, filled once on first use.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "stdlib/signatures/signature.hpp"

namespace pm::stdlib {

struct DistributionTraits {
  bool reparameterizable = false;
  bool has_cdf = false;
};

class Registry {
 public:
  // One overload, in the notation of signature.hpp.
  void fn(std::string_view name, std::string_view signature);
  // An elementwise real function of one argument: int/real -> real, containers -> same shape.
  void unary(std::string_view name);
  // An elementwise function of two reals, vectorized over containers (pow, fmin, hypot, ...).
  void binary(std::string_view name);
  // "outcome | parameters"; the draw type is inferred from the outcome and parameters unless
  // given after "->".
  void dist(std::string_view name, std::string_view signature, Support support,
            DistributionTraits traits = {});

  std::map<std::string, std::vector<FunctionSignature>, std::less<>> functions;
  std::map<std::string, DistributionSignature, std::less<>> distributions;
};

void register_functions(Registry& registry);
void register_distributions(Registry& registry);

}  // namespace pm::stdlib
