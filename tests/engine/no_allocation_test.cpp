// forward() and backward() allocate nothing: every buffer is laid out by finalize().
// Counted by replacing the global operator new for this test executable.
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>
#include <vector>

#include <doctest/doctest.h>

#include "engine/ad/builder.hpp"

namespace {
std::atomic<long> allocation_count{0};
}

void* operator new(std::size_t size) {
  ++allocation_count;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// Every form that pairs with the replaced ones is replaced too: under ASan an unreplaced nothrow
// new (std::stable_sort's temporary buffer) would be freed by the sized delete below, a mismatch.
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  ++allocation_count;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return ::operator new(size, tag); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

using namespace pm;
using ad::Node;
using ad::Program;
using tensor::Dim;
using tensor::Shape;

namespace {
void normal_kernel(const ad::KernelCall& call, double* out, double* const* partials) {
  for (std::size_t j = 0; j < call.count; ++j) {
    double y = call.args[0].data[j], mu = call.args[1].data[j], sigma = call.args[2].data[j];
    double z = (y - mu) / sigma;
    out[j] = -0.5 * z * z - std::log(sigma) - 0.9189385332046727;
    if (partials[1]) partials[1][j] = z / sigma;
    if (partials[2]) partials[2][j] = (z * z - 1) / sigma;
  }
}
}  // namespace

TEST_CASE("an evaluation allocates nothing") {
  const std::size_t n = 3000, k = 3;
  std::vector<double> y(n), x(n * 2);
  for (std::size_t i = 0; i < n; ++i) y[i] = std::sin(static_cast<double>(i));
  for (std::size_t i = 0; i < 2 * n; ++i) x[i] = std::cos(static_cast<double>(i));
  Program program;
  Node mu = program.parameter(Shape({Dim{tensor::enumeration(0), k}}));
  Node log_sigma = program.parameter(Shape({Dim{tensor::enumeration(0), k}}));
  Node log_weights = program.parameter(Shape({Dim{tensor::enumeration(0), k}}));
  Node beta = program.parameter(Shape::vector(2));
  Node data = program.constant(Shape({Dim{tensor::plate(0), n}}), y);
  Node sigma = ad::exp(log_sigma);
  Node per_component = ad::log_density(normal_kernel, {{data}, {mu}, {sigma}}, {});
  Node mixture = ad::sum(ad::log_sum_exp(per_component + ad::log_softmax(log_weights, tensor::enumeration(0)),
                                         {tensor::enumeration(0)}));
  Node design = program.constant(Shape::matrix(n, 2), x);
  Node eta = ad::matrix_product(design, beta);
  Node regression = ad::sum(ad::log_inv_logit(eta));
  Node prior = ad::log_density(normal_kernel, {{mu}, {program.constant(0.0)}, {program.constant(5.0)}},
                               {tensor::enumeration(0)});
  Node target = mixture + regression + prior;
  program.finalize();
  std::vector<double> theta = {-1, 0, 1, 0, 0, 0, -1, -1, -1, 0.5, -0.5}, gradient(theta.size());
  program.value_and_gradient(theta, gradient, target);  // warm up (nothing should be lazy either)
  long before = allocation_count.load();
  for (int repeat = 0; repeat < 3; ++repeat) {
    program.forward();
    program.backward(target);
    program.forward(false);
  }
  CHECK(allocation_count.load() - before == 0);
}
