// Whole programs: the reference programs of LANGUAGE.md, every block and statement form,
// comments, the empty program, and the printer's round trip.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "lang/syntax/parse.hpp"
#include "lang/syntax/printer.hpp"

using namespace pm::lang;

namespace {

Program parse_ok(const std::string& text) {
  SourceFile file("test.pm", text);
  Diagnostics diagnostics;
  auto program = parse_program(file, diagnostics);
  INFO(render_all(file, diagnostics));
  REQUIRE(program.has_value());
  CHECK(diagnostics.all().empty());
  return std::move(*program);
}

// parse(print(parse(text))) has the same structure as parse(text), and printing is idempotent.
void check_round_trip(const std::string& text) {
  Program first = parse_ok(text);
  std::string printed = print_program(first);
  INFO(printed);
  Program second = parse_ok(printed);
  CHECK(same_structure(first, second));
  CHECK(print_program(second) == printed);
}

const char* const kBayesRule = R"(data {
  int<lower=0, upper=1> positive;
}
latent {
  int<lower=0, upper=1> disease;
}
model {
  disease ~ bernoulli(0.01);
  positive ~ bernoulli(disease == 1 ? 0.95 : 0.05);
}
)";

const char* const kCoin = R"(data {
  int<lower=0> N;
  array[N] int<lower=0, upper=1> y;
}
latent {
  real<lower=0, upper=1> p;
}
model {
  p ~ beta(1, 1);
  y ~ bernoulli(p);
}
)";

const char* const kGmm = R"(data {
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

const char* const kEightSchools = R"(data {
  int<lower=0> J;
  vector[J] y;
  vector<lower=0>[J] sigma;
}
latent {
  real mu;
  real<lower=0> tau;
  vector[J] eta;
}
model {
  mu ~ normal(0, 5);
  tau ~ cauchy(0, 5);
  eta ~ normal(0, 1);
  theta = mu + tau * eta;
  y ~ normal(theta, sigma);
}
)";

const char* const kGuide = R"(latent { real mu; real<lower=0> tau; }
model  { mu ~ normal(0, 5); tau ~ cauchy(0, 5); /* ... */ }
guide {
  param real m;
  param real<lower=0> s;
  param vector[2] loc_log_tau;
  mu ~ normal(m, s);
  tau ~ lognormal(loc_log_tau[1], exp(loc_log_tau[2]));
}
)";

const char* const kVae = R"(data {
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
  z ~ normal(0, 1);                         // p(z)
  x ~ bernoulli_probs(decoder(z));          // p_theta(x | z), pixels in [0, 1]
}
guide {
  h = encoder(x);
  z ~ normal(h[:, 1:8], softplus(h[:, 9:16]));   // q_phi(z | x), reparameterized
}
)";

const char* const kFvbn = R"(data {
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

const std::vector<const char*> kReferencePrograms = {kBayesRule, kCoin, kGmm, kEightSchools,
                                                     kGuide,     kVae,  kFvbn};

}  // namespace

TEST_CASE("every reference program parses and round-trips through the printer") {
  for (const char* text : kReferencePrograms) {
    CAPTURE(text);
    check_round_trip(text);
  }
}

TEST_CASE("gmm: blocks, defaults, constraints and a for-plate") {
  Program program = parse_ok(kGmm);
  REQUIRE(program.blocks.size() == 4);
  CHECK(program.blocks[0].kind == BlockKind::Data);
  CHECK(program.blocks[1].kind == BlockKind::Param);
  CHECK(program.blocks[2].kind == BlockKind::Latent);
  CHECK(program.blocks[3].kind == BlockKind::Model);
  const Block* data = program.find(BlockKind::Data);
  REQUIRE(data != nullptr);
  REQUIRE(data->declarations.size() == 3);
  const Declaration& k = data->declarations[1];
  CHECK(k.name == "K");
  CHECK(k.type.base == BaseType::Int);
  REQUIRE(k.initializer);
  CHECK(k.initializer->int_value == 2);
  REQUIRE(k.type.constraints.size() == 1);
  CHECK(k.type.constraints[0].name == "lower");
  const Declaration& z = program.find(BlockKind::Latent)->declarations[0];
  CHECK(z.type.array_sizes.size() == 1);
  CHECK(z.type.constraints.size() == 2);
  CHECK(program.find(BlockKind::Generated) == nullptr);
  const Block& model = *program.find(BlockKind::Model);
  REQUIRE(model.statements.size() == 1);
  const Stmt& loop = model.statements[0];
  CHECK(loop.kind == StmtKind::For);
  CHECK(loop.loop_variable == "i");
  CHECK(loop.lower->int_value == 1);
  CHECK(loop.upper->name == "N");
  REQUIRE(loop.body.size() == 2);
  CHECK(loop.body[0].kind == StmtKind::Tilde);
  CHECK(loop.body[0].distribution == "categorical");
  CHECK(loop.body[1].args.size() == 2);
}

