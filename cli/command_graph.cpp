// `pm graph MODEL.pm [-o FILE] [--json]`: the model's dependency graph in Graphviz DOT, or
// (--json) the same graph as one JSON object (docs/cli.md, "pm graph").
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

#include <nlohmann/json.hpp>

#include "cli/common.hpp"
#include "lang/syntax/printer.hpp"

namespace pm::cli {
namespace {

struct GraphOptions {
  std::string model_path;
  std::string output_path;
  bool json = false;
};

// One node of the graph: a drawn symbol, or a `target +=` statement (symbol null).
struct GraphNode {
  std::string name;
  const lang::Symbol* symbol = nullptr;
  std::string statement;  // target nodes: the statement's text
  int plate = -1;         // the innermost plate holding it, or -1
};

// One `for` of model or generated: cluster_<id> in DOT. Ids follow the DOT's order (outer
// loops first, each followed by the loops it holds).
struct GraphPlate {
  int id = 0;
  const lang::Loop* loop = nullptr;
  int parent = -1;
  std::string range;                 // "1:N"
  std::vector<std::string> members;  // nodes whose innermost plate this is
};

// The graph both renderings draw.
struct Graph {
  std::vector<GraphNode> top_level;  // drawn symbols outside every plate, declaration order
  std::vector<GraphPlate> plates;    // in id order
  std::vector<GraphNode> targets;    // `target +=` nodes, top level
  std::set<std::pair<std::string, std::string>> edges;
};

std::string dot_quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string type_label(const lang::Symbol& symbol) {
  return symbol.net           ? net_text(*symbol.net)
         : symbol.declaration ? declared_type_text(symbol.declaration->type)
                              : lang::to_string(symbol.type);
}

std::string node_attributes(const lang::Symbol& symbol) {
  std::string label = symbol.name + "\\n" + type_label(symbol);
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

Graph build_graph(const LoadedModel& model) {
  const auto& checked = model.checked;
  Graph graph;
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

  // Plates, numbered as the DOT's clusters: each outer loop, then the loops it holds.
  std::map<const lang::Stmt*, int> plate_of_loop;
  std::function<void(const lang::Loop&, int)> add_plate = [&](const lang::Loop& loop, int parent) {
    GraphPlate plate;
    plate.id = static_cast<int>(graph.plates.size());
    plate.loop = &loop;
    plate.parent = parent;
    plate.range = lang::print_expression(*loop.statement->lower) + ":" + lang::print_expression(*loop.statement->upper);
    plate_of_loop[loop.statement] = plate.id;
    graph.plates.push_back(plate);
    int id = plate.id;
    for (const lang::Loop& inner : checked.loops) {
      if (inner.parent == loop.statement) add_plate(inner, id);
    }
  };
  for (const lang::Loop& loop : checked.loops) {
    if (!loop.parent && loop.block != lang::BlockKind::Guide) add_plate(loop, -1);
  }

  for (const lang::Symbol& symbol : checked.symbols) {
    if (!drawn(symbol)) continue;
    auto found = home.find(symbol.name);
    auto plate = found == home.end() ? plate_of_loop.end() : plate_of_loop.find(found->second);
    if (plate == plate_of_loop.end()) {
      graph.top_level.push_back({symbol.name, &symbol, "", -1});
    } else {
      graph.plates[static_cast<std::size_t>(plate->second)].members.push_back(symbol.name);
    }
  }

  auto add_edges = [&](const std::vector<std::string>& reads, const std::string& target) {
    for (const std::string& read : reads) {
      const lang::Symbol* source = checked.find(read);
      if (read == target || !source || !drawn(*source)) continue;
      graph.edges.insert({read, target});
    }
  };
  for (const lang::Symbol& symbol : checked.symbols) {
    if (drawn(symbol) && !symbol.definitions.empty()) add_edges(symbol.reads, symbol.name);
  }
  for (const lang::Factor& factor : checked.factors) {
    if (factor.block == lang::BlockKind::Guide) continue;
    if (factor.subject.empty()) {
      std::string node = "target_" + std::to_string(graph.targets.size() + 1);
      graph.targets.push_back({node, nullptr, statement_text(*factor.statement), -1});
      add_edges(factor.reads, node);
    } else {
      add_edges(factor.reads, factor.subject);
    }
  }
  return graph;
}

std::string dot_text(const LoadedModel& model, const Graph& graph) {
  const auto& checked = model.checked;
  std::string out = "digraph model {\n  rankdir=TB;\n  node [fontname=\"Helvetica\"];\n";
  for (const GraphNode& node : graph.top_level) {
    out += "  " + dot_quoted(node.name) + " " + node_attributes(*node.symbol) + ";\n";
  }
  // Clusters nest as the loops do.
  std::function<void(const GraphPlate&, int)> emit = [&](const GraphPlate& plate, int depth) {
    std::string indent(2 * depth, ' ');
    out += indent + "subgraph cluster_" + std::to_string(plate.id) + " {\n";
    std::string label = plate.loop->variable + " in " + plate.range + (plate.loop->sequential ? " (sequential)" : "");
    out += indent + "  label=" + dot_quoted(label) + ";\n";
    if (plate.loop->sequential) out += indent + "  style=dashed;\n";
    for (const std::string& name : plate.members) {
      out += indent + "  " + dot_quoted(name) + " " + node_attributes(*checked.find(name)) + ";\n";
    }
    for (const GraphPlate& inner : graph.plates) {
      if (inner.parent == plate.id) emit(inner, depth + 1);
    }
    out += indent + "}\n";
  };
  for (const GraphPlate& plate : graph.plates) {
    if (plate.parent < 0) emit(plate, 1);
  }
  for (const GraphNode& node : graph.targets) {
    out += "  " + dot_quoted(node.name) + " [label=" + dot_quoted(node.statement) + ", shape=plaintext];\n";
  }
  for (const auto& [from, to] : graph.edges) out += "  " + dot_quoted(from) + " -> " + dot_quoted(to) + ";\n";
  out += "}\n";
  return out;
}

// The node kinds of --json: data, param, latent, definition (model block), generated, net,
// target.
const char* json_kind(const lang::Symbol& symbol) {
  switch (symbol.kind) {
    case lang::SymbolKind::Data: return "data";
    case lang::SymbolKind::Param: return "param";
    case lang::SymbolKind::Latent: return "latent";
    case lang::SymbolKind::ModelDefinition: return "definition";
    case lang::SymbolKind::Generated: return "generated";
    case lang::SymbolKind::Net: return "net";
    default: return "other";
  }
}

nlohmann::ordered_json graph_json(const LoadedModel& model, const Graph& graph) {
  using json = nlohmann::ordered_json;
  const auto& checked = model.checked;
  json nodes = json::array();
  auto symbol_node = [&](const lang::Symbol& symbol, int plate) {
    bool discrete = symbol.kind == lang::SymbolKind::Latent ? symbol.discrete
                    : symbol.kind == lang::SymbolKind::Net  ? false
                                                             : symbol.type.is_int();
    json node = {{"name", symbol.name},
                 {"kind", json_kind(symbol)},
                 {"type", type_label(symbol)},
                 {"discrete", discrete},
                 {"observed", symbol.kind == lang::SymbolKind::Data},
                 {"plate", plate < 0 ? json(nullptr) : json(plate)}};
    if (symbol.kind == lang::SymbolKind::Latent) node["summed_out"] = symbol.handling == lang::LatentHandling::SummedOut;
    nodes.push_back(node);
  };
  // Declaration order, whatever plate each node sits in.
  std::map<std::string, int> plate_of;
  for (const GraphPlate& plate : graph.plates) {
    for (const std::string& name : plate.members) plate_of[name] = plate.id;
  }
  for (const lang::Symbol& symbol : checked.symbols) {
    if (!drawn(symbol)) continue;
    auto found = plate_of.find(symbol.name);
    symbol_node(symbol, found == plate_of.end() ? -1 : found->second);
  }
  for (const GraphNode& target : graph.targets) {
    nodes.push_back({{"name", target.name},
                     {"kind", "target"},
                     {"statement", target.statement},
                     {"discrete", false},
                     {"observed", false},
                     {"plate", nullptr}});
  }
  json edges = json::array();
  for (const auto& [from, to] : graph.edges) edges.push_back({{"from", from}, {"to", to}});
  json plates = json::array();
  for (const GraphPlate& plate : graph.plates) {
    plates.push_back({{"id", plate.id},
                      {"variable", plate.loop->variable},
                      {"range", plate.range},
                      {"block", lang::to_string(plate.loop->block)},
                      {"sequential", plate.loop->sequential},
                      {"parent", plate.parent < 0 ? json(nullptr) : json(plate.parent)},
                      {"members", plate.members}});
  }
  return {{"model", model.file->path()}, {"nodes", nodes}, {"edges", edges}, {"plates", plates}};
}

int run_graph(const GraphOptions& options) {
  if (!refuse_overlapping_paths({{"model", options.model_path}}, {{"-o", options.output_path}}) ||
      !output_directories_exist({options.output_path}))
    return kExitBadInput;
  auto model = load_model(options.model_path);
  if (!model) return kExitBadInput;
  Graph graph = build_graph(*model);
  std::string text = options.json ? graph_json(*model, graph).dump(2) + "\n" : dot_text(*model, graph);
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
  command->add_option("-o,--output", options->output_path, "write the DOT (or the JSON) here instead of to stdout");
  command->add_flag("--json", options->json, "print the graph as one JSON object {model, nodes, edges, plates}");
  command->callback([options, &exit_code] { exit_code = run_graph(*options); });
}

}  // namespace pm::cli
