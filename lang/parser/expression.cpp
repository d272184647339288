// Instantiation of the expression rules (see expression_def.hpp).
#include "lang/parser/expression_def.hpp"

namespace pm::lang::parser {
BOOST_SPIRIT_INSTANTIATE(expression_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(additive_expression_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(expression_list_type, iterator_type, context_type)
}  // namespace pm::lang::parser
