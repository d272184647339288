// Indexing, slicing, gather, rename_dim, concatenation, cumulative_sum, softmax.
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
std::vector<double> values_of(Program& program, Node node) {
  auto v = program.values(node);
  return {v.begin(), v.end()};
}
const std::vector<double> six = {0.3, -1.2, 0.8, 2.0, -0.5, 1.1};  // a 3 x 2 matrix
}  // namespace

TEST_CASE("index and slice: values, shapes, empty slices") {
  Program program;
  Node m = program.constant(Shape::matrix(3, 2), six);
  Node row = ad::index(m, tensor::event(0), 1);   // m[2] in the language: a row (event0 = columns)
  Node column = ad::index(m, tensor::event(1), 1);
  Node middle = ad::slice(m, tensor::event(0), 1, 2);
  Node nothing = ad::slice(m, tensor::event(0), 2, 0);
  Node total = ad::sum(nothing);
  program.forward(false);
  CHECK(row.shape() == Shape::vector(2));
  CHECK(values_of(program, row) == std::vector<double>{-1.2, -0.5});
  CHECK(values_of(program, column) == std::vector<double>{2.0, -0.5, 1.1});
  CHECK(middle.shape() == Shape::matrix(2, 2));
  CHECK(values_of(program, middle) == std::vector<double>{-1.2, 0.8, -0.5, 1.1});
  CHECK(nothing.shape().element_count() == 0);
  CHECK(program.value(total) == 0.0);
  CHECK_THROWS_AS(ad::index(m, tensor::event(0), 3), std::invalid_argument);
}

TEST_CASE("index, slice, concatenate: gradients") {
  testing::expect_gradient([](Program& p) { return ad::index(p.parameter(Shape::matrix(3, 2)), tensor::event(0), 2); }, {six});
  testing::expect_gradient([](Program& p) { return ad::slice(p.parameter(Shape::matrix(3, 2)), tensor::event(1), 1, 1); }, {six});
  testing::expect_gradient(
      [](Program& p) {
        Node m = p.parameter(Shape::matrix(3, 2));
        return ad::concatenate(ad::slice(m, tensor::event(0), 0, 1), m, tensor::event(0));
      },
      {six});
  Program program;
  Node a = program.constant(Shape::vector(2), std::vector<double>{1, 2});
  Node b = program.constant(Shape::vector(1), std::vector<double>{3});
  Node ab = ad::concatenate(a, b, tensor::event(0));
  program.forward(false);
  CHECK(values_of(program, ab) == std::vector<double>{1, 2, 3});
}

TEST_CASE("gather: mu[z] with scatter-add gradient") {
  const Shape plates{Dim{tensor::plate(0), 5}};
  const std::vector<double> z = {2, 0, 2, 1, 2};
  Program program;
  Node mu = program.parameter(Shape::vector(3));
  Node picked = ad::gather(mu, tensor::event(0), program.constant(plates, z));
  Node total = ad::sum(ad::square(picked));
  std::vector<double> gradient(3);
  program.value_and_gradient(std::vector<double>{1.0, 2.0, 3.0}, gradient, total);
  CHECK(picked.shape() == plates);
  CHECK(values_of(program, picked) == std::vector<double>{3, 1, 3, 2, 3});
  CHECK(gradient == std::vector<double>{2.0, 4.0, 18.0});  // d/dmu_k sum mu_z^2 = 2 mu_k count_k
  // Rows of a matrix gathered over a plate: (event0: columns, plate0).
  testing::expect_gradient(
      [&](Program& p) {
        Node rows = p.parameter(Shape::matrix(3, 2));
        return ad::gather(rows, tensor::event(0), p.constant(plates, z));
      },
      {six});
  // Out of range gives NaN.
  Program bad;
  Node out = ad::gather(bad.constant(Shape::vector(2), std::vector<double>{1, 2}), tensor::event(0),
                        bad.constant(Shape::vector(1), std::vector<double>{2}));
  bad.forward(false);
  CHECK(std::isnan(bad.values(out)[0]));
}

TEST_CASE("rename_dim: relabels and reorders") {
  Program program;
  Node m = program.constant(Shape::matrix(3, 2), six);
  Node in_plate = ad::rename_dim(m, tensor::event(0), tensor::plate(0));  // (event0: 2, plate0: 3)
  program.forward(false);
  CHECK(in_plate.shape() == Shape({Dim{tensor::event(0), 2}, Dim{tensor::plate(0), 3}}));
  CHECK(values_of(program, in_plate) == std::vector<double>{0.3, 2.0, -1.2, -0.5, 0.8, 1.1});
  testing::expect_gradient(
      [](Program& p) { return ad::rename_dim(p.parameter(Shape::matrix(3, 2)), tensor::event(1), tensor::enumeration(0)); },
      {six});
}

TEST_CASE("cumulative_sum and softmax") {
  Program program;
  Node m = program.constant(Shape::matrix(3, 2), six);
  Node c = ad::cumulative_sum(m, tensor::event(0));
  Node s = ad::softmax(m, tensor::event(0));
  Node all_minus_infinity = ad::log_softmax(
      program.constant(Shape::vector(2), std::vector<double>{-std::numeric_limits<double>::infinity(), 0.0}),
      tensor::event(0));
  program.forward(false);
  std::vector<double> cs = values_of(program, c);
  CHECK(cs[2] == doctest::Approx(0.3 - 1.2 + 0.8));
  CHECK(cs[5] == doctest::Approx(2.0 - 0.5 + 1.1));
  std::vector<double> ss = values_of(program, s);
  CHECK(ss[0] + ss[1] + ss[2] == doctest::Approx(1.0));
  double norm = std::exp(2.0) + std::exp(-0.5) + std::exp(1.1);
  CHECK(ss[4] == doctest::Approx(std::exp(-0.5) / norm));
  CHECK(values_of(program, all_minus_infinity)[1] == 0.0);
  for (tensor::DimId dim : {tensor::event(0), tensor::event(1)}) {
    testing::expect_gradient([&](Program& p) { return ad::cumulative_sum(p.parameter(Shape::matrix(3, 2)), dim); }, {six});
    testing::expect_gradient([&](Program& p) { return ad::log_softmax(p.parameter(Shape::matrix(3, 2)), dim); }, {six});
    testing::expect_gradient([&](Program& p) { return ad::softmax(p.parameter(Shape::matrix(3, 2)), dim); }, {six});
  }
}

