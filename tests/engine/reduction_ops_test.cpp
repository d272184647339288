// Reductions: sum, mean, prod, log_sum_exp over chosen dims, with broadcasting shapes.
#include <cmath>
#include <limits>
#include <vector>

#include <doctest/doctest.h>

#include "engine/ad/builder.hpp"
#include "support/expect_gradient.hpp"

using namespace pm;
using ad::Node;
using ad::Program;
using tensor::Dim;
using tensor::Shape;

namespace {
constexpr double infinity = std::numeric_limits<double>::infinity();
const Shape plate_by_enum{Dim{tensor::plate(0), 3}, Dim{tensor::enumeration(0), 2}};
const std::vector<double> six = {0.3, -1.2, 0.8, 2.0, -0.5, 1.1};
}  // namespace

TEST_CASE("reductions: values over one dim and over all") {
  Program program;
  Node x = program.constant(plate_by_enum, six);
  Node over_plate = ad::sum(x, {tensor::plate(0)});
  Node over_enum = ad::log_sum_exp(x, {tensor::enumeration(0)});
  Node everything = ad::prod(x);
  Node average = ad::mean(x, {tensor::plate(0)});
  program.forward(false);
  CHECK(over_plate.shape() == Shape({Dim{tensor::enumeration(0), 2}}));
  auto s = program.values(over_plate);
  CHECK(s[0] == doctest::Approx(0.3 - 1.2 + 0.8));
  CHECK(s[1] == doctest::Approx(2.0 - 0.5 + 1.1));
  auto l = program.values(over_enum);
  for (int n = 0; n < 3; ++n)
    CHECK(l[n] == doctest::Approx(std::log(std::exp(six[n]) + std::exp(six[n + 3]))).epsilon(1e-14));
  CHECK(program.value(everything) == doctest::Approx(0.3 * -1.2 * 0.8 * 2.0 * -0.5 * 1.1));
  CHECK(program.values(average)[1] == doctest::Approx((2.0 - 0.5 + 1.1) / 3));
}

TEST_CASE("reductions: gradients") {
  for (auto reduce : {+[](Node x) { return ad::sum(x, {tensor::plate(0)}); },
                      +[](Node x) { return ad::sum(x, {tensor::enumeration(0)}); },
                      +[](Node x) { return ad::mean(x, {tensor::plate(0)}); },
                      +[](Node x) { return ad::prod(x, {tensor::plate(0)}); },
                      +[](Node x) { return ad::prod(x, {tensor::enumeration(0)}); },
                      +[](Node x) { return ad::log_sum_exp(x, {tensor::enumeration(0)}); },
                      +[](Node x) { return ad::log_sum_exp(x, {tensor::plate(0)}); },
                      +[](Node x) { return ad::log_sum_exp(x); }}) {
    testing::expect_gradient([&](Program& p) { return reduce(p.parameter(plate_by_enum)); },
                             {six, {0.1, 0.2, 0.3, 0.4, 0.5, 0.6}});
  }
}

TEST_CASE("reductions: prod with zeros has the exact gradient") {
  // d/dx_i prod = product of the others, also where x_i = 0.
  Program program;
  Node x = program.parameter(Shape::vector(4));
  Node p = ad::prod(x);
  std::vector<double> gradient(4);
  CHECK(program.value_and_gradient(std::vector<double>{2.0, 0.0, 3.0, 5.0}, gradient, p) == 0.0);
  CHECK(gradient == std::vector<double>{0.0, 30.0, 0.0, 0.0});
  program.value_and_gradient(std::vector<double>{2.0, 0.0, 3.0, 0.0}, gradient, p);
  CHECK(gradient == std::vector<double>{0.0, 0.0, 0.0, 0.0});
}

TEST_CASE("reductions: log_sum_exp edge cases") {
  Program program;
  Node x = program.parameter(Shape::vector(3));
  Node l = ad::log_sum_exp(x);
  std::vector<double> gradient(3);
  CHECK(program.value_and_gradient(std::vector<double>{-infinity, -infinity, -infinity}, gradient, l) == -infinity);
  CHECK(gradient == std::vector<double>{0.0, 0.0, 0.0});
  CHECK(program.value_and_gradient(std::vector<double>{1000.0, 1000.0, -infinity}, gradient, l) ==
        doctest::Approx(1000.0 + std::log(2.0)));
  CHECK(gradient[0] == doctest::Approx(0.5));
  CHECK(gradient[2] == 0.0);
  CHECK(program.value_and_gradient(std::vector<double>{infinity, 0.0, 1.0}, gradient, l) == infinity);
  CHECK(std::isnan(program.value_and_gradient(std::vector<double>{std::nan(""), 0.0, 1.0}, gradient, l)));
}

TEST_CASE("reductions: over an empty dim give the identity") {
  Program program;
  Node x = program.parameter(Shape({Dim{tensor::plate(0), 0}, Dim{tensor::enumeration(0), 2}}));
  Node s = ad::sum(x, {tensor::plate(0)});
  Node p = ad::prod(x, {tensor::plate(0)});
  Node l = ad::log_sum_exp(x, {tensor::plate(0)});
  Node total = ad::sum(x);
  program.forward();
  CHECK(program.values(s)[1] == 0.0);
  CHECK(program.values(p)[1] == 1.0);
  CHECK(program.values(l)[0] == -infinity);
  CHECK(program.value(total) == 0.0);
}
