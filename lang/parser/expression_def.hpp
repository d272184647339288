// Expressions, with Stan's precedence (lowest first):
//   ? :  (right)  <  ||  <  &&  <  == !=  <  < <= > >=  <  + -  <  * / % .* ./
//   <  prefix - + !  <  ^ .^ (right; -a^b is -(a^b), a^-b allowed)  <  postfix [..] '  <  primary
// Each binary level is a chain `operand (op operand)*`; `? :`, `^` and runs of prefix operators
// are lists too, so only brackets make the parser recurse (and the pre-scan bounds those).
#pragma once

#include "lang/parser/rules.hpp"
#include "lang/parser/tree_adapted.hpp"

namespace pm::lang::parser {

namespace expression_grammar {

using x3::char_;
using x3::lit;

struct conditional_tail_class : annotate_position {};
struct or_expression_class : annotate_position {};
struct or_operation_class : annotate_position {};
struct and_expression_class : annotate_position {};
struct and_operation_class : annotate_position {};
struct equality_expression_class : annotate_position {};
struct equality_operation_class : annotate_position {};
struct comparison_expression_class : annotate_position {};
struct comparison_operation_class : annotate_position {};
struct additive_operation_class : annotate_position {};
struct multiplicative_expression_class : annotate_position {};
struct multiplicative_operation_class : annotate_position {};
struct unary_expression_class : annotate_position {};
struct power_chain_class : annotate_position {};
struct power_tail_class : annotate_position {};
struct postfix_expression_class : annotate_position {};
struct primary_class : annotate_position {};
struct call_class : annotate_position {};
struct array_literal_class : annotate_position {};
struct row_vector_literal_class : annotate_position {};
struct index_suffix_class : annotate_position {};
struct index_list_class : annotate_position {};
struct index_argument_class : annotate_position {};
struct range_tail_class : annotate_position {};
struct closer_class {};

const x3::rule<conditional_tail_class, tree::conditional_tail> conditional_tail = "'?'";
const x3::rule<or_expression_class, tree::binary_chain> or_expression = "an expression";
const x3::rule<or_operation_class, tree::operation> or_operation = "'||'";
const x3::rule<and_expression_class, tree::binary_chain> and_expression = "an expression";
const x3::rule<and_operation_class, tree::operation> and_operation = "'&&'";
const x3::rule<equality_expression_class, tree::binary_chain> equality_expression = "an expression";
const x3::rule<equality_operation_class, tree::operation> equality_operation = "'==' or '!='";
const x3::rule<comparison_expression_class, tree::binary_chain> comparison_expression = "an expression";
const x3::rule<comparison_operation_class, tree::operation> comparison_operation = "a comparison";
const x3::rule<additive_operation_class, tree::operation> additive_operation = "'+' or '-'";
const x3::rule<multiplicative_expression_class, tree::binary_chain> multiplicative_expression = "an expression";
const x3::rule<multiplicative_operation_class, tree::operation> multiplicative_operation = "'*' or '/'";
const x3::rule<unary_expression_class, tree::unary_expression> unary_expression = "an expression";
const x3::rule<power_chain_class, tree::power_chain> power_chain = "an expression";
const x3::rule<power_tail_class, tree::power_tail> power_tail = "'^'";
const x3::rule<postfix_expression_class, tree::postfix_expression> postfix_expression = "an expression";
const x3::rule<primary_class, tree::primary> primary = "an expression";
const x3::rule<call_class, tree::call> call = "a function call";
const x3::rule<array_literal_class, tree::array_literal> array_literal = "an array expression";
const x3::rule<row_vector_literal_class, tree::row_vector_literal> row_vector_literal = "a row vector expression";
const x3::rule<index_suffix_class, tree::index_suffix> index_suffix = "'['";
const x3::rule<index_list_class, std::vector<tree::index_argument>> index_list = "an index";
const x3::rule<index_argument_class, tree::index_argument> index_argument = "an index";
const x3::rule<range_tail_class, tree::range_tail> range_tail = "':'";

// Closing tokens, named for the message when they are missing.
const x3::rule<closer_class> close_paren = "')'";
const x3::rule<struct call_closer_class> close_call = "',' or ')' after the arguments";
const x3::rule<struct index_closer_class> close_index = "',' or ']' after the index";
const x3::rule<struct row_closer_class> close_row = "',' or ']'";
const x3::rule<struct array_closer_class> close_array = "',' or '}'";
const x3::rule<struct conditional_colon_class> conditional_colon = "':' in the conditional expression";

const x3::symbols<BinaryOp> or_op({{"||", BinaryOp::Or}}, "'||'");
const x3::symbols<BinaryOp> and_op({{"&&", BinaryOp::And}}, "'&&'");
const x3::symbols<BinaryOp> equality_op({{"==", BinaryOp::Equal}, {"!=", BinaryOp::NotEqual}}, "'=='");
const x3::symbols<BinaryOp> comparison_op({{"<", BinaryOp::Less},
                                           {"<=", BinaryOp::LessEqual},
                                           {">", BinaryOp::Greater},
                                           {">=", BinaryOp::GreaterEqual}},
                                          "a comparison");
const x3::symbols<BinaryOp> additive_op({{"+", BinaryOp::Add}, {"-", BinaryOp::Subtract}}, "'+'");
const x3::symbols<BinaryOp> multiplicative_op({{"*", BinaryOp::Multiply},
                                               {"/", BinaryOp::Divide},
                                               {"%", BinaryOp::Modulo},
                                               {".*", BinaryOp::ElementMultiply},
                                               {"./", BinaryOp::ElementDivide}},
                                              "'*'");

const symbol_token_parser<UnaryOp> prefix_op{
    {}, {{"-", UnaryOp::Negate}, {"+", UnaryOp::Plus}, {"!", UnaryOp::Not}}};
const symbol_token_parser<BinaryOp> power_op{{}, {{".^", BinaryOp::ElementPower}, {"^", BinaryOp::Power}}};
const symbol_token_parser<tree::transpose_mark> transpose{{}, {{"'", tree::transpose_mark{}}}};
const identifier_parser name{{}, true};
const number_parser number{};

const auto expression_def = or_expression >> *conditional_tail;
const auto conditional_tail_def = lit('?') > expression > conditional_colon > or_expression;
const auto conditional_colon_def = lit(':');

const auto or_expression_def = and_expression >> *or_operation;
const auto or_operation_def = or_op > and_expression;
const auto and_expression_def = equality_expression >> *and_operation;
const auto and_operation_def = and_op > equality_expression;
const auto equality_expression_def = comparison_expression >> *equality_operation;
const auto equality_operation_def = equality_op > comparison_expression;
const auto comparison_expression_def = additive_expression >> *comparison_operation;
const auto comparison_operation_def = comparison_op > additive_expression;
const auto additive_expression_def = multiplicative_expression >> *additive_operation;
const auto additive_operation_def = additive_op > multiplicative_expression;
const auto multiplicative_expression_def = unary_expression >> *multiplicative_operation;
const auto multiplicative_operation_def = multiplicative_op > unary_expression;

const auto unary_expression_def = *prefix_op >> power_chain;
const auto power_chain_def = postfix_expression >> *power_tail;
const auto power_tail_def = power_op > *prefix_op > postfix_expression;
const auto postfix_expression_def = primary >> *(index_suffix | transpose);

const auto primary_def = number | call | name | (lit('(') > expression > close_paren) | array_literal |
                         row_vector_literal;
const auto close_paren_def = lit(')');

const auto call_def = name >> lit('(') >> -expression_list >> -(lit('|') > expression_list) > close_call;
const auto close_call_def = lit(')');
const auto expression_list_def = expression >> *(lit(',') > expression);

const auto array_literal_def = char_('{') > expression_list > close_array;
const auto close_array_def = lit('}');
const auto row_vector_literal_def = char_('[') > expression_list > close_row;
const auto close_row_def = lit(']');

const auto index_suffix_def = char_('[') > index_list > close_index;
const auto close_index_def = lit(']');
const auto index_list_def = index_argument >> *(lit(',') > index_argument);
const auto index_argument_def = -expression >> -range_tail;
const auto range_tail_def = char_(':') >> -expression;

BOOST_SPIRIT_DEFINE(conditional_tail, conditional_colon, or_expression, or_operation,
                    and_expression, and_operation, equality_expression, equality_operation,
                    comparison_expression, comparison_operation,
                    additive_operation, multiplicative_expression, multiplicative_operation)
BOOST_SPIRIT_DEFINE(unary_expression, power_chain, power_tail, postfix_expression, primary,
                    close_paren, call, close_call, array_literal, close_array,
                    row_vector_literal, close_row, index_suffix, close_index, index_list,
                    index_argument, range_tail)

}  // namespace expression_grammar

// The exported rules are defined in the namespace that declared them (found by ADL).
using expression_grammar::expression_def;
using expression_grammar::additive_expression_def;
using expression_grammar::expression_list_def;
BOOST_SPIRIT_DEFINE(expression, additive_expression, expression_list)

}  // namespace pm::lang::parser
