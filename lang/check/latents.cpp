// Latents: how each is handled (summed out exactly, or approximated by a guide), their priors,
// and the guide's draws (only latents, only continuous ones, with a reparameterizable family
// whose support is the latent's).
#include <optional>
#include <set>

#include "lang/check/checker.hpp"
#include "lang/check/expression_text.hpp"

namespace pm::lang::detail {
namespace {

using stdlib::Support;

bool is_literal(const Expr* expr, std::int64_t value) {
  if (!expr) return false;
  if (expr->kind == ExprKind::IntLiteral) return expr->int_value == value;
  if (expr->kind == ExprKind::RealLiteral) return expr->real_value == static_cast<double>(value);
  return false;
}

// Can a distribution with support `support` draw a value of the declared support?
bool supports_match(const DeclaredSupport& declared, Support support) {
  using Kind = DeclaredSupport::Kind;
  switch (declared.kind) {
    case Kind::Unconstrained: return support == Support::RealLine;
    case Kind::Lower: return is_literal(declared.lower, 0) && support == Support::Positive;
    case Kind::LowerUpper:
      if (support == Support::ArgumentInterval) return true;
      return is_literal(declared.lower, 0) && is_literal(declared.upper, 1) && support == Support::UnitInterval;
    case Kind::Simplex: return support == Support::Simplex;
    case Kind::CholeskyFactorCorr: return support == Support::CholeskyCorrelation;
    default: return false;
  }
}

std::string declared_text(const Symbol& symbol) {
  if (!symbol.declaration) return to_string(symbol.type);
  const TypeSpec& spec = symbol.declaration->type;
  std::string text = to_string(spec.base);
  using Kind = DeclaredSupport::Kind;
  if (symbol.support.kind == Kind::Lower || symbol.support.kind == Kind::Upper ||
      symbol.support.kind == Kind::LowerUpper) {
    text += "<" + describe(symbol.support) + ">";
  }
  return text;
}

// The names whose log density a `target +=` adds: the outcome of every _lpdf / _lpmf call in it.
void density_outcomes(const Expr& expr, std::vector<std::string>& names) {
  if (expr.kind == ExprKind::Call && !expr.args.empty() &&
      (expr.name.ends_with("_lpdf") || expr.name.ends_with("_lpmf"))) {
    const Expr* outcome = expr.args[0].get();
    while (outcome->kind == ExprKind::Index) outcome = outcome->args[0].get();
    if (outcome->kind == ExprKind::Name) names.push_back(outcome->name);
  }
  for (const ExprPtr& arg : expr.args) density_outcomes(*arg, names);
}

}  // namespace

void Checker::check_guide_draw(const Stmt& stmt, Symbol& latent) {
  const Expr& name = *base_name(*stmt.lhs);
  if (latent.kind != SymbolKind::Latent) {
    diagnostics_.error(name.range, std::string("the guide draws only latents; '") + latent.name + "' is " +
                                       (latent.kind == SymbolKind::Data ? "data" : std::string("a ") + to_string(latent.kind)));
    return;
  }
  if (latent.discrete) {
    diagnostics_.error(name.range, "the discrete latent '" + latent.name +
                                       "' is summed out exactly; the guide cannot draw it");
    return;
  }
  if (latent.guide_draw) {
    diagnostics_.error(stmt.lhs->range, "the latent '" + latent.name + "' is drawn twice in the guide");
    diagnostics_.note(latent.guide_draw->range, "its first draw is here");
    return;
  }
  latent.guide_draw = &stmt;
  const auto* dist = stdlib::find_distribution(stmt.distribution);
  if (!dist) return;  // reported
  if (dist->discrete || !dist->reparameterizable) {
    diagnostics_.error(stmt.distribution_range,
                       "'" + dist->name + "' has no reparameterized sampler in v0, so it cannot draw a latent in the "
                       "guide (use normal, lognormal, student_t, multi_normal_cholesky, ...)");
    return;
  }
  if (!supports_match(latent.support, dist->support)) {
    diagnostics_.error(stmt.distribution_range,
                       "the guide draws '" + latent.name + "' from " + dist->name + ", whose support is " +
                           stdlib::describe(dist->support) + ", but '" + latent.name + "' is declared " +
                           declared_text(latent) + "; the guide's distribution must have the latent's support" +
                           (latent.support.kind == DeclaredSupport::Kind::Lower && is_literal(latent.support.lower, 0)
                                ? " (lognormal, for example)" : ""));
  }
}

void Checker::check_latents() {
  // A prior written as `target += normal_lpdf(beta | 0, 10);` (also through a definition that
  // packs latents together, as theta = {theta1, theta2}) is a prior too: no flat-prior warning.
  std::set<std::string> target_priors;
  for (const Factor& factor : result_.factors) {
    if (factor.kind != FactorKind::Target) continue;
    std::vector<std::string> names;
    density_outcomes(*factor.statement->rhs, names);
    for (const std::string& name : names) {
      target_priors.insert(name);
      if (const Symbol* definition = result_.find(name); definition && definition->kind == SymbolKind::ModelDefinition) {
        target_priors.insert(definition->reads.begin(), definition->reads.end());
      }
    }
  }
  for (Symbol& symbol : result_.symbols) {
    if (symbol.kind != SymbolKind::Latent) continue;
    if (!symbol.discrete) {
      symbol.handling = symbol.guide_draw ? LatentHandling::GuideBlock : LatentHandling::AutomaticGuide;
      if (!symbol.prior && !target_priors.count(symbol.name)) {
        symbol.flat_prior = true;
        diagnostics_.warning(symbol.range, "the latent '" + symbol.name +
                                               "' has no '~' in model: it gets an improper flat prior on its support");
      }
      continue;
    }
    symbol.handling = LatentHandling::SummedOut;
    if (!symbol.prior) {
      diagnostics_.error(symbol.range, "the discrete latent '" + symbol.name + "' needs a distribution in model ('" +
                                           symbol.name + " ~ ...'), to be summed out over its support");
      continue;
    }
    const auto* dist = symbol.prior_distribution;
    if (!dist) continue;  // unknown distribution, reported
    if (!dist->discrete) {
      diagnostics_.error(symbol.prior->distribution_range, "the discrete latent '" + symbol.name +
                                                               "' needs a discrete distribution; '" + dist->name +
                                                               "' is continuous");
      continue;
    }
    if (stdlib::is_finite(dist->support)) {
      // discrete_range's and ordered_*'s supports follow from arguments: no literal check.
      if (dist->support == stdlib::Support::IntegerRange || dist->support == stdlib::Support::OneToCutpoints) continue;
      // Declared bounds that exclude part of the distribution's support drop that mass
      // without renormalizing, as a cut tail does: say so (`int<lower=1, upper=2> g; g ~
      // bernoulli(p)` leaves g = 1 alone, P = 1). Literal bounds only; others load with data.
      auto literal = [](const Expr* bound) -> std::optional<std::int64_t> {
        if (bound && bound->kind == ExprKind::IntLiteral) return bound->int_value;
        if (bound && bound->kind == ExprKind::Unary && bound->unary_op == UnaryOp::Negate &&
            bound->args[0]->kind == ExprKind::IntLiteral)
          return -bound->args[0]->int_value;
        return std::nullopt;
      };
      const std::int64_t smallest = dist->support == stdlib::Support::OneToArgumentSize ? 1 : 0;
      const std::optional<std::int64_t> lower = literal(symbol.support.lower), upper = literal(symbol.support.upper);
      const bool cuts_bottom = lower && *lower > smallest;
      const bool cuts_top = upper && dist->support == stdlib::Support::Binary && *upper < 1;
      if (cuts_bottom || cuts_top)
        diagnostics_.warning(symbol.prior->distribution_range,
                             "the declared bounds of '" + symbol.name + "' exclude part of the support " +
                                 stdlib::describe(dist->support) + " of " + dist->name +
                                 ": that probability is dropped, not renormalized");
      continue;
    }
    if (symbol.support.upper) {
      diagnostics_.warning(symbol.prior->distribution_range,
                           "the support of '" + symbol.name + "' is cut at its upper bound (" +
                               expression_text(*symbol.support.upper) + "): the tail of " + dist->name +
                               " beyond it is dropped, not renormalized");
    } else {
      diagnostics_.error(symbol.range, "the discrete latent '" + symbol.name + "' has the infinite support " +
                                           stdlib::describe(dist->support) + " of " + dist->name +
                                           " and no upper bound; declare one, as in int<lower=0, upper=100> " +
                                           symbol.name + ", to sum it out");
    }
  }
}

}  // namespace pm::lang::detail
