// The checker's internal state, shared by its translation units (one pass each):
//   declarations.cpp  blocks, declared names, constraints, data defaults, nets
//   expressions.cpp   types of expressions, name resolution
//   calls.cpp         function, distribution and net calls against the stdlib table
//   statements.cpp    model / guide / generated statements, definitions and factors
//   dependencies.cpp  cycles among definitions; which definitions depend on data alone
//   loops.cpp         plates and sequential loops; discrete latents that couple a plate
//   latents.cpp       how each latent is handled; priors; guide draws
#pragma once

#include <cstddef>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lang/check/checked_program.hpp"
#include "lang/syntax/source.hpp"

namespace pm::lang::detail {

// Where an expression appears: decides which names it may read.
enum class Scope {
  Size,        // sizes, bounds, data defaults, net widths: data and literals only
  Model,
  Guide,
  Generated,
};

struct Context {
  Scope scope = Scope::Model;
  BlockKind block = BlockKind::Model;
  std::vector<const Stmt*> loops;  // enclosing for statements, outermost first
  // Scope::Size inside the data block: only data declared before this index may be read.
  std::size_t visible_data_limit = std::numeric_limits<std::size_t>::max();
  std::string size_what;           // "a size", "the default of 'K'", ... for messages
  std::vector<std::string>* reads = nullptr;  // collects every global name read
};

class Checker {
 public:
  Checker(const Program& program, Diagnostics& diagnostics, CheckedProgram& result)
      : program_(program), diagnostics_(diagnostics), result_(result) {}
  void run();

  // ---- declarations.cpp
  void check_block_list();
  void declare_blocks();
  void declare_nets();
  void collect_definitions();
  Symbol* add_symbol(const std::string& name, SymbolKind kind, SourceRange range);
  // An error at `range` when `name` ends in "__" (reserved, as in Stan).
  void refuse_reserved_name(const std::string& name, SourceRange range);
  Type declared_type(const TypeSpec& spec, Context& context);
  DeclaredSupport check_constraints(const TypeSpec& spec, Context& context, SymbolKind kind);

  // ---- expressions.cpp
  Type infer(const Expr& expr, Context& context);
  Size size_of(const Expr& expr);
  Type infer_name(const Expr& expr, Context& context);
  Type infer_binary(const Expr& expr, Context& context);
  Type infer_index(const Expr& expr, Context& context);
  Type infer_conditional(const Expr& expr, Context& context);
  Type infer_literal_list(const Expr& expr, Context& context);
  // Elementwise combination of two operands (+, -, .*, ./, comparisons): scalars broadcast,
  // containers must agree.
  Type combine_elementwise(const Type& a, const Type& b, const Expr& at, const char* op);
  void check_same_sizes(const Type& a, const Type& b, SourceRange at, const std::string& what);

  // ---- calls.cpp
  Type infer_call(const Expr& expr, Context& context);
  Type infer_net_call(const Symbol& net, const Expr& expr, Context& context);
  // Checks the arguments of `dist` (outcome first when given) and reports arity and type errors.
  // `label` is "'~ normal'" or "'normal_lpdf'". Returns false if something was reported.
  bool check_distribution_arguments(const stdlib::DistributionSignature& dist, const Expr* outcome,
                                    const Type* outcome_type, const std::vector<const Expr*>& args,
                                    const std::vector<Type>& arg_types, const std::string& label,
                                    SourceRange name_range);
  Type draw_type(const stdlib::DistributionSignature& dist, const std::vector<const Expr*>& args,
                 const std::vector<Type>& arg_types);

  // ---- statements.cpp
  void check_statements();
  void check_statement(const Stmt& stmt, Context& context);
  void check_assign(const Stmt& stmt, Context& context);
  void check_tilde(const Stmt& stmt, Context& context);
  void check_for(const Stmt& stmt, Context& context);
  // The type of a definition, inferring it from its statements on first use.
  Type definition_type(Symbol& symbol);
  Context context_for(BlockKind block) const;

  // ---- dependencies.cpp
  void check_cycles();
  void mark_data_only();

  // ---- loops.cpp
  void classify_loops();
  void check_discrete_coupling();

  // ---- latents.cpp
  void check_latents();
  void check_guide_draw(const Stmt& stmt, Symbol& latent);

  // ---- shared helpers
  void suggest_name(SourceRange range, const std::string& message, const std::string& name,
                    const std::vector<std::string>& candidates);
  std::vector<std::string> visible_names(const Context& context) const;
  bool visible(const Symbol& symbol, const Context& context) const;
  // The base name of `y`, `y[i]`, `y[i][j]` (empty for other expressions).
  static const Expr* base_name(const Expr& expr);

  const Program& program_;
  Diagnostics& diagnostics_;
  CheckedProgram& result_;

  // Definition typing state (lazy, in dependency order, whatever the source order).
  enum class DefinitionState { Pending, InProgress, Done };
  std::map<std::string, DefinitionState, std::less<>> definition_state_;
  // Enclosing loops of every statement in model / guide / generated.
  std::map<const Stmt*, std::vector<const Stmt*>> statement_loops_;
  std::map<const Stmt*, BlockKind> statement_block_;
  std::set<const Stmt*> checked_statements_;
  std::set<std::string> undeclared_reported_;
};

}  // namespace pm::lang::detail
