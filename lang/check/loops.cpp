// Plates and sequential loops (LANGUAGE.md): a `for` is a plate unless a statement in it reads
// an element of something the loop itself defines or draws at another index (a local of the
// body, defined whole before it is read in the same iteration, is not such a read). And discrete
// latents: reading one discrete array at two indices in a loop (z[i - 1]), or whole inside a
// loop, couples its elements and cannot be summed out element by element in v0.
#include <functional>

#include "lang/check/checker.hpp"
#include "lang/check/expression_text.hpp"

namespace pm::lang::detail {
namespace {

// A read of a name: either `x` alone (whole) or `x[...]` (indexed; `expr` is the Index).
struct Read {
  const Expr* expr;
  const Stmt* statement;
  bool whole;
  const std::string& name() const { return whole ? expr->name : expr->args[0]->name; }
};

void collect_expression(const Expr& expr, const Stmt& stmt, std::vector<Read>& reads) {
  if (expr.kind == ExprKind::Name) {
    reads.push_back({&expr, &stmt, true});
    return;
  }
  if (expr.kind == ExprKind::Index && expr.args[0]->kind == ExprKind::Name) {
    reads.push_back({&expr, &stmt, false});
  } else {
    for (const ExprPtr& arg : expr.args) collect_expression(*arg, stmt, reads);
  }
  for (const IndexArg& index : expr.indices) {
    if (index.first) collect_expression(*index.first, stmt, reads);
    if (index.last) collect_expression(*index.last, stmt, reads);
  }
}

void collect_lhs_indices(const Expr& lhs, const Stmt& stmt, std::vector<Read>& reads) {
  for (const IndexArg& index : lhs.indices) {
    if (index.first) collect_expression(*index.first, stmt, reads);
    if (index.last) collect_expression(*index.last, stmt, reads);
  }
}

// Every read in the statements (and nested loops); with `draws_are_reads`, the left side of `~`
// counts as a read too (a use of a discrete latent).
void collect_reads(const std::vector<Stmt>& body, bool draws_are_reads, std::vector<Read>& reads) {
  for (const Stmt& stmt : body) {
    switch (stmt.kind) {
      case StmtKind::Assign:
        collect_expression(*stmt.rhs, stmt, reads);
        collect_lhs_indices(*stmt.lhs, stmt, reads);
        break;
      case StmtKind::Tilde:
        for (const ExprPtr& arg : stmt.args) collect_expression(*arg, stmt, reads);
        if (draws_are_reads) collect_expression(*stmt.lhs, stmt, reads);
        else collect_lhs_indices(*stmt.lhs, stmt, reads);
        break;
      case StmtKind::TargetPlus: collect_expression(*stmt.rhs, stmt, reads); break;
      case StmtKind::For:
        collect_expression(*stmt.lower, stmt, reads);
        collect_expression(*stmt.upper, stmt, reads);
        collect_reads(stmt.body, draws_are_reads, reads);
        break;
      case StmtKind::Declare:
        if (stmt.declaration->initializer) collect_expression(*stmt.declaration->initializer, stmt, reads);
        break;
    }
  }
}

// The left sides of `=` and `~` in the statements: what the loop defines or draws.
void collect_writes(const std::vector<Stmt>& body, std::map<std::string, std::vector<const Expr*>>& writes) {
  for (const Stmt& stmt : body) {
    if (stmt.kind == StmtKind::For) collect_writes(stmt.body, writes);
    if ((stmt.kind == StmtKind::Assign || stmt.kind == StmtKind::Tilde) && stmt.lhs) {
      const Expr* lhs = stmt.lhs.get();
      if (lhs->kind == ExprKind::Name) writes[lhs->name].push_back(lhs);
      if (lhs->kind == ExprKind::Index && lhs->args[0]->kind == ExprKind::Name) {
        writes[lhs->args[0]->name].push_back(lhs);
      }
    }
  }
}

bool mentions(const Expr& expr, const std::string& variable) {
  if (expr.kind == ExprKind::Name) return expr.name == variable;
  for (const ExprPtr& arg : expr.args) {
    if (mentions(*arg, variable)) return true;
  }
  for (const IndexArg& index : expr.indices) {
    if (index.first && mentions(*index.first, variable)) return true;
    if (index.last && mentions(*index.last, variable)) return true;
  }
  return false;
}

bool mentions(const IndexArg* index, const std::string& variable) {
  if (!index) return false;
  return (index->first && mentions(*index->first, variable)) || (index->last && mentions(*index->last, variable));
}

bool same_index(const IndexArg* a, const IndexArg* b) {
  if (!a || !b) {
    const IndexArg* present = a ? a : b;
    return !present || present->kind == IndexArg::Kind::All;  // a missing trailing index takes everything
  }
  return a->kind == b->kind &&
         ((!a->first && !b->first) || (a->first && b->first && same_expression(*a->first, *b->first))) &&
         ((!a->last && !b->last) || (a->last && b->last && same_expression(*a->last, *b->last)));
}

// A local of the loop body: `m = expr;` (the name alone on the left) as the loop's only write
// of that name, read by a later statement of the same iteration. Each iteration defines it
// before reading it, so it carries nothing from one iteration to the next: not a reason to
// be sequential (Stan's loop-body locals). A read in the defining statement itself, or
// before it, reads the previous iteration's value.
bool reads_iteration_local(const Read& read, const std::vector<const Expr*>& writes) {
  if (writes.size() != 1 || writes.front()->kind != ExprKind::Name) return false;
  const Expr& write = *writes.front();
  const bool in_defining_statement = read.statement->lhs.get() == &write;
  return !in_defining_statement && read.expr->range.begin > write.range.end;
}

// Does `read` select other elements than `write` along the loop variable?
bool reads_elsewhere(const Read& read, const Expr& write, const std::string& variable) {
  if (read.whole || write.kind != ExprKind::Index) return true;
  const auto& read_indices = read.expr->indices;
  const auto& write_indices = write.indices;
  bool differs_along_variable = false;
  for (std::size_t p = 0; p < std::max(read_indices.size(), write_indices.size()); ++p) {
    const IndexArg* r = p < read_indices.size() ? &read_indices[p] : nullptr;
    const IndexArg* w = p < write_indices.size() ? &write_indices[p] : nullptr;
    if (same_index(r, w)) continue;
    // x[t - 1, :] read in a loop over k that writes x[t, k]: another slice of an outer loop,
    // not another element of this one.
    if (!mentions(r, variable) && !mentions(w, variable) && r && w && r->kind == IndexArg::Kind::Single &&
        w->kind == IndexArg::Kind::Single) {
      return false;
    }
    differs_along_variable = differs_along_variable || mentions(r, variable) || mentions(w, variable);
  }
  return differs_along_variable;
}

}  // namespace

void Checker::classify_loops() {
  for (Loop& loop : result_.loops) {
    std::map<std::string, std::vector<const Expr*>> writes;
    collect_writes(loop.statement->body, writes);
    std::vector<Read> reads;
    collect_reads(loop.statement->body, false, reads);
    for (const Read& read : reads) {
      auto written = writes.find(read.name());
      if (written == writes.end() || loop.sequential) continue;
      if (reads_iteration_local(read, written->second)) continue;
      for (const Expr* write : written->second) {
        if (reads_elsewhere(read, *write, loop.variable)) {
          loop.sequential = true;
          loop.reason = "reads " + expression_text(*read.expr) + " while it defines " + expression_text(*write);
          loop.reason_range = read.expr->range;
          break;
        }
      }
    }
  }
}

void Checker::check_discrete_coupling() {
  std::set<std::string> reported;
  for (const Loop& loop : result_.loops) {
    std::vector<Read> reads;
    collect_reads(loop.statement->body, true, reads);
    std::map<std::string, const Read*> first_read;
    for (const Read& read : reads) {
      const Symbol* symbol = result_.find(read.name());
      if (!symbol || symbol->kind != SymbolKind::Latent || !symbol->discrete || !symbol->type.is_array()) continue;
      if (reported.count(symbol->name)) continue;
      if (read.whole) {
        diagnostics_.error(read.expr->range,
                           "the discrete latent '" + symbol->name + "' is read whole inside the loop over '" +
                               loop.variable + "', which couples its elements; read one element per iteration (" +
                               symbol->name + "[" + loop.variable + "]), or move the statement out of the loop");
        reported.insert(symbol->name);
        continue;
      }
      auto [previous, inserted] = first_read.emplace(symbol->name, &read);
      if (inserted || same_indices(previous->second->expr->indices, read.expr->indices)) continue;
      diagnostics_.error(read.expr->range,
                         "the discrete latent '" + symbol->name + "' is read at two indices in the loop over '" +
                             loop.variable + "' (" + expression_text(*previous->second->expr) + " and " +
                             expression_text(*read.expr) +
                             "), which couples its elements; v0 sums out each element separately: read only " +
                             expression_text(*previous->second->expr) +
                             " in this loop (chains of discrete states, as in an HMM, are not supported yet)");
      reported.insert(symbol->name);
    }
  }
}

}  // namespace pm::lang::detail
