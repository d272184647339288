// Validation of one data variable against its declaration, with sizes already evaluated.
//
// Two steps, so that a default (computed, not read) is checked exactly like loaded data:
//   read_value   raw JSON-shaped value -> DataValue in the data_set.hpp layout, checking the
//                nesting against the declared dims ("'y' should have 10 elements (N = 10)
//                but has 9", "'X' should be a 100 x 5 matrix but row 3 has 4 values").
//   check_value  every element: NaN / Inf ("'x[17]' is NaN"), int-ness ("'y[3]' must be an
//                int (declared array[N] int) but is 0.5"), lower/upper bounds ("'y[3]' = 2
//                violates upper=1") and the structured supports (simplex, ordered,
//                positive_ordered, Cholesky factors, correlation and covariance matrices).
// Both report through DataMessages and return false / nullopt on an error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/io/data_messages.hpp"
#include "engine/io/data_set.hpp"
#include "lang/syntax/ast.hpp"

namespace pm::io {

// At most this many elements in one data variable (8 GB of doubles): a larger declared
// size is refused before anything is allocated.
inline constexpr std::size_t kMaxDataElements = std::size_t{1} << 30;
// Element errors reported per variable before the rest are summarized in one count.
inline constexpr std::size_t kMaxErrorsPerVariable = 5;

// A data declaration with its sizes evaluated.
struct DeclaredData {
  std::string name;
  std::string type_text;  // "array[N] int", as declared (sizes symbolic)
  const lang::Declaration* declaration = nullptr;
  lang::ElementType element = lang::ElementType::Real;
  lang::ShapeKind shape = lang::ShapeKind::Scalar;
  std::size_t array_rank = 0;
  std::vector<std::size_t> dims;         // data_set.hpp: arrays first, then vector / matrix
  std::vector<std::string> size_texts;   // the declared expression of each dim ("N", "N - 1")
};

std::optional<DataValue> read_value(const nlohmann::json& raw, const DeclaredData& declared,
                                    DataMessages& messages);

// `known` holds the data loaded so far, which bounds may read. `context` is appended to
// every message (empty, or " (the default declared at model.pm:3:3)").
bool check_value(const DataValue& value, const DeclaredData& declared, const DataSet& known,
                 const std::string& context, DataMessages& messages);

}  // namespace pm::io
