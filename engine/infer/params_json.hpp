// Saved point estimates (`pm fit --save-params` / `--init`, CLI.md): the constrained value
// of every param and continuous latent, keyed by name, in CmdStan's JSON layout (a scalar is
// a number, a vector an array, matrix[R, C] an array of R rows, array[N] vector[K] an array
// of N arrays of K: the outermost index first).
//
//   nlohmann::json saved = infer::params_to_json(model, result.values);
//   std::vector<double> init = infer::unconstrain_params(model, saved, error);
//
// Reading maps each value back through its slot's transform (Transform::unconstrain), so a
// value outside its declared support (or on its boundary, where the unconstrained value is
// infinite) is an error naming it. A slot the file does not mention gets NaN coordinates
// (drawn at random by optimize.hpp); names the model does not have are ignored.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/compile/compiled_model.hpp"

namespace pm::infer {

// `constrained_values`: CompiledModel::constrained_values() order (slot after slot, each in
// the data_set.hpp layout).
nlohmann::json params_to_json(const compile::CompiledModel& model, const std::vector<double>& constrained_values);

// The unconstrained vector of the saved values (NaN for slots left out). Empty, with a
// message in `error` naming the variable, when a value has the wrong shape or type, or lies
// outside the support.
std::vector<double> unconstrain_params(const compile::CompiledModel& model, const nlohmann::json& saved,
                                       std::string& error);

}  // namespace pm::infer
