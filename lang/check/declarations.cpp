// Blocks, declared names (data, param, latent, guide param, typed definitions), their types,
// constraints and data defaults, nets, and the names model / guide / generated define.
//
// A data default that is a constant the checker can compute (literals and earlier defaults,
// see DefaultEvaluator) is checked against its own lower and upper bounds here, so that
// `int<lower=5> K = 3;` is an error of `pm check`, not only of the data loader at fit time.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>
#include <optional>
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

// ---- data defaults against their bounds

// A constant computed from a data default: one value for a scalar, the elements of a flat
// literal ({1, 2}, [1, 2], [1, 2]') otherwise. Ints are held as doubles, as the data loader
// holds them (engine/io/constant_expression.cpp), with the same rules: int / int truncates
// toward zero, ^ and the math functions give reals.
struct ConstantValue {
  bool is_int = true;
  bool scalar = true;
  std::vector<double> values;
};

using KnownDefaults = std::map<std::string, ConstantValue, std::less<>>;

// Evaluates what it can of a default or a bound without loaded data: int and real literals,
// earlier data defaults (`known`), unary - + !, + - * / % ^ and their elementwise forms with a
// scalar broadcast, comparisons and && || on scalars, c ? a : b, flat literal lists and their
// transpose, one int index into a known list, and abs fabs exp log sqrt floor ceil round pow
// min max of scalars. Anything else (a data name without a default, a function of sizes,
// nested lists) is nullopt: the data loader evaluates it when data loads.
class DefaultEvaluator {
 public:
  explicit DefaultEvaluator(const KnownDefaults& known) : known_(known) {}

  std::optional<ConstantValue> evaluate(const Expr& expr) {
    switch (expr.kind) {
      case ExprKind::IntLiteral: return scalar(static_cast<double>(expr.int_value), true);
      case ExprKind::RealLiteral: return scalar(expr.real_value, false);
      case ExprKind::Name: {
        auto found = known_.find(expr.name);
        if (found == known_.end()) return std::nullopt;
        if (std::find(read_.begin(), read_.end(), expr.name) == read_.end()) read_.push_back(expr.name);
        return found->second;
      }
      case ExprKind::Unary: {
        auto value = evaluate(*expr.args[0]);
        if (!value) return std::nullopt;
        if (expr.unary_op == UnaryOp::Negate) {
          for (double& v : value->values) v = -v;
        } else if (expr.unary_op == UnaryOp::Not) {
          if (!value->scalar) return std::nullopt;
          return scalar(value->values[0] == 0 ? 1 : 0, true);
        }
        return value;
      }
      case ExprKind::Binary: {
        auto a = evaluate(*expr.args[0]);
        auto b = a ? evaluate(*expr.args[1]) : std::nullopt;
        if (!a || !b) return std::nullopt;
        return binary(expr.binary_op, *a, *b);
      }
      case ExprKind::Conditional: {
        auto condition = evaluate(*expr.args[0]);
        if (!condition || !condition->scalar) return std::nullopt;
        auto a = evaluate(*expr.args[1]);
        auto b = evaluate(*expr.args[2]);
        if (!a || !b) return std::nullopt;
        ConstantValue result = condition->values[0] != 0 ? *a : *b;
        result.is_int = a->is_int && b->is_int;
        return result;
      }
      case ExprKind::Transpose: {
        auto value = evaluate(*expr.args[0]);
        if (!value || value->scalar) return std::nullopt;  // a row vector's transpose: same elements
        return value;
      }
      case ExprKind::ArrayLiteral:
      case ExprKind::RowVectorLiteral: {
        ConstantValue result;
        result.scalar = false;
        for (const ExprPtr& item : expr.args) {
          auto value = evaluate(*item);
          if (!value || !value->scalar) return std::nullopt;
          result.is_int = result.is_int && value->is_int;
          result.values.push_back(value->values[0]);
        }
        if (result.values.empty()) return std::nullopt;
        if (expr.kind == ExprKind::RowVectorLiteral) result.is_int = false;
        return result;
      }
      case ExprKind::Index: {
        if (expr.indices.size() != 1 || expr.indices[0].kind != IndexArg::Kind::Single || !expr.indices[0].first) {
          return std::nullopt;
        }
        auto value = evaluate(*expr.args[0]);
        auto position = value ? evaluate(*expr.indices[0].first) : std::nullopt;
        if (!value || value->scalar || !position || !position->scalar || !position->is_int) return std::nullopt;
        double k = position->values[0];
        if (k < 1 || k > static_cast<double>(value->values.size())) return std::nullopt;
        return scalar(value->values[static_cast<std::size_t>(k) - 1], value->is_int);
      }
      case ExprKind::Call: return call(expr);
    }
    return std::nullopt;
  }

