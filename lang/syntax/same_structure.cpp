// same_structure: equality of ASTs ignoring source ranges (the printer's round-trip property).
#include "lang/syntax/printer.hpp"

namespace pm::lang {

namespace {

bool same(const ExprPtr& left, const ExprPtr& right) {
  if (!left || !right) return !left && !right;
  return same_structure(*left, *right);
}

bool same(const std::vector<ExprPtr>& left, const std::vector<ExprPtr>& right) {
  if (left.size() != right.size()) return false;
  for (std::size_t k = 0; k < left.size(); ++k) {
    if (!same(left[k], right[k])) return false;
  }
  return true;
}

bool same(const TypeSpec& left, const TypeSpec& right) {
  if (left.base != right.base || !same(left.sizes, right.sizes) || !same(left.array_sizes, right.array_sizes) ||
      left.constraints.size() != right.constraints.size()) {
    return false;
  }
  for (std::size_t k = 0; k < left.constraints.size(); ++k) {
    if (left.constraints[k].name != right.constraints[k].name ||
        !same(left.constraints[k].value, right.constraints[k].value)) {
      return false;
    }
  }
  return true;
}

bool same(const Declaration& left, const Declaration& right) {
  return left.name == right.name && left.guide_param == right.guide_param && same(left.type, right.type) &&
         same(left.initializer, right.initializer);
}

bool same(const Stmt& left, const Stmt& right);

bool same(const std::vector<Stmt>& left, const std::vector<Stmt>& right) {
  if (left.size() != right.size()) return false;
  for (std::size_t k = 0; k < left.size(); ++k) {
    if (!same(left[k], right[k])) return false;
  }
  return true;
}

bool same(const Stmt& left, const Stmt& right) {
  if (left.kind != right.kind) return false;
  switch (left.kind) {
    case StmtKind::Assign: return same(left.lhs, right.lhs) && same(left.rhs, right.rhs);
    case StmtKind::Tilde:
      return left.distribution == right.distribution && same(left.lhs, right.lhs) && same(left.args, right.args);
    case StmtKind::TargetPlus: return same(left.rhs, right.rhs);
    case StmtKind::For:
      return left.loop_variable == right.loop_variable && same(left.lower, right.lower) &&
             same(left.upper, right.upper) && same(left.body, right.body);
    case StmtKind::Declare:
      return left.declaration && right.declaration && same(*left.declaration, *right.declaration);
  }
  return false;
}

bool same(const Block& left, const Block& right) {
  if (left.kind != right.kind || !same(left.statements, right.statements) ||
      left.declarations.size() != right.declarations.size()) {
    return false;
  }
  for (std::size_t k = 0; k < left.declarations.size(); ++k) {
    if (!same(left.declarations[k], right.declarations[k])) return false;
  }
  return true;
}

bool same(const NetDeclaration& left, const NetDeclaration& right) {
  if (left.name != right.name || left.architecture != right.architecture || !same(left.widths, right.widths) ||
      left.options.size() != right.options.size()) {
    return false;
  }
  for (std::size_t k = 0; k < left.options.size(); ++k) {
    if (left.options[k].name != right.options[k].name || left.options[k].value != right.options[k].value) {
      return false;
    }
  }
  return true;
}

}  // namespace

bool same_structure(const Expr& left, const Expr& right) {
  if (left.kind != right.kind || left.args.size() != right.args.size() ||
      left.indices.size() != right.indices.size()) {
    return false;
  }
  switch (left.kind) {
    case ExprKind::IntLiteral:
      if (left.int_value != right.int_value) return false;
      break;
    case ExprKind::RealLiteral:
      if (left.real_value != right.real_value) return false;
      break;
    case ExprKind::Name: if (left.name != right.name) return false; break;
    case ExprKind::Unary: if (left.unary_op != right.unary_op) return false; break;
    case ExprKind::Binary: if (left.binary_op != right.binary_op) return false; break;
    case ExprKind::Call:
      if (left.name != right.name || left.bar_after_first != right.bar_after_first) return false;
      break;
    default: break;
  }
  for (std::size_t k = 0; k < left.indices.size(); ++k) {
    const IndexArg& a = left.indices[k];
    const IndexArg& b = right.indices[k];
    if (a.kind != b.kind || !same(a.first, b.first) || !same(a.last, b.last)) return false;
  }
  return same(left.args, right.args);
}

bool same_structure(const Program& left, const Program& right) {
  if (left.blocks.size() != right.blocks.size() || left.nets.size() != right.nets.size() ||
      left.order != right.order) {
    return false;
  }
  for (std::size_t k = 0; k < left.blocks.size(); ++k) {
    if (!same(left.blocks[k], right.blocks[k])) return false;
  }
  for (std::size_t k = 0; k < left.nets.size(); ++k) {
    if (!same(left.nets[k], right.nets[k])) return false;
  }
  return true;
}

}  // namespace pm::lang
