#include "engine/io/constant_expression.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numbers>

#include "lang/check/expression_text.hpp"

namespace pm::io {
namespace {

using lang::BinaryOp;
using lang::ElementType;
using lang::Expr;
using lang::ExprKind;
using lang::ShapeKind;

DataValue int_scalar(double value) {
  DataValue result;
  result.element = ElementType::Int;
  result.values = {value};
  return result;
}

DataValue real_scalar(double value) {
  DataValue result;
  result.values = {value};
  return result;
}

[[noreturn]] void fail(const Expr& expr, const std::string& what) {
  throw ConstantError("cannot evaluate '" + lang::expression_text(expr) + "' while loading data: " + what);
}

double as_scalar(const DataValue& value, const Expr& expr) {
  if (!value.is_scalar()) fail(expr, "expected a single number");
  return value.scalar();
}

// Elementwise combination with a scalar broadcast; the result keeps the non-scalar's shape.
DataValue elementwise(const DataValue& a, const DataValue& b, const Expr& expr, bool int_result,
                      const std::function<double(double, double)>& op) {
  const DataValue& shaped = a.is_scalar() ? b : a;
  if (!a.is_scalar() && !b.is_scalar() && a.dims != b.dims) fail(expr, "operands of different sizes");
  DataValue result = shaped;
  result.element = int_result ? ElementType::Int : ElementType::Real;
  result.origin.clear();
  for (std::size_t k = 0; k < result.values.size(); ++k) {
    double x = a.values[a.is_scalar() ? 0 : k];
    double y = b.values[b.is_scalar() ? 0 : k];
    result.values[k] = op(x, y);
  }
  return result;
}

DataValue binary(const Expr& expr, const DataValue& a, const DataValue& b) {
  bool both_int = a.is_int() && b.is_int();
  bool one_scalar = a.is_scalar() || b.is_scalar();
  auto as_bool = [](double v) { return v != 0.0 ? 1.0 : 0.0; };
  switch (expr.binary_op) {
    case BinaryOp::Add: return elementwise(a, b, expr, both_int, std::plus<>());
    case BinaryOp::Subtract: return elementwise(a, b, expr, both_int, std::minus<>());
    case BinaryOp::Multiply:
      if (!one_scalar) fail(expr, "matrix products are not evaluated in data expressions");
      return elementwise(a, b, expr, both_int, std::multiplies<>());
    case BinaryOp::ElementMultiply: return elementwise(a, b, expr, both_int, std::multiplies<>());
    case BinaryOp::Divide:
    case BinaryOp::ElementDivide:
      if (both_int) {
        return elementwise(a, b, expr, true, [&](double x, double y) {
          if (y == 0) fail(expr, "integer division by zero");
          return std::trunc(x / y);  // Stan: int / int truncates toward zero
        });
      }
      return elementwise(a, b, expr, false, std::divides<>());
    case BinaryOp::Modulo:
      if (!both_int) fail(expr, "% needs ints");
      return elementwise(a, b, expr, true, [&](double x, double y) {
        if (y == 0) fail(expr, "modulo by zero");
        return std::fmod(x, y);
      });
    case BinaryOp::Power:
    case BinaryOp::ElementPower:
      return elementwise(a, b, expr, false, [](double x, double y) { return std::pow(x, y); });
    default: break;
  }
  // Comparisons and logic: scalars only, int results.
  double x = as_scalar(a, expr), y = as_scalar(b, expr);
  switch (expr.binary_op) {
    case BinaryOp::Less: return int_scalar(x < y);
    case BinaryOp::LessEqual: return int_scalar(x <= y);
    case BinaryOp::Greater: return int_scalar(x > y);
    case BinaryOp::GreaterEqual: return int_scalar(x >= y);
    case BinaryOp::Equal: return int_scalar(x == y);
    case BinaryOp::NotEqual: return int_scalar(x != y);
    case BinaryOp::And: return int_scalar(as_bool(x) * as_bool(y));
    case BinaryOp::Or: return int_scalar(std::max(as_bool(x), as_bool(y)));
    default: fail(expr, "unsupported operator");
  }
}

// x[i1, ..., ik] with single int indices: fixes the leading k dims.
DataValue index(const Expr& expr, const DataValue& value, const std::vector<std::size_t>& positions) {
  if (positions.size() > value.dims.size()) fail(expr, "too many indices");
  std::size_t fixed_count = 1;
  for (std::size_t k = 0; k < positions.size(); ++k) fixed_count *= value.dims[k];
  std::size_t base = value.offset(positions);
  DataValue result;
  result.element = value.element;
  result.dims.assign(value.dims.begin() + static_cast<std::ptrdiff_t>(positions.size()), value.dims.end());
  result.array_rank = value.array_rank > positions.size() ? value.array_rank - positions.size() : 0;
  std::size_t shape_rank = result.dims.size() - result.array_rank;
  result.shape = shape_rank == 0 ? ShapeKind::Scalar : shape_rank == 2 ? ShapeKind::Matrix : value.shape;
  // One index into a matrix (no array dims) selects a row.
  if (value.array_rank == 0 && value.shape == ShapeKind::Matrix && positions.size() == 1)
    result.shape = ShapeKind::RowVector;
  std::size_t count = element_count(result.dims);
  result.values.resize(count);
  for (std::size_t k = 0; k < count; ++k) result.values[k] = value.values[base + k * fixed_count];
  return result;
}

DataValue reduce(const Expr& expr, const DataValue& value, const std::string& name) {
  if (value.values.empty()) fail(expr, name + " of an empty container");
  double result = name == "sum" ? 0.0 : value.values[0];
  for (double v : value.values) {
    if (name == "sum") result += v;
    if (name == "min") result = std::min(result, v);
    if (name == "max") result = std::max(result, v);
  }
  return value.is_int() ? int_scalar(result) : real_scalar(result);
}

DataValue call(const Expr& expr, const std::vector<DataValue>& args) {
  const std::string& name = expr.name;
  auto need = [&](std::size_t count) {
    if (args.size() != count) fail(expr, name + " takes " + std::to_string(count) + " argument(s) here");
  };
  if (name == "size" || name == "rows" || name == "cols" || name == "num_elements") {
    need(1);
    const DataValue& x = args[0];
    if (name == "num_elements") return int_scalar(static_cast<double>(x.size()));
    if (x.is_scalar()) fail(expr, name + " of a single number");
    if (name == "size") return int_scalar(static_cast<double>(x.dims[0]));
    std::size_t shape_rank = x.dims.size() - x.array_rank;
    if (x.array_rank > 0 || shape_rank == 0) fail(expr, name + " needs a vector or matrix");
    if (name == "rows") return int_scalar(x.shape == ShapeKind::RowVector ? 1.0 : static_cast<double>(x.dims[0]));
    if (x.shape == ShapeKind::Vector) return int_scalar(1.0);
    return int_scalar(static_cast<double>(x.dims.back()));
  }
  if ((name == "min" || name == "max") && args.size() == 2) {
    double a = as_scalar(args[0], expr), b = as_scalar(args[1], expr);
    double r = name == "min" ? std::min(a, b) : std::max(a, b);
    return args[0].is_int() && args[1].is_int() ? int_scalar(r) : real_scalar(r);
  }
  if (name == "min" || name == "max" || name == "sum") {
    need(1);
    return reduce(expr, args[0], name);
  }
  // The language's constants, pi() and its neighbours (Stan's names).
  static const std::pair<const char*, double> constants[] = {
      {"pi", std::numbers::pi},       {"e", std::numbers::e},           {"sqrt2", std::numbers::sqrt2},
      {"log2", std::numbers::ln2},    {"log10", std::numbers::ln10},
      {"machine_precision", std::numeric_limits<double>::epsilon()},
  };
  if (args.empty())
    for (const auto& [constant_name, value] : constants)
      if (name == constant_name) return real_scalar(value);
  if (name == "pow") {
    need(2);
    return elementwise(args[0], args[1], expr, false, [](double x, double y) { return std::pow(x, y); });
  }
  using Unary = double (*)(double);
  static const std::pair<const char*, Unary> unary_functions[] = {
      {"abs", [](double x) { return std::fabs(x); }},   {"fabs", [](double x) { return std::fabs(x); }},
      {"exp", [](double x) { return std::exp(x); }},    {"log", [](double x) { return std::log(x); }},
      {"sqrt", [](double x) { return std::sqrt(x); }},  {"floor", [](double x) { return std::floor(x); }},
      {"ceil", [](double x) { return std::ceil(x); }},  {"round", [](double x) { return std::round(x); }},
  };
  for (const auto& [function_name, function] : unary_functions) {
    if (name != function_name) continue;
    need(1);
    DataValue result = args[0];
    result.origin.clear();
    bool keeps_int = name == "abs" && args[0].is_int();
    result.element = keeps_int ? ElementType::Int : ElementType::Real;
    for (double& v : result.values) v = function(v);
    return result;
  }
  fail(expr, "the function '" + name + "' is not available in data expressions");
}

DataValue literal_list(const Expr& expr, const std::vector<DataValue>& items, bool row_vector) {
  DataValue result;
  if (items.empty()) fail(expr, "empty literal");
  result.element = ElementType::Int;
  for (const DataValue& item : items) {
    if (item.dims != items[0].dims) fail(expr, "elements of different sizes");
    if (!item.is_int()) result.element = ElementType::Real;
  }
  if (row_vector) {
    if (!items[0].is_scalar()) fail(expr, "row-vector literals of non-scalars");
    result.element = ElementType::Real;
    result.shape = ShapeKind::RowVector;
  } else {
    result.shape = items[0].shape;
    result.array_rank = items[0].array_rank + 1;
  }
  result.dims.push_back(items.size());
  result.dims.insert(result.dims.end(), items[0].dims.begin(), items[0].dims.end());
  std::size_t inner = items[0].size();
  result.values.resize(items.size() * inner);
  // The new leading dim varies fastest (data_set.hpp layout).
  for (std::size_t n = 0; n < items.size(); ++n)
    for (std::size_t e = 0; e < inner; ++e) result.values[n + items.size() * e] = items[n].values[e];
  return result;
}

}  // namespace

DataValue evaluate_constant(const Expr& expr, const DataSet& known) {
  switch (expr.kind) {
    case ExprKind::IntLiteral: return int_scalar(static_cast<double>(expr.int_value));
    case ExprKind::RealLiteral: return real_scalar(expr.real_value);
    case ExprKind::Name: {
      const DataValue* value = known.find(expr.name);
      if (value == nullptr)
        throw ConstantError("'" + expr.name + "' has no value while loading data", expr.name);
      return *value;
    }
    case ExprKind::Unary: {
      DataValue value = evaluate_constant(*expr.args[0], known);
      value.origin.clear();
      if (expr.unary_op == lang::UnaryOp::Not) return int_scalar(as_scalar(value, expr) == 0.0);
      if (expr.unary_op == lang::UnaryOp::Negate)
        for (double& v : value.values) v = -v;
      return value;
    }
    case ExprKind::Binary:
      return binary(expr, evaluate_constant(*expr.args[0], known), evaluate_constant(*expr.args[1], known));
    case ExprKind::Conditional: {
      double condition = as_scalar(evaluate_constant(*expr.args[0], known), expr);
      return evaluate_constant(*expr.args[condition != 0.0 ? 1 : 2], known);
    }
    case ExprKind::Call: {
      std::vector<DataValue> args;
      for (const auto& arg : expr.args) args.push_back(evaluate_constant(*arg, known));
      return call(expr, args);
    }
    case ExprKind::Index: {
      DataValue value = evaluate_constant(*expr.args[0], known);
      std::vector<std::size_t> positions;
      for (std::size_t k = 0; k < expr.indices.size(); ++k) {
        const lang::IndexArg& arg = expr.indices[k];
        if (arg.kind != lang::IndexArg::Kind::Single) fail(expr, "slices are not evaluated in data expressions");
        DataValue position = evaluate_constant(*arg.first, known);
        if (!position.is_int() || !position.is_scalar()) fail(expr, "indices must be single ints");
        double i = position.scalar();
        if (k >= value.dims.size() || i < 1 || i > static_cast<double>(value.dims[k]))
          fail(expr, "index " + format_number(i) + " is out of range");
        positions.push_back(static_cast<std::size_t>(i) - 1);
      }
      return index(expr, value, positions);
    }
    case ExprKind::Transpose: {
      DataValue value = evaluate_constant(*expr.args[0], known);
      if (value.array_rank == 0 && value.shape == ShapeKind::RowVector) {
        value.shape = ShapeKind::Vector;
        return value;
      }
      if (value.array_rank == 0 && value.shape == ShapeKind::Vector) {
        value.shape = ShapeKind::RowVector;
        return value;
      }
      fail(expr, "only vectors are transposed in data expressions");
    }
    case ExprKind::ArrayLiteral:
    case ExprKind::RowVectorLiteral: {
      std::vector<DataValue> items;
      for (const auto& arg : expr.args) items.push_back(evaluate_constant(*arg, known));
      return literal_list(expr, items, expr.kind == ExprKind::RowVectorLiteral);
    }
  }
  fail(expr, "unsupported expression");
}

}  // namespace pm::io
