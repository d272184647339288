// Limits (issue 7): a model whose tensors would exceed the memory budget is refused when it
// compiles, before anything is allocated, with the size it would need and the statement.
#include <string>

#include <doctest/doctest.h>

#include "compile/compile_support.hpp"

namespace pm::compile {
namespace {

TEST_CASE("an enumeration of six 100-valued latents at once is refused before it allocates") {
  // One factor reads all six: their joint is 100^6 = 1e12 values (8 TB), far over 8 GiB.
  const char* model = R"(
data { real y; }
latent {
  int<lower=1, upper=100> a;
  int<lower=1, upper=100> b;
  int<lower=1, upper=100> c;
  int<lower=1, upper=100> d;
  int<lower=1, upper=100> e;
  int<lower=1, upper=100> f;
}
model {
  a ~ categorical(rep_vector(0.01, 100));
  b ~ categorical(rep_vector(0.01, 100));
  c ~ categorical(rep_vector(0.01, 100));
  d ~ categorical(rep_vector(0.01, 100));
  e ~ categorical(rep_vector(0.01, 100));
  f ~ categorical(rep_vector(0.01, 100));
  y ~ normal(a + b + c + d + e + f, 10);
}
)";
  auto compiled = testing::compile_text(model, R"({"y": 300})");
  CHECK_FALSE(compiled->model.has_value());
  const std::string messages = compiled->messages();
  CHECK(messages.find("test.pm:12:3") != std::string::npos);  // the first latent's prior
  CHECK(messages.find("GiB of tensors, more than the budget of 8 GiB") != std::string::npos);
  CHECK(messages.find("1e+12 elements") != std::string::npos);
}

TEST_CASE("two 100-valued latents fit the budget and compile") {
  const char* model = R"(
data { real y; }
latent { int<lower=1, upper=100> a; int<lower=1, upper=100> b; }
model {
  a ~ categorical(rep_vector(0.01, 100));
  b ~ categorical(rep_vector(0.01, 100));
  y ~ normal(a + b, 10);
}
)";
  auto compiled = testing::compile_text(model, R"({"y": 100})");
  CHECK_MESSAGE(compiled->model.has_value(), compiled->messages());
}

}  // namespace
}  // namespace pm::compile
