// Nets (LANGUAGE.md "Nets", docs/nets.md): `net NAME = mlp(n0, ..., nk, activation = A,
// output = O)` compiled to point parameters and a chain of GEMMs.
//
// Layer l (1..k) maps n_{l-1} inputs to n_l outputs: y = act_l(x W_l^T + b_l), with
// act_l = A for the hidden layers (default relu) and O for the last (default identity).
//
// Storage. The weight of layer l is ONE program parameter holding W_l^T as a matrix
// (n_{l-1}, n_l) in the engine's column-major layout, which is W_l (n_l x n_{l-1}) in
// row-major order: coordinate offset + i + n_{l-1} * j holds W_l[j][i] (output j, input i).
// So the forward pass is matrix_product(X, W^T) with no transpose node: X (N, n_{l-1}) times
// the stored (n_{l-1}, n_l) is one GEMM, a vector x (n_{l-1}) times it one GEMV, and the
// backward pass is two more GEMMs inside matrix_product. The bias is a parameter vector
// (n_l) right after its weight, added to every row by relabelling the output columns and
// the bias to one spare plate dim (binary ops broadcast by dim identity). Nets occupy
// contiguous coordinates, layer after layer.
//
// Names (stable: a file saved today loads tomorrow): `NAME.layerL.weight` (saved as nested
// arrays [n_l][n_{l-1}], i.e. W_l[j][i]) and `NAME.layerL.bias` ([n_l]), L from 1.
//
// Initialization (initialize_net_weights): biases 0; weights Glorot (Xavier) uniform,
// U(-a, a) with a = sqrt(6 / (n_in + n_out)) (Glorot & Bengio 2010), for tanh, sigmoid and
// identity layers; He (Kaiming) normal, N(0, 2 / n_in) (He et al. 2015), for relu, elu and
// softplus layers.
//
// Applied row by row: a vector (n0) gives a vector (nk), a matrix (N, n0) a matrix (N, nk).
// Inside one plate (x[i] of a data matrix, shape (plate: N, event0: n0)) the plate is turned
// into the rows of a matrix, the net applied as one GEMM per layer, and the rows turned back
// into the plate; more than one plate dim is an error "not supported by the engine yet".
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "engine/ad/builder.hpp"
#include "engine/io/data_set.hpp"
#include "engine/random/stream.hpp"
#include "lang/check/checked_program.hpp"

namespace pm::compile {

class Lowerer;

enum class Activation { relu, tanh, sigmoid, softplus, elu, identity };

struct NetLayer {
  std::size_t inputs = 0, outputs = 0;  // n_{l-1}, n_l
  Activation activation = Activation::identity;
  std::string weight_name, bias_name;     // "decoder.layer1.weight", "decoder.layer1.bias"
  std::size_t weight_offset = 0, bias_offset = 0;  // first coordinates in the parameter vector
  ad::Node weight, bias;                  // W^T (inputs, outputs) and b (outputs)
};

struct NetParameters {
  std::string name;
  const lang::Symbol* symbol = nullptr;
  std::vector<NetLayer> layers;
  std::size_t size() const;  // coordinates of all its layers
};

// The nets of the program, in declaration order, with their widths evaluated on the data.
// No nodes are made yet. Throws LocatedError.
std::vector<NetParameters> layout_nets(const lang::CheckedProgram& checked, const io::DataSet& data);

// Whether a net is read by the model block (theta) or only by the guide block (phi).
bool read_by_model(const lang::CheckedProgram& checked, const lang::Symbol& net);

// Makes the net's weights and biases program parameters from `offset` (advanced); call it
// while the program is still making parameters.
void declare_net_parameters(ad::Program& program, NetParameters& net, std::size_t& offset);

// Binds every weight and bias under its stable name, where apply_net finds it.
void bind_net_parameters(Lowerer& lowerer, const NetParameters& net);

// The call `net(input)`: the layers applied row by row (see above). Throws LocatedError.
ad::Node apply_net(Lowerer& lowerer, const lang::Symbol& net, ad::Node input, lang::SourceRange where);

// Overwrites the nets' coordinates of `point` with Glorot / He draws from `stream`, except
// coordinates of `given` that are not NaN (an init file's values; `given` may be empty).
void initialize_net_weights(const std::vector<NetParameters>& nets, random::Stream stream, std::span<double> point,
                            std::span<const double> given = {});

// The index of split() that gives the nets' initialization stream from a start's stream.
inline constexpr std::uint64_t kNetInitStream = 0x6e657473;  // "nets"

}  // namespace pm::compile
