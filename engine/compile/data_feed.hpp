// Refilling a compiled program's data (minibatching, per-datum scoring) without compiling it
// again (ARCHITECTURE.md decision 2, compile once).
//
// The compiler copies data into constants: each data variable read by the model program is
// a constant node of it, and what depends on data alone (Stan's transformed data, data
// slices, index arithmetic) is computed by a separate data program whose results enter the
// model program as constants (lowering.hpp). The feed remembers all of them: the data
// program's inputs, the model program's inputs, and the copies from one to the other. load()
// writes new values of the same shapes (the same batch size) into the inputs, re-runs the
// data program when one of its inputs changed, and copies its results over.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/ad/program.hpp"
#include "engine/io/data_set.hpp"

namespace pm::compile {

struct DataPlate;

struct DataFeed {
  struct Input {
    ad::Node node;
    std::string name;  // the data variable it holds, whole
  };
  struct Copy {
    ad::Node to, from;  // a model-program constant, the data-program node it was computed as
  };
  std::unique_ptr<ad::Program> data_program = std::make_unique<ad::Program>();
  std::vector<Input> data_inputs;     // in data_program
  std::vector<Input> program_inputs;  // in the model program
  std::vector<Copy> copies;

  // Writes the plate's variables for `rows` of `full` (the uncut data) into every input that
  // holds one, then refreshes the data program's results. The compiled batch size must be
  // rows.size().
  void load_rows(ad::Program& program, const io::DataSet& full, const DataPlate& plate, std::span<const std::size_t> rows);
};

}  // namespace pm::compile
