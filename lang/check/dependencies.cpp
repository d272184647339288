// The dependency graph among definitions: cycles (each reported once, naming its variables in
// order), and which model definitions depend on data alone (computed once when data loads,
// like Stan's transformed data, and not reported).
#include <algorithm>
#include <functional>

#include "lang/check/checker.hpp"

namespace pm::lang::detail {
namespace {

bool is_definition(SymbolKind kind) {
  return kind == SymbolKind::ModelDefinition || kind == SymbolKind::GuideDefinition ||
         kind == SymbolKind::Generated;
}

}  // namespace

void Checker::check_cycles() {
  const auto& symbols = result_.symbols;
  const std::size_t count = symbols.size();
  // Edges between definitions. Elementwise definitions reading each other (x[t] = f(x[t - 1]),
  // or two series defined from each other's previous elements) are recurrences evaluated in a
  // sequential loop, not cycles.
  std::vector<std::vector<std::size_t>> edges(count);
  for (std::size_t from = 0; from < count; ++from) {
    if (!is_definition(symbols[from].kind)) continue;
    for (const std::string& read : symbols[from].reads) {
      auto found = result_.index.find(read);
      if (found == result_.index.end()) continue;
      std::size_t to = found->second;
      if (!is_definition(symbols[to].kind)) continue;
      if (symbols[from].elementwise && symbols[to].elementwise) continue;
      if (std::find(edges[from].begin(), edges[from].end(), to) == edges[from].end()) edges[from].push_back(to);
    }
  }

  // Tarjan's strongly connected components.
  std::vector<int> order(count, -1), low(count, 0);
  std::vector<bool> on_stack(count, false);
  std::vector<std::size_t> stack;
  std::vector<std::vector<std::size_t>> components;
  int counter = 0;
  std::function<void(std::size_t)> visit = [&](std::size_t v) {
    order[v] = low[v] = counter++;
    stack.push_back(v);
    on_stack[v] = true;
    for (std::size_t w : edges[v]) {
      if (order[w] < 0) {
        visit(w);
        low[v] = std::min(low[v], low[w]);
      } else if (on_stack[w]) {
        low[v] = std::min(low[v], order[w]);
      }
    }
    if (low[v] == order[v]) {
      std::vector<std::size_t> component;
      std::size_t w;
      do {
        w = stack.back();
        stack.pop_back();
        on_stack[w] = false;
        component.push_back(w);
      } while (w != v);
      components.push_back(component);
    }
  };
  for (std::size_t v = 0; v < count; ++v) {
    if (order[v] < 0 && is_definition(symbols[v].kind)) visit(v);
  }

  std::vector<std::vector<std::size_t>> cycles;
  for (auto& component : components) {
    std::sort(component.begin(), component.end());
    std::size_t start = component.front();
    bool self_loop = std::find(edges[start].begin(), edges[start].end(), start) != edges[start].end();
    if (component.size() == 1 && !self_loop) continue;
    // Walk from the first-declared member back to it inside the component.
    std::vector<std::size_t> path{start};
    std::vector<bool> seen(count, false);
    seen[start] = true;
    std::function<bool(std::size_t)> walk = [&](std::size_t v) {
      for (std::size_t w : edges[v]) {
        if (w == start) return true;
        if (seen[w] || !std::binary_search(component.begin(), component.end(), w)) continue;
        seen[w] = true;
        path.push_back(w);
        if (walk(w)) return true;
        path.pop_back();
      }
      return false;
    };
    walk(start);
    cycles.push_back(path);
  }
  std::sort(cycles.begin(), cycles.end());
  for (const auto& path : cycles) {
    const Symbol& first = symbols[path.front()];
    if (path.size() == 1) {
      diagnostics_.error(first.range, "'" + first.name + "' is defined in terms of itself");
      continue;
    }
    std::string message = "the definitions form a cycle: ";
    for (std::size_t i = 0; i < path.size(); ++i) {
      const std::string& next = symbols[path[(i + 1) % path.size()]].name;
      message += "'" + symbols[path[i]].name + "' reads '" + next + "'" + (i + 1 < path.size() ? ", " : "");
    }
    diagnostics_.error(first.range, message);
  }
}

void Checker::mark_data_only() {
  std::map<std::string, int> state;  // 0 unvisited, 1 in progress, 2 done
  std::function<bool(Symbol&)> data_only = [&](Symbol& symbol) -> bool {
    if (symbol.kind == SymbolKind::Data) return true;
    if (symbol.kind != SymbolKind::ModelDefinition) return false;
    int& mark = state[symbol.name];
    if (mark == 2) return symbol.data_only;
    if (mark == 1) return false;
    mark = 1;
    bool only = true;
    for (const std::string& read : symbol.reads) {
      if (read == symbol.name) continue;
      Symbol* dependency = result_.find(read);
      if (!dependency || !data_only(*dependency)) { only = false; break; }
    }
    symbol.data_only = only;
    state[symbol.name] = 2;
    return only;
  };
  for (Symbol& symbol : result_.symbols) data_only(symbol);
}

}  // namespace pm::lang::detail
