// Blocks, nets and the program: top-level items in any order, then the end of the input.
#pragma once

#include "lang/parser/rules.hpp"
#include "lang/parser/tree_adapted.hpp"

namespace pm::lang::parser {

namespace program_grammar {

using x3::lit;

struct declaration_block_class : annotate_position {};
struct statement_block_class : annotate_position {};
struct net_declaration_class : annotate_position {};
struct net_argument_list_class : annotate_position {};
struct net_argument_class : annotate_position {};
struct net_option_class : annotate_position {};
struct top_level_item_class : annotate_position {};
struct net_name_class : annotate_position {};
struct architecture_class : annotate_position {};
struct option_value_class : annotate_position {};

const x3::rule<declaration_block_class, tree::declaration_block> declaration_block = "a block";
const x3::rule<statement_block_class, tree::statement_block> statement_block = "a block";
const x3::rule<net_declaration_class, tree::net_declaration> net_declaration = "a net declaration";
const x3::rule<net_argument_list_class, std::vector<tree::net_argument>> net_argument_list = "an argument";
const x3::rule<net_argument_class, tree::net_argument> net_argument = "an argument";
const x3::rule<net_option_class, tree::net_option> net_option = "an option";
const x3::rule<top_level_item_class, tree::top_level_item> top_level_item = "a block";
const x3::rule<net_name_class, tree::identifier> net_name = "a name after 'net'";
const x3::rule<architecture_class, tree::identifier> architecture = "an architecture such as 'mlp' after '='";
const x3::rule<option_value_class, tree::identifier> option_value = "a name after '='";

const x3::rule<struct block_open_class> block_open = "'{' after the block name";
const x3::rule<struct declarations_close_class> declarations_close = "a declaration or '}'";
const x3::rule<struct statements_close_class> statements_close = "a statement or '}'";
const x3::rule<struct net_equals_class> net_equals = "'=' after the net's name";
const x3::rule<struct net_open_class> net_open = "'(' after the architecture";
const x3::rule<struct net_close_class> net_close = "',' or ')' after the arguments";
const x3::rule<struct net_end_class> net_end = "';' after the net declaration";
const x3::rule<struct end_of_input_class> end_of_input =
    "a block ('data', 'param', 'latent', 'model', 'guide', 'generated') or a net declaration";

const keyword_token_parser<BlockKind> declaration_block_keyword{
    {}, {{"data", BlockKind::Data}, {"param", BlockKind::Param}, {"latent", BlockKind::Latent}}};
const keyword_token_parser<BlockKind> statement_block_keyword{
    {}, {{"model", BlockKind::Model}, {"guide", BlockKind::Guide}, {"generated", BlockKind::Generated}}};
const keyword_parser net_keyword = keyword("net");
const identifier_parser name{{}, true};
const misspelled_type_guard misspelled_type{};

const auto declaration_block_def = declaration_block_keyword > block_open >
                                   *(!misspelled_type >> declaration) > declarations_close;
const auto statement_block_def = statement_block_keyword > block_open > *statement > statements_close;
const auto block_open_def = lit('{');
const auto declarations_close_def = lit('}');
const auto statements_close_def = lit('}');

const auto net_declaration_def = net_keyword > net_name > net_equals > architecture > net_open >
                                 -net_argument_list > net_close > net_end;
const auto net_name_def = name;
const auto architecture_def = name;
const auto option_value_def = name;
const auto net_equals_def = lit('=');
const auto net_open_def = lit('(');
const auto net_close_def = lit(')');
const auto net_end_def = lit(';');
const auto net_argument_list_def = net_argument >> *(lit(',') > net_argument);
const auto net_argument_def = net_option | expression;
const auto net_option_def = name >> lit('=') >> !lit('=') > option_value;

const auto top_level_item_def = declaration_block | statement_block | net_declaration;
const auto end_of_input_def = x3::eoi;
const auto program_alternatives = *top_level_item > end_of_input;

BOOST_SPIRIT_DEFINE(declaration_block, statement_block, block_open, declarations_close,
                    statements_close, net_declaration, net_name, architecture, option_value,
                    net_equals, net_open, net_close, net_end, net_argument_list, net_argument,
                    net_option, top_level_item, end_of_input)

}  // namespace program_grammar

const auto program_def = program_grammar::program_alternatives;
BOOST_SPIRIT_DEFINE(program)

}  // namespace pm::lang::parser
