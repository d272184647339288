// A cheap pass over the text before parsing: unterminated block comments, and nesting depth.
//
// The X3 grammar recurses on brackets `( [ {` and on the middle of `? :`; everything else
// (operator chains, prefix operators, nested for headers) is parsed as a list. Counting open
// brackets and pending `?` here therefore bounds the parser's recursion, so that input such as
// `((((...` 100000 deep is an error instead of a stack overflow.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pm::lang::parser {

struct PrescanError {
  std::size_t offset = 0;
  std::string message;
};

std::optional<PrescanError> prescan(std::string_view text, int max_depth);

}  // namespace pm::lang::parser
