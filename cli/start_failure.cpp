// The one message for "no starting point is finite" (infer::StartFailure, initialize.hpp),
// shared by every method of `pm fit` (map, mle, vi, --batch) and whatever else draws starts:
// located at the statement that made the FIRST start non-finite, with the values it was
// computed from, how many starts were tried, and what to try next.
#include <cmath>
#include <iostream>

#include <fmt/format.h>

#include "cli/fit_command.hpp"

namespace pm::cli {

bool init_file_given(const FitOptions& options) { return !options.init.empty() && options.init != "0"; }
double init_radius(const FitOptions& options) { return options.init == "0" ? 0.0 : options.init_radius; }

namespace {
// "nan" whatever the sign bit of the NaN (fmt prints "-nan" for log of a negative number).
std::string number_text(double value) { return std::isnan(value) ? "nan" : fmt::format("{}", value); }
}  // namespace

std::string start_failure_text(const infer::StartFailure& failure, std::uint64_t seed) {
  std::string where;
  if (failure.fixed)
    where = failure.radius == 0 ? "at the origin of the unconstrained space (--init-radius 0)"
                                : "at the starting point --init gives";
  else
    where = fmt::format("at every starting point tried ({} attempts, uniform({:g}, {:g}) on the unconstrained scale, "
                        "seed {})",
                        failure.attempts, -failure.radius, failure.radius, seed);
  std::string what;
  if (failure.gradient)
    what = fmt::format("the log density is finite but its gradient is not{} {}; at the first, the log density is {:.6g}",
                       failure.coordinate.empty() ? "" : " (in " + failure.coordinate + ")", where,
                       failure.log_density);
  else
    what = fmt::format("the log density is not finite {}; at the first it is {}", where, number_text(failure.log_density));
  if (failure.statement)
    what += fmt::format("; this statement's {} {}{}",
                        failure.gradient ? "term has a non-finite gradient: its value is" : "term is",
                        number_text(failure.term_value),
                        failure.values.empty() ? "" : " (" + failure.values + ")");
  else
    what += failure.gradient ? " (the gradient of a log-Jacobian of a constrained variable)"
                             : " (in the log-Jacobian of a constrained variable)";
  return what;
}

std::string start_failure_advice(const infer::StartFailure& failure) {
  if (failure.fixed && failure.radius != 0)
    return "try another --init point, or leave out the variables whose values are not allowed there";
  return "try --init FILE.json with a point where the density is finite, a narrower --init-radius (e.g. 0.5, or 0 "
         "for the origin), or rewrite the term so that it stays finite where the parameters are unconstrained (e.g. "
         "log1p_exp(x) for log(1 + exp(x)), a bound that keeps an argument in its domain)";
}

void print_start_failure(const LoadedModel& loaded, const infer::StartFailure& failure, std::string_view command,
                         std::uint64_t seed) {
  const std::string text = start_failure_text(failure, seed);
  if (failure.statement)
    std::cerr << lang::render(*loaded.file, lang::Diagnostic{lang::Severity::Error, failure.statement->range, text});
  else
    std::cerr << "pm: " << command << ": " << text << "\n";
  std::cerr << "pm: " << command << ": " << start_failure_advice(failure) << "\n";
}

}  // namespace pm::cli
