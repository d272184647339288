// The abstract syntax tree of a .pm program (LANGUAGE.md).
//
// Plain structs, independent of the parser technology: the Spirit X3 grammar parses into its
// own internal tree (lang/parser/) and converts to this one, so the checker, the printer and
// the engine never include Spirit. Every node carries its SourceRange.
//
// Expressions and statements are single structs with a `kind` tag rather than variants: the
// passes that walk them (name resolution, dependency and cycle analysis, printing, lowering)
// are generic over children, and a tag switch reads plainly.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lang/syntax/source.hpp"

namespace pm::lang {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// ---------------------------------------------------------------- expressions

enum class ExprKind {
  IntLiteral,    // 42                       int_value
  RealLiteral,   // 1.5, 1e-3, .5            real_value
  Name,          // x                        name
  Unary,         // -x, !x, +x               unary_op, args[0]
  Binary,        // a + b, a .* b, a < b ... binary_op, args[0], args[1]
  Conditional,   // c ? a : b                args[0..2]
  Call,          // f(a, b), normal_lpdf(y | mu, s)   name, args, bar_after_first
  Index,         // x[i, a:b, :]             args[0] is the indexed value, indices
  Transpose,     // x'                       args[0]
  ArrayLiteral,  // {a, b, c}                args   (Stan's array expression)
  RowVectorLiteral,  // [a, b, c]            args   (Stan's row_vector expression; [a, b]' is a vector)
};

enum class UnaryOp { Negate, Plus, Not };

enum class BinaryOp {
  Add, Subtract,
  Multiply,            // *  (matrix product where both sides are matrices/vectors)
  Divide,              // /
  Modulo,              // %  (int)
  ElementMultiply,     // .*
  ElementDivide,       // ./
  Power,               // ^  (right associative)
  ElementPower,        // .^
  Less, LessEqual, Greater, GreaterEqual, Equal, NotEqual,
  And, Or,             // && ||
};

// One position inside x[...].
struct IndexArg {
  enum class Kind {
    Single,  // x[e]: an int selects one element; an int array gathers (multi-indexing)
    Range,   // x[a:b], x[a:], x[:b]  (both ends included; empty when b < a)
    All,     // x[:]
  };
  Kind kind = Kind::Single;
  ExprPtr first;   // Single: the index; Range: lower bound (null for x[:b])
  ExprPtr last;    // Range: upper bound (null for x[a:])
  SourceRange range;
};

struct Expr {
  ExprKind kind = ExprKind::IntLiteral;
  SourceRange range;

  std::int64_t int_value = 0;
  double real_value = 0.0;
  std::string name;          // Name and Call
  SourceRange name_range;    // Call: the function name alone
  UnaryOp unary_op = UnaryOp::Negate;
  BinaryOp binary_op = BinaryOp::Add;
  std::vector<ExprPtr> args;
  std::vector<IndexArg> indices;
  bool bar_after_first = false;  // Call written f(y | a, b): the _lpdf/_lpmf/_lcdf form
};

// ---------------------------------------------------------------- types

enum class BaseType {
  Int, Real,
  Vector, RowVector, Matrix,
  Simplex, Ordered, PositiveOrdered,
  CholeskyFactorCorr, CholeskyFactorCov, CorrMatrix, CovMatrix,
};

// `lower = e` or `upper = e` (also Stan's `offset`/`multiplier`, accepted by the grammar
// so that the checker can say they are not in v0).
struct Constraint {
  std::string name;
  SourceRange name_range;
  ExprPtr value;
  SourceRange range;
};

struct TypeSpec {
  BaseType base = BaseType::Real;
  std::vector<Constraint> constraints;
  std::vector<ExprPtr> sizes;        // vector[N] -> {N}; matrix[R, C] -> {R, C}; int/real -> {}
  std::vector<ExprPtr> array_sizes;  // array[d1, d2] T -> {d1, d2}; empty when not an array
  SourceRange range;
};

// A declaration: in data/param/latent blocks, a guide's `param`, or a typed local definition
// `vector[N] mu = ...;` in model/guide/generated.
struct Declaration {
  TypeSpec type;
  std::string name;
  SourceRange name_range;
  ExprPtr initializer;   // data default (`int K = 3;`) or a typed definition's value; may be null
  bool guide_param = false;  // `param real m;` inside a guide block
  SourceRange range;
};

// ---------------------------------------------------------------- statements

enum class StmtKind {
  Assign,      // lhs = rhs;                 lhs is a Name or an Index of a Name
  Tilde,       // lhs ~ dist(args);          distribution, distribution_range, args
  TargetPlus,  // target += rhs;
  For,         // for (v in lo:hi) { body }  loop_variable, lower, upper, body
  Declare,     // a Declaration inside model/guide/generated (typed definition or guide param)
};

struct Stmt {
  StmtKind kind = StmtKind::Assign;
  SourceRange range;

  ExprPtr lhs;                       // Assign, Tilde
  ExprPtr rhs;                       // Assign, TargetPlus

  std::string distribution;          // Tilde
  SourceRange distribution_range;
  std::vector<ExprPtr> args;         // Tilde: the distribution's arguments

  std::string loop_variable;         // For
  SourceRange loop_variable_range;
  ExprPtr lower, upper;              // For: inclusive bounds
  std::vector<Stmt> body;            // For

  std::unique_ptr<Declaration> declaration;  // Declare
};

// ---------------------------------------------------------------- blocks and program

enum class BlockKind { Data, Param, Latent, Model, Guide, Generated };

struct Block {
  BlockKind kind = BlockKind::Data;
  SourceRange range;
  SourceRange keyword_range;
  std::vector<Declaration> declarations;  // data, param, latent
  std::vector<Stmt> statements;           // model, guide, generated (guide `param`s are Declare statements)
};

// `activation = relu`: the value is an identifier.
struct NetOption {
  std::string name;
  std::string value;
  SourceRange range;
};

// net NAME = mlp(n0, ..., nk, activation = ..., output = ...);
struct NetDeclaration {
  std::string name;
  SourceRange name_range;
  std::string architecture;       // "mlp"
  SourceRange architecture_range;
  std::vector<ExprPtr> widths;
  std::vector<NetOption> options;
  SourceRange range;
};

struct Program {
  std::vector<Block> blocks;          // in source order; each kind at most once (checked)
  std::vector<NetDeclaration> nets;   // in source order
  // The order in which blocks and nets appear, for faithful printing: (is_net, index).
  std::vector<std::pair<bool, std::size_t>> order;

  const Block* find(BlockKind kind) const;
};

const char* to_string(BlockKind kind);     // "data", "param", ...
const char* to_string(BaseType type);      // "int", "vector", "cholesky_factor_corr", ...
const char* to_string(BinaryOp op);        // "+", ".*", "&&", ...
const char* to_string(UnaryOp op);         // "-", "+", "!"

}  // namespace pm::lang
