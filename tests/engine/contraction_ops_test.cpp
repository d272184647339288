// The fused elimination op log_sum_exp_of_sum (engine/ad/contraction_ops.cpp): values
// against the chain add -> log_sum_exp -> sum computed with plain doubles, gradients against
// finite differences (tests/support/expect_gradient.hpp), broadcast terms, an extent plate no
// term carries, kept dims, and rows that are all -inf.
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
using tensor::DimSet;
using tensor::Shape;

namespace {
constexpr double infinity = std::numeric_limits<double>::infinity();
const Shape plate_by_enum{Dim{tensor::plate(0), 3}, Dim{tensor::enumeration(0), 2}};
const Shape enum_only{Dim{tensor::enumeration(0), 2}};
const Shape plate_only{Dim{tensor::plate(0), 3}};
const std::vector<double> six = {0.3, -1.2, 0.8, 2.0, -0.5, 1.1};
const std::vector<double> two = {-0.4, 0.9};

double log_sum_exp2(double a, double b) {
  double m = std::max(a, b);
  return m + std::log(std::exp(a - m) + std::exp(b - m));
}
}  // namespace

TEST_CASE("log_sum_exp_of_sum: the value of a mixture-shaped contraction and its joint") {
  // out = sum_n log sum_k exp(x[n,k] + w[k]); x is contiguous over n (k blocks of 3).
  Program program;
  Node x = program.constant(plate_by_enum, six);
  Node w = program.constant(enum_only, two);
  ad::Elimination result = ad::log_sum_exp_of_sum({x, w}, {tensor::enumeration(0)}, {tensor::plate(0)});
  program.forward(false);
  double expected = 0;
  for (int n = 0; n < 3; ++n) expected += log_sum_exp2(six[n] + two[0], six[n + 3] + two[1]);
  CHECK(result.output.shape() == Shape::scalar());
  CHECK(program.value(result.output) == doctest::Approx(expected).epsilon(1e-14));
  CHECK(result.joint.shape() == plate_by_enum);
  CHECK_FALSE(result.joint.requires_gradient());
  auto joint = program.values(result.joint);
  for (int k = 0; k < 2; ++k)
    for (int n = 0; n < 3; ++n) CHECK(joint[n + 3 * k] == doctest::Approx(six[n + 3 * k] + two[k]).epsilon(1e-15));
}

TEST_CASE("log_sum_exp_of_sum: kept dims, an extent plate and eliminating a plate") {
  Program program;
  Node x = program.constant(plate_by_enum, six);
  Node w = program.constant(enum_only, two);
  // Nothing summed: one value per plate element.
  Node per_row = ad::log_sum_exp_of_sum({x, w}, {tensor::enumeration(0)}, {}).output;
  // Only w, standing for 3 plate elements through the extent: 3 log sum_k exp(w[k]).
  Node padded = ad::log_sum_exp_of_sum({w}, {tensor::enumeration(0)}, {tensor::plate(0)}, plate_only).output;
  // Eliminating the plate dim, keeping the enumeration dim.
  Node over_plate = ad::log_sum_exp_of_sum({x}, {tensor::plate(0)}, {}).output;
  program.forward(false);
  REQUIRE(per_row.shape() == plate_only);
  for (int n = 0; n < 3; ++n)
    CHECK(program.values(per_row)[n] == doctest::Approx(log_sum_exp2(six[n] + two[0], six[n + 3] + two[1])).epsilon(1e-14));
  CHECK(program.value(padded) == doctest::Approx(3 * log_sum_exp2(two[0], two[1])).epsilon(1e-14));
  REQUIRE(over_plate.shape() == enum_only);
  for (int k = 0; k < 2; ++k) {
    double total = std::exp(six[3 * k]) + std::exp(six[3 * k + 1]) + std::exp(six[3 * k + 2]);
    CHECK(program.values(over_plate)[k] == doctest::Approx(std::log(total)).epsilon(1e-14));
  }
}

TEST_CASE("log_sum_exp_of_sum: gradients against finite differences") {
  const std::vector<std::vector<double>> points = {
      {0.3, -1.2, 0.8, 2.0, -0.5, 1.1, -0.4, 0.9, 0.2, -0.7, 0.5},
      {5.0, -3.0, 0.1, -4.0, 2.5, 0.0, 1.5, -2.0, -0.3, 0.4, 0.0}};
  SUBCASE("mixture form: a full term, a broadcast term, summed over the plate") {
    testing::expect_gradient(
        [](Program& p) {
          Node x = p.parameter(plate_by_enum);
          Node w = p.parameter(enum_only);
          Node v = p.parameter(plate_only);  // a third term along the plate only
          return ad::log_sum_exp_of_sum({x, w, v}, {tensor::enumeration(0)}, {tensor::plate(0)}).output;
        },
        points);
  }
  SUBCASE("kept plate: the upstream adjoint differs per row") {
    testing::expect_gradient(
        [](Program& p) {
          Node x = p.parameter(plate_by_enum);
          Node w = p.parameter(enum_only);
          Node v = p.parameter(plate_only);
          return ad::log_sum_exp_of_sum({w, x, v}, {tensor::enumeration(0)}, {}).output;
        },
        points);
  }
  SUBCASE("two enumeration dims, one eliminated, one kept") {
    const Shape two_enums{Dim{tensor::plate(0), 2}, Dim{tensor::enumeration(0), 2}, Dim{tensor::enumeration(1), 2}};
    testing::expect_gradient(
        [&](Program& p) {
          Node x = p.parameter(two_enums);
          Node a = p.parameter(Shape({Dim{tensor::enumeration(1), 2}}));
          Node b = p.parameter(enum_only);
          return ad::log_sum_exp_of_sum({x, a, b}, {tensor::enumeration(1)}, {tensor::plate(0)}).output;
        },
        {{0.3, -1.2, 0.8, 2.0, -0.5, 1.1, -0.4, 0.9, 0.2, -0.7, 0.5, 0.1},
         {1.0, 2.0, -3.0, 0.5, 0.25, -0.75, 3.0, -1.0, 0.0, 0.4, -2.0, 1.5}});
  }
  SUBCASE("an extent plate no term carries: the gradient counts every plate element") {
    testing::expect_gradient(
        [](Program& p) {
          Node w = p.parameter(enum_only);
          return ad::log_sum_exp_of_sum({w}, {tensor::enumeration(0)}, {tensor::plate(0)}, plate_only).output;
        },
        {{-0.4, 0.9}, {3.0, -2.0}});
  }
}

