// Instantiation of the program rules (see program_def.hpp).
#include "lang/parser/program_def.hpp"

namespace pm::lang::parser {
BOOST_SPIRIT_INSTANTIATE(program_type, iterator_type, context_type)
}  // namespace pm::lang::parser
