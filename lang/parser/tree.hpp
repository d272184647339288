// The parser's internal syntax tree: what the Spirit X3 rules synthesize, before conversion to
// the public AST (lang/syntax/ast.hpp).
//
// It mirrors the grammar, not the language: a binary operator level is a chain
// `first (op operand)*`, a right-associative level (`^`, `? :`) and a run of prefix operators are
// lists too, so that the parser never recurses on them (the converter folds the chains; see
// convert_expression.cpp). Nodes derive from x3::position_tagged; the rules' on_success handler
// (annotation.hpp) records their source positions in a position cache.
//
// Every struct adapted for Fusion has at least two members: X3's treatment of one-member
// sequences is fragile, so a one-member node also keeps the character that opened it.
#pragma once

#include <boost/optional.hpp>
#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>
#include <string>
#include <vector>

#include "lang/syntax/ast.hpp"

namespace pm::lang::parser::tree {

namespace x3 = boost::spirit::x3;

// Tokens made by the hand-written lexical parsers (lexical.hpp), which tag them themselves.
struct identifier : x3::position_tagged {
  std::string text;
};
struct number : x3::position_tagged {
  std::string text;  // as written; the converter decides int or real
};
template <typename Value>
struct token : x3::position_tagged {
  Value value{};
};
struct transpose_mark {};  // the value of a `'` token

// ---------------------------------------------------------------- expressions

struct binary_chain;
struct unary_expression;
struct conditional_chain;
struct call;
struct array_literal;
struct row_vector_literal;

using expression = conditional_chain;

// Default alternative: a default-constructed operand must not build the recursive ones.
struct nil {};

struct operand : x3::variant<nil, x3::forward_ast<binary_chain>, x3::forward_ast<unary_expression>> {
  using base_type::base_type;
  using base_type::operator=;
};

struct operation : x3::position_tagged {
  BinaryOp op{};
  operand right;
};

// first op1 right1 op2 right2 ...: one precedence level, left associative.
struct binary_chain : x3::position_tagged {
  operand first;
  std::vector<operation> rest;
};

struct conditional_tail;

// first ? then1 : else1 ? then2 : else2 ...: right associative, folded by the converter.
struct conditional_chain : x3::position_tagged {
  binary_chain first;
  std::vector<conditional_tail> rest;
};

struct conditional_tail : x3::position_tagged {
  conditional_chain then_value;
  binary_chain else_value;
};

struct range_tail : x3::position_tagged {
  char colon = ':';
  boost::optional<expression> last;
};

// e | a:b | a: | :b | :   (both parts optional; an empty index is rejected by the converter)
struct index_argument : x3::position_tagged {
  boost::optional<expression> first;
  boost::optional<range_tail> range;
};

struct index_suffix : x3::position_tagged {
  char open = '[';
  std::vector<index_argument> arguments;
};

struct postfix_operator : x3::variant<index_suffix, token<transpose_mark>> {
  using base_type::base_type;
  using base_type::operator=;
};

struct primary : x3::variant<number, identifier, x3::forward_ast<call>, x3::forward_ast<expression>,
                             x3::forward_ast<array_literal>, x3::forward_ast<row_vector_literal>> {
  using base_type::base_type;
  using base_type::operator=;
};

struct postfix_expression : x3::position_tagged {
  primary base;
  std::vector<postfix_operator> operators;
};

struct power_tail : x3::position_tagged {
  token<BinaryOp> op;
  std::vector<token<UnaryOp>> prefixes;  // a^-b
  postfix_expression operand;
};

// first ^ o1 ^ o2 ...: right associative, folded by the converter.
struct power_chain : x3::position_tagged {
  postfix_expression first;
  std::vector<power_tail> rest;
};

struct unary_expression : x3::position_tagged {
  std::vector<token<UnaryOp>> prefixes;
  power_chain power;
};

// f(a, b) or f(a | b, c): before_bar holds the arguments before a `|`, after_bar those after it.
struct call : x3::position_tagged {
  identifier name;
  std::vector<expression> before_bar;
  boost::optional<std::vector<expression>> after_bar;
};

struct array_literal : x3::position_tagged {
  char open = '{';
  std::vector<expression> elements;
};

struct row_vector_literal : x3::position_tagged {
  char open = '[';
  std::vector<expression> elements;
};

// ---------------------------------------------------------------- types and declarations

struct constraint : x3::position_tagged {
  identifier name;
  binary_chain value;  // parsed at the additive level, so `>` closes the list
};

struct basic_type : x3::position_tagged {
  token<BaseType> base;
  std::vector<constraint> constraints;
  std::vector<expression> sizes;
};

struct type_spec : x3::position_tagged {
  std::vector<expression> array_sizes;
  basic_type element;
};

struct declaration : x3::position_tagged {
  type_spec type;
  identifier name;
  boost::optional<expression> initializer;
};

// ---------------------------------------------------------------- statements

struct tilde_tail : x3::position_tagged {
  identifier distribution;
  std::vector<expression> arguments;
};

struct assign_tail : x3::position_tagged {
  char equals = '=';
  expression value;
};

struct statement_tail : x3::variant<tilde_tail, assign_tail> {
  using base_type::base_type;
  using base_type::operator=;
};

struct simple_statement : x3::position_tagged {
  expression left;
  statement_tail tail;
};

struct target_statement : x3::position_tagged {
  std::string plus_equals;
  expression value;
};

struct local_declaration : x3::position_tagged {
  bool guide_param = false;
  declaration value;
};

struct for_statement;

struct statement : x3::variant<x3::forward_ast<for_statement>, target_statement, local_declaration,
                               simple_statement> {
  using base_type::base_type;
  using base_type::operator=;
};

struct for_header : x3::position_tagged {
  identifier variable;
  expression lower;
  expression upper;
};

struct braced_body : x3::position_tagged {
  char open = '{';
  std::vector<statement> statements;
};

struct for_body : x3::variant<braced_body, statement> {
  using base_type::base_type;
  using base_type::operator=;
};

// for (i in a:b) for (j in c:d) body: nested headers are a list, so `for` chains do not recurse.
struct for_statement : x3::position_tagged {
  std::vector<for_header> headers;
  for_body body;
};

// ---------------------------------------------------------------- blocks and program

struct declaration_block : x3::position_tagged {
  token<BlockKind> keyword;
  std::vector<declaration> declarations;
};

struct statement_block : x3::position_tagged {
  token<BlockKind> keyword;
  std::vector<statement> statements;
};

struct net_option : x3::position_tagged {
  identifier name;
  identifier value;
};

struct net_argument : x3::variant<net_option, expression> {
  using base_type::base_type;
  using base_type::operator=;
};

struct net_declaration : x3::position_tagged {
  identifier name;
  identifier architecture;
  std::vector<net_argument> arguments;
};

struct top_level_item : x3::variant<declaration_block, statement_block, net_declaration> {
  using base_type::base_type;
  using base_type::operator=;
};

using program = std::vector<top_level_item>;

}  // namespace pm::lang::parser::tree
