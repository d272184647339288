// Statements of model, guide and generated: definitions (typed in dependency order, whatever
// their source order), `~` factors, `target +=`, and for loops.
#include <algorithm>

#include "lang/check/checker.hpp"
#include "lang/check/expression_text.hpp"
#include "lang/check/suggest.hpp"

namespace pm::lang::detail {
namespace {

bool is_definition(SymbolKind kind) {
  return kind == SymbolKind::ModelDefinition || kind == SymbolKind::GuideDefinition ||
         kind == SymbolKind::Generated;
}

// The type a definition gets from `name[i, j] = value;` inside loops over i and j: a real element
// in one loop is a vector[hi], in two a matrix; ints and non-scalars make arrays.
std::optional<Type> elementwise_type(Checker& checker, const Stmt& stmt, const Expr& lhs, const Type& value) {
  std::vector<Size> sizes;
  for (const IndexArg& index : lhs.indices) {
    if (index.kind != IndexArg::Kind::Single) return std::nullopt;
    const Stmt* loop = nullptr;
    if (index.first->kind == ExprKind::Name) {
      for (const Stmt* candidate : checker.statement_loops_[&stmt]) {
        if (candidate->loop_variable == index.first->name) loop = candidate;
      }
    }
    sizes.push_back(loop ? checker.size_of(*loop->upper) : Size::unknown());
  }
  Type type = value;
  if (value.is_scalar() && !value.is_int() && sizes.size() <= 2) {
    return Type::of_shape(sizes.size() == 1 ? ShapeKind::Vector : ShapeKind::Matrix, sizes);
  }
  type.array_sizes.insert(type.array_sizes.begin(), sizes.begin(), sizes.end());
  return type;
}

bool all_indices_are_loop_variables(Checker& checker, const Stmt& stmt, const Expr& lhs) {
  if (lhs.kind != ExprKind::Index) return false;
  for (const IndexArg& index : lhs.indices) {
    if (index.kind != IndexArg::Kind::Single || index.first->kind != ExprKind::Name) return false;
    bool found = false;
    for (const Stmt* loop : checker.statement_loops_[&stmt]) found = found || loop->loop_variable == index.first->name;
    if (!found) return false;
  }
  return true;
}

}  // namespace

Context Checker::context_for(BlockKind block) const {
  Context context;
  context.block = block;
  context.scope = block == BlockKind::Guide ? Scope::Guide : block == BlockKind::Generated ? Scope::Generated : Scope::Model;
  return context;
}

void Checker::check_statements() {
  for (const Block& block : program_.blocks) {
    if (block.kind != BlockKind::Model && block.kind != BlockKind::Guide && block.kind != BlockKind::Generated) continue;
    if (program_.find(block.kind) != &block) continue;  // a repeated block was reported
    Context context = context_for(block.kind);
    for (const Stmt& stmt : block.statements) check_statement(stmt, context);
  }
  for (Symbol& symbol : result_.symbols) {
    if (is_definition(symbol.kind)) {
      definition_type(symbol);
      if (symbol.definitions.empty() && symbol.declaration) {
        diagnostics_.error(symbol.range, "'" + symbol.name + "' is declared but never defined");
      }
    }
  }
}

// Checks one defining statement of `symbol` and returns the type of the value it defines.
static Type check_definition_statement(Checker& checker, const Stmt& stmt, Symbol& symbol) {
  checker.checked_statements_.insert(&stmt);
  Context context = checker.context_for(checker.statement_block_[&stmt]);
  context.loops = checker.statement_loops_[&stmt];
  std::vector<std::string> reads;
  context.reads = &reads;
  Type value;
  const Expr* lhs = nullptr;
  if (stmt.kind == StmtKind::Declare) {
    value = checker.infer(*stmt.declaration->initializer, context);
  } else if (stmt.kind == StmtKind::Assign) {
    lhs = stmt.lhs.get();
    value = checker.infer(*stmt.rhs, context);
  } else {  // a draw in generated
    lhs = stmt.lhs.get();
    const auto* dist = stdlib::find_distribution(stmt.distribution);
    std::vector<const Expr*> args;
    std::vector<Type> types;
    for (const ExprPtr& arg : stmt.args) {
      args.push_back(arg.get());
      types.push_back(checker.infer(*arg, context));
    }
    if (!dist) {
      checker.suggest_name(stmt.distribution_range, "unknown distribution '" + stmt.distribution + "'",
                           stmt.distribution, stdlib::distribution_names());
      value = Type::failed();
    } else if (!checker.check_distribution_arguments(*dist, nullptr, nullptr, args, types,
                                                     "'~ " + stmt.distribution + "'", stmt.distribution_range)) {
      value = Type::failed();
    } else {
      value = checker.draw_type(*dist, args, types);
    }
    Factor factor;
    factor.kind = FactorKind::GeneratedDraw;
    factor.block = BlockKind::Generated;
    factor.statement = &stmt;
    factor.subject = symbol.name;
    factor.distribution = stmt.distribution;
    factor.reads = reads;
    factor.enclosing_loops = context.loops;
    checker.result_.factors.push_back(factor);
  }
  // The indices on the left are reads too.
  if (lhs && lhs->kind == ExprKind::Index) {
    for (const IndexArg& index : lhs->indices) {
      if (index.first) checker.infer(*index.first, context);
      if (index.last) checker.infer(*index.last, context);
    }
  }
  symbol.reads.insert(symbol.reads.end(), reads.begin(), reads.end());

  if (symbol.declaration && !value.error) {
    // The declared type of the element assigned.
    Type target = symbol.type;
    if (lhs && lhs->kind == ExprKind::Index) {
      Context lhs_context = context;
      std::vector<std::string> ignored;
      lhs_context.reads = &ignored;
      target = checker.infer(*lhs, lhs_context);
    }
    if (target.error) return value;
    if (target.is_int() && !value.is_int() && target.shape == ShapeKind::Scalar) {
      checker.diagnostics_.error((lhs ? lhs : stmt.declaration->initializer.get())->range,
                                 "'" + symbol.name + "' is declared " + to_string(symbol.type) +
                                     ", but the value assigned is " + to_string(value));
    } else if (!same_shape_kind(target, value) && !(target.rank() == value.rank() && target.is_array() != value.is_array())) {
      checker.diagnostics_.error(stmt.range, "cannot assign " + to_string(value) + " to " +
                                                 (lhs ? expression_text(*lhs) : symbol.name) + ", which is " +
                                                 to_string(target));
    } else {
      checker.check_same_sizes(target, value, stmt.range, "assignment to '" + symbol.name + "'");
    }
  }
  return value;
}

Type Checker::definition_type(Symbol& symbol) {
  auto& state = definition_state_[symbol.name];
  if (state == DefinitionState::InProgress) return Type::failed();  // a cycle, reported by check_cycles
  if (state == DefinitionState::Done) {
    // A declared definition: its statements are checked in source order (or now, if not yet).
    for (const Stmt* stmt : symbol.definitions) {
      if (!checked_statements_.count(stmt)) check_definition_statement(*this, *stmt, symbol);
    }
    return symbol.type;
  }
  state = DefinitionState::InProgress;
  std::optional<Type> inferred;
  Type fallback = Type::failed();
  for (const Stmt* stmt : symbol.definitions) {
    Type value = check_definition_statement(*this, *stmt, symbol);
    if (value.error || inferred) continue;
    const Expr* lhs = stmt->lhs.get();
    if (!lhs || lhs->kind != ExprKind::Index) {
      inferred = value;
    } else if (all_indices_are_loop_variables(*this, *stmt, *lhs)) {
      inferred = elementwise_type(*this, *stmt, *lhs, value);
    } else if (fallback.error) {
      if (auto type = elementwise_type(*this, *stmt, *lhs, value)) fallback = *type;
    }
  }
  if (!inferred && !fallback.error) inferred = fallback;
  if (!inferred && !symbol.definitions.empty()) {
    const Stmt* first = symbol.definitions.front();
    bool sliced = first->lhs && first->lhs->kind == ExprKind::Index &&
                  std::any_of(first->lhs->indices.begin(), first->lhs->indices.end(),
                              [](const IndexArg& index) { return index.kind != IndexArg::Kind::Single; });
    if (sliced) {
      diagnostics_.error(first->lhs->range, "cannot infer the type of '" + symbol.name +
                                                "' from a sliced assignment; declare it first, as in matrix[N, K] " +
                                                symbol.name + ";");
    }
  }
  symbol.type = inferred ? *inferred : Type::failed();
  definition_state_[symbol.name] = DefinitionState::Done;
  // Record the type of each left side too (mu, mu[i]), now that the name has one.
  if (!symbol.type.error) {
    for (const Stmt* stmt : symbol.definitions) {
      if (!stmt->lhs || result_.expression_types.count(stmt->lhs.get())) continue;
      Context context = context_for(statement_block_[stmt]);
      context.loops = statement_loops_[stmt];
      infer(*stmt->lhs, context);
    }
  }
  return symbol.type;
}

void Checker::check_statement(const Stmt& stmt, Context& context) {
  switch (stmt.kind) {
    case StmtKind::Assign: check_assign(stmt, context); break;
    case StmtKind::Tilde: check_tilde(stmt, context); break;
    case StmtKind::For: check_for(stmt, context); break;
    case StmtKind::Declare: {
      if (stmt.declaration->guide_param) break;
      if (Symbol* symbol = result_.find(stmt.declaration->name)) {
        if (symbol->declaration == stmt.declaration.get()) definition_type(*symbol);
      }
      break;
    }
    case StmtKind::TargetPlus: {
      std::vector<std::string> reads;
      Context inner = context;
      inner.reads = &reads;
      infer(*stmt.rhs, inner);
      if (context.block != BlockKind::Model) {
        diagnostics_.error(stmt.range, std::string("'target +=' belongs in the model block, not in ") +
                                           to_string(context.block));
        break;
      }
      Factor factor;
      factor.kind = FactorKind::Target;
      factor.block = context.block;
      factor.statement = &stmt;
      factor.reads = reads;
      factor.enclosing_loops = context.loops;
      result_.factors.push_back(factor);
      break;
    }
  }
}

void Checker::check_assign(const Stmt& stmt, Context& context) {
  if (checked_statements_.count(&stmt)) return;
  const Expr* name = base_name(*stmt.lhs);
  Symbol* symbol = name ? result_.find(name->name) : nullptr;
  bool defines = symbol && std::find(symbol->definitions.begin(), symbol->definitions.end(), &stmt) !=
                               symbol->definitions.end();
  if (!defines) {
    // Reported when the definitions were collected; still check the value for its own errors.
    checked_statements_.insert(&stmt);
    infer(*stmt.rhs, context);
    return;
  }
  definition_type(*symbol);
}

void Checker::check_tilde(const Stmt& stmt, Context& context) {
  if (context.block == BlockKind::Generated) {
    const Expr* name = base_name(*stmt.lhs);
    Symbol* symbol = name ? result_.find(name->name) : nullptr;
    if (symbol && std::find(symbol->definitions.begin(), symbol->definitions.end(), &stmt) != symbol->definitions.end()) {
      definition_type(*symbol);
    }
    return;
  }
  Context inner = context;
  std::vector<std::string> reads;
  inner.reads = &reads;
  Type outcome = infer(*stmt.lhs, inner);
  std::vector<std::string> lhs_reads = reads;
  reads.clear();
  std::vector<const Expr*> args;
  std::vector<Type> types;
  for (const ExprPtr& arg : stmt.args) {
    args.push_back(arg.get());
    types.push_back(infer(*arg, inner));
  }
  const auto* dist = stdlib::find_distribution(stmt.distribution);
  if (!dist) {
    suggest_name(stmt.distribution_range, "unknown distribution '" + stmt.distribution + "'", stmt.distribution,
                 stdlib::distribution_names());
  } else {
    check_distribution_arguments(*dist, stmt.lhs.get(), &outcome, args, types, "'~ " + stmt.distribution + "'",
                                 stmt.distribution_range);
  }

  Factor factor;
  factor.block = context.block;
  factor.statement = &stmt;
  factor.distribution = stmt.distribution;
  factor.enclosing_loops = context.loops;
  const Expr* name = base_name(*stmt.lhs);
  // A reshape of one whole variable on the left (`to_vector(A) ~ normal(0, 1);` for a matrix
  // A) puts the same density on the same elements, with no Jacobian: A's prior, as in Stan.
  if (!name && stmt.lhs->kind == ExprKind::Call && stmt.lhs->args.size() == 1 &&
      stmt.lhs->args[0]->kind == ExprKind::Name &&
      (stmt.lhs->name == "to_vector" || stmt.lhs->name == "to_row_vector" || stmt.lhs->name == "to_array_1d"))
    name = stmt.lhs->args[0].get();
  Symbol* symbol = name ? result_.find(name->name) : nullptr;
  if (symbol) factor.subject = symbol->name;
  // Index expressions on the left (z[i], y[idx[n]]) are read too.
  for (const std::string& read : lhs_reads) {
    if (!symbol || read != symbol->name) reads.push_back(read);
  }
  factor.reads = reads;

  if (context.block == BlockKind::Guide) {
    factor.kind = FactorKind::GuideDraw;
    if (symbol) check_guide_draw(stmt, *symbol);
    result_.factors.push_back(factor);
    return;
  }
  if (symbol && (symbol->kind == SymbolKind::Latent || symbol->kind == SymbolKind::Param)) {
    factor.kind = FactorKind::Prior;
    if (symbol->prior) {
      const Expr& first = *symbol->prior->lhs;
      bool both_indexed = first.kind == ExprKind::Index && stmt.lhs->kind == ExprKind::Index;
      if (!both_indexed || same_indices(first.indices, stmt.lhs->indices)) {
        diagnostics_.error(stmt.lhs->range, std::string("the ") + to_string(symbol->kind) + " '" + symbol->name +
                                                "' has two priors");
        diagnostics_.note(symbol->prior->range, "its first prior is here");
      }
    } else {
      symbol->prior = &stmt;
      symbol->prior_distribution = dist;
    }
  } else if (symbol && symbol->kind == SymbolKind::Data) {
    factor.kind = FactorKind::Likelihood;
  } else if (!symbol) {
    bool data_only = std::all_of(lhs_reads.begin(), lhs_reads.end(), [&](const std::string& read) {
      const Symbol* s = result_.find(read);
      return s && s->kind == SymbolKind::Data;
    });
    factor.kind = data_only ? FactorKind::Likelihood : FactorKind::Factor;
  } else {
    factor.kind = FactorKind::Factor;
  }
  result_.factors.push_back(factor);
}

void Checker::check_for(const Stmt& stmt, Context& context) {
  for (const Expr* bound : {stmt.lower.get(), stmt.upper.get()}) {
    Context bounds = context;
    std::vector<std::string> reads;
    bounds.reads = &reads;
    Type type = infer(*bound, bounds);
    if (!type.error && !type.is_int_scalar()) {
      diagnostics_.error(bound->range, "a loop bound must be an int, got " + to_string(type));
      continue;
    }
    // The plate's extent must be known before inference: no params or latents in bounds.
    for (const std::string& read : reads) {
      const Symbol* symbol = result_.find(read);
      if (symbol && (symbol->kind == SymbolKind::Param || symbol->kind == SymbolKind::Latent ||
                     symbol->kind == SymbolKind::GuideParam)) {
        diagnostics_.error(bound->range, "a loop bound must be an expression over data and literals; '" + read +
                                             "' is a " + to_string(symbol->kind));
        break;
      }
    }
  }
  refuse_reserved_name(stmt.loop_variable, stmt.loop_variable_range);
  if (const Symbol* existing = result_.find(stmt.loop_variable)) {
    diagnostics_.error(stmt.loop_variable_range, "'" + stmt.loop_variable + "' is defined twice");
    diagnostics_.note(existing->range, "'" + stmt.loop_variable + "' is first defined here");
  }
  for (const Stmt* outer : context.loops) {
    if (outer->loop_variable == stmt.loop_variable) {
      diagnostics_.error(stmt.loop_variable_range, "'" + stmt.loop_variable + "' is defined twice");
      diagnostics_.note(outer->loop_variable_range, "the enclosing loop's variable is here");
    }
  }
  Loop loop;
  loop.statement = &stmt;
  loop.block = context.block;
  loop.variable = stmt.loop_variable;
  loop.parent = context.loops.empty() ? nullptr : context.loops.back();
  result_.loops.push_back(loop);
  Context body = context;
  body.loops.push_back(&stmt);
  for (const Stmt& inner : stmt.body) check_statement(inner, body);
}

}  // namespace pm::lang::detail
