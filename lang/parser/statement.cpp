// Instantiation of the statement rules (see statement_def.hpp).
#include "lang/parser/statement_def.hpp"

namespace pm::lang::parser {
BOOST_SPIRIT_INSTANTIATE(statement_type, iterator_type, context_type)
}  // namespace pm::lang::parser
