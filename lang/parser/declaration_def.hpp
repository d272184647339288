// Types, constraints and declarations:
//   [array[d1, ...]] BASE [<lower=e, upper=e>] [[sizes]] NAME [= e] ;
// A bound is parsed at the additive level, above comparisons, so `>` closes the list (as Stan).
// How many sizes each base type takes is checked by the converter, with a message per type.
#pragma once

#include "lang/parser/rules.hpp"
#include "lang/parser/tree_adapted.hpp"

namespace pm::lang::parser {

namespace declaration_grammar {

using x3::lit;

struct constraint_list_class : annotate_position {};
struct constraint_class : annotate_position {};
struct size_list_class : annotate_position {};
struct basic_type_class : annotate_position {};
struct element_type_class : annotate_position {};
struct declared_name_class : annotate_position {};

const x3::rule<constraint_list_class, std::vector<tree::constraint>> constraint_list = "'<'";
const x3::rule<constraint_class, tree::constraint> constraint = "a constraint such as 'lower=0'";
const x3::rule<size_list_class, std::vector<tree::expression>> size_list = "'[' and the sizes";
const x3::rule<basic_type_class, tree::basic_type> basic_type = "a type";
const x3::rule<element_type_class, tree::basic_type> element_type = "a type after 'array[...]'";
const x3::rule<declared_name_class, tree::identifier> declared_name = "a name after the type";

const x3::rule<struct constraint_equals_class> constraint_equals = "'=' after the constraint's name";
const x3::rule<struct constraint_close_class> constraint_close = "',' or '>' after the constraint";
const x3::rule<struct size_close_class> size_close = "',' or ']' after the size";
const x3::rule<struct declaration_end_class> declaration_end = "';' after the declaration";

const keyword_token_parser<BaseType> base_type_keyword{
    {},
    {{"int", BaseType::Int},
     {"real", BaseType::Real},
     {"vector", BaseType::Vector},
     {"row_vector", BaseType::RowVector},
     {"matrix", BaseType::Matrix},
     {"simplex", BaseType::Simplex},
     {"ordered", BaseType::Ordered},
     {"positive_ordered", BaseType::PositiveOrdered},
     {"cholesky_factor_corr", BaseType::CholeskyFactorCorr},
     {"cholesky_factor_cov", BaseType::CholeskyFactorCov},
     {"corr_matrix", BaseType::CorrMatrix},
     {"cov_matrix", BaseType::CovMatrix}}};
const keyword_parser array_keyword = keyword("array");
const identifier_parser name{{}, true};

const auto constraint_list_def = lit('<') > constraint >> *(lit(',') > constraint) > constraint_close;
const auto constraint_def = name > constraint_equals > additive_expression;
const auto constraint_equals_def = lit('=');
const auto constraint_close_def = lit('>');
const auto size_list_def = lit('[') > expression_list > size_close;
const auto size_close_def = lit(']');
const auto basic_type_def = base_type_keyword >> -constraint_list >> -size_list;
const auto element_type_def = basic_type;
const auto declared_name_def = name;
const auto declaration_end_def = lit(';');

const auto type_spec_def =
    &(array_keyword | base_type_keyword) > -(array_keyword > size_list) > element_type;
const auto declaration_def = type_spec > declared_name > -(lit('=') > expression) > declaration_end;

BOOST_SPIRIT_DEFINE(constraint_list, constraint, constraint_equals, constraint_close, size_list,
                    size_close, basic_type, element_type, declared_name, declaration_end)

}  // namespace declaration_grammar

using declaration_grammar::declaration_def;
using declaration_grammar::type_spec_def;
BOOST_SPIRIT_DEFINE(type_spec, declaration)

}  // namespace pm::lang::parser
