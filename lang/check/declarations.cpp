// Blocks, declared names (data, param, latent, guide param, typed definitions), their types,
// constraints and data defaults, nets, and the names model / guide / generated define.
#include <set>

#include "lang/check/checker.hpp"
#include "lang/check/expression_text.hpp"
#include "lang/check/suggest.hpp"

namespace pm::lang::detail {
namespace {

SymbolKind definition_kind(BlockKind block) {
  if (block == BlockKind::Guide) return SymbolKind::GuideDefinition;
  if (block == BlockKind::Generated) return SymbolKind::Generated;
  return SymbolKind::ModelDefinition;
}

bool is_definition(SymbolKind kind) {
  return kind == SymbolKind::ModelDefinition || kind == SymbolKind::GuideDefinition ||
         kind == SymbolKind::Generated;
}

const std::set<std::string>& activations() {
  static const std::set<std::string> names{"relu", "tanh", "sigmoid", "softplus", "elu", "identity"};
  return names;
}

}  // namespace

void Checker::check_block_list() {
  std::map<BlockKind, const Block*> first;
  for (const Block& block : program_.blocks) {
    auto [position, inserted] = first.emplace(block.kind, &block);
    if (!inserted) {
      diagnostics_.error(block.keyword_range,
                         std::string("the '") + to_string(block.kind) + "' block is given twice");
      diagnostics_.note(position->second->keyword_range, "the first one is here");
    }
  }
}

Symbol* Checker::add_symbol(const std::string& name, SymbolKind kind, SourceRange range) {
  if (const Symbol* existing = result_.find(name)) {
    diagnostics_.error(range, "'" + name + "' is defined twice");
    diagnostics_.note(existing->range, "'" + name + "' is first defined here");
    return nullptr;
  }
  Symbol symbol;
  symbol.name = name;
  symbol.kind = kind;
  symbol.range = range;
  result_.index[name] = result_.symbols.size();
  result_.symbols.push_back(std::move(symbol));
  return &result_.symbols.back();
}

Type Checker::declared_type(const TypeSpec& spec, Context& context) {
  std::vector<Size> sizes;
  bool failed = false;
  auto read_sizes = [&](const std::vector<ExprPtr>& exprs, std::vector<Size>& out) {
    for (const ExprPtr& expr : exprs) {
      Type type = infer(*expr, context);
      if (type.error) { failed = true; out.push_back(Size::unknown()); continue; }
      if (!type.is_int_scalar()) {
        diagnostics_.error(expr->range, "a size must be an int, got " + to_string(type));
        failed = true;
      }
      out.push_back(size_of(*expr));
    }
  };
  std::vector<Size> array_sizes;
  read_sizes(spec.array_sizes, array_sizes);
  read_sizes(spec.sizes, sizes);

  Type type;
  std::size_t expected = 0;
  switch (spec.base) {
    case BaseType::Int: type = Type::int_scalar(); break;
    case BaseType::Real: type = Type::real_scalar(); break;
    case BaseType::Vector: case BaseType::Simplex: case BaseType::Ordered: case BaseType::PositiveOrdered:
      expected = 1; type = Type::of_shape(ShapeKind::Vector, sizes); break;
    case BaseType::RowVector: expected = 1; type = Type::of_shape(ShapeKind::RowVector, sizes); break;
    case BaseType::Matrix: expected = 2; type = Type::of_shape(ShapeKind::Matrix, sizes); break;
    case BaseType::CholeskyFactorCorr: case BaseType::CorrMatrix: case BaseType::CovMatrix:
      expected = 1;
      type = Type::of_shape(ShapeKind::Matrix, sizes.empty() ? sizes : std::vector<Size>{sizes[0], sizes[0]});
      break;
    case BaseType::CholeskyFactorCov:
      expected = sizes.size() == 2 ? 2 : 1;
      type = Type::of_shape(ShapeKind::Matrix, sizes.size() == 1 ? std::vector<Size>{sizes[0], sizes[0]} : sizes);
      break;
  }
  if (sizes.size() != expected) {
    diagnostics_.error(spec.range, std::string("'") + to_string(spec.base) + "' takes " +
                                       std::to_string(expected) + (expected == 1 ? " size" : " sizes") +
                                       ", got " + std::to_string(sizes.size()));
    return Type::failed();
  }
  type.array_sizes = array_sizes;
  if (failed) type.error = true;
  return type;
}

DeclaredSupport Checker::check_constraints(const TypeSpec& spec, Context& context, SymbolKind kind) {
  DeclaredSupport support;
  using Kind = DeclaredSupport::Kind;
  switch (spec.base) {
    case BaseType::Simplex: support.kind = Kind::Simplex; break;
    case BaseType::Ordered: support.kind = Kind::Ordered; break;
    case BaseType::PositiveOrdered: support.kind = Kind::PositiveOrdered; break;
    case BaseType::CholeskyFactorCorr: support.kind = Kind::CholeskyFactorCorr; break;
    case BaseType::CholeskyFactorCov: support.kind = Kind::CholeskyFactorCov; break;
    case BaseType::CorrMatrix: support.kind = Kind::CorrMatrix; break;
    case BaseType::CovMatrix: support.kind = Kind::CovMatrix; break;
    default: break;
  }
  bool takes_bounds = support.kind == Kind::Unconstrained;
  std::set<std::string> seen;
  for (const Constraint& constraint : spec.constraints) {
    if (constraint.name == "offset" || constraint.name == "multiplier") {
      diagnostics_.error(constraint.name_range,
                         "'" + constraint.name + "' is not supported in v0 (only lower and upper bounds)");
      continue;
    }
    if (constraint.name != "lower" && constraint.name != "upper") {
      suggest_name(constraint.name_range, "unknown constraint '" + constraint.name + "'", constraint.name,
                   {"lower", "upper"});
      continue;
    }
    if (!takes_bounds) {
      diagnostics_.error(constraint.name_range,
                         std::string("'") + to_string(spec.base) + "' takes no bounds");
      continue;
    }
    if (!seen.insert(constraint.name).second) {
      diagnostics_.error(constraint.name_range, "'" + constraint.name + "' is given twice");
      continue;
    }
    Context bound_context = context;
    bound_context.size_what = "a bound";
    Type type = infer(*constraint.value, bound_context);
    if (!type.error && !type.is_scalar()) {
      diagnostics_.error(constraint.value->range,
                         "bound '" + constraint.name + "' must be an int or real scalar, got " + to_string(type));
    } else if (!type.error && spec.base == BaseType::Int && !type.is_int()) {
      diagnostics_.error(constraint.value->range,
                         "bound '" + constraint.name + "' of an int must be an int, got " + to_string(type));
    }
    if (constraint.name == "lower") support.lower = constraint.value.get();
    if (constraint.name == "upper") support.upper = constraint.value.get();
  }
  if (takes_bounds) {
    if (support.lower && support.upper) support.kind = Kind::LowerUpper;
    else if (support.lower) support.kind = Kind::Lower;
    else if (support.upper) support.kind = Kind::Upper;
  }
  return support;
}

void Checker::declare_blocks() {
  // Data first: the other blocks' sizes read it, whatever the order of the blocks.
  std::vector<const Block*> ordered;
  std::set<BlockKind> done;
  for (BlockKind kind : {BlockKind::Data, BlockKind::Param, BlockKind::Latent}) {
    for (const Block& block : program_.blocks) {
      if (block.kind == kind && done.insert(kind).second) ordered.push_back(&block);
    }
  }
  for (const Block* block : ordered) {
    SymbolKind kind = block->kind == BlockKind::Data    ? SymbolKind::Data
                      : block->kind == BlockKind::Param ? SymbolKind::Param
                                                        : SymbolKind::Latent;
    for (const Declaration& declaration : block->declarations) {
      Context context;
      context.scope = Scope::Size;
      context.block = block->kind;
      context.size_what = "a size";
      std::vector<std::string> reads;
      context.reads = &reads;
      if (block->kind == BlockKind::Data) context.visible_data_limit = result_.symbols.size();
      Type type = declared_type(declaration.type, context);
      DeclaredSupport support = check_constraints(declaration.type, context, kind);
      if (declaration.initializer) {
        if (kind == SymbolKind::Data) {
          Context default_context = context;
          default_context.size_what = "the default of '" + declaration.name + "'";
          Type value = infer(*declaration.initializer, default_context);
          if (!value.error && !type.error && type.is_int() && !value.is_int()) {
            diagnostics_.error(declaration.initializer->range,
                               "'" + declaration.name + "' is declared " + to_string(type) + " but its default is " +
                                   to_string(value));
          } else if (!value.error && !type.error && !same_shape_kind(type, value) && !value.is_scalar()) {
            diagnostics_.error(declaration.initializer->range, "the default of '" + declaration.name +
                                                                   "' is " + to_string(value) + ", expected " +
                                                                   to_string(type));
          }
        } else {
          diagnostics_.error(declaration.initializer->range,
                             std::string("a ") + to_string(kind) + " cannot be given a value; only data has defaults");
        }
      }
      if (Symbol* symbol = add_symbol(declaration.name, kind, declaration.name_range)) {
        symbol->type = type;
        symbol->declaration = &declaration;
        symbol->support = support;
        symbol->reads = reads;
        symbol->discrete = kind == SymbolKind::Latent && type.is_int();
      }
    }
  }
}

void Checker::declare_nets() {
  for (const NetDeclaration& net : program_.nets) {
    Symbol* symbol = add_symbol(net.name, SymbolKind::Net, net.name_range);
    if (symbol) symbol->net = &net;
    if (net.architecture != "mlp") {
      diagnostics_.error(net.architecture_range,
                         "unknown net architecture '" + net.architecture + "'; v0 has only 'mlp'");
      continue;
    }
    if (net.widths.size() < 2) {
      diagnostics_.error(net.architecture_range, "mlp needs at least two widths (inputs and outputs), got " +
                                                     std::to_string(net.widths.size()));
    }
    std::vector<std::string> reads;
    for (const ExprPtr& width : net.widths) {
      Context context;
      context.scope = Scope::Size;
      context.size_what = "a net width";
      context.reads = &reads;
      Type type = infer(*width, context);
      if (!type.error && !type.is_int_scalar()) {
        diagnostics_.error(width->range, "a net width must be an int, got " + to_string(type));
      } else if (width->kind == ExprKind::IntLiteral && width->int_value < 1) {
        diagnostics_.error(width->range, "a net width must be at least 1");
      }
    }
    if (symbol) symbol->reads = reads;
    std::set<std::string> seen;
    for (const NetOption& option : net.options) {
      if (option.name != "activation" && option.name != "output") {
        suggest_name(option.range, "unknown mlp option '" + option.name + "' (options: activation, output)",
                     option.name, {"activation", "output"});
        continue;
      }
      if (!seen.insert(option.name).second) {
        diagnostics_.error(option.range, "option '" + option.name + "' is given twice");
        continue;
      }
      if (!activations().count(option.value)) {
        std::vector<std::string> names(activations().begin(), activations().end());
        suggest_name(option.range,
                     "unknown activation '" + option.value + "' (relu, tanh, sigmoid, softplus, elu, identity)",
                     option.value, names);
      }
    }
  }
}

namespace {

struct DefinitionCollector {
  Checker& checker;
  BlockKind block;
  std::vector<const Stmt*> loops;

