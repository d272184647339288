// The iterator and context types every rule is instantiated for (BOOST_SPIRIT_INSTANTIATE).
#pragma once

#include "lang/parser/lexical.hpp"

namespace pm::lang::parser {

using phrase_context_type = x3::phrase_parse_context<trivia_skipper>::type;
// x3::with<position_cache_tag>(cache) puts a reference to the cache in the context.
using context_type = x3::context<position_cache_tag, position_cache_type, phrase_context_type>;

// on_success handler of every rule: records the node's source range in the position cache
// (nodes that are not position_tagged are ignored by the cache).
struct annotate_position {
  template <typename Iterator, typename Node, typename Context>
  void on_success(Iterator const& first, Iterator const& last, Node& node, Context const& context) {
    tag_position(context, node, first, last);
  }
};

}  // namespace pm::lang::parser