TEST_CASE("vae: nets keep their place among the blocks") {
  Program program = parse_ok(kVae);
  REQUIRE(program.nets.size() == 2);
  const NetDeclaration& decoder = program.nets[0];
  CHECK(decoder.name == "decoder");
  CHECK(decoder.architecture == "mlp");
  CHECK(decoder.widths.size() == 3);
  REQUIRE(decoder.options.size() == 2);
  CHECK(decoder.options[0].name == "activation");
  CHECK(decoder.options[0].value == "relu");
  CHECK(decoder.options[1].value == "sigmoid");
  std::vector<std::pair<bool, std::size_t>> expected = {{false, 0}, {true, 0}, {true, 1},
                                                        {false, 1}, {false, 2}, {false, 3}};
  CHECK(program.order == expected);
}

TEST_CASE("guide: param declarations are Declare statements") {
  Program program = parse_ok(kGuide);
  const Block* guide = program.find(BlockKind::Guide);
  REQUIRE(guide != nullptr);
  REQUIRE(guide->statements.size() == 5);
  CHECK(guide->statements[0].kind == StmtKind::Declare);
  CHECK(guide->statements[0].declaration->guide_param);
  CHECK(guide->statements[0].declaration->name == "m");
  CHECK(guide->statements[3].kind == StmtKind::Tilde);
}

TEST_CASE("every statement form and every type") {
  const char* text = R"(generated {
  real a = 1;
  vector[N] mu;
  mu[1] = 2;
  target += normal_lpdf(y | mu, 1);
  y_rep ~ normal(mu, sigma);
  for (i in 1:N) for (j in 1:M) m[i, j] = i * j;
  for (i in 1:N) {
    for (j in i:N) {
      v[j] = 0;
    }
  }
}
data {
  int n;
  real r;
  vector[3] v;
  row_vector[3] rv;
  matrix[2, 3] m;
  simplex[3] s;
  ordered[3] o;
  positive_ordered[3] po;
  cholesky_factor_corr[3] lc;
  cholesky_factor_cov[3] lv;
  cholesky_factor_cov[4, 3] lv2;
  corr_matrix[3] c;
  cov_matrix[3] cv;
  array[2, 3] vector<lower=-1, upper=1>[4] av;
  real<offset=1, multiplier=2> om;
}
)";
  Program program = parse_ok(text);
  const Block& generated = program.blocks[0];
  REQUIRE(generated.statements.size() == 7);
  CHECK(generated.statements[0].kind == StmtKind::Declare);
  CHECK(generated.statements[0].declaration->initializer);
  CHECK(!generated.statements[1].declaration->initializer);
  CHECK(generated.statements[2].kind == StmtKind::Assign);
  CHECK(generated.statements[3].kind == StmtKind::TargetPlus);
  CHECK(generated.statements[3].rhs->bar_after_first);
  CHECK(generated.statements[4].kind == StmtKind::Tilde);
  const Stmt& nested = generated.statements[5];
  REQUIRE(nested.kind == StmtKind::For);
  REQUIRE(nested.body.size() == 1);
  CHECK(nested.body[0].kind == StmtKind::For);
  CHECK(nested.body[0].loop_variable == "j");
  CHECK(nested.body[0].body[0].kind == StmtKind::Assign);
  const Block& data = program.blocks[1];
  std::vector<BaseType> bases;
  for (const Declaration& declaration : data.declarations) bases.push_back(declaration.type.base);
  std::vector<BaseType> expected = {BaseType::Int, BaseType::Real, BaseType::Vector, BaseType::RowVector,
                                    BaseType::Matrix, BaseType::Simplex, BaseType::Ordered,
                                    BaseType::PositiveOrdered, BaseType::CholeskyFactorCorr,
                                    BaseType::CholeskyFactorCov, BaseType::CholeskyFactorCov,
                                    BaseType::CorrMatrix, BaseType::CovMatrix, BaseType::Vector, BaseType::Real};
  CHECK(bases == expected);
  CHECK(data.declarations[10].type.sizes.size() == 2);
  CHECK(data.declarations[13].type.array_sizes.size() == 2);
  CHECK(data.declarations[14].type.constraints[0].name == "offset");
  check_round_trip(text);
}

