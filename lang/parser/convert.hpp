// Conversion of the internal X3 tree (tree.hpp) to the public AST (lang/syntax/ast.hpp).
//
// The converter folds the operator chains by precedence and associativity, turns number text
// into values, gives every node its SourceRange, and reports the syntax errors that are easier
// to state on a finished tree than in the grammar (the number of sizes of a type, an unknown
// constraint, `f(a, b | c)`, a `param` outside a guide, nesting deeper than the limit). It stops
// at the first error by throwing ConversionError.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "lang/parser/lexical.hpp"
#include "lang/parser/tree.hpp"
#include "lang/syntax/ast.hpp"

namespace pm::lang::parser {

struct ConversionError : std::runtime_error {
  ConversionError(std::uint32_t offset, const std::string& message)
      : std::runtime_error(message), offset(offset) {}
  std::uint32_t offset;
};

class Converter {
 public:
  // max_depth: nesting (for-plates, prefix, `^` and `? :` chains); max_expression_depth: the
  // height of an expression's tree (lang/syntax/parse.hpp).
  Converter(const position_cache_type& positions, iterator_type text_begin, int max_depth, int max_expression_depth)
      : positions_(positions), text_begin_(text_begin), max_depth_(max_depth),
        max_expression_depth_(max_expression_depth) {}

  Program program(const tree::program& items);
  ExprPtr expression(const tree::expression& node);

 private:
  // An expression with the depth of its tree (a leaf has depth 1).
  struct Built {
    ExprPtr expr;
    int depth = 1;
  };

  SourceRange range_of(const x3::position_tagged& node) const;
  [[noreturn]] void fail(const x3::position_tagged& node, const std::string& message) const;
  // Rejects a node whose tree is deeper than max_expression_depth_, reporting at `where` (its
  // operator or bracket).
  void check_depth(int depth, const x3::position_tagged& where) const;
  // "nesting deeper than max_depth_ levels" at `where`.
  [[noreturn]] void fail_nesting(const x3::position_tagged& where) const;

  // convert_expression.cpp
  Built convert(const tree::conditional_chain& node);
  Built convert(const tree::binary_chain& node);
  Built convert(const tree::operand& node);
  Built convert(const tree::unary_expression& node);
  Built convert(const tree::power_chain& node);
  Built convert(const tree::postfix_expression& node);
  Built convert(const tree::primary& node);
  Built convert(const tree::number& node);
  Built convert(const tree::identifier& node);
  Built convert(const tree::call& node);
  Built convert_elements(ExprKind kind, const std::vector<tree::expression>& elements,
                         const x3::position_tagged& node);
  Built binary(BinaryOp op, Built left, Built right, const x3::position_tagged& op_node);
  Built apply_prefixes(const std::vector<tree::token<UnaryOp>>& prefixes, Built operand);
  Built index(Built base, const tree::index_suffix& suffix);
  std::vector<ExprPtr> expressions(const std::vector<tree::expression>& nodes, int& max_depth);

  // convert_program.cpp
  Block block(const tree::declaration_block& node);
  Block block(const tree::statement_block& node);
  NetDeclaration net(const tree::net_declaration& node);
  Declaration declaration(const tree::declaration& node);
  TypeSpec type(const tree::type_spec& node);
  void statements(const tree::statement& node, BlockKind block, int for_depth, std::vector<Stmt>& out);
  Stmt simple(const tree::simple_statement& node);

  const position_cache_type& positions_;
  iterator_type text_begin_;
  int max_depth_;
  int max_expression_depth_;
};

}  // namespace pm::lang::parser