  // The earlier defaults the evaluations read, in the order first read.
  const std::vector<std::string>& defaults_read() const { return read_; }

 private:
  static ConstantValue scalar(double value, bool is_int) { return {is_int, true, {value}}; }

  template <typename Op>
  static std::optional<ConstantValue> elementwise(const ConstantValue& a, const ConstantValue& b, bool is_int, Op op) {
    if (!a.scalar && !b.scalar && a.values.size() != b.values.size()) return std::nullopt;
    ConstantValue result = a.scalar ? b : a;
    result.is_int = is_int;
    for (std::size_t k = 0; k < result.values.size(); ++k) {
      std::optional<double> value = op(a.values[a.scalar ? 0 : k], b.values[b.scalar ? 0 : k]);
      if (!value) return std::nullopt;
      result.values[k] = *value;
    }
    return result;
  }

  static std::optional<ConstantValue> binary(BinaryOp op, const ConstantValue& a, const ConstantValue& b) {
    bool both_int = a.is_int && b.is_int;
    using Result = std::optional<double>;
    switch (op) {
      case BinaryOp::Add: return elementwise(a, b, both_int, [](double x, double y) -> Result { return x + y; });
      case BinaryOp::Subtract: return elementwise(a, b, both_int, [](double x, double y) -> Result { return x - y; });
      case BinaryOp::Multiply:
        if (!a.scalar && !b.scalar) return std::nullopt;  // a matrix product
        [[fallthrough]];
      case BinaryOp::ElementMultiply:
        return elementwise(a, b, both_int, [](double x, double y) -> Result { return x * y; });
      case BinaryOp::Divide:
      case BinaryOp::ElementDivide:
        if (both_int) {
          return elementwise(a, b, true, [](double x, double y) -> Result {
            if (y == 0) return std::nullopt;  // the loader says "integer division by zero"
            return std::trunc(x / y);
          });
        }
        return elementwise(a, b, false, [](double x, double y) -> Result { return x / y; });
      case BinaryOp::Modulo:
        if (!both_int) return std::nullopt;
        return elementwise(a, b, true, [](double x, double y) -> Result {
          if (y == 0) return std::nullopt;
          return std::fmod(x, y);
        });
      case BinaryOp::Power:
      case BinaryOp::ElementPower:
        return elementwise(a, b, false, [](double x, double y) -> Result { return std::pow(x, y); });
      default: break;
    }
    if (!a.scalar || !b.scalar) return std::nullopt;
    double x = a.values[0], y = b.values[0];
    auto truth = [](bool value) { return scalar(value ? 1 : 0, true); };
    switch (op) {
      case BinaryOp::Less: return truth(x < y);
      case BinaryOp::LessEqual: return truth(x <= y);
      case BinaryOp::Greater: return truth(x > y);
      case BinaryOp::GreaterEqual: return truth(x >= y);
      case BinaryOp::Equal: return truth(x == y);
      case BinaryOp::NotEqual: return truth(x != y);
      case BinaryOp::And: return truth(x != 0 && y != 0);
      case BinaryOp::Or: return truth(x != 0 || y != 0);
      default: return std::nullopt;
    }
  }

  std::optional<ConstantValue> call(const Expr& expr) {
    if (expr.bar_after_first) return std::nullopt;
    std::vector<ConstantValue> args;
    for (const ExprPtr& arg : expr.args) {
      auto value = evaluate(*arg);
      if (!value || !value->scalar) return std::nullopt;
      args.push_back(*value);
    }
    const std::string& name = expr.name;
    if ((name == "min" || name == "max") && args.size() == 2) {
      double x = args[0].values[0], y = args[1].values[0];
      return scalar(name == "min" ? std::min(x, y) : std::max(x, y), args[0].is_int && args[1].is_int);
    }
    if (name == "pow" && args.size() == 2) return scalar(std::pow(args[0].values[0], args[1].values[0]), false);
    if (args.empty()) {  // the constants, as engine/io/constant_expression.cpp folds them
      if (name == "pi") return scalar(std::numbers::pi, false);
      if (name == "e") return scalar(std::numbers::e, false);
      if (name == "sqrt2") return scalar(std::numbers::sqrt2, false);
      if (name == "log2") return scalar(std::numbers::ln2, false);
      if (name == "log10") return scalar(std::numbers::ln10, false);
      return std::nullopt;
    }
    if (args.size() != 1) return std::nullopt;
    double x = args[0].values[0];
    if (name == "abs") return scalar(std::fabs(x), args[0].is_int);
    if (name == "fabs") return scalar(std::fabs(x), false);
    if (name == "exp") return scalar(std::exp(x), false);
    if (name == "log") return scalar(std::log(x), false);
    if (name == "sqrt") return scalar(std::sqrt(x), false);
    if (name == "floor") return scalar(std::floor(x), false);
    if (name == "ceil") return scalar(std::ceil(x), false);
    if (name == "round") return scalar(std::round(x), false);
    return std::nullopt;
  }