TEST_CASE("log_sum_exp_of_sum: many rows (several blocks, a partial last one) equal the unfused chain") {
  // 5000 rows: blocks of 2048 rows in the blocked path. Both layouts: the eliminated dim last
  // (blocked) and an eliminated enumeration dim before a kept one (the general path).
  const std::size_t n = 5000;
  for (bool eliminate_last : {true, false}) {
    const Shape full = eliminate_last ? Shape({Dim{tensor::plate(0), n}, Dim{tensor::enumeration(0), 3}})
                                      : Shape({Dim{tensor::plate(0), n}, Dim{tensor::enumeration(0), 3},
                                               Dim{tensor::enumeration(1), 2}});
    const DimSet eliminated = {tensor::enumeration(0)};
    const DimSet summed = {tensor::plate(0)};
    std::vector<double> values(full.element_count()), weights = {-0.2, 0.7, -1.1};
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = 3.0 * std::sin(0.37 * static_cast<double>(i) + 0.1);
    double fused_value = 0, chain_value = 0;
    std::vector<double> fused_gradient, chain_gradient;
    for (bool fused : {true, false}) {
      Program program;
      Node x = program.parameter(full);
      Node w = program.parameter(Shape({Dim{tensor::enumeration(0), 3}}));
      Node out = fused ? ad::log_sum_exp_of_sum({x, w}, eliminated, summed).output
                       : ad::sum(ad::log_sum_exp(ad::add(x, w), eliminated), summed);
      Node total = testing::contract_to_scalar(out);
      program.finalize();
      std::vector<double> theta = values;
      theta.insert(theta.end(), weights.begin(), weights.end());
      std::vector<double> gradient(theta.size());
      double value = program.value_and_gradient(theta, gradient, total);
      (fused ? fused_value : chain_value) = value;
      (fused ? fused_gradient : chain_gradient) = gradient;
    }
    CAPTURE(eliminate_last);
    CHECK(fused_value == doctest::Approx(chain_value).epsilon(1e-12));
    double largest_difference = 0;
    for (std::size_t i = 0; i < fused_gradient.size(); ++i)
      largest_difference = std::max(largest_difference, std::abs(fused_gradient[i] - chain_gradient[i]) /
                                                            std::max(1.0, std::abs(chain_gradient[i])));
    CHECK(largest_difference < 1e-12);
  }
}

TEST_CASE("log_sum_exp_of_sum: a row of -inf gives -inf and gradient 0, as log_sum_exp does") {
  Program program;
  Node x = program.parameter(plate_by_enum);
  Node w = program.constant(enum_only, two);
  Node out = ad::log_sum_exp_of_sum({x, w}, {tensor::enumeration(0)}, {}).output;
  Node total = ad::sum(ad::select(ad::greater(out, constant_like(out, -infinity)), out, constant_like(out, 0.0)));
  program.finalize();
  std::vector<double> theta = {0.3, -infinity, 0.8, 2.0, -infinity, 1.1}, gradient(6);
  double value = program.value_and_gradient(theta, gradient, total);
  CHECK(program.values(out)[1] == -infinity);
  CHECK(std::isfinite(value));
  CHECK(gradient[1] == 0.0);
  CHECK(gradient[4] == 0.0);
  // The finite rows' softmax weights still sum to 1 over k.
  CHECK(gradient[0] + gradient[3] == doctest::Approx(1.0).epsilon(1e-14));
  CHECK(gradient[2] + gradient[5] == doctest::Approx(1.0).epsilon(1e-14));
}

TEST_CASE("log_sum_exp_of_sum: shape errors name the op") {
  Program program;
  Node x = program.constant(plate_by_enum, six);
  CHECK_THROWS_WITH_AS(ad::log_sum_exp_of_sum({x}, {tensor::enumeration(3)}, {}),
                       doctest::Contains("log_sum_exp_of_sum"), std::invalid_argument);
  CHECK_THROWS_AS(ad::log_sum_exp_of_sum({}, {}, {}), std::invalid_argument);
}
