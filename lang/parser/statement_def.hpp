// Statements of model, guide and generated:
//   lhs = e;   e ~ dist(args);   target += e;   TYPE name [= e];   param TYPE name;   for-plates
// A for-plate is `for (v in a:b)` headers followed by one statement or a braced list; nested
// headers are parsed as a list, so only braces make the statement grammar recurse.
#pragma once

#include "lang/parser/rules.hpp"
#include "lang/parser/tree_adapted.hpp"

namespace pm::lang::parser {

namespace statement_grammar {

using x3::char_;
using x3::lit;

struct for_statement_class : annotate_position {};
struct for_header_class : annotate_position {};
struct for_body_class : annotate_position {};
struct braced_body_class : annotate_position {};
struct body_statement_class : annotate_position {};
struct target_statement_class : annotate_position {};
struct local_declaration_class : annotate_position {};
struct simple_statement_class : annotate_position {};
struct statement_tail_class : annotate_position {};
struct tilde_tail_class : annotate_position {};
struct assign_tail_class : annotate_position {};
struct loop_variable_class : annotate_position {};
struct distribution_name_class : annotate_position {};

const x3::rule<for_statement_class, tree::for_statement> for_statement = "a for loop";
const x3::rule<for_header_class, tree::for_header> for_header = "a for loop";
const x3::rule<for_body_class, tree::for_body> for_body = "a statement or '{' after the loop header";
const x3::rule<braced_body_class, tree::braced_body> braced_body = "'{'";
const x3::rule<body_statement_class, tree::statement> body_statement = "a statement";
const x3::rule<target_statement_class, tree::target_statement> target_statement = "'target'";
const x3::rule<local_declaration_class, tree::local_declaration> local_declaration = "a declaration";
const x3::rule<simple_statement_class, tree::simple_statement> simple_statement = "a statement";
const x3::rule<statement_tail_class, tree::statement_tail> statement_tail = "'~' or '=' after the expression";
const x3::rule<tilde_tail_class, tree::tilde_tail> tilde_tail = "'~'";
const x3::rule<assign_tail_class, tree::assign_tail> assign_tail = "'='";
const x3::rule<loop_variable_class, tree::identifier> loop_variable = "a loop variable after '('";
const x3::rule<distribution_name_class, tree::identifier> distribution_name = "a distribution name after '~'";

const x3::rule<struct for_open_class> for_open = "'(' after 'for'";
const x3::rule<struct for_in_class> for_in = "'in' after the loop variable";
const x3::rule<struct for_colon_class> for_colon = "':' in the loop range";
const x3::rule<struct for_close_class> for_close = "')' after the loop range";
const x3::rule<struct body_close_class> body_close = "a statement or '}'";
const x3::rule<struct plus_equals_class, std::string> plus_equals = "'+=' after 'target'";
const x3::rule<struct statement_end_class> statement_end = "';' after the statement";
const x3::rule<struct arguments_open_class> arguments_open = "'(' after the distribution name";
const x3::rule<struct arguments_close_class> arguments_close = "',' or ')' after the arguments";

const keyword_parser for_keyword = keyword("for");
const keyword_parser in_keyword = keyword("in");
const keyword_parser target_keyword = keyword("target");
const keyword_parser param_keyword = keyword("param");
const identifier_parser name{{}, true};
const misspelled_type_guard misspelled_type{};
const bare_block_guard bare_block{};
// A block name where a statement could start is the next block (a '}' is missing), not a name.
const auto block_name = keyword("data") | keyword("param") | keyword("latent") | keyword("model") |
                        keyword("guide") | keyword("generated");

const auto for_statement_def = +for_header > for_body;
const auto for_header_def = for_keyword > for_open > loop_variable > for_in > expression > for_colon >
                            expression > for_close;
const auto for_open_def = lit('(');
const auto for_in_def = in_keyword;
const auto for_colon_def = lit(':');
const auto for_close_def = lit(')');
const auto loop_variable_def = name;
const auto for_body_def = braced_body | body_statement;
const auto braced_body_def = char_('{') > *statement > body_close;
const auto body_close_def = lit('}');

const auto body_statement_def =
    target_statement | local_declaration | (!misspelled_type >> !block_name >> !bare_block >> simple_statement);
const auto target_statement_def = target_keyword > plus_equals > expression > statement_end;
const auto plus_equals_def = x3::string("+=");
const auto local_declaration_def = ((param_keyword >> !lit('{') >> x3::attr(true)) > declaration) |
                                   (x3::attr(false) >> declaration);
const auto simple_statement_def = expression > statement_tail > statement_end;
const auto statement_end_def = lit(';');
const auto statement_tail_def = tilde_tail | assign_tail;
const auto tilde_tail_def = lit('~') > distribution_name > arguments_open > -expression_list > arguments_close;
const auto distribution_name_def = name;
const auto arguments_open_def = lit('(');
const auto arguments_close_def = lit(')');
const auto assign_tail_def = char_('=') > expression;

const auto statement_alternatives = for_statement | body_statement;

BOOST_SPIRIT_DEFINE(for_statement, for_header, for_open, for_in, for_colon, for_close, loop_variable,
                    for_body, braced_body, body_close, body_statement, target_statement, plus_equals,
                    local_declaration, simple_statement, statement_end, statement_tail, tilde_tail,
                    distribution_name, arguments_open, arguments_close, assign_tail)

}  // namespace statement_grammar

const auto statement_def = statement_grammar::statement_alternatives;
BOOST_SPIRIT_DEFINE(statement)

}  // namespace pm::lang::parser
