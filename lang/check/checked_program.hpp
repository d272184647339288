// The checker's result, from which the engine lowers a model (ARCHITECTURE.md: typed AST ->
// model graph). It refers into the Program it was checked from (Expr, Stmt and Declaration
// pointers), so the Program must outlive it.
//
//   symbols      every global name (data, param, latent, guide param, model / guide /
//                generated definition, net) with its Type (sizes symbolic), its declared
//                support, its declaration and defining statements, and the names it reads.
//                Loop variables are scoped; they are listed with their loop in `loops`.
//   latents      each latent's handling: summed out exactly (finite discrete), approximated
//                by the guide block, or by the automatic guide; `flat_prior` when a
//                continuous latent has no `~` in model.
//   factors      every `~` and `target +=`, with its block, kind, subject and enclosing loops.
//   loops        every `for`: plate or sequential (LANGUAGE.md "Plates and sequential
//                loops"), with the read that made it sequential.
//   expression_types  the type of every expression the checker visited.
#pragma once

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "lang/check/type.hpp"
#include "lang/syntax/ast.hpp"

namespace pm::lang {

enum class SymbolKind {
  Data, Param, Latent, GuideParam, ModelDefinition, GuideDefinition, Generated, Net,
};
const char* to_string(SymbolKind kind);  // "data", "param", "latent", "guide param", ...

// The support a constrained declaration gives a param or latent.
struct DeclaredSupport {
  enum class Kind {
    Unconstrained, Lower, Upper, LowerUpper,
    Simplex, Ordered, PositiveOrdered, CholeskyFactorCorr, CholeskyFactorCov, CorrMatrix, CovMatrix,
  };
  Kind kind = Kind::Unconstrained;
  const Expr* lower = nullptr;  // Lower, LowerUpper
  const Expr* upper = nullptr;  // Upper, LowerUpper
};
// "real line", "lower=0", "lower=0, upper=1", "simplex", ...
std::string describe(const DeclaredSupport& support);

enum class LatentHandling {
  SummedOut,       // int with finite support: enumerated and summed out exactly
  GuideBlock,      // continuous, drawn by the guide block
  AutomaticGuide,  // continuous, left to the automatic guide (meanfield / fullrank / map)
};
const char* to_string(LatentHandling handling);  // "summed out exactly", ...

struct Symbol {
  std::string name;
  SymbolKind kind = SymbolKind::Data;
  Type type;
  SourceRange range;                         // the name where it is declared or first defined
  const Declaration* declaration = nullptr;  // declared names and typed definitions
  std::vector<const Stmt*> definitions;      // defining statements (Assign, generated Tilde)
  const NetDeclaration* net = nullptr;       // nets
  DeclaredSupport support;                   // params, latents, guide params
  std::vector<std::string> reads;            // names its definition, default or sizes read
  bool elementwise = false;                  // defined as name[i] = ... inside loops
  bool data_only = false;  // a model definition computed from data alone (Stan's transformed data)

  // Latents only.
  bool discrete = false;
  LatentHandling handling = LatentHandling::AutomaticGuide;
  bool flat_prior = false;
  const Stmt* prior = nullptr;       // its `~` in model
  const Stmt* guide_draw = nullptr;  // its `~` in guide
  const stdlib::DistributionSignature* prior_distribution = nullptr;
};

enum class FactorKind {
  Prior,          // `~` on a latent or param in model
  Likelihood,     // `~` on data (or an expression of data) in model
  Factor,         // `~` on a definition or other expression in model
  Target,         // `target +=` in model
  GuideDraw,      // `~` in guide
  GeneratedDraw,  // `~` in generated
};
const char* to_string(FactorKind kind);

struct Factor {
  FactorKind kind = FactorKind::Likelihood;
  BlockKind block = BlockKind::Model;
  const Stmt* statement = nullptr;
  std::string subject;       // the name on the left of `~` (empty for target += or an expression)
  std::string distribution;  // empty for target +=
  std::vector<std::string> reads;          // names read by the arguments (or the target expression)
  std::vector<const Stmt*> enclosing_loops;  // outermost first
};

struct Loop {
  const Stmt* statement = nullptr;
  BlockKind block = BlockKind::Model;
  std::string variable;
  const Stmt* parent = nullptr;  // the enclosing loop, if any
  bool sequential = false;
  std::string reason;            // for sequential loops: "reads x[:, 1:(d - 1)] ..."
  SourceRange reason_range;
};

struct CheckedProgram {
  const Program* program = nullptr;
  std::vector<Symbol> symbols;  // in declaration order (blocks in source order)
  std::map<std::string, std::size_t, std::less<>> index;
  std::vector<Factor> factors;  // in source order within each block
  std::vector<Loop> loops;      // in source order (outer before inner)
  std::unordered_map<const Expr*, Type> expression_types;

  const Symbol* find(std::string_view name) const;
  Symbol* find(std::string_view name);
  const Type* type_of(const Expr& expr) const;
  const Loop* loop_of(const Stmt& statement) const;
};

}  // namespace pm::lang
