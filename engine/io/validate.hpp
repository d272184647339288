// Validation of one data variable against its declaration, with sizes already evaluated.
//
// Two steps, so that a default (computed, not read) is checked exactly like loaded data:
//   read_value   raw JSON-shaped value -> DataValue in the data_set.hpp layout, checking the
//                nesting against the declared dims ("'y' should have 10 elements (N = 10)
//                but has 9", "'X' should be a 100 x 5 matrix but row 3 has 4 values").
//                It also records which elements of an int variable were written as reals
//                (1.0, 3e2), which only the raw value can tell.
//   check_value  every element: NaN / Inf ("'x[17]' is NaN"), int-ness ("'y[3]' must be an
//                int (declared array[N] int) but is 0.5"; an integral value written as a real:
//                "'y[3]' is declared int but the data has the real 1.0"), lower/upper bounds ("'y[3]' = 2
//                violates upper=1") and the structured supports (simplex, ordered,
//                positive_ordered, Cholesky factors, correlation and covariance matrices).
// Both report through DataMessages and return false / nullopt on an error.
#pragma once

#include <optional>
#include <span>
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
// Ints are stored in doubles; beyond 2^53 not every int is representable.
inline constexpr double kLargestExactInt = 9007199254740992.0;
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

// `written_as_real` (may be null) receives the offsets of the int elements written as reals
// with an integral value (JSON 1.0, a CSV or -d value with a decimal point or an exponent).
std::optional<DataValue> read_value(const nlohmann::json& raw, const DeclaredData& declared,
                                    DataMessages& messages, std::vector<std::size_t>* written_as_real = nullptr);

// `known` holds the data loaded so far, which bounds may read. `context` is appended to
// every message (empty, or " (the default declared at model.pm:3:3)").
// `written_as_real`: read_value's record; each is an error (CLI.md: "wrong type (real where
// int is declared)").
bool check_value(const DataValue& value, const DeclaredData& declared, const DataSet& known,
                 const std::string& context, DataMessages& messages,
                 std::span<const std::size_t> written_as_real = {});

}  // namespace pm::io
