// check_program: the order of the checker's passes, and the small shared helpers.
#include "lang/check/check.hpp"

#include "lang/check/checker.hpp"
#include "lang/check/expression_text.hpp"
#include "lang/check/suggest.hpp"

namespace pm::lang {

CheckedProgram check_program(const Program& program, Diagnostics& diagnostics) {
  CheckedProgram result;
  detail::Checker checker(program, diagnostics, result);
  checker.run();
  return result;
}

const char* to_string(SymbolKind kind) {
  switch (kind) {
    case SymbolKind::Data: return "data";
    case SymbolKind::Param: return "param";
    case SymbolKind::Latent: return "latent";
    case SymbolKind::GuideParam: return "guide param";
    case SymbolKind::ModelDefinition: return "model definition";
    case SymbolKind::GuideDefinition: return "guide definition";
    case SymbolKind::Generated: return "generated quantity";
    case SymbolKind::Net: return "net";
  }
  return "?";
}

const char* to_string(LatentHandling handling) {
  switch (handling) {
    case LatentHandling::SummedOut: return "summed out exactly";
    case LatentHandling::GuideBlock: return "approximated by the guide block";
    case LatentHandling::AutomaticGuide: return "approximated by the automatic guide";
  }
  return "?";
}

const char* to_string(FactorKind kind) {
  switch (kind) {
    case FactorKind::Prior: return "prior";
    case FactorKind::Likelihood: return "likelihood";
    case FactorKind::Factor: return "factor";
    case FactorKind::Target: return "target";
    case FactorKind::GuideDraw: return "guide";
    case FactorKind::GeneratedDraw: return "draw";
  }
  return "?";
}

std::string describe(const DeclaredSupport& support) {
  using Kind = DeclaredSupport::Kind;
  switch (support.kind) {
    case Kind::Unconstrained: return "unconstrained";
    case Kind::Lower: return "lower=" + expression_text(*support.lower);
    case Kind::Upper: return "upper=" + expression_text(*support.upper);
    case Kind::LowerUpper:
      return "lower=" + expression_text(*support.lower) + ", upper=" + expression_text(*support.upper);
    case Kind::Simplex: return "simplex";
    case Kind::Ordered: return "ordered";
    case Kind::PositiveOrdered: return "positive_ordered";
    case Kind::CholeskyFactorCorr: return "cholesky_factor_corr";
    case Kind::CholeskyFactorCov: return "cholesky_factor_cov";
    case Kind::CorrMatrix: return "corr_matrix";
    case Kind::CovMatrix: return "cov_matrix";
  }
  return "?";
}

const Symbol* CheckedProgram::find(std::string_view name) const {
  auto found = index.find(name);
  return found == index.end() ? nullptr : &symbols[found->second];
}

Symbol* CheckedProgram::find(std::string_view name) {
  auto found = index.find(name);
  return found == index.end() ? nullptr : &symbols[found->second];
}

const Type* CheckedProgram::type_of(const Expr& expr) const {
  auto found = expression_types.find(&expr);
  return found == expression_types.end() ? nullptr : &found->second;
}

const Loop* CheckedProgram::loop_of(const Stmt& statement) const {
  for (const Loop& loop : loops) {
    if (loop.statement == &statement) return &loop;
  }
  return nullptr;
}

namespace detail {

void Checker::run() {
  result_.program = &program_;
  check_block_list();
  declare_blocks();
  declare_nets();
  collect_definitions();
  check_statements();
  check_cycles();
  mark_data_only();
  classify_loops();
  check_discrete_coupling();
  check_latents();
}

void Checker::suggest_name(SourceRange range, const std::string& message, const std::string& name,
                           const std::vector<std::string>& candidates) {
  auto closest = closest_name(name, candidates);
  diagnostics_.error(range, closest ? message + "; did you mean '" + *closest + "'?" : message);
}

const Expr* Checker::base_name(const Expr& expr) {
  const Expr* current = &expr;
  while (current->kind == ExprKind::Index) current = current->args[0].get();
  return current->kind == ExprKind::Name ? current : nullptr;
}

bool Checker::visible(const Symbol& symbol, const Context& context) const {
  switch (context.scope) {
    case Scope::Size: {
      if (symbol.kind != SymbolKind::Data) return false;
      auto position = result_.index.at(symbol.name);
      return position < context.visible_data_limit;
    }
    case Scope::Model:
      return symbol.kind != SymbolKind::GuideParam && symbol.kind != SymbolKind::GuideDefinition &&
             symbol.kind != SymbolKind::Generated;
    case Scope::Guide: return symbol.kind != SymbolKind::Generated;
    case Scope::Generated:
      return symbol.kind != SymbolKind::GuideParam && symbol.kind != SymbolKind::GuideDefinition;
  }
  return false;
}

std::vector<std::string> Checker::visible_names(const Context& context) const {
  std::vector<std::string> names;
  for (const Symbol& symbol : result_.symbols) {
    if (visible(symbol, context)) names.push_back(symbol.name);
  }
  for (const Stmt* loop : context.loops) names.push_back(loop->loop_variable);
  return names;
}

}  // namespace detail
}  // namespace pm::lang