TEST_CASE("a bound is parsed above comparisons, so '>' closes the constraint list") {
  Program program = parse_ok("data { real<lower=a - 1, upper=b * 2> x; vector<lower=(a > b)>[n] v; }");
  const TypeSpec& type = program.blocks[0].declarations[0].type;
  CHECK(print_expression(*type.constraints[0].value) == "a - 1");
  CHECK(print_expression(*type.constraints[1].value) == "b * 2");
  const TypeSpec& parenthesized = program.blocks[0].declarations[1].type;
  CHECK(parenthesized.constraints[0].value->binary_op == BinaryOp::Greater);
  check_round_trip("data { vector<lower=(a > b)>[n] v; }");
}

TEST_CASE("comments of all three kinds, anywhere") {
  const char* text =
      "# a header\n"
      "data { // the inputs\n"
      "  int /* inline */ N; # trailing\n"
      "  /* a\n     block */ real x;\n"
      "}\n"
      "// the end\n";
  Program program = parse_ok(text);
  REQUIRE(program.blocks.size() == 1);
  CHECK(program.blocks[0].declarations.size() == 2);
  CHECK(program.blocks[0].declarations[1].name == "x");
}

TEST_CASE("empty and comment-only files are valid empty programs") {
  for (const char* text : {"", "   \n\n", "// nothing\n", "/* nothing */"}) {
    Program program = parse_ok(text);
    CHECK(program.blocks.empty());
    CHECK(program.nets.empty());
  }
}

TEST_CASE("empty blocks, blocks in any order, names that start with keywords") {
  Program program = parse_ok("model { } data { } generated { integer_count = data_size + for_each; }");
  REQUIRE(program.blocks.size() == 3);
  CHECK(program.blocks[0].kind == BlockKind::Model);
  CHECK(program.blocks[2].statements[0].lhs->name == "integer_count");
}

TEST_CASE("source ranges of declarations and statements") {
  std::string text = "data {\n  int N;\n}\nmodel {\n  y ~ normal(0, 1);\n}\n";
  SourceFile file("ranges.pm", text);
  Diagnostics diagnostics;
  auto program = parse_program(file, diagnostics);
  REQUIRE(program);
  const Declaration& n = program->blocks[0].declarations[0];
  CHECK(file.locate(n.range.begin).line == 2);
  CHECK(file.locate(n.range.begin).column == 3);
  CHECK(text.substr(n.name_range.begin, n.name_range.end - n.name_range.begin) == "N");
  const Stmt& tilde = program->blocks[1].statements[0];
  CHECK(text.substr(tilde.range.begin, tilde.range.end - tilde.range.begin) == "y ~ normal(0, 1);");
  CHECK(text.substr(tilde.distribution_range.begin, 6) == "normal");
  CHECK(text.substr(program->blocks[1].keyword_range.begin, 5) == "model");
}

#ifdef PM_SOURCE_DIR
#include <filesystem>
#include <fstream>
#include <sstream>

TEST_CASE("every .pm under examples/ parses and round-trips") {
  std::filesystem::path root = std::filesystem::path(PM_SOURCE_DIR) / "examples";
  if (!std::filesystem::exists(root)) return;
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".pm") continue;
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    CAPTURE(entry.path().string());
    check_round_trip(text.str());
    ++count;
  }
  CHECK(count > 0);
}
#endif