  const KnownDefaults& known_;
  std::vector<std::string> read_;
};

// A value as a message shows it: ints without a decimal point, reals in their shortest form.
std::string constant_text(double value, bool is_int) {
  if (is_int && std::fabs(value) < 9e15) return std::to_string(static_cast<long long>(value));
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return error == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

bool all_finite(const ConstantValue& value) {
  return std::all_of(value.values.begin(), value.values.end(), [](double v) { return std::isfinite(v); });
}

// Checks the computed default of data `declaration` against each bound the checker can
// compute; reports the first violation (of the first element that violates it) as an error at
// the default, with a note at the bound. True when the default is within every bound.
bool check_default_bounds(const Declaration& declaration, const ConstantValue& value, const KnownDefaults& known,
                          DefaultEvaluator& evaluator, Diagnostics& diagnostics) {
  for (const Constraint& constraint : declaration.type.constraints) {
    bool is_lower = constraint.name == "lower";
    if ((!is_lower && constraint.name != "upper") || !constraint.value) continue;
    DefaultEvaluator bound_evaluator(known);
    auto bound = bound_evaluator.evaluate(*constraint.value);
    if (!bound || !bound->scalar || !all_finite(*bound)) continue;
    double limit = bound->values[0];
    for (std::size_t k = 0; k < value.values.size(); ++k) {
      double v = value.values[k];
      if (is_lower ? v >= limit : v <= limit) continue;
      std::string shown = value.scalar ? "is " + constant_text(v, value.is_int)
                                       : "has " + declaration.name + "[" + std::to_string(k + 1) + "] = " +
                                             constant_text(v, value.is_int);
      std::string bound_text = constraint.name + "=" + expression_text(*constraint.value);
      std::vector<std::string> read = evaluator.defaults_read();
      for (const std::string& name : bound_evaluator.defaults_read()) {
        if (std::find(read.begin(), read.end(), name) == read.end()) read.push_back(name);
      }
      std::string from;
      std::size_t shown_count = 0;
      for (const std::string& name : read) {
        const ConstantValue& earlier = known.at(name);
        if (!earlier.scalar) continue;  // a list default is not spelled out
        from += (from.empty() ? "" : ", ") + name + " = " + constant_text(earlier.values[0], earlier.is_int);
        ++shown_count;
      }
      if (!from.empty()) from = " (with the default" + std::string(shown_count > 1 ? "s " : " ") + from + ")";
      diagnostics.error(declaration.initializer->range, "the default of '" + declaration.name + "' " + shown +
                                                            ", which violates " + bound_text + from);
      diagnostics.note(constraint.range, "the bound " + bound_text + " is declared here");
      return false;
    }
  }
  return true;
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

void Checker::refuse_reserved_name(const std::string& name, SourceRange range) {
  // Stan reserves identifiers ending in "__" (lp__, accept_stat__, ...): the draws file's
  // own columns end so, and a model's `lp__` would be a second lp__ column, a latent `a__`
  // one that readers take for the sampler's.
  if (name.size() >= 2 && name.compare(name.size() - 2, 2, "__") == 0)
    diagnostics_.error(range, "'" + name + "' ends in '__': names ending in two underscores are reserved for the "
                              "columns pm and Stan add to a draws file (lp__, ...); rename it");
}

Symbol* Checker::add_symbol(const std::string& name, SymbolKind kind, SourceRange range) {
  refuse_reserved_name(name, range);
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
  // The data defaults computed so far, which later defaults and bounds may read.
  KnownDefaults known_defaults;
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
      std::size_t errors_before = diagnostics_.error_count();
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
      Symbol* symbol = add_symbol(declaration.name, kind, declaration.name_range);
      if (symbol) {
        symbol->type = type;
        symbol->declaration = &declaration;
        symbol->support = support;
        symbol->reads = reads;
        symbol->discrete = kind == SymbolKind::Latent && type.is_int();
      }
      // A well-typed data default the checker can compute: within its bounds? Kept for the
      // later defaults and bounds that read it only when it is.
      if (symbol && kind == SymbolKind::Data && declaration.initializer && diagnostics_.error_count() == errors_before) {
        DefaultEvaluator evaluator(known_defaults);
        std::optional<ConstantValue> value = evaluator.evaluate(*declaration.initializer);
        if (value && all_finite(*value) && !(type.is_int() && !value->is_int) &&
            check_default_bounds(declaration, *value, known_defaults, evaluator, diagnostics_)) {
          known_defaults[declaration.name] = *value;
        }
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