  void visit(const std::vector<Stmt>& statements) {
    for (const Stmt& stmt : statements) visit(stmt);
  }

  void visit(const Stmt& stmt) {
    checker.statement_loops_[&stmt] = loops;
    checker.statement_block_[&stmt] = block;
    switch (stmt.kind) {
      case StmtKind::For:
        loops.push_back(&stmt);
        visit(stmt.body);
        loops.pop_back();
        break;
      case StmtKind::Declare: declare(stmt); break;
      case StmtKind::Assign: define(stmt, *stmt.lhs); break;
      case StmtKind::Tilde:
        if (block == BlockKind::Generated) define(stmt, *stmt.lhs);
        break;
      case StmtKind::TargetPlus: break;
    }
  }

  void declare(const Stmt& stmt) {
    const Declaration& declaration = *stmt.declaration;
    Context context;
    context.scope = Scope::Size;
    context.size_what = "a size";
    std::vector<std::string> reads;
    context.reads = &reads;
    if (declaration.guide_param) {
      if (block != BlockKind::Guide) {
        checker.diagnostics_.error(declaration.range, "'param' declarations belong in the param block or a guide");
        return;
      }
      Type type = checker.declared_type(declaration.type, context);
      DeclaredSupport support = checker.check_constraints(declaration.type, context, SymbolKind::GuideParam);
      if (declaration.initializer) {
        checker.diagnostics_.error(declaration.initializer->range, "a guide param cannot be given a value");
      }
      if (Symbol* symbol = checker.add_symbol(declaration.name, SymbolKind::GuideParam, declaration.name_range)) {
        symbol->type = type;
        symbol->declaration = &declaration;
        symbol->support = support;
        symbol->reads = reads;
      }
      return;
    }
    Type type = checker.declared_type(declaration.type, context);
    checker.check_constraints(declaration.type, context, definition_kind(block));
    Symbol* symbol = checker.result_.find(declaration.name);
    if (symbol && is_definition(symbol->kind) && symbol->kind == definition_kind(block) && !symbol->declaration &&
        symbol->elementwise && !declaration.initializer) {
      // `vector[N] mu;` after `mu[i] = ...;`: the declaration fixes the type.
    } else {
      symbol = checker.add_symbol(declaration.name, definition_kind(block), declaration.name_range);
      if (!symbol) return;
    }
    symbol->type = type;
    symbol->declaration = &declaration;
    symbol->reads.insert(symbol->reads.end(), reads.begin(), reads.end());
    checker.definition_state_[declaration.name] = Checker::DefinitionState::Done;
    if (declaration.initializer) symbol->definitions.push_back(&stmt);
  }