TEST_CASE("reshape: event dims regrouped in column-major order, plates kept") {
  Program program;
  Node m = program.constant(Shape::matrix(3, 2), six);
  Node v = ad::reshape(m, {6});      // to_vector: the columns one after another
  Node back = ad::reshape(v, {2, 3});  // to_matrix(v, 2, 3): filled column by column
  Node scalar = ad::reshape(ad::slice(v, tensor::event(0), 4, 1), {});
  // (event0: 2, event1: 2, plate0: 2) -> (event0: 4, plate0: 2): each plate element's block.
  const std::vector<double> eight = {1, 2, 3, 4, 5, 6, 7, 8};
  Node in_plate = program.constant(Shape({Dim{tensor::event(0), 2}, Dim{tensor::event(1), 2}, Dim{tensor::plate(0), 2}}), eight);
  Node flat = ad::reshape(in_plate, {4});
  program.forward(false);
  CHECK(v.shape() == Shape::vector(6));
  CHECK(values_of(program, v) == six);
  CHECK(back.shape() == Shape::matrix(2, 3));
  CHECK(values_of(program, back) == six);
  CHECK(scalar.shape() == Shape::scalar());
  CHECK(program.value(scalar) == -0.5);
  CHECK(flat.shape() == Shape({Dim{tensor::event(0), 4}, Dim{tensor::plate(0), 2}}));
  CHECK(values_of(program, flat) == eight);
  CHECK_THROWS_AS(ad::reshape(m, {4}), std::invalid_argument);
  testing::expect_gradient([](Program& p) { return ad::reshape(p.parameter(Shape::matrix(3, 2)), {2, 3}); }, {six});
  testing::expect_gradient(
      [&](Program& p) {
        Node x = p.parameter(Shape::vector(8));
        Node planted = ad::rename_dim(ad::reshape(x, {2, 2, 2}), tensor::event(2), tensor::plate(0));
        return ad::reshape(ad::square(planted), {4});
      },
      {eight});
}

// A recursion assembled in one buffer (ad::write_in_place): h[0] = a, h[t] = phi h[t - 1] +
// x[t], each element written once and read after it is written; the value equals the
// closed form, the gradient finite differences, and a reader of an early version that runs
// before the later writes sees their elements as zeros (the functional update's values).
TEST_CASE("write_in_place: a recursion in one buffer, its values and gradient") {
  const std::size_t T = 6;
  auto build = [&](Program& p, Node* early_total) {
    Node params = p.parameter(Shape::vector(2 + T));  // a, phi, x[0..T)
    Node h = ad::in_place_start(p, Shape::vector(T));
    h = ad::write_in_place(h, ad::index(params, tensor::event(0), 0), {0});
    for (std::size_t t = 1; t < T; ++t) {
      Node previous = ad::index(h, tensor::event(0), t - 1);
      Node next = ad::add(ad::multiply(ad::index(params, tensor::event(0), 1), previous),
                          ad::index(params, tensor::event(0), 2 + t));
      h = ad::write_in_place(h, next, {t});
      if (t == 2 && early_total) *early_total = ad::sum(h);  // h[0] + h[1] + h[2], the rest still 0
    }
    return ad::exp(ad::multiply(h, p.constant(0.3)));  // a nonlinear reader of the whole
  };
  const std::vector<double> point{0.7, -0.8, 0.1, 0.4, -0.3, 0.9, 0.2, -0.6};
  Program program;
  Node early;
  Node out = build(program, &early);
  program.values(Node{&program, 0});  // lays the arena out
  std::copy(point.begin(), point.end(), program.parameters().begin());
  program.forward(false);
  std::vector<double> h(T);
  h[0] = point[0];
  for (std::size_t t = 1; t < T; ++t) h[t] = point[1] * h[t - 1] + point[2 + t];
  const std::vector<double> result = values_of(program, out);
  for (std::size_t t = 0; t < T; ++t) CHECK(result[t] == doctest::Approx(std::exp(0.3 * h[t])).epsilon(1e-14));
  CHECK(program.value(early) == doctest::Approx(h[0] + h[1] + h[2]).epsilon(1e-14));
  // Twice, so the start op's zeroing between passes is exercised.
  program.forward(false);
  CHECK(program.value(early) == doctest::Approx(h[0] + h[1] + h[2]).epsilon(1e-14));
  testing::expect_gradient([&](Program& p) { return build(p, nullptr); }, {point, {0.1, 1.2, -1.0, 0.0, 0.5, -0.2, 0.3, 0.8}});
  testing::expect_gradient(
      [&](Program& p) {
        Node total;
        build(p, &total);
        return total;
      },
      {point});
  // The contract's checks: targets within the whole, one per element of the piece.
  Program bad;
  Node two = bad.parameter(Shape::vector(2));
  Node buffer = ad::in_place_start(bad, Shape::vector(3));
  CHECK_THROWS_AS(ad::write_in_place(buffer, two, {0}), std::invalid_argument);
  CHECK_THROWS_AS(ad::write_in_place(buffer, two, {0, 3}), std::invalid_argument);
}
