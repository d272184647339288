// Program::find and the spellings of the AST's enums (used by the printer and in messages).
#include "lang/syntax/ast.hpp"

namespace pm::lang {

const Block* Program::find(BlockKind kind) const {
  for (const Block& block : blocks) {
    if (block.kind == kind) return &block;
  }
  return nullptr;
}

const char* to_string(BlockKind kind) {
  switch (kind) {
    case BlockKind::Data: return "data";
    case BlockKind::Param: return "param";
    case BlockKind::Latent: return "latent";
    case BlockKind::Model: return "model";
    case BlockKind::Guide: return "guide";
    case BlockKind::Generated: return "generated";
  }
  return "?";
}

const char* to_string(BaseType type) {
  switch (type) {
    case BaseType::Int: return "int";
    case BaseType::Real: return "real";
    case BaseType::Vector: return "vector";
    case BaseType::RowVector: return "row_vector";
    case BaseType::Matrix: return "matrix";
    case BaseType::Simplex: return "simplex";
    case BaseType::Ordered: return "ordered";
    case BaseType::PositiveOrdered: return "positive_ordered";
    case BaseType::CholeskyFactorCorr: return "cholesky_factor_corr";
    case BaseType::CholeskyFactorCov: return "cholesky_factor_cov";
    case BaseType::CorrMatrix: return "corr_matrix";
    case BaseType::CovMatrix: return "cov_matrix";
  }
  return "?";
}

const char* to_string(BinaryOp op) {
  switch (op) {
    case BinaryOp::Add: return "+";
    case BinaryOp::Subtract: return "-";
    case BinaryOp::Multiply: return "*";
    case BinaryOp::Divide: return "/";
    case BinaryOp::Modulo: return "%";
    case BinaryOp::ElementMultiply: return ".*";
    case BinaryOp::ElementDivide: return "./";
    case BinaryOp::Power: return "^";
    case BinaryOp::ElementPower: return ".^";
    case BinaryOp::Less: return "<";
    case BinaryOp::LessEqual: return "<=";
    case BinaryOp::Greater: return ">";
    case BinaryOp::GreaterEqual: return ">=";
    case BinaryOp::Equal: return "==";
    case BinaryOp::NotEqual: return "!=";
    case BinaryOp::And: return "&&";
    case BinaryOp::Or: return "||";
  }
  return "?";
}

const char* to_string(UnaryOp op) {
  switch (op) {
    case UnaryOp::Negate: return "-";
    case UnaryOp::Plus: return "+";
    case UnaryOp::Not: return "!";
  }
  return "?";
}

}  // namespace pm::lang
