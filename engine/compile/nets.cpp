// Nets as parameters and GEMMs (nets.hpp).
#include "engine/compile/nets.hpp"

#include <cmath>

#include <fmt/format.h>

#include "engine/compile/lowering.hpp"
#include "engine/io/constant_expression.hpp"

namespace pm::compile {
namespace {

Activation parse_activation(const std::string& name) {
  if (name == "relu") return Activation::relu;
  if (name == "tanh") return Activation::tanh;
  if (name == "sigmoid") return Activation::sigmoid;
  if (name == "softplus") return Activation::softplus;
  if (name == "elu") return Activation::elu;
  return Activation::identity;  // the checker admits only the six names
}

// Layer l of layer_count: the hidden activation (default relu) or, last, the output one
// (default identity).
Activation layer_activation(const lang::NetDeclaration& net, std::size_t l, std::size_t layer_count) {
  const std::string wanted = l == layer_count ? "output" : "activation";
  for (const lang::NetOption& option : net.options)
    if (option.name == wanted) return parse_activation(option.value);
  return l == layer_count ? Activation::identity : Activation::relu;
}

ad::Node activate(Activation activation, ad::Node x) {
  switch (activation) {
    case Activation::relu: return ad::relu(x);
    case Activation::tanh: return ad::tanh(x);
    case Activation::sigmoid: return ad::sigmoid(x);
    case Activation::softplus: return ad::softplus(x);
    case Activation::elu: return ad::elu(x);
    case Activation::identity: return x;
  }
  return x;
}

// He initialization suits the rectifier-like activations (their derivative is about 1 on
// half the inputs), Glorot the ones that are linear around 0.
bool uses_he_initialization(Activation activation) {
  return activation == Activation::relu || activation == Activation::elu || activation == Activation::softplus;
}

std::size_t evaluate_width(const lang::Expr& expr, const io::DataSet& data) {
  try {
    io::DataValue value = io::evaluate_constant(expr, data);
    if (value.is_scalar() && value.scalar() >= 1 && value.scalar() == std::floor(value.scalar()))
      return static_cast<std::size_t>(value.scalar());
  } catch (const std::exception&) {
  }
  throw LocatedError(expr.range, "a net width must be an int of at least 1 known from the data");
}

// A plate number no loop has (loops are numbered from 0 in source order).
const tensor::DimId kColumns = tensor::plate((1 << 22) + 1);

// Rows of x W^T + b, activated: x (N, n_in) or (n_in).
ad::Node apply_layers(Lowerer& lowerer, const lang::Symbol& net, ad::Node x, lang::SourceRange where) {
  const std::size_t layer_count = net.net->widths.size() - 1;
  for (std::size_t l = 1; l <= layer_count; ++l) {
    const std::string prefix = fmt::format("{}.layer{}.", net.name, l);
    ad::Node weight, bias;
    try {
      weight = lowerer.defined(prefix + "weight", where).node;
      bias = lowerer.defined(prefix + "bias", where).node;
    } catch (const LocatedError&) {
      // Weights are bound when fitting (compile_model, compile_variational), not when simulating.
      throw LocatedError(where, "calling the net '" + net.name + "' when simulating is not supported by the engine yet");
    }
    ad::Node product = ad::matrix_product(x, weight);
    const Activation activation = layer_activation(*net.net, l, layer_count);
    if (product.shape().rank() == 1) {
      x = activate(activation, ad::add(product, bias));
      continue;
    }
    // Binary ops broadcast by dim identity: the output columns (event 1) and the bias
    // (event 0) are both relabelled to one spare plate dim, added, and relabelled back.
    ad::Node columns = ad::rename_dim(product, tensor::event(1), kColumns);
    ad::Node activated = activate(activation, ad::add(columns, ad::rename_dim(bias, tensor::event(0), kColumns)));
    x = ad::rename_dim(activated, kColumns, tensor::event(1));
  }
  return x;
}

}  // namespace

std::size_t NetParameters::size() const {
  std::size_t total = 0;
  for (const NetLayer& layer : layers) total += layer.inputs * layer.outputs + layer.outputs;
  return total;
}

std::vector<NetParameters> layout_nets(const lang::CheckedProgram& checked, const io::DataSet& data) {
  std::vector<NetParameters> nets;
  for (const lang::Symbol& symbol : checked.symbols) {
    if (symbol.kind != lang::SymbolKind::Net || !symbol.net) continue;
    NetParameters net;
    net.name = symbol.name;
    net.symbol = &symbol;
    std::vector<std::size_t> widths;
    for (const lang::ExprPtr& width : symbol.net->widths) widths.push_back(evaluate_width(*width, data));
    for (std::size_t l = 1; l < widths.size(); ++l) {
      NetLayer layer;
      layer.inputs = widths[l - 1];
      layer.outputs = widths[l];
      layer.activation = layer_activation(*symbol.net, l, widths.size() - 1);
      layer.weight_name = fmt::format("{}.layer{}.weight", symbol.name, l);
      layer.bias_name = fmt::format("{}.layer{}.bias", symbol.name, l);
      net.layers.push_back(layer);
    }
    nets.push_back(std::move(net));
  }
  return nets;
}

bool read_by_model(const lang::CheckedProgram& checked, const lang::Symbol& net) {
  auto reads_net = [&](const std::vector<std::string>& reads) {
    for (const std::string& name : reads)
      if (name == net.name) return true;
    return false;
  };
  for (const lang::Factor& factor : checked.factors)
    if (factor.block == lang::BlockKind::Model && reads_net(factor.reads)) return true;
  for (const lang::Symbol& symbol : checked.symbols)
    if (symbol.kind == lang::SymbolKind::ModelDefinition && reads_net(symbol.reads)) return true;
  return false;
}

void declare_net_parameters(ad::Program& program, NetParameters& net, std::size_t& offset) {
  for (NetLayer& layer : net.layers) {
    layer.weight_offset = offset;
    layer.weight = program.parameter(tensor::Shape::matrix(layer.inputs, layer.outputs));
    offset += layer.inputs * layer.outputs;
    layer.bias_offset = offset;
    layer.bias = program.parameter(tensor::Shape::vector(layer.outputs));
    offset += layer.outputs;
  }
}

void bind_net_parameters(Lowerer& lowerer, const NetParameters& net) {
  for (const NetLayer& layer : net.layers) {
    lowerer.bind(layer.weight_name, layer.weight);
    lowerer.bind(layer.bias_name, layer.bias);
  }
}

ad::Node apply_net(Lowerer& lowerer, const lang::Symbol& net, ad::Node input, lang::SourceRange where) {
  const tensor::Shape shape = input.shape();
  std::vector<tensor::DimId> plates;
  for (const tensor::Dim& dim : shape.dims())
    if (dim.id.kind != tensor::DimKind::event) plates.push_back(dim.id);
  if (plates.empty()) return apply_layers(lowerer, net, input, where);
  if (plates.size() > 1 || shape.event_rank() != 1)
    throw LocatedError(where, "calling the net '" + net.name +
                                  "' on a value that varies over several loops (or on a matrix inside a loop) is not "
                                  "supported by the engine yet; call it on the whole matrix outside the loop");
  // (plate: N, event0: n0) -> rows of a matrix (event0: N, event1: n0), and back.
  const tensor::DimId plate = plates.front();
  // Through the spare plate kColumns, so that every step is a valid shape (event dims 0..k-1).
  ad::Node rows = ad::rename_dim(input, tensor::event(0), kColumns);
  rows = ad::rename_dim(ad::rename_dim(rows, plate, tensor::event(0)), kColumns, tensor::event(1));
  ad::Node output = ad::rename_dim(apply_layers(lowerer, net, rows, where), tensor::event(1), kColumns);
  return ad::rename_dim(ad::rename_dim(output, tensor::event(0), plate), kColumns, tensor::event(0));
}

void initialize_net_weights(const std::vector<NetParameters>& nets, random::Stream stream, std::span<double> point,
                            std::span<const double> given) {
  auto set = [&](std::size_t index, double drawn) {
    if (index < given.size() && !std::isnan(given[index])) return;
    if (index < point.size()) point[index] = drawn;
  };
  for (const NetParameters& net : nets) {
    for (const NetLayer& layer : net.layers) {
      const double fan_in = static_cast<double>(layer.inputs), fan_out = static_cast<double>(layer.outputs);
      const bool he = uses_he_initialization(layer.activation);
      const double glorot_limit = std::sqrt(6.0 / (fan_in + fan_out));
      const double he_sd = std::sqrt(2.0 / fan_in);
      // Drawn always, in coordinate order, so a given coordinate does not shift the others.
      for (std::size_t k = 0; k < layer.inputs * layer.outputs; ++k)
        set(layer.weight_offset + k, he ? stream.normal(0.0, he_sd) : stream.uniform(-glorot_limit, glorot_limit));
      for (std::size_t k = 0; k < layer.outputs; ++k) set(layer.bias_offset + k, 0.0);
    }
  }
}

}  // namespace pm::compile
