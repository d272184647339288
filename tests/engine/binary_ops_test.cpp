// Elementwise binary ops and select, with broadcasting by dim identity.
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
using BinaryBuilder = Node (*)(Node, Node);
const Shape plates{Dim{tensor::plate(0), 3}};
const Shape enums{Dim{tensor::enumeration(0), 2}};
const Shape both{Dim{tensor::plate(0), 3}, Dim{tensor::enumeration(0), 2}};
}  // namespace

TEST_CASE("broadcast shapes: union of dims in canonical order") {
  Shape s = tensor::broadcast(enums, plates);
  CHECK(s == both);
  CHECK(s.dim(0).id == tensor::plate(0));  // plates before enumeration dims: contiguous over N
  CHECK(tensor::broadcast(Shape::vector(3), Shape::scalar()) == Shape::vector(3));
  CHECK_THROWS_AS(tensor::broadcast(Shape::vector(3), Shape::vector(4)), std::invalid_argument);
  Shape matrix_in_plate = tensor::broadcast(plates, Shape::matrix(2, 4));
  CHECK(matrix_in_plate.dim(0).id == tensor::event(0));
  CHECK(matrix_in_plate.dim(2).id == tensor::plate(0));
}

TEST_CASE("binary ops: broadcast values") {
  Program program;
  Node a = program.constant(plates, std::vector<double>{1, 2, 3});
  Node b = program.constant(enums, std::vector<double>{10, 20});
  Node sum = a + b;
  Node difference = b - a;
  program.forward(false);
  CHECK(sum.shape() == both);
  auto s = program.values(sum);
  CHECK(std::vector<double>(s.begin(), s.end()) == std::vector<double>{11, 12, 13, 21, 22, 23});
  auto d = program.values(difference);
  CHECK(std::vector<double>(d.begin(), d.end()) == std::vector<double>{9, 8, 7, 19, 18, 17});
}

TEST_CASE("binary ops: gradients with every broadcasting pattern") {
  const std::vector<double> three = {0.7, 1.3, 2.2}, two = {0.4, 1.9}, one = {1.6}, six = {0.5, 1.1, 2.4, 0.9, 1.7, 0.6};
  for (BinaryBuilder f : {ad::add, ad::subtract, ad::multiply, ad::divide, ad::pow, ad::fmin, ad::fmax, ad::lbeta,
                          +[](Node a, Node b) { return ad::log_sum_exp(a, b); }}) {
    std::vector<double> point = three;
    point.insert(point.end(), two.begin(), two.end());
    testing::expect_gradient([&](Program& p) { Node first = p.parameter(plates);
      Node second = p.parameter(enums);
      return f(first, second); }, {point});
    point = six;
    point.insert(point.end(), one.begin(), one.end());
    testing::expect_gradient([&](Program& p) { Node first = p.parameter(both);
      Node second = p.parameter(Shape::scalar());
      return f(first, second); }, {point});
    point = one;
    point.insert(point.end(), six.begin(), six.end());
    testing::expect_gradient([&](Program& p) { Node first = p.parameter(Shape::scalar());
      Node second = p.parameter(both);
      return f(first, second); }, {point});
    point = six;
    point.insert(point.end(), three.begin(), three.end());
    testing::expect_gradient([&](Program& p) { Node first = p.parameter(both);
      Node second = p.parameter(plates);
      return f(first, second); }, {point});
  }
}

TEST_CASE("binary ops: values of the special cases") {
  Program program;
  Node a = program.constant(Shape::vector(4), std::vector<double>{-infinity, 1000.0, std::nan(""), 2.0});
  Node b = program.constant(Shape::vector(4), std::vector<double>{-infinity, 1000.0, 1.0, std::nan("")});
  Node l = ad::log_sum_exp(a, b);
  Node low = ad::fmin(a, b);
  Node lt = ad::less(a, b);
  program.forward(false);
  CHECK(program.values(l)[0] == -infinity);
  CHECK(program.values(l)[1] == doctest::Approx(1000.0 + std::log(2.0)));
  CHECK(program.values(low)[2] == 1.0);  // fmin ignores a NaN operand
  CHECK(program.values(low)[3] == 2.0);
  CHECK(program.values(lt)[0] == 0.0);
  CHECK(!lt.requires_gradient());
}

TEST_CASE("select: the branch not taken contributes no gradient") {
  // f(x) = x > 0 ? log(x) : 0 at x = (0, -1, 2): finite gradient (0, 0, 1/2).
  Program program;
  Node x = program.parameter(Shape::vector(3));
  Node zero = program.constant(0.0);
  Node f = ad::sum(ad::select(ad::greater(x, zero), ad::log(x), zero));
  std::vector<double> gradient(3);
  double value = program.value_and_gradient(std::vector<double>{0.0, -1.0, 2.0}, gradient, f);
  CHECK(value == doctest::Approx(std::log(2.0)));
  CHECK(gradient == std::vector<double>{0.0, 0.0, 0.5});
  // The same through a product: x > 0 ? log(x) * y : y.
  testing::expect_gradient(
      [](Program& p) {
        Node u = p.parameter(plates);
        Node v = p.parameter(enums);
        return ad::select(ad::greater(u, p.constant(1.0)), ad::log(u) * v, v);
      },
      {{0.5, 2.0, 3.0, -0.4, 1.5}});
}
