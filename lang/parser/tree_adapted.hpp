// Fusion adaptation of the internal tree, so that X3 sequences fill the structs member by member.
#pragma once

#include <boost/fusion/include/adapt_struct.hpp>

#include "lang/parser/tree.hpp"

BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::operation, op, right)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::binary_chain, first, rest)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::conditional_chain, first, rest)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::conditional_tail, then_value, else_value)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::range_tail, colon, last)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::index_argument, first, range)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::index_suffix, open, arguments)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::postfix_expression, base, operators)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::power_tail, op, prefixes, operand)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::power_chain, first, rest)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::unary_expression, prefixes, power)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::call, name, before_bar, after_bar)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::array_literal, open, elements)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::row_vector_literal, open, elements)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::constraint, name, value)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::basic_type, base, constraints, sizes)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::type_spec, array_sizes, element)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::declaration, type, name, initializer)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::tilde_tail, distribution, arguments)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::assign_tail, equals, value)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::simple_statement, left, tail)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::target_statement, plus_equals, value)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::local_declaration, guide_param, value)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::for_header, variable, lower, upper)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::braced_body, open, statements)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::for_statement, headers, body)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::declaration_block, keyword, declarations)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::statement_block, keyword, statements)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::net_option, name, value)
BOOST_FUSION_ADAPT_STRUCT(pm::lang::parser::tree::net_declaration, name, architecture, arguments)
