// The front end's entry points: text -> public AST (lang/syntax/ast.hpp).
//
// A syntax error is reported once, at the first place the text stops making sense (a parser
// cannot recover soundly), and the result is nullopt. See docs/parser.md for the grammar, the
// precedence table and the error strategy.
#pragma once

#include <optional>

#include "lang/syntax/ast.hpp"
#include "lang/syntax/source.hpp"

namespace pm::lang {

// Brackets, `? :` branches, operator chains, prefix operators and for-plates nest at most this
// deep; deeper input is the error "nesting deeper than 256 levels". Every AST the parser returns
// is therefore at most this deep, so recursive passes over it cannot overflow the stack.
inline constexpr int kMaxNestingDepth = 256;

std::optional<Program> parse_program(const SourceFile& file, Diagnostics& diagnostics);

// The whole file as one expression (for tests and tools).
std::optional<ExprPtr> parse_expression(const SourceFile& file, Diagnostics& diagnostics);

}  // namespace pm::lang
