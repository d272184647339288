// The grammar's exported rules, one group per translation unit (X3's rexpr_full/calc9 layout):
//   expression.cpp   expression_def.hpp   expressions, from `? :` down to literals
//   declaration.cpp  declaration_def.hpp  types, constraints, declarations
//   statement.cpp    statement_def.hpp    statements of model/guide/generated, for-plates
//   program.cpp      program_def.hpp      blocks, nets, the program
// A rule's name is what the user reads after "expected ..." when an expectation point fails.
#pragma once

#include "lang/parser/config.hpp"
#include "lang/parser/tree.hpp"

namespace pm::lang::parser {

struct expression_class : annotate_position {};
struct additive_expression_class : annotate_position {};
struct expression_list_class : annotate_position {};
struct type_spec_class : annotate_position {};
struct declaration_class : annotate_position {};
struct statement_class : annotate_position {};
struct program_class : annotate_position {};

using expression_type = x3::rule<expression_class, tree::expression>;
using additive_expression_type = x3::rule<additive_expression_class, tree::binary_chain>;
using expression_list_type = x3::rule<expression_list_class, std::vector<tree::expression>>;
using type_spec_type = x3::rule<type_spec_class, tree::type_spec>;
using declaration_type = x3::rule<declaration_class, tree::declaration>;
using statement_type = x3::rule<statement_class, tree::statement>;
using program_type = x3::rule<program_class, tree::program>;

BOOST_SPIRIT_DECLARE(expression_type, additive_expression_type, expression_list_type)
BOOST_SPIRIT_DECLARE(type_spec_type, declaration_type)
BOOST_SPIRIT_DECLARE(statement_type)
BOOST_SPIRIT_DECLARE(program_type)

// The rule objects only carry a name; the definitions live in the *_def.hpp of each group.
inline const expression_type expression = "an expression";
inline const additive_expression_type additive_expression = "an expression";
inline const expression_list_type expression_list = "an expression";
inline const type_spec_type type_spec = "a type";
inline const declaration_type declaration = "a declaration";
inline const statement_type statement = "a statement";
inline const program_type program = "a block";

}  // namespace pm::lang::parser
