// Raw (JSON-shaped) value -> DataValue, checking the nesting against the declared dims.
#include <cmath>

#include "engine/io/data_sources.hpp"
#include "engine/io/validate.hpp"

namespace pm::io {
namespace {

std::string describe_json(const nlohmann::json& node) {
  if (node.is_array()) return "a list of " + std::to_string(node.size()) + " values";
  if (node.is_number()) return "a single number";
  if (node.is_string()) return "the string " + node.dump();
  if (node.is_boolean()) return node.dump();
  if (node.is_null()) return "null";
  return "an object";
}

class ValueReader {
 public:
  ValueReader(const DeclaredData& declared, DataMessages& messages, std::vector<std::size_t>* written_as_real)
      : declared_(declared), messages_(messages), written_as_real_(written_as_real) {
    value_.element = declared.element;
    value_.shape = declared.shape;
    value_.array_rank = declared.array_rank;
    value_.dims = declared.dims;
    value_.values.assign(element_count(declared.dims), 0.0);
  }

  std::optional<DataValue> read(const nlohmann::json& raw) {
    // CmdStan writes any empty container as [].
    if (value_.values.empty() && raw.is_array() && raw.empty()) return value_;
    walk(raw, 0);
    if (element_errors_ > kMaxErrorsPerVariable)
      messages_.error("... and " + std::to_string(element_errors_ - kMaxErrorsPerVariable) + " more errors in '" +
                      declared_.name + "'");
    if (failed_) return std::nullopt;
    return std::move(value_);
  }

 private:
  bool is_matrix_level(std::size_t depth) const {
    return declared_.shape == lang::ShapeKind::Matrix && depth >= declared_.array_rank;
  }

  // " (N = 10)" when the declared size is not the literal itself.
  std::string annotation(std::size_t depth) const {
    const std::string& text = declared_.size_texts[depth];
    std::string number = std::to_string(declared_.dims[depth]);
    return text == number || text.empty() ? "" : " (" + text + " = " + number + ")";
  }

  std::string matrix_text() const {
    std::size_t rows = declared_.array_rank;
    std::string text = "a " + std::to_string(declared_.dims[rows]) + " x " +
                       std::to_string(declared_.dims[rows + 1]) + " matrix";
    const std::string& r = declared_.size_texts[rows];
    const std::string& c = declared_.size_texts[rows + 1];
    if (r != std::to_string(declared_.dims[rows]) || c != std::to_string(declared_.dims[rows + 1]))
      text += " (" + r + " x " + c + ")";
    return text;
  }

  std::string here() const { return "'" + prefix_name(declared_.name, indices_) + "'"; }

  void shape_error(std::string text) {
    messages_.error(std::move(text));
    failed_ = true;
    shape_failed_ = true;
  }

  void walk(const nlohmann::json& node, std::size_t depth) {
    if (shape_failed_) return;  // one shape error per variable: the rest follow from it
    if (depth == declared_.dims.size()) return read_leaf(node);
    std::size_t expected = declared_.dims[depth];
    if (!node.is_array()) {
      std::string wanted = is_matrix_level(depth) && depth == declared_.array_rank
                               ? matrix_text() + " (a list of rows)"
                               : "a list of " + std::to_string(expected) + " values" + annotation(depth);
      return shape_error(here() + " should be " + wanted + " but is " + describe_json(node));
    }
    if (node.size() != expected) {
      if (is_matrix_level(depth) && depth == declared_.array_rank)
        return shape_error(here() + " should be " + matrix_text() + " but has " + std::to_string(node.size()) +
                           " rows");
      if (is_matrix_level(depth)) {
        std::vector<std::size_t> matrix_indices(indices_.begin(), indices_.end() - 1);
        return shape_error("'" + prefix_name(declared_.name, matrix_indices) + "' should be " + matrix_text() +
                           " but row " + std::to_string(indices_.back() + 1) + " has " +
                           std::to_string(node.size()) + " values");
      }
      return shape_error(here() + " should have " + std::to_string(expected) + " elements" + annotation(depth) +
                         " but has " + std::to_string(node.size()));
    }
    for (std::size_t k = 0; k < expected; ++k) {
      indices_.push_back(k);
      walk(node[k], depth + 1);
      indices_.pop_back();
      if (shape_failed_) return;
    }
  }

  void read_leaf(const nlohmann::json& node) {
    if (node.is_number()) {
      double v = node.get<double>();
      std::size_t offset = value_.offset(indices_);
      if (written_as_real_ != nullptr && is_real_for_int(node, v)) written_as_real_->push_back(offset);
      value_.values[offset] = v;
      return;
    }
    if (node.is_string()) {
      // CmdStan's spellings of the non-finite reals; validation then rejects them by name.
      std::optional<nlohmann::json> number = parse_number(node.get<std::string>());
      if (number && !std::isfinite(number->get<double>())) {
        value_.values[value_.offset(indices_)] = number->get<double>();
        return;
      }
    }
    failed_ = true;
    if (node.is_array()) {
      std::string single = declared_.element == lang::ElementType::Int ? "a single int" : "a single number";
      return shape_error(here() + " should be " + single + " but is " + describe_json(node));
    }
    if (++element_errors_ <= kMaxErrorsPerVariable)
      messages_.error(here() + " must be a number but is " + describe_json(node));
  }

  // A number written as a real (1.0, 1e3: JSON's number_float; CSV and -d cells with a
  // decimal point or an exponent, see parse_number) for an int, whose value is integral: only
  // how it is written tells it from an int, so it is recorded for check_value. A real that is
  // not integral, too large for an int, NaN or inf needs no record: check_value sees it.
  bool is_real_for_int(const nlohmann::json& node, double v) const {
    return declared_.element == lang::ElementType::Int && node.is_number_float() && std::isfinite(v) &&
           v == std::floor(v) && std::fabs(v) <= kLargestExactInt;
  }

  const DeclaredData& declared_;
  DataMessages& messages_;
  std::vector<std::size_t>* written_as_real_;
  DataValue value_;
  std::vector<std::size_t> indices_;
  bool failed_ = false;
  bool shape_failed_ = false;
  std::size_t element_errors_ = 0;
};

}  // namespace

std::optional<DataValue> read_value(const nlohmann::json& raw, const DeclaredData& declared,
                                    DataMessages& messages, std::vector<std::size_t>* written_as_real) {
  if (written_as_real != nullptr) written_as_real->clear();
  return ValueReader(declared, messages, written_as_real).read(raw);
}

}  // namespace pm::io
