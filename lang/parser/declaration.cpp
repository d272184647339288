// Instantiation of the declaration rules (see declaration_def.hpp).
#include "lang/parser/declaration_def.hpp"

namespace pm::lang::parser {
BOOST_SPIRIT_INSTANTIATE(type_spec_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(declaration_type, iterator_type, context_type)
}  // namespace pm::lang::parser
