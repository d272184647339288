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

// Brackets, `? :` branches, `^` chains, prefix operators and for-plates nest at most this
// deep; deeper input is the error "nesting deeper than 256 levels". Every AST the parser returns
// is at most kMaxExpressionDepth deep, so recursive passes over it cannot overflow the stack.
inline constexpr int kMaxNestingDepth = 256;
// A left-associative chain (a + b + c ..., a * b * c ...) is flat to read but a tree as deep
// as it is long: an expression's tree may be this deep (a sum of 2048 terms), and deeper is
// the error "an expression more than 2048 operators deep". Brackets, prefix operators, `^`
// and `? :` chains and for-plates still nest at most kMaxNestingDepth.
// Measured (release build; check, check --print, graph, fit map and vi, diagnose, evidence on
// a sum inside a call): 2045 terms need 1.5 to 2 MB of stack, 4090 terms 3 to 4 MB, so 2048
// leaves a fourfold margin under the default 8 MB (tests/cli/sanitize.sh raises it for ASan).
inline constexpr int kMaxExpressionDepth = 2048;

std::optional<Program> parse_program(const SourceFile& file, Diagnostics& diagnostics);

// The whole file as one expression (for tests and tools).
std::optional<ExprPtr> parse_expression(const SourceFile& file, Diagnostics& diagnostics);

}  // namespace pm::lang
