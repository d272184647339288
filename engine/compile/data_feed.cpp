// DataFeed::load_rows (data_feed.hpp).
#include "engine/compile/data_feed.hpp"

#include <algorithm>

#include "engine/compile/data_plate.hpp"

namespace pm::compile {

void DataFeed::load_rows(ad::Program& program, const io::DataSet& full, const DataPlate& plate,
                         std::span<const std::size_t> rows) {
  bool data_program_changed = false;
  for (const Input& input : data_inputs)
    if (std::find(plate.data.begin(), plate.data.end(), input.name) != plate.data.end()) {
      copy_rows(full.values.at(input.name), rows, data_program->values(input.node));
      data_program_changed = true;
    }
  for (const Input& input : program_inputs)
    if (std::find(plate.data.begin(), plate.data.end(), input.name) != plate.data.end())
      copy_rows(full.values.at(input.name), rows, program.values(input.node));
  if (!data_program_changed) return;
  data_program->forward(false);
  for (const Copy& copy : copies) {
    std::span<const double> from = data_program->values(copy.from);
    std::span<double> to = program.values(copy.to);
    std::copy(from.begin(), from.end(), to.begin());
  }
}

}  // namespace pm::compile
