#include "stdlib/distributions/registry.hpp"

namespace pm::stdlib::kernels {

#define PM_DISTRIBUTION(name) extern const DistributionEntry name##_distribution;
#include "stdlib/distributions/distribution_list.hpp"
#undef PM_DISTRIBUTION

namespace {

constexpr const DistributionEntry* registered[] = {
#define PM_DISTRIBUTION(name) &name##_distribution,
#include "stdlib/distributions/distribution_list.hpp"
#undef PM_DISTRIBUTION
};

}  // namespace

const DistributionEntry* find_distribution(std::string_view name) {
  for (const DistributionEntry* entry : registered)
    if (entry->name == name) return entry;
  return nullptr;
}

std::span<const DistributionEntry* const> all_distributions() { return registered; }

}  // namespace pm::stdlib::kernels
