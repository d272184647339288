#include "engine/io/sample_csv.hpp"

#include <cmath>

#include <fmt/format.h>

#include "engine/io/draws_csv.hpp"

namespace pm::io {
namespace {

void comment(std::string& text, int level, const std::string& line) {
  text += "# " + std::string(2 * static_cast<std::size_t>(level), ' ') + line + "\n";
}

void append_value(std::string& text, double value) {
  if (std::isnan(value))
    text += "nan";
  else if (std::isinf(value))
    text += value > 0 ? "inf" : "-inf";
  else
    text += fmt::format("{}", value);
}

void append_values(std::string& text, std::span<const double> values) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += ",";
    append_value(text, values[i]);
  }
  text += "\n";
}

}  // namespace

std::string format_sample_csv(const SampleSettings& s, const SampleChainOutput& chain) {
  std::string text;
  comment(text, 0, "model = " + s.model);
  comment(text, 0, "method = sample");
  comment(text, 1, "sample");
  comment(text, 2, fmt::format("num_samples = {}", s.num_samples));
  comment(text, 2, fmt::format("num_warmup = {}", s.num_warmup));
  comment(text, 2, fmt::format("save_warmup = {}", s.save_warmup ? 1 : 0));
  comment(text, 2, "thin = 1");
  comment(text, 2, "adapt");
  comment(text, 3, fmt::format("engaged = {}", s.num_warmup > 0 ? 1 : 0));
  comment(text, 3, "gamma = 0.05");
  comment(text, 3, fmt::format("delta = {}", s.delta));
  comment(text, 3, "kappa = 0.75");
  comment(text, 3, "t0 = 10");
  comment(text, 3, fmt::format("init_buffer = {}", s.init_buffer));
  comment(text, 3, fmt::format("term_buffer = {}", s.term_buffer));
  comment(text, 3, fmt::format("window = {}", s.window));
  comment(text, 2, "algorithm = hmc");
  comment(text, 3, "hmc");
  comment(text, 4, "engine = nuts");
  comment(text, 5, "nuts");
  comment(text, 6, fmt::format("max_depth = {}", s.max_depth));
  comment(text, 4, std::string("metric = ") + (s.dense_metric ? "dense_e" : "diag_e"));
  comment(text, 4, fmt::format("stepsize = {}", s.stepsize));
  comment(text, 4, "stepsize_jitter = 0");
  comment(text, 2, fmt::format("num_chains = {}", s.num_chains));
  comment(text, 0, fmt::format("id = {}", s.id));
  for (const std::string& file : s.data_files) {
    comment(text, 0, "data");
    comment(text, 1, "file = " + file);
  }
  comment(text, 0, "init = " + s.init);
  comment(text, 0, "random");
  comment(text, 1, fmt::format("seed = {}", s.seed));
  comment(text, 0, "output");
  comment(text, 1, "file = " + s.output_file);

  for (std::size_t i = 0; i < chain.names.size(); ++i)
    text += (i > 0 ? "," : "") + cmdstan_column_name(chain.names[i]);
  text += "\n";
  const std::size_t width = chain.names.size();
  const std::size_t rows = width == 0 ? 0 : chain.rows.size() / width;
  for (std::size_t r = 0; r < chain.warmup_rows && r < rows; ++r) append_values(text, chain.rows.subspan(r * width, width));
  if (s.num_warmup > 0) {
    comment(text, 0, "Adaptation terminated");
    comment(text, 0, fmt::format("Step size = {}", chain.step_size));
    comment(text, 0, s.dense_metric ? "Elements of inverse mass matrix:" : "Diagonal elements of inverse mass matrix:");
    const std::size_t dimension =
        s.dense_metric ? static_cast<std::size_t>(std::llround(std::sqrt(static_cast<double>(chain.inverse_metric.size()))))
                       : chain.inverse_metric.size();
    const std::size_t lines = s.dense_metric ? dimension : (dimension > 0 ? 1 : 0);
    for (std::size_t line = 0; line < lines; ++line) {
      std::string values;
      const std::size_t per_line = s.dense_metric ? dimension : chain.inverse_metric.size();
      for (std::size_t k = 0; k < per_line; ++k)
        values += (k > 0 ? ", " : "") + fmt::format("{}", chain.inverse_metric[line * per_line + k]);
      comment(text, 0, values);
    }
  }
  for (std::size_t r = chain.warmup_rows; r < rows; ++r) append_values(text, chain.rows.subspan(r * width, width));
  text += "#\n";
  text += fmt::format("#  Elapsed Time: {:.3f} seconds (Warm-up)\n", chain.warmup_seconds);
  text += fmt::format("#                {:.3f} seconds (Sampling)\n", chain.sampling_seconds);
  text += fmt::format("#                {:.3f} seconds (Total)\n", chain.warmup_seconds + chain.sampling_seconds);
  text += "#\n";
  return text;
}

std::string chain_file_name(const std::string& path, std::size_t chain) {
  const std::size_t slash = path.find_last_of('/');
  const std::size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash) || dot == slash + 1)
    return path + "_" + std::to_string(chain);
  return path.substr(0, dot) + "_" + std::to_string(chain) + path.substr(dot);
}

}  // namespace pm::io
