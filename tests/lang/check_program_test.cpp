// The CheckedProgram the engine lowers from: symbol kinds, latent handling, factors, plates
// and sequential loops, cycles, guides, nets, on the reference programs of LANGUAGE.md.
#include <doctest/doctest.h>

#include "check_support.hpp"

using namespace pm::lang;
using pm::lang::testing::check_text;

namespace {

const char* kGmm = R"(
data {
  int<lower=1> N;
  int<lower=1> K = 2;
  vector[N] x;
}
param {
  simplex[K] w;
  ordered[K] mu;
  vector<lower=0>[K] sigma;
}
latent {
  array[N] int<lower=1, upper=K> z;
}
model {
  for (i in 1:N) {
    z[i] ~ categorical(w);
    x[i] ~ normal(mu[z[i]], sigma[z[i]]);
  }
}
)";

const char* kVae = R"(
data {
  int<lower=1> N;
  int<lower=1> D;
  matrix<lower=0, upper=1>[N, D] x;
}
net decoder = mlp(8, 128, D, activation = relu, output = sigmoid);
net encoder = mlp(D, 128, 16, activation = relu);
latent {
  matrix[N, 8] z;
}
model {
  z ~ normal(0, 1);
  x ~ bernoulli_probs(decoder(z));
}
guide {
  h = encoder(x);
  z ~ normal(h[:, 1:8], softplus(h[:, 9:16]));
}
)";

const char* kFvbn = R"(
data {
  int<lower=1> N;
  int<lower=1> D;
  array[N, D] int<lower=0, upper=1> x;
}
param {
  matrix[D, D] W;
  vector[D] b;
}
model {
  for (d in 1:D) {
    x[:, d] ~ bernoulli_logit(b[d] + to_matrix(x[:, 1:(d - 1)]) * W[d, 1:(d - 1)]');
  }
}
)";

}  // namespace

TEST_CASE("gmm: params, a discrete latent summed out, a plate") {
  auto result = check_text(kGmm);
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK(result->diagnostics.all().empty());
  const auto& checked = result->checked;
  CHECK(checked.find("N")->kind == SymbolKind::Data);
  CHECK(checked.find("w")->kind == SymbolKind::Param);
  CHECK(checked.find("w")->support.kind == DeclaredSupport::Kind::Simplex);
  CHECK(checked.find("sigma")->support.kind == DeclaredSupport::Kind::Lower);
  const Symbol* z = checked.find("z");
  REQUIRE(z != nullptr);
  CHECK(z->kind == SymbolKind::Latent);
  CHECK(z->discrete);
  CHECK(z->handling == LatentHandling::SummedOut);
  CHECK(z->prior_distribution->name == "categorical");
  REQUIRE(checked.loops.size() == 1);
  CHECK_FALSE(checked.loops[0].sequential);
  CHECK(checked.loops[0].variable == "i");
  REQUIRE(checked.factors.size() == 2);
  CHECK(checked.factors[0].kind == FactorKind::Prior);
  CHECK(checked.factors[0].subject == "z");
  CHECK(checked.factors[1].kind == FactorKind::Likelihood);
  CHECK(checked.factors[1].subject == "x");
  CHECK(checked.factors[1].enclosing_loops.size() == 1);
  CHECK(checked.factors[1].reads == std::vector<std::string>{"mu", "z", "sigma", "z"});
}

TEST_CASE("vae: nets, a guide block with a guide definition, reparameterized latent") {
  auto result = check_text(kVae);
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK(result->diagnostics.all().empty());
  const auto& checked = result->checked;
  CHECK(checked.find("decoder")->kind == SymbolKind::Net);
  CHECK(checked.find("h")->kind == SymbolKind::GuideDefinition);
  CHECK(to_string(checked.find("h")->type) == "matrix[N, 16]");
  CHECK(checked.find("z")->handling == LatentHandling::GuideBlock);
  CHECK_FALSE(checked.find("z")->flat_prior);
  int guide_draws = 0;
  for (const Factor& factor : checked.factors) guide_draws += factor.kind == FactorKind::GuideDraw;
  CHECK(guide_draws == 1);
}