  void define(const Stmt& stmt, const Expr& lhs) {
    const Expr* name = Checker::base_name(lhs);
    if (!name) {
      checker.diagnostics_.error(lhs.range, stmt.kind == StmtKind::Assign
                                                ? "the left side of '=' must be a name or an indexed name"
                                                : "a draw in generated must name the quantity it defines");
      return;
    }
    for (const Stmt* loop : loops) {
      if (loop->loop_variable == name->name) {
        checker.diagnostics_.error(name->range, "cannot assign to loop variable '" + name->name + "'");
        return;
      }
    }
    bool elementwise = lhs.kind == ExprKind::Index;
    Symbol* symbol = checker.result_.find(name->name);
    if (symbol && !is_definition(symbol->kind)) {
      if (symbol->kind == SymbolKind::Net) {
        checker.diagnostics_.error(name->range, "cannot assign to net '" + name->name + "'");
      } else {
        checker.diagnostics_.error(name->range, std::string("cannot assign to ") + to_string(symbol->kind) + " '" +
                                                    name->name + "'");
      }
      return;
    }
    if (symbol && symbol->kind == definition_kind(block) && (elementwise || (symbol->declaration &&
                                                                               symbol->definitions.empty()))) {
      if (!symbol->definitions.empty() && !symbol->elementwise) {
        checker.diagnostics_.error(name->range, "'" + name->name + "' is defined twice");
        checker.diagnostics_.note(symbol->range, "'" + name->name + "' is first defined here");
        return;
      }
      symbol->elementwise = symbol->elementwise || elementwise;
      symbol->definitions.push_back(&stmt);
      return;
    }
    symbol = checker.add_symbol(name->name, definition_kind(block), name->range);
    if (!symbol) return;
    symbol->elementwise = elementwise;
    symbol->definitions.push_back(&stmt);
    checker.definition_state_[name->name] = Checker::DefinitionState::Pending;
  }
};

}  // namespace

void Checker::collect_definitions() {
  for (BlockKind kind : {BlockKind::Model, BlockKind::Guide, BlockKind::Generated}) {
    const Block* block = program_.find(kind);
    if (!block) continue;
    DefinitionCollector collector{*this, kind, {}};
    collector.visit(block->statements);
  }
}

}  // namespace pm::lang::detail
