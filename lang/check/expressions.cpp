// The type of every expression: names, operators, indexing, literals. Calls are in calls.cpp.
#include "lang/check/checker.hpp"
#include "lang/check/expression_text.hpp"
#include "lang/syntax/printer.hpp"

namespace pm::lang::detail {
namespace {

std::optional<std::int64_t> constant_int(const Expr& expr) {
  if (expr.kind == ExprKind::IntLiteral) return expr.int_value;
  if (expr.kind == ExprKind::Unary && expr.unary_op == UnaryOp::Negate) {
    if (auto value = constant_int(*expr.args[0])) return -*value;
  }
  if (expr.kind == ExprKind::Binary) {
    auto a = constant_int(*expr.args[0]);
    auto b = constant_int(*expr.args[1]);
    if (!a || !b) return std::nullopt;
    switch (expr.binary_op) {
      case BinaryOp::Add: return *a + *b;
      case BinaryOp::Subtract: return *a - *b;
      case BinaryOp::Multiply: return *a * *b;
      default: return std::nullopt;
    }
  }
  return std::nullopt;
}

// The size of the range lo:hi over a dimension of size `whole` (both ends included).
Size range_size(const Size& lo, const Size& hi) {
  if (lo.literal && hi.literal) return Size::of(std::max<std::int64_t>(0, *hi.literal - *lo.literal + 1));
  if (lo.literal && *lo.literal == 1) return hi;
  if (!lo.known() || !hi.known()) return Size::unknown();
  Size size;
  size.text = "(" + hi.text + ") - (" + lo.text + ") + 1";
  return size;
}

bool is_comparison(BinaryOp op) {
  switch (op) {
    case BinaryOp::Less: case BinaryOp::LessEqual: case BinaryOp::Greater: case BinaryOp::GreaterEqual:
    case BinaryOp::Equal: case BinaryOp::NotEqual: return true;
    default: return false;
  }
}

}  // namespace

Size Checker::size_of(const Expr& expr) {
  Size size;
  size.text = expression_text(expr);
  size.literal = constant_int(expr);
  if (expr.kind == ExprKind::Name) {
    const Symbol* symbol = result_.find(expr.name);
    if (symbol && symbol->kind == SymbolKind::Data && symbol->declaration) {
      for (const Constraint& constraint : symbol->declaration->type.constraints) {
        auto bound = constraint.value ? constant_int(*constraint.value) : std::nullopt;
        if (!bound) continue;
        if (constraint.name == "lower") size.at_least = bound;
        if (constraint.name == "upper") size.at_most = bound;
      }
    }
  }
  return size;
}

Type Checker::infer(const Expr& expr, Context& context) {
  Type type;
  switch (expr.kind) {
    case ExprKind::IntLiteral: type = Type::int_scalar(); break;
    case ExprKind::RealLiteral: type = Type::real_scalar(); break;
    case ExprKind::Name: type = infer_name(expr, context); break;
    case ExprKind::Unary: {
      type = infer(*expr.args[0], context);
      if (!type.error && expr.unary_op == UnaryOp::Not) {
        if (!type.is_scalar()) {
          diagnostics_.error(expr.range, "'!' expects an int or real scalar, got " + to_string(type));
          type = Type::failed();
        } else {
          type = Type::int_scalar();
        }
      }
      break;
    }
    case ExprKind::Binary: type = infer_binary(expr, context); break;
    case ExprKind::Conditional: type = infer_conditional(expr, context); break;
    case ExprKind::Call: type = infer_call(expr, context); break;
    case ExprKind::Index: type = infer_index(expr, context); break;
    case ExprKind::Transpose: {
      type = infer(*expr.args[0], context);
      if (type.error) break;
      if (type.is_array() || type.shape == ShapeKind::Scalar) {
        diagnostics_.error(expr.range, "transpose (') expects a vector, row_vector or matrix, got " + to_string(type));
        type = Type::failed();
      } else if (type.shape == ShapeKind::Vector) {
        type.shape = ShapeKind::RowVector;
      } else if (type.shape == ShapeKind::RowVector) {
        type.shape = ShapeKind::Vector;
      } else {
        std::swap(type.shape_sizes[0], type.shape_sizes[1]);
      }
      break;
    }
    case ExprKind::ArrayLiteral:
    case ExprKind::RowVectorLiteral: type = infer_literal_list(expr, context); break;
  }
  result_.expression_types[&expr] = type;
  return type;
}

Type Checker::infer_name(const Expr& expr, Context& context) {
  for (auto loop = context.loops.rbegin(); loop != context.loops.rend(); ++loop) {
    if ((*loop)->loop_variable == expr.name) return Type::int_scalar();
  }
  Symbol* symbol = result_.find(expr.name);
  if (!symbol && context.scope == Scope::Size) {
    // Not declared yet: a later data variable, or a param or latent (declared after data).
    for (const Block& block : program_.blocks) {
      for (const Declaration& declaration : block.declarations) {
        if (declaration.name != expr.name || block.kind == BlockKind::Model) continue;
        std::string why = block.kind == BlockKind::Data ? "'" + expr.name + "' is declared later"
                                                        : "'" + expr.name + "' is a " + to_string(block.kind);
        diagnostics_.error(expr.range, context.size_what + " must be an expression over literals and " +
                                           (context.visible_data_limit == std::numeric_limits<std::size_t>::max()
                                                ? "data" : "earlier data") + "; " + why);
        return Type::failed();
      }
    }
  }
  if (!symbol) {
    suggest_name(expr.range, "undefined name '" + expr.name + "'", expr.name, visible_names(context));
    return Type::failed();
  }
  if (context.reads) context.reads->push_back(expr.name);
  if (symbol->kind == SymbolKind::Net) {
    diagnostics_.error(expr.range, "'" + expr.name + "' is a net; call it, as in " + expr.name + "(x)");
    return Type::failed();
  }
  if (!visible(*symbol, context)) {
    std::string what = std::string(to_string(symbol->kind)) + " '" + expr.name + "'";
    switch (context.scope) {
      case Scope::Size:
        diagnostics_.error(expr.range, context.size_what + " must be an expression over literals and " +
                                           (context.visible_data_limit == std::numeric_limits<std::size_t>::max()
                                                ? "data" : "earlier data") +
                                           (symbol->kind == SymbolKind::Data ? "; '" + expr.name + "' is declared later"
                                                                             : "; '" + expr.name + "' is a " +
                                                                                   to_string(symbol->kind)));
        break;
      case Scope::Model:
        diagnostics_.error(expr.range, "the model cannot read the " + what +
                                           (symbol->kind == SymbolKind::Generated ? "" : " (the guide's names are its own)"));
        break;
      case Scope::Guide:
      case Scope::Generated:
        diagnostics_.error(expr.range, std::string("the ") + to_string(context.block) + " block cannot read the " + what);
        break;
    }
    return Type::failed();
  }
  if (symbol->kind == SymbolKind::ModelDefinition || symbol->kind == SymbolKind::GuideDefinition ||
      symbol->kind == SymbolKind::Generated) {
    return definition_type(*symbol);
  }
  return symbol->type;
}

void Checker::check_same_sizes(const Type& a, const Type& b, SourceRange at, const std::string& what) {
  auto sizes_a = a.all_sizes();
  auto sizes_b = b.all_sizes();
  for (std::size_t i = 0; i < std::min(sizes_a.size(), sizes_b.size()); ++i) {
    if (provably_different(sizes_a[i], sizes_b[i])) {
      diagnostics_.error(at, what + ": sizes differ, " + to_string(a) + " and " + to_string(b) + " (" +
                                 sizes_a[i].text + " vs " + sizes_b[i].text + ")");
      return;
    }
  }
}

Type Checker::combine_elementwise(const Type& a, const Type& b, const Expr& at, const char* op) {
  if (a.error || b.error) return Type::failed();
  ElementType element = a.is_int() && b.is_int() ? ElementType::Int : ElementType::Real;
  if (a.is_scalar()) return b.with_element(element);
  if (b.is_scalar()) return a.with_element(element);
  std::string what = std::string("'") + op + "'";
  if (a.rank() != b.rank() ||
      (!a.is_array() && !b.is_array() && a.shape != b.shape)) {
    diagnostics_.error(at.range, what + " expects operands of the same shape (or a scalar), got " + to_string(a) +
                                     " and " + to_string(b));
    return Type::failed();
  }
  check_same_sizes(a, b, at.range, what);
  return a.with_element(element);
}

Type Checker::infer_binary(const Expr& expr, Context& context) {
  Type a = infer(*expr.args[0], context);
  Type b = infer(*expr.args[1], context);
  if (a.error || b.error) return Type::failed();
  const char* op = to_string(expr.binary_op);
  auto fail = [&](const std::string& message) {
    diagnostics_.error(expr.range, message);
    return Type::failed();
  };
  switch (expr.binary_op) {
    case BinaryOp::Add:
    case BinaryOp::Subtract:
    case BinaryOp::ElementMultiply:
    case BinaryOp::ElementDivide:
      return combine_elementwise(a, b, expr, op);
    case BinaryOp::Power:
    case BinaryOp::ElementPower:
      return combine_elementwise(a, b, expr, op).with_element(ElementType::Real);
    case BinaryOp::Multiply: {
      if (a.is_scalar() || b.is_scalar()) return combine_elementwise(a, b, expr, op);
      if (a.is_array() || b.is_array()) {
        return fail("'*' is not defined for " + to_string(a) + " and " + to_string(b) +
                    " (arrays have no matrix product; use .* for elementwise)");
      }
      auto inner = [&](const Size& left, const Size& right) {
        if (provably_different(left, right)) {
          diagnostics_.error(expr.range, "'*': inner sizes differ, " + to_string(a) + " * " + to_string(b) + " (" +
                                             left.text + " vs " + right.text + ")");
        }
      };
      if (a.shape == ShapeKind::Matrix && b.shape == ShapeKind::Vector) {
        inner(a.shape_sizes[1], b.shape_sizes[0]);
        return Type::of_shape(ShapeKind::Vector, {a.shape_sizes[0]});
      }
      if (a.shape == ShapeKind::RowVector && b.shape == ShapeKind::Matrix) {
        inner(a.shape_sizes[0], b.shape_sizes[0]);
        return Type::of_shape(ShapeKind::RowVector, {b.shape_sizes[1]});
      }
      if (a.shape == ShapeKind::Matrix && b.shape == ShapeKind::Matrix) {
        inner(a.shape_sizes[1], b.shape_sizes[0]);
        return Type::of_shape(ShapeKind::Matrix, {a.shape_sizes[0], b.shape_sizes[1]});
      }
      if (a.shape == ShapeKind::RowVector && b.shape == ShapeKind::Vector) {
        inner(a.shape_sizes[0], b.shape_sizes[0]);
        return Type::real_scalar();
      }
      if (a.shape == ShapeKind::Vector && b.shape == ShapeKind::RowVector) {
        return Type::of_shape(ShapeKind::Matrix, {a.shape_sizes[0], b.shape_sizes[0]});
      }
      return fail("'*' is not defined for " + to_string(a) + " and " + to_string(b) +
                  " (use .* for the elementwise product)");
    }
    case BinaryOp::Divide: {
      if (a.is_int_scalar() && b.is_int_scalar()) {
        diagnostics_.warning(expr.range, "integer division rounds toward zero (as in Stan); write " +
                                             print_real_division(*expr.args[0], *expr.args[1]) +
                                             " for real division");
        return Type::int_scalar();
      }
      if (b.is_scalar()) return combine_elementwise(a, b, expr, op).with_element(ElementType::Real);
      if (a.shape == ShapeKind::Matrix && b.shape == ShapeKind::Matrix && !a.is_array() && !b.is_array()) {
        return a;
      }
      return fail("'/' is not defined for " + to_string(a) + " and " + to_string(b) +
                  " (use ./ for elementwise division)");
    }
    case BinaryOp::Modulo:
      if (a.is_int_scalar() && b.is_int_scalar()) return Type::int_scalar();
      return fail("'%' expects two ints, got " + to_string(a) + " and " + to_string(b));
    case BinaryOp::And:
    case BinaryOp::Or:
      if (a.is_scalar() && b.is_scalar()) return Type::int_scalar();
      return fail(std::string("'") + op + "' expects scalars, got " + to_string(a) + " and " + to_string(b));
    default:
      if (is_comparison(expr.binary_op)) return combine_elementwise(a, b, expr, op).with_element(ElementType::Int);
      return Type::failed();
  }
}

Type Checker::infer_conditional(const Expr& expr, Context& context) {
  Type condition = infer(*expr.args[0], context);
  Type yes = infer(*expr.args[1], context);
  Type no = infer(*expr.args[2], context);
  if (condition.error || yes.error || no.error) return Type::failed();
  Type result = combine_elementwise(yes, no, expr, "?:");
  if (!result.error && result.is_scalar() && !condition.is_scalar()) {
    result = condition.with_element(result.element);
  }
  return result;
}

Type Checker::infer_index(const Expr& expr, Context& context) {
  Type base = infer(*expr.args[0], context);
  // Every index must be visited (its names are reads) even when the base failed.
  enum class DimensionKind { Array, Vector, RowVector, MatrixRow, MatrixColumn };
  struct Dimension { DimensionKind kind; Size size; };
  std::vector<Dimension> remaining;
  for (const Size& size : base.array_sizes) remaining.push_back({DimensionKind::Array, size});
  if (base.shape == ShapeKind::Vector) remaining.push_back({DimensionKind::Vector, base.shape_sizes[0]});
  if (base.shape == ShapeKind::RowVector) remaining.push_back({DimensionKind::RowVector, base.shape_sizes[0]});
  if (base.shape == ShapeKind::Matrix) {
    remaining.push_back({DimensionKind::MatrixRow, base.shape_sizes[0]});
    remaining.push_back({DimensionKind::MatrixColumn, base.shape_sizes[1]});
  }
  std::vector<Dimension> kept;
  bool failed = base.error;
  std::size_t position = 0;
  for (const IndexArg& index : expr.indices) {
    Type first = index.first ? infer(*index.first, context) : Type::int_scalar();
    Type last = index.last ? infer(*index.last, context) : Type::int_scalar();
    if (failed) continue;
    if (position >= remaining.size()) {
      diagnostics_.error(index.range, "too many indices for " + to_string(base) + " (it has " +
                                          std::to_string(remaining.size()) + ")");
      failed = true;
      continue;
    }
    Dimension dimension = remaining[position++];
    if (first.error || last.error) { failed = true; continue; }
    switch (index.kind) {
      case IndexArg::Kind::Single:
        if (first.is_int_scalar()) break;  // the dimension is dropped
        if (first.is_int() && first.array_sizes.size() == 1 && first.shape == ShapeKind::Scalar) {
          kept.push_back({dimension.kind, first.array_sizes[0]});  // multi-indexing (gather)
          break;
        }
        diagnostics_.error(index.first->range, "an index must be an int or an array of ints, got " + to_string(first));
        failed = true;
        break;
      case IndexArg::Kind::Range:
        if (!first.is_int_scalar() || !last.is_int_scalar()) {
          const Expr& bad = !first.is_int_scalar() ? *index.first : *index.last;
          diagnostics_.error(bad.range, "a range bound must be an int, got " +
                                            to_string(!first.is_int_scalar() ? first : last));
          failed = true;
          break;
        }
        kept.push_back({dimension.kind, range_size(index.first ? size_of(*index.first) : Size::of(1),
                                                   index.last ? size_of(*index.last) : dimension.size)});
        break;
      case IndexArg::Kind::All: kept.push_back(dimension); break;
    }
  }
  if (failed) return Type::failed();
  for (std::size_t i = position; i < remaining.size(); ++i) kept.push_back(remaining[i]);

  Type type;
  type.element = base.element;
  std::optional<Size> row, column, vector_size;
  ShapeKind vector_kind = ShapeKind::Vector;
  for (const Dimension& dimension : kept) {
    switch (dimension.kind) {
      case DimensionKind::Array: type.array_sizes.push_back(dimension.size); break;
      case DimensionKind::Vector: vector_size = dimension.size; vector_kind = ShapeKind::Vector; break;
      case DimensionKind::RowVector: vector_size = dimension.size; vector_kind = ShapeKind::RowVector; break;
      case DimensionKind::MatrixRow: row = dimension.size; break;
      case DimensionKind::MatrixColumn: column = dimension.size; break;
    }
  }
  if (row && column) { type.shape = ShapeKind::Matrix; type.shape_sizes = {*row, *column}; }
  else if (row) { type.shape = ShapeKind::Vector; type.shape_sizes = {*row}; }
  else if (column) { type.shape = ShapeKind::RowVector; type.shape_sizes = {*column}; }
  else if (vector_size) { type.shape = vector_kind; type.shape_sizes = {*vector_size}; }
  return type;
}

Type Checker::infer_literal_list(const Expr& expr, Context& context) {
  std::vector<Type> types;
  bool failed = false;
  for (const ExprPtr& arg : expr.args) {
    types.push_back(infer(*arg, context));
    failed = failed || types.back().error;
  }
  if (failed) return Type::failed();
  if (types.empty()) {
    diagnostics_.error(expr.range, "an empty literal has no type");
    return Type::failed();
  }
  Type element = types[0];
  for (const Type& type : types) {
    if (!same_shape_kind(type, element)) {
      diagnostics_.error(expr.range, "the elements of a literal must have one type, got " + to_string(types[0]) +
                                         " and " + to_string(type));
      return Type::failed();
    }
    if (!type.is_int()) element.element = ElementType::Real;
  }
  Size count = Size::of(static_cast<std::int64_t>(types.size()));
  if (expr.kind == ExprKind::ArrayLiteral) {
    element.array_sizes.insert(element.array_sizes.begin(), count);
    return element;
  }
  if (element.is_scalar()) return Type::of_shape(ShapeKind::RowVector, {count});
  if (element.shape == ShapeKind::RowVector && !element.is_array()) {
    return Type::of_shape(ShapeKind::Matrix, {count, element.shape_sizes[0]});
  }
  diagnostics_.error(expr.range, "a [...] literal holds scalars (a row_vector) or row_vectors (a matrix), got " +
                                     to_string(element));
  return Type::failed();
}

}  // namespace pm::lang::detail