TEST_CASE("fvbn: a loop that reads what it draws at other indices is sequential") {
  auto result = check_text(kFvbn);
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK(result->diagnostics.all().empty());
  REQUIRE(result->checked.loops.size() == 1);
  CHECK(result->checked.loops[0].sequential);
  CHECK(result->checked.loops[0].reason.find("x[:, d]") != std::string::npos);
}

TEST_CASE("a loop-body local: defined before it is read, a plate; read before, sequential") {
  auto local = check_text(R"(
data { int<lower=1> N; vector[N] x; vector[N] y; }
param { real a; }
model {
  for (n in 1:N) {
    m = a * x[n];
    y[n] ~ normal(m, 1);
  }
}
)");
  REQUIRE(local->parsed());
  INFO(local->messages());
  REQUIRE(local->checked.loops.size() == 1);
  CHECK_FALSE(local->checked.loops[0].sequential);

  auto carried = check_text(R"(
data { int<lower=1> N; vector[N] y; }
param { real a; }
model {
  for (n in 1:N) {
    y[n] ~ normal(m, 1);
    m = a * y[n];
  }
}
)");
  REQUIRE(carried->parsed());
  REQUIRE(carried->checked.loops.size() == 1);
  CHECK(carried->checked.loops[0].sequential);
  CHECK(carried->checked.loops[0].reason == "reads m while it defines m");

  auto itself = check_text(R"(
data { int<lower=1> N; vector[N] y; }
param { real a; }
model {
  for (n in 1:N) {
    m = m + a;
    y[n] ~ normal(m, 1);
  }
}
)");
  REQUIRE(itself->parsed());
  REQUIRE(itself->checked.loops.size() == 1);
  CHECK(itself->checked.loops[0].sequential);
}

TEST_CASE("recurrences: sequential outer loop, plate inner loop; no cycle") {
  auto result = check_text(R"(
data {
  int<lower=2> T;
  int<lower=1> K;
  array[T] real y;
}
latent {
  real phi;
  real theta;
}
model {
  phi ~ normal(0, 1);
  theta ~ normal(0, 1);
  vector[T] nu;
  vector[T] err;
  nu[1] = phi;
  err[1] = y[1] - nu[1];
  for (t in 2:T) {
    nu[t] = phi * y[t - 1] + theta * err[t - 1];
    err[t] = y[t] - nu[t];
  }
  matrix[T, K] forward;
  for (k in 1:K) {
    forward[1, k] = 0;
  }
  for (t in 2:T) {
    for (k in 1:K) {
      forward[t, k] = log_sum_exp(forward[t - 1]) + k;
    }
  }
  y ~ normal(nu, 1);
}
)");
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK_FALSE(result->diagnostics.has_errors());
  const auto& loops = result->checked.loops;
  REQUIRE(loops.size() == 4);
  CHECK(loops[0].sequential);       // t: err[t - 1]
  CHECK_FALSE(loops[1].sequential); // k: forward[1, k]
  CHECK(loops[2].sequential);       // t: forward[t - 1]
  CHECK_FALSE(loops[3].sequential); // k inside t: reads another t-slice, not another k
  CHECK(loops[3].parent == loops[2].statement);
}

TEST_CASE("continuous latents without a prior get a flat prior and a warning; target += priors count") {
  auto result = check_text(R"(
data {
  real y;
}
latent {
  real mu;
  real<lower=0> sigma;
  real nu;
}
model {
  target += normal_lpdf(sigma | 0, 1);
  nu ~ normal(0, 1);
  y ~ normal(mu + nu, sigma);
}
)");
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK_FALSE(result->diagnostics.has_errors());
  CHECK(result->checked.find("mu")->flat_prior);
  CHECK_FALSE(result->checked.find("sigma")->flat_prior);
  CHECK_FALSE(result->checked.find("nu")->flat_prior);
  CHECK(result->checked.find("mu")->handling == LatentHandling::AutomaticGuide);
  CHECK(result->diagnostics.all().size() == 1);
  CHECK(result->has_message("warning: the latent 'mu' has no '~' in model"));
}

