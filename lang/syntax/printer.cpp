// print_program: the normalized program text (see printer.hpp).
#include "lang/syntax/printer.hpp"

#include <charconv>

namespace pm::lang {

namespace {

// Binding strength, loosest first (LANGUAGE.md / Stan): the printer parenthesizes a child whose
// level is looser than its position allows.
enum Level {
  kConditional = 1,
  kOr,
  kAnd,
  kEquality,
  kComparison,
  kAdditive,
  kMultiplicative,
  kPrefix,
  kPower,
  kPostfix,
  kPrimary,
};

Level level_of(BinaryOp op) {
  switch (op) {
    case BinaryOp::Or: return kOr;
    case BinaryOp::And: return kAnd;
    case BinaryOp::Equal:
    case BinaryOp::NotEqual: return kEquality;
    case BinaryOp::Less:
    case BinaryOp::LessEqual:
    case BinaryOp::Greater:
    case BinaryOp::GreaterEqual: return kComparison;
    case BinaryOp::Add:
    case BinaryOp::Subtract: return kAdditive;
    case BinaryOp::Power:
    case BinaryOp::ElementPower: return kPower;
    default: return kMultiplicative;
  }
}

Level level_of(const Expr& expr) {
  switch (expr.kind) {
    case ExprKind::Conditional: return kConditional;
    case ExprKind::Binary: return level_of(expr.binary_op);
    case ExprKind::Unary: return kPrefix;
    case ExprKind::Index:
    case ExprKind::Transpose: return kPostfix;
    default: return kPrimary;
  }
}

void print(const Expr& expr, std::string& out);

// Prints `expr` where the grammar accepts only levels at least `minimum` without parentheses.
void print_at(const Expr& expr, Level minimum, std::string& out) {
  bool parenthesize = level_of(expr) < minimum;
  if (parenthesize) out += '(';
  print(expr, out);
  if (parenthesize) out += ')';
}

void print_list(const std::vector<ExprPtr>& items, std::string& out) {
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (k > 0) out += ", ";
    print(*items[k], out);
  }
}

void print(const Expr& expr, std::string& out) {
  switch (expr.kind) {
    case ExprKind::IntLiteral: out += std::to_string(expr.int_value); break;
    case ExprKind::RealLiteral: out += print_real(expr.real_value); break;
    case ExprKind::Name: out += expr.name; break;
    case ExprKind::Unary:
      out += to_string(expr.unary_op);
      print_at(*expr.args[0], kPrefix, out);
      break;
    case ExprKind::Binary: {
      Level level = level_of(expr.binary_op);
      if (level == kPower) {
        // Right associative; the exponent may carry prefix operators (a^-b).
        print_at(*expr.args[0], kPostfix, out);
        out += to_string(expr.binary_op);
        print_at(*expr.args[1], kPrefix, out);
      } else {
        print_at(*expr.args[0], level, out);
        out += ' ';
        out += to_string(expr.binary_op);
        out += ' ';
        print_at(*expr.args[1], static_cast<Level>(level + 1), out);
      }
      break;
    }
    case ExprKind::Conditional:
      print_at(*expr.args[0], kOr, out);
      out += " ? ";
      print(*expr.args[1], out);
      out += " : ";
      print_at(*expr.args[2], kConditional, out);
      break;
    case ExprKind::Call:
      out += expr.name;
      out += '(';
      for (std::size_t k = 0; k < expr.args.size(); ++k) {
        if (k > 0) out += (k == 1 && expr.bar_after_first) ? " | " : ", ";
        print(*expr.args[k], out);
      }
      out += ')';
      break;
    case ExprKind::Index:
      print_at(*expr.args[0], kPostfix, out);
      out += '[';
      for (std::size_t k = 0; k < expr.indices.size(); ++k) {
        if (k > 0) out += ", ";
        const IndexArg& index = expr.indices[k];
        // A conditional inside a range would swallow the range's ':'.
        if (index.first) print_at(*index.first, index.kind == IndexArg::Kind::Single ? kConditional : kOr, out);
        if (index.kind != IndexArg::Kind::Single) out += ':';
        if (index.last) print_at(*index.last, kOr, out);
      }
      out += ']';
      break;
    case ExprKind::Transpose:
      print_at(*expr.args[0], kPostfix, out);
      out += '\'';
      break;
    case ExprKind::ArrayLiteral:
      out += '{';
      print_list(expr.args, out);
      out += '}';
      break;
    case ExprKind::RowVectorLiteral:
      out += '[';
      print_list(expr.args, out);
      out += ']';
      break;
  }
}

void print_type(const TypeSpec& type, std::string& out) {
  if (!type.array_sizes.empty()) {
    out += "array[";
    print_list(type.array_sizes, out);
    out += "] ";
  }
  out += to_string(type.base);
  if (!type.constraints.empty()) {
    out += '<';
    for (std::size_t k = 0; k < type.constraints.size(); ++k) {
      if (k > 0) out += ", ";
      out += type.constraints[k].name;
      out += '=';
      // Bounds are parsed above the comparisons, so that '>' closes the list.
      print_at(*type.constraints[k].value, kAdditive, out);
    }
    out += '>';
  }
  if (!type.sizes.empty()) {
    out += '[';
    print_list(type.sizes, out);
    out += ']';
  }
}

void print_declaration(const Declaration& declaration, std::string& out) {
  if (declaration.guide_param) out += "param ";
  print_type(declaration.type, out);
  out += ' ';
  out += declaration.name;
  if (declaration.initializer) {
    out += " = ";
    print(*declaration.initializer, out);
  }
  out += ";\n";
}

void print_statement(const Stmt& statement, int indent, std::string& out) {
  out.append(static_cast<std::size_t>(indent) * 2, ' ');
  switch (statement.kind) {
    case StmtKind::Assign:
      print(*statement.lhs, out);
      out += " = ";
      print(*statement.rhs, out);
      out += ";\n";
      break;
    case StmtKind::Tilde:
      print(*statement.lhs, out);
      out += " ~ " + statement.distribution + "(";
      print_list(statement.args, out);
      out += ");\n";
      break;
    case StmtKind::TargetPlus:
      out += "target += ";
      print(*statement.rhs, out);
      out += ";\n";
      break;
    case StmtKind::Declare: print_declaration(*statement.declaration, out); break;
    case StmtKind::For:
      out += "for (" + statement.loop_variable + " in ";
      print_at(*statement.lower, kOr, out);
      out += ':';
      print_at(*statement.upper, kOr, out);
      out += ") {\n";
      for (const Stmt& inner : statement.body) print_statement(inner, indent + 1, out);
      out.append(static_cast<std::size_t>(indent) * 2, ' ');
      out += "}\n";
      break;
  }
}

void print_net(const NetDeclaration& net, std::string& out) {
  out += "net " + net.name + " = " + net.architecture + "(";
  print_list(net.widths, out);
  for (std::size_t k = 0; k < net.options.size(); ++k) {
    if (k > 0 || !net.widths.empty()) out += ", ";
    out += net.options[k].name + " = " + net.options[k].value;
  }
  out += ");\n";
}

void print_block(const Block& block, std::string& out) {
  out += to_string(block.kind);
  out += " {\n";
  for (const Declaration& declaration : block.declarations) {
    out += "  ";
    print_declaration(declaration, out);
  }
  for (const Stmt& statement : block.statements) print_statement(statement, 1, out);
  out += "}\n";
}

}  // namespace

std::string print_real(double value) {
  // to_chars without a precision writes the shortest text that reads back to the same double.
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, result.ptr);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string print_expression(const Expr& expr) {
  std::string out;
  print(expr, out);
  return out;
}

std::string print_real_division(const Expr& numerator, const Expr& denominator) {
  // (1.0 * A) / B: A stands as the right operand of '*', B as the right operand of '/', each
  // parenthesized unless it binds tighter than either (k / (n + k) -> 1.0 * k / (n + k);
  // a * b / c -> 1.0 * (a * b) / c).
  std::string out = "1.0 * ";
  print_at(numerator, static_cast<Level>(kMultiplicative + 1), out);
  out += " / ";
  print_at(denominator, static_cast<Level>(kMultiplicative + 1), out);
  return out;
}

std::string print_program(const Program& program) {
  std::string out;
  for (std::size_t k = 0; k < program.order.size(); ++k) {
    auto [is_net, index] = program.order[k];
    // Consecutive nets stay together; blocks are separated by a blank line.
    if (k > 0 && !(is_net && program.order[k - 1].first)) out += '\n';
    if (is_net) {
      print_net(program.nets[index], out);
    } else {
      print_block(program.blocks[index], out);
    }
  }
  return out;
}

}  // namespace pm::lang
