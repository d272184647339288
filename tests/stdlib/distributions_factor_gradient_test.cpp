// Every registered distribution's log density, differentiated through the autodiff factor
// op (ad::log_density) and checked against finite differences by the shared checker
// (support/expect_gradient.hpp), with respect to every real argument (the outcome too for
// continuous distributions; ints and discrete outcomes are constants).
//
// Layouts: single elements (or single events); four elements per argument; the outcome
// vectorized against shared parameters (scalars, or one shared event for the multivariate
// distributions: the kernels' `broadcast` path) and the reverse; each both summed inside the
// op and per element (summed_dims empty, so every element's partials are checked through the
// checker's distinct output weights).
//
// Points: three per layout, free coordinates uniform in (-1, 1) from a seeded generator,
// mapped into the support by factor_gradient_points.hpp. Tolerance: the checker's default
// (1e-6 relative); no distribution needs more.
#include <cmath>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "engine/ad/builder.hpp"
#include "factor_gradient_points.hpp"
#include "stdlib/distributions/registry.hpp"
#include "support/expect_gradient.hpp"

namespace pm::testing {
namespace {

using ad::Node;
using ad::Program;
using factor_points::Recipe;
using stdlib::kernels::ArgKind;
using stdlib::kernels::DistributionEntry;

constexpr std::size_t elements = 4;

struct Layout {
  const char* description;
  std::size_t outcome_elements;    // 0: one element (no plate dim)
  std::size_t parameter_elements;  // 0: shared by every outcome element
  bool summed;                     // sum over plate(0) inside the op, or keep per element
};

const std::vector<Layout> layouts{
    {"one element", 0, 0, false},
    {"vectorized, summed", elements, elements, true},
    {"vectorized, per element", elements, elements, false},
    {"vector outcome, shared parameters, summed", elements, 0, true},
    {"vector outcome, shared parameters, per element", elements, 0, false},
    {"one outcome, vectorized parameters, per element", 0, elements, false},
};

const Recipe* recipe_for(std::string_view name) {
  auto found = factor_points::recipes().find(name);
  return found == factor_points::recipes().end() ? nullptr : &found->second;
}

// Declares every parameter slot first (Program requires it), then builds the arguments
// and the factor.
Node build_factor(Program& program, const DistributionEntry& entry, const Recipe& recipe, const Layout& layout) {
  std::vector<std::vector<Node>> slots(recipe.size());
  auto element_count = [&](std::size_t a) { return a == 0 ? layout.outcome_elements : layout.parameter_elements; };
  for (std::size_t a = 0; a < recipe.size(); ++a)
    for (const auto& slot_events : recipe[a].slot_event_sizes)
      slots[a].push_back(program.parameter(factor_points::shape_of(slot_events, element_count(a))));
  std::vector<ad::FactorArgument> arguments;
  for (std::size_t a = 0; a < recipe.size(); ++a) {
    const tensor::Shape shape = factor_points::shape_of(recipe[a].event_sizes, element_count(a));
    Node value = recipe[a].build(program, slots[a], shape);
    REQUIRE_MESSAGE(value.shape() == shape, "argument " << a << " built as " << value.shape().to_string());
    arguments.push_back({value, static_cast<int>(recipe[a].event_sizes.size())});
  }
  const bool has_plate = layout.outcome_elements > 0 || layout.parameter_elements > 0;
  tensor::DimSet summed;
  if (layout.summed && has_plate) summed.push_back(tensor::plate(0));
  return ad::log_density(entry.log_density, arguments, summed);
}

std::vector<std::vector<double>> free_points(std::size_t coordinates, std::size_t count, unsigned seed) {
  std::mt19937_64 engine(seed);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  std::vector<std::vector<double>> points(count, std::vector<double>(coordinates));
  for (auto& point : points)
    for (double& x : point) x = uniform(engine);
  return points;
}

TEST_CASE("factor gradient: every registered distribution has test points that fit its arguments") {
  for (const DistributionEntry* entry : stdlib::kernels::all_distributions()) {
    INFO("distribution ", std::string(entry->name));
    const Recipe* recipe = recipe_for(entry->name);
    // A newly registered distribution must get a line in factor_gradient_points.hpp.
    REQUIRE_MESSAGE(recipe != nullptr, "no factor gradient test points for ", std::string(entry->name));
    REQUIRE(recipe->size() == entry->arg_count);
    for (std::size_t a = 0; a < entry->arg_count; ++a) {
      const auto& spec = entry->args[a];
      const auto& argument = (*recipe)[a];
      INFO("argument ", std::string(spec.name));
      std::size_t size = 1;
      for (std::size_t extent : argument.event_sizes) size *= extent;
      CHECK(size == stdlib::kernels::event_size(spec.shape, factor_points::dimension));
      // Every real argument is differentiated; ints (discrete outcomes included) are data.
      CHECK(argument.slot_event_sizes.empty() == (spec.kind == ArgKind::integer));
    }
  }
}

TEST_CASE("factor gradient: every registered distribution through ad::log_density, all layouts") {
  unsigned seed = 20261125;
  for (const DistributionEntry* entry : stdlib::kernels::all_distributions()) {
    const Recipe* recipe = recipe_for(entry->name);
    if (recipe == nullptr || recipe->size() != entry->arg_count) continue;  // failed in the test above
    for (const Layout& layout : layouts) {
      INFO("distribution ", std::string(entry->name), ", layout: ", std::string(layout.description));
      auto build = [&](Program& program) { return build_factor(program, *entry, *recipe, layout); };
      Program probe;
      Node total = ad::sum(build(probe));
      probe.finalize();
      const auto points = free_points(probe.parameter_count(), 3, ++seed);
      // Inside the support every element's density is finite: what follows checks a real
      // gradient, not -inf or NaN compared with itself.
      for (const auto& point : points)
        CHECK_MESSAGE(std::isfinite(probe.value_only(point, total)),
                      fmt::format("log density not finite at [{}]", fmt::join(point, ", ")));
      expect_gradient(build, points);
    }
  }
}

// Random points almost never land in continuous_bernoulli's series branch (|1 - 2 lambda| <
// 0.02, i.e. |u| < 0.04 for lambda = inv_logit(u)); these do, the midpoint itself included,
// and the last sits just inside the branch edge (u = 0.04: 1 - 2 lambda = -0.0199973; the
// finite-difference steps move it by 5e-7, staying inside).
TEST_CASE("factor gradient: continuous_bernoulli in its series branch near lambda = 1/2") {
  const DistributionEntry* entry = stdlib::kernels::find_distribution("continuous_bernoulli");
  REQUIRE(entry != nullptr);
  const Recipe* recipe = recipe_for("continuous_bernoulli");
  REQUIRE(recipe != nullptr);
  for (const Layout& layout : {layouts[0], layouts[2]}) {
    INFO("layout: ", std::string(layout.description));
    const std::size_t count = layout.outcome_elements == 0 ? 1 : layout.outcome_elements;
    std::vector<std::vector<double>> points;
    for (double lambda_coordinate : {0.0, 0.01, -0.03, 0.04}) {
      std::vector<double> point(2 * count, lambda_coordinate);  // outcome coordinates, then lambda's
      for (std::size_t j = 0; j < count; ++j) point[j] = 0.3 - 0.4 * static_cast<double>(j);
      points.push_back(point);
    }
    expect_gradient([&](Program& program) { return build_factor(program, *entry, *recipe, layout); }, points);
  }
}

}  // namespace
}  // namespace pm::testing
