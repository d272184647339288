// Unrolling sequential loops (sequential.hpp).
#include "engine/compile/sequential.hpp"

#include <algorithm>
#include <cmath>

#include "engine/io/constant_expression.hpp"

namespace pm::compile {
namespace {

const PlateBinding* iteration_of(std::string_view name, const LoopContext& context) {
  for (auto binding = context.rbegin(); binding != context.rend(); ++binding)
    if (binding->variable == name) return binding->sequential ? &*binding : nullptr;
  return nullptr;
}

std::optional<std::int64_t> integral(double value) {
  if (!std::isfinite(value) || value != std::floor(value)) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

}  // namespace

bool reads_iteration_variable(const lang::Expr& expr, const LoopContext& context) {
  if (expr.kind == lang::ExprKind::Name) return iteration_of(expr.name, context) != nullptr;
  for (const lang::ExprPtr& arg : expr.args)
    if (reads_iteration_variable(*arg, context)) return true;
  for (const lang::IndexArg& index : expr.indices)
    if ((index.first && reads_iteration_variable(*index.first, context)) ||
        (index.last && reads_iteration_variable(*index.last, context)))
      return true;
  return false;
}

std::optional<std::int64_t> iteration_int(const lang::Expr& expr, const LoopContext& context, const io::DataSet& data) {
  if (!reads_iteration_variable(expr, context)) {
    try {
      io::DataValue value = io::evaluate_constant(expr, data);
      if (value.is_scalar()) return integral(value.scalar());
    } catch (const std::exception&) {
    }
    return std::nullopt;
  }
  // The int arithmetic of loop bounds and indices, over the iteration's variables; Stan's
  // int division truncates toward zero, as C++'s does.
  auto operand = [&](std::size_t k) { return iteration_int(*expr.args[k], context, data); };
  switch (expr.kind) {
    case lang::ExprKind::Name: return iteration_of(expr.name, context)->first;
    case lang::ExprKind::Unary: {
      std::optional<std::int64_t> value = operand(0);
      if (!value || expr.unary_op == lang::UnaryOp::Not) return std::nullopt;
      return expr.unary_op == lang::UnaryOp::Negate ? -*value : *value;
    }
    case lang::ExprKind::Binary: {
      std::optional<std::int64_t> a = operand(0), b = operand(1);
      if (!a || !b) return std::nullopt;
      switch (expr.binary_op) {
        case lang::BinaryOp::Add: return *a + *b;
        case lang::BinaryOp::Subtract: return *a - *b;
        case lang::BinaryOp::Multiply:
        case lang::BinaryOp::ElementMultiply: return *a * *b;
        case lang::BinaryOp::Divide:
          if (*b == 0) return std::nullopt;
          return *a / *b;
        case lang::BinaryOp::Modulo:
          if (*b == 0) return std::nullopt;
          return *a % *b;
        default: return std::nullopt;
      }
    }
    case lang::ExprKind::Conditional: {
      std::optional<std::int64_t> condition = operand(0);
      if (!condition) return std::nullopt;
      return *condition != 0 ? operand(1) : operand(2);
    }
    case lang::ExprKind::Call:
      if ((expr.name == "min" || expr.name == "max") && expr.args.size() == 2) {
        std::optional<std::int64_t> a = operand(0), b = operand(1);
        if (!a || !b) return std::nullopt;
        return expr.name == "min" ? std::min(*a, *b) : std::max(*a, *b);
      }
      return std::nullopt;
    default: return std::nullopt;
  }
}

bool in_sequential_loop(const graph::ModelGraph& graph, const std::vector<const lang::Stmt*>& loops) {
  for (const lang::Stmt* loop : loops)
    if (graph.sequential_loops.count(loop)) return true;
  return false;
}

void for_each_iteration(Lowerer& lowerer, const std::vector<const lang::Stmt*>& loops,
                        const std::function<void(const LoopContext&)>& each) {
  const graph::ModelGraph& graph = lowerer.graph();
  LoopContext context;
  std::function<void(std::size_t)> descend = [&](std::size_t depth) {
    if (depth == loops.size()) {
      each(context);
      return;
    }
    const lang::Stmt& loop = *loops[depth];
    const std::int64_t first = lowerer.constant_int(*loop.lower, context);
    const std::int64_t last = lowerer.constant_int(*loop.upper, context);
    if (auto plate = graph.plate_numbers.find(&loop); plate != graph.plate_numbers.end()) {
      const std::size_t size = last >= first ? static_cast<std::size_t>(last - first + 1) : 0;
      context.push_back({loop.loop_variable, tensor::plate(plate->second), first, size, &loop});
      descend(depth + 1);
      context.pop_back();
      return;
    }
    if (!graph.sequential_loops.count(&loop)) throw LocatedError(loop.range, "this loop is not placed in the model graph");
    for (std::int64_t value = first; value <= last; ++value) {
      PlateBinding iteration{loop.loop_variable, kIterationDim, value, 1, &loop};
      iteration.sequential = true;
      context.push_back(iteration);
      descend(depth + 1);
      context.pop_back();
    }
  };
  descend(0);
}

}  // namespace pm::compile
