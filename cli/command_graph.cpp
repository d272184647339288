// `pm graph MODEL.pm [-o FILE.dot]`: the model's dependency graph in Graphviz DOT.
//   data      shaded ellipse (observed)         params       box
//   latents   ellipse; discrete ones a double octagon (summed out exactly)
//   definitions dashed ellipse; generated quantities dotted; nets a component shape
//   plates    clusters (subgraph cluster_*), nested as the loops nest; sequential loops are
//             clusters drawn dashed, labelled "sequential"
// Edges point from what is read to what is defined or drawn. The guide block is not drawn: the
// graph is the model's.
#include <functional>
#include <iostream>
#include <map>
#include <set>

#include "cli/common.hpp"
#include "lang/syntax/printer.hpp"

namespace pm::cli {
namespace {

struct GraphOptions {
  std::string model_path;
  std::string output_path;
};

std::string dot_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string node_attributes(const lang::Symbol& symbol) {
  std::string label = symbol.name + "\\n" + (symbol.net           ? net_text(*symbol.net)
                                               : symbol.declaration ? declared_type_text(symbol.declaration->type)
                                                                    : lang::to_string(symbol.type));
  std::string escaped;
  for (char c : label) {
    if (c == '"') escaped += '\\';
    escaped += c;
  }
  std::string style;
  switch (symbol.kind) {
    case lang::SymbolKind::Data: style = "shape=ellipse, style=filled, fillcolor=gray80"; break;
    case lang::SymbolKind::Param: style = "shape=box"; break;
    case lang::SymbolKind::Latent: style = symbol.discrete ? "shape=doubleoctagon" : "shape=ellipse"; break;
    case lang::SymbolKind::ModelDefinition: style = "shape=ellipse, style=dashed"; break;
    case lang::SymbolKind::Generated: style = "shape=ellipse, style=dotted"; break;
    case lang::SymbolKind::Net: style = "shape=component"; break;
    default: style = "shape=ellipse"; break;
  }
  return "[label=\"" + escaped + "\", " + style + "]";
}

bool drawn(const lang::Symbol& symbol) {
  return symbol.kind != lang::SymbolKind::GuideParam && symbol.kind != lang::SymbolKind::GuideDefinition;
}

std::string graph_text(const LoadedModel& model) {
  const auto& checked = model.checked;
  // The innermost loop that defines or draws each name places it in that loop's cluster.
  std::map<std::string, const lang::Stmt*> home;
  for (const lang::Factor& factor : checked.factors) {
    if (factor.block == lang::BlockKind::Guide || factor.subject.empty() || home.count(factor.subject)) continue;
    if (!factor.enclosing_loops.empty()) home[factor.subject] = factor.enclosing_loops.back();
  }
  for (const lang::Symbol& symbol : checked.symbols) {
    if (symbol.definitions.empty() || home.count(symbol.name)) continue;
    for (const lang::Loop& loop : checked.loops) {
      for (const lang::Stmt* definition : symbol.definitions) {
        // Loops come outer before inner, so the last loop whose source range holds the
        // definition is the innermost one.
        if (definition->range.begin >= loop.statement->range.begin && definition->range.end <= loop.statement->range.end &&
            loop.block != lang::BlockKind::Guide) {
          home[symbol.name] = loop.statement;
        }
      }
    }
  }

  std::map<const lang::Stmt*, std::vector<std::string>> members;
  std::vector<std::string> top_level;
  for (const lang::Symbol& symbol : checked.symbols) {
    if (!drawn(symbol)) continue;
    auto found = home.find(symbol.name);
    if (found == home.end()) top_level.push_back(symbol.name);
    else members[found->second].push_back(symbol.name);
  }

  std::string out = "digraph model {\n  rankdir=TB;\n  node [fontname=\"Helvetica\"];\n";
  for (const std::string& name : top_level) {
    out += "  " + dot_quoted(name) + " " + node_attributes(*checked.find(name)) + ";\n";
  }
  // Clusters nest as the loops do.
  int cluster = 0;
  std::function<void(const lang::Loop&, int)> emit = [&](const lang::Loop& loop, int depth) {
    std::string indent(2 * depth, ' ');
    out += indent + "subgraph cluster_" + std::to_string(cluster++) + " {\n";
    std::string label = loop.variable + " in " + lang::print_expression(*loop.statement->lower) + ":" +
                        lang::print_expression(*loop.statement->upper) + (loop.sequential ? " (sequential)" : "");
    out += indent + "  label=" + dot_quoted(label) + ";\n";
    if (loop.sequential) out += indent + "  style=dashed;\n";
    for (const std::string& name : members[loop.statement]) {
      out += indent + "  " + dot_quoted(name) + " " + node_attributes(*checked.find(name)) + ";\n";
    }
    for (const lang::Loop& inner : checked.loops) {
      if (inner.parent == loop.statement) emit(inner, depth + 1);
    }
    out += indent + "}\n";
  };
  for (const lang::Loop& loop : checked.loops) {
    if (!loop.parent && loop.block != lang::BlockKind::Guide) emit(loop, 1);
  }

  std::set<std::pair<std::string, std::string>> edges;
  auto add_edges = [&](const std::vector<std::string>& reads, const std::string& target) {
    for (const std::string& read : reads) {
      const lang::Symbol* source = checked.find(read);
      if (read == target || !source || !drawn(*source)) continue;
      edges.insert({read, target});
    }
  };
  for (const lang::Symbol& symbol : checked.symbols) {
    if (drawn(symbol) && !symbol.definitions.empty()) add_edges(symbol.reads, symbol.name);
  }
  int targets = 0;
  for (const lang::Factor& factor : checked.factors) {
    if (factor.block == lang::BlockKind::Guide) continue;
    if (factor.subject.empty()) {
      std::string node = "target_" + std::to_string(++targets);
      out += "  " + dot_quoted(node) + " [label=" + dot_quoted(statement_text(*factor.statement)) + ", shape=plaintext];\n";
      add_edges(factor.reads, node);
    } else {
      add_edges(factor.reads, factor.subject);
    }
  }
  for (const auto& [from, to] : edges) out += "  " + dot_quoted(from) + " -> " + dot_quoted(to) + ";\n";
  out += "}\n";
  return out;
}

int run_graph(const GraphOptions& options) {
  auto model = load_model(options.model_path);
  if (!model) return kExitBadInput;
  std::string text = graph_text(*model);
  if (options.output_path.empty()) {
    std::cout << text;
    return kExitSuccess;
  }
  return write_file_atomically(options.output_path, text) ? kExitSuccess : kExitBadInput;
}

}  // namespace

void add_graph_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<GraphOptions>();
  CLI::App* command = app.add_subcommand("graph", "The model's dependency graph in Graphviz DOT (plates as clusters, "
                                                  "observed nodes shaded)");
  command->add_option("model", options->model_path, "the model file (.pm)")->required();
  command->add_option("-o,--output", options->output_path, "write the DOT here instead of to stdout");
  command->callback([options, &exit_code] { exit_code = run_graph(*options); });
}

}  // namespace pm::cli
