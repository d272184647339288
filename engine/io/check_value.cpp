// Element checks of a data value: finite, int where declared, within its bounds, and in the
// support of its structured type (the closed support of stdlib/transforms, as Stan checks data).
#include <cmath>
#include <vector>

#include "engine/io/constant_expression.hpp"
#include "engine/io/validate.hpp"
#include "lang/check/expression_text.hpp"
#include "stdlib/transforms/transform.hpp"

namespace pm::io {
namespace {

using lang::BaseType;

class ElementReporter {
 public:
  ElementReporter(std::string name, std::string context, DataMessages& messages)
      : name_(std::move(name)), context_(std::move(context)), messages_(messages) {}
  void report(const std::string& text) {
    if (++count_ <= kMaxErrorsPerVariable) messages_.error(text + context_);
  }
  ~ElementReporter() {
    if (count_ > kMaxErrorsPerVariable)
      messages_.error("... and " + std::to_string(count_ - kMaxErrorsPerVariable) + " more errors in '" +
                      name_ + "'" + context_);
  }
  std::size_t count() const { return count_; }

 private:
  std::string name_;
  std::string context_;
  DataMessages& messages_;
  std::size_t count_ = 0;
};

std::optional<transforms::DeclaredBase> structured_base(BaseType base) {
  switch (base) {
    case BaseType::Simplex: return transforms::DeclaredBase::simplex;
    case BaseType::Ordered: return transforms::DeclaredBase::ordered;
    case BaseType::PositiveOrdered: return transforms::DeclaredBase::positive_ordered;
    case BaseType::CholeskyFactorCorr: return transforms::DeclaredBase::cholesky_factor_corr;
    case BaseType::CholeskyFactorCov: return transforms::DeclaredBase::cholesky_factor_cov;
    case BaseType::CorrMatrix: return transforms::DeclaredBase::corr_matrix;
    case BaseType::CovMatrix: return transforms::DeclaredBase::cov_matrix;
    default: return std::nullopt;
  }
}

// Why one copy of a structured value is outside its support, as specifically as is cheap.
std::string support_failure(BaseType base, const std::vector<double>& event, const std::string& name,
                            const std::string& index_prefix) {
  auto element = [&](std::size_t k) { return index_prefix + std::to_string(k + 1) + "]"; };
  switch (base) {
    case BaseType::Simplex: {
      double sum = 0.0;
      for (std::size_t k = 0; k < event.size(); ++k) {
        if (event[k] < 0) return "its values must be non-negative but " + element(k) + " = " + format_number(event[k]);
        sum += event[k];
      }
      return "its values must sum to 1 but sum to " + format_number(sum);
    }
    case BaseType::Ordered:
    case BaseType::PositiveOrdered:
      // Closed support, as Transform::in_support checks data: 0 is allowed.
      if (base == BaseType::PositiveOrdered && !event.empty() && event[0] < 0)
        return "its values must be non-negative but " + element(0) + " = " + format_number(event[0]);
      for (std::size_t k = 1; k < event.size(); ++k)
        if (!(event[k] > event[k - 1]))
          return "its values must be strictly increasing but " + element(k) + " = " + format_number(event[k]) +
                 " follows " + element(k - 1) + " = " + format_number(event[k - 1]);
      return "its values must be strictly increasing";
    case BaseType::CholeskyFactorCorr:
      return "it must be lower triangular with a positive diagonal and rows of unit length";
    case BaseType::CholeskyFactorCov: return "it must be lower triangular with a positive diagonal";
    case BaseType::CorrMatrix: return "it must be symmetric positive definite with a unit diagonal";
    case BaseType::CovMatrix: return "it must be symmetric positive definite";
    default: return "it is outside its support";
  }
}

void check_structured(const DataValue& value, const DeclaredData& declared, const std::string& context,
                      DataMessages& messages) {
  BaseType base = declared.declaration->type.base;
  std::optional<transforms::DeclaredBase> transform_base = structured_base(base);
  if (!transform_base) return;
  std::vector<std::size_t> event_dims(declared.dims.begin() + static_cast<std::ptrdiff_t>(declared.array_rank),
                                      declared.dims.end());
  std::vector<std::size_t> sizes = event_dims;
  if (base != BaseType::CholeskyFactorCov && sizes.size() == 2) sizes.resize(1);  // corr/cov_matrix[K]: K x K
  std::optional<transforms::Transform> transform = transforms::make_transform(*transform_base, sizes, false, false);
  if (!transform) {
    messages.error("'" + declared.name + "' has sizes that do not fit " + declared.type_text + context);
    return;
  }
  std::vector<std::size_t> array_dims(declared.dims.begin(),
                                      declared.dims.begin() + static_cast<std::ptrdiff_t>(declared.array_rank));
  std::size_t copies = element_count(array_dims);
  std::size_t event_size = element_count(event_dims);
  std::vector<double> event(event_size);
  ElementReporter reporter(declared.name, context, messages);
  for (std::size_t c = 0; c < copies; ++c) {
    // Copy c's element e sits at c + copies * e (the array dims vary fastest).
    for (std::size_t e = 0; e < event_size; ++e) event[e] = value.values[c + copies * e];
    if (transform->in_support(event.data(), transforms::Bounds{})) continue;
    std::vector<std::size_t> copy_indices = indices_of(array_dims, c);
    std::string copy_name = prefix_name(declared.name, copy_indices);
    std::string index_prefix = copy_name.back() == ']' ? copy_name.substr(0, copy_name.size() - 1) + ","
                                                        : copy_name + "[";
    std::string kind = lang::to_string(base);
    reporter.report("'" + copy_name + "' is not a valid " + kind + ": " +
                    support_failure(base, event, declared.name, index_prefix));
  }
}

bool check_bounds(const DataValue& value, const DeclaredData& declared, const DataSet& known,
                  const std::string& context, DataMessages& messages) {
  bool ok = true;
  for (const lang::Constraint& constraint : declared.declaration->type.constraints) {
    bool is_lower = constraint.name == "lower";
    if (!is_lower && constraint.name != "upper") continue;  // offset/multiplier: rejected by the checker
    DataValue bound;
    try {
      bound = evaluate_constant(*constraint.value, known);
    } catch (const ConstantError& error) {
      // A bound reading a variable that failed to load stays silent: that variable's error says why.
      if (error.unavailable_name.empty())
        messages.error("the bound " + constraint.name + " of '" + declared.name + "': " + error.what());
      ok = false;
      continue;
    }
    if (!bound.is_scalar() && bound.size() != value.size()) {
      messages.error("the bound " + constraint.name + "=" + lang::expression_text(*constraint.value) + " of '" +
                     declared.name + "' has " + std::to_string(bound.size()) + " values but '" + declared.name +
                     "' has " + std::to_string(value.size()) + context);
      ok = false;
      continue;
    }
    std::string bound_text = lang::expression_text(*constraint.value);
    ElementReporter reporter(declared.name, context, messages);
    for (std::size_t k = 0; k < value.size(); ++k) {
      double limit = bound.values[bound.is_scalar() ? 0 : k];
      double v = value.values[k];
      if (std::isnan(limit)) continue;
      bool violated = is_lower ? v < limit : v > limit;
      if (!violated) continue;
      std::string shown = format_number(limit);
      std::string annotation = shown == bound_text ? "" : " (" + constraint.name + "=" + bound_text + ")";
      reporter.report("'" + element_name(declared.name, value.dims, k) + "' = " + format_number(v) +
                      " violates " + constraint.name + "=" + shown + annotation);
    }
    if (reporter.count() > 0) ok = false;
  }
  return ok;
}

}  // namespace

bool check_value(const DataValue& value, const DeclaredData& declared, const DataSet& known,
                 const std::string& context, DataMessages& messages, std::span<const std::size_t> written_as_real) {
  std::size_t errors_before = messages.error_count();
  {
    // Reported in element order with the rest.
    std::vector<bool> is_written_as_real;
    if (!written_as_real.empty()) {
      is_written_as_real.assign(value.size(), false);
      for (std::size_t offset : written_as_real)
        if (offset < value.size()) is_written_as_real[offset] = true;
    }
    ElementReporter reporter(declared.name, context, messages);
    for (std::size_t k = 0; k < value.size(); ++k) {
      double v = value.values[k];
      bool is_int = declared.element == lang::ElementType::Int;
      bool real_text = !is_written_as_real.empty() && is_written_as_real[k];
      if (!real_text && std::isfinite(v) && (!is_int || (v == std::floor(v) && std::fabs(v) <= kLargestExactInt)))
        continue;
      // Named only on failure: formatting every element of a large data set would cost more than the check.
      std::string element = "'" + element_name(declared.name, value.dims, k) + "'";
      if (std::isnan(v)) {
        reporter.report(element + " is NaN");
      } else if (std::isinf(v)) {
        reporter.report(element + " is " + format_number(v));
      } else if (declared.element == lang::ElementType::Int && v != std::floor(v)) {
        reporter.report(element + " must be an int (declared " + declared.type_text + ") but is " + format_number(v));
      } else if (declared.element == lang::ElementType::Int && std::fabs(v) > kLargestExactInt) {
        reporter.report(element + " = " + format_number(v) + " is too large for an int (at most 2^53 in magnitude)");
      } else if (real_text) {
        reporter.report(element + " is declared int but the data has the real " + nlohmann::json(v).dump());
      }
    }
  }
  if (messages.error_count() > errors_before) return false;
  if (!check_bounds(value, declared, known, context, messages)) return false;
  check_structured(value, declared, context, messages);
  return messages.error_count() == errors_before;
}

}  // namespace pm::io