TEST_CASE("declared bounds that cut a finite discrete support are warned about; matching ones are not") {
  auto cut = check_text(R"(
data { int<lower=0, upper=1> y; }
latent { int<lower=1, upper=2> g; int<lower=2, upper=3> c; int<lower=0, upper=1> b; int<lower=1, upper=3> k; }
model {
  g ~ bernoulli(0.3);
  c ~ categorical([0.2, 0.3, 0.5]');
  b ~ bernoulli(0.5);
  k ~ categorical([0.2, 0.3, 0.5]');
  y ~ bernoulli(g == 1 && c == 2 && b == 1 && k == 1 ? 0.9 : 0.1);
}
)");
  REQUIRE(cut->parsed());
  INFO(cut->messages());
  CHECK_FALSE(cut->diagnostics.has_errors());
  CHECK(cut->has_message("warning: the declared bounds of 'g' exclude part of the support {0, 1} of bernoulli"));
  CHECK(cut->has_message("warning: the declared bounds of 'c' exclude part of the support"));
  CHECK_FALSE(cut->has_message("'b' exclude"));
  CHECK_FALSE(cut->has_message("'k' exclude"));
}

TEST_CASE("a reshape of one variable on the left of `~` is its prior") {
  auto result = check_text(R"(
latent { matrix[2, 2] A; }
model { to_vector(A) ~ normal(0, 1); }
)");
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK(result->diagnostics.all().empty());  // no flat-prior warning
  CHECK_FALSE(result->checked.find("A")->flat_prior);
  REQUIRE(result->checked.find("A")->prior != nullptr);
}

TEST_CASE("every error is reported, with a note at the first definition") {
  auto result = check_text(R"(
data {
  real y;
  real y;
}
latent {
  real<lower=0> tau;
  int<lower=0> k;
}
model {
  tau ~ cauchy(0, 5);
  k ~ poisson(3);
  y ~ normal(mu, tua);
}
guide {
  param real m;
  tau ~ normal(m, 1);
}
)");
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK(result->has_message("4:8: error: 'y' is defined twice"));
  CHECK(result->has_message("3:8: note: 'y' is first defined here"));
  CHECK(result->has_message("13:14: error: undefined name 'mu'"));
  CHECK(result->has_message("undefined name 'tua'; did you mean 'tau'?"));
  CHECK(result->has_message("the guide draws 'tau' from normal, whose support is the real line"));
  CHECK(result->has_message("the discrete latent 'k' has the infinite support {0, 1, 2, ...} of poisson"));
  CHECK(result->diagnostics.error_count() == 5);
}

TEST_CASE("data defaults: within their bounds, or not computable without data, are not errors") {
  // Only what the checker can compute from literals and earlier defaults is checked; a
  // default or bound that reads data without a default waits for the data loader.
  auto result = check_text(R"(
data {
  int<lower=1> N;
  int M = 3;
  int<lower=M, upper=2 * M> K = M + 1;
  int<lower=1> L = N - 5;
  int<lower=N> P = 2;
  real<lower=0, upper=1> p = 1.0 / M;
  int<lower=0> Q = 7 / 2;
  array[3] int<lower=0, upper=5> c = {0, 5, M};
  vector<lower=0>[2] v = [1, 2]';
  real<lower=-1> r = M > 2 ? -1 : -5;
  vector[N] y;
}
)");
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK(result->diagnostics.error_count() == 0);
}

TEST_CASE("data defaults that violate their bounds: one error each, at the default, with a note at the bound") {
  auto result = check_text(R"(
data {
  int<lower=5> K = 3;
  int<upper=0> Q = 7 / 2;
  real<lower=-1> r = 4 > 2 ? -2 : 1;
  int<lower=1> A = 0;
  int<lower=1> B = A + 1;
  array[3] int<lower=0, upper=5> c = {0, 6, 7};
}
)");
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK(result->has_message("3:20: error: the default of 'K' is 3, which violates lower=5"));
  CHECK(result->has_message("3:7: note: the bound lower=5 is declared here"));
  CHECK(result->has_message("4:20: error: the default of 'Q' is 3, which violates upper=0"));
  CHECK(result->has_message("5:22: error: the default of 'r' is -2, which violates lower=-1"));
  CHECK(result->has_message("6:20: error: the default of 'A' is 0, which violates lower=1"));
  // B reads A, whose default is already an error: no second error follows from it.
  CHECK(result->has_message("the default of 'c' has c[2] = 6, which violates upper=5"));
  CHECK(result->diagnostics.error_count() == 5);
}

TEST_CASE("generated: definitions and draws define reported names") {
  auto result = check_text(R"(
data {
  int<lower=1> N;
  vector[N] y;
}
latent {
  real mu;
}
model {
  mu ~ normal(0, 1);
  y ~ normal(mu, 1);
}
generated {
  y_rep ~ normal(rep_vector(mu, N), 1);
  for (n in 1:N) {
    log_lik[n] = normal_lpdf(y[n] | mu, 1);
  }
  draw = normal_rng(mu, 1);
}
)");
  REQUIRE(result->parsed());
  INFO(result->messages());
  CHECK(result->diagnostics.all().empty());
  CHECK(result->checked.find("y_rep")->kind == SymbolKind::Generated);
  CHECK(result->type_of("y_rep") == "vector[N]");
  CHECK(result->type_of("log_lik") == "vector[N]");
  CHECK(result->type_of("draw") == "real");
}

namespace {

// Every expression of the statements (left sides, indices, arguments), for the coverage test.
void collect_expressions(const Expr& expr, std::vector<const Expr*>& out) {
  out.push_back(&expr);
  if (expr.kind == ExprKind::Call && expr.name == "kl") return;  // its arguments are distributions
  for (const ExprPtr& arg : expr.args) collect_expressions(*arg, out);
  for (const IndexArg& index : expr.indices) {
    if (index.first) collect_expressions(*index.first, out);
    if (index.last) collect_expressions(*index.last, out);
  }
}

void collect_expressions(const std::vector<Stmt>& statements, std::vector<const Expr*>& out) {
  for (const Stmt& stmt : statements) {
    for (const Expr* expr : {stmt.lhs.get(), stmt.rhs.get(), stmt.lower.get(), stmt.upper.get()}) {
      if (expr) collect_expressions(*expr, out);
    }
    for (const ExprPtr& arg : stmt.args) collect_expressions(*arg, out);
    if (stmt.declaration && stmt.declaration->initializer) collect_expressions(*stmt.declaration->initializer, out);
    collect_expressions(stmt.body, out);
  }
}

}  // namespace

TEST_CASE("every expression of the reference programs gets a type") {
  for (const char* text : {kGmm, kVae, kFvbn}) {
    auto result = check_text(text);
    REQUIRE(result->parsed());
    INFO(result->messages());
    REQUIRE_FALSE(result->diagnostics.has_errors());
    std::vector<const Expr*> expressions;
    for (const Block& block : result->program->blocks) collect_expressions(block.statements, expressions);
    CHECK(expressions.size() > 5);
    for (const Expr* expr : expressions) {
      const Type* type = result->checked.type_of(*expr);
      INFO("expression at byte " << expr->range.begin);
      REQUIRE(type != nullptr);
      CHECK_FALSE(type->error);
    }
  }
}
