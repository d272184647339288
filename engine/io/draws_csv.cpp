// The CmdStan CSV draws file (draws_csv.hpp): names, writing, reading, the settings blocks.
#include "engine/io/draws_csv.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

namespace pm::io {
namespace {

bool is_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split_commas(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t begin = 0;
  while (true) {
    std::size_t comma = line.find(',', begin);
    fields.push_back(line.substr(begin, comma == std::string_view::npos ? std::string_view::npos : comma - begin));
    if (comma == std::string_view::npos) return fields;
    begin = comma + 1;
  }
}

// "#" + indentation (two spaces per level) + text, stored without the '#'.
std::string comment(int level, std::string_view text) {
  return " " + std::string(2 * static_cast<std::size_t>(level), ' ') + std::string(text);
}

void add_common_tail(std::vector<std::string>& lines, const std::vector<std::string>& data_files,
                     const std::optional<std::string>& init, std::uint64_t seed, const std::string& output_file) {
  for (const std::string& file : data_files) {
    lines.push_back(comment(0, "data"));
    lines.push_back(comment(1, "file = " + file));
  }
  if (init) lines.push_back(comment(0, "init = " + *init));
  lines.push_back(comment(0, "random"));
  lines.push_back(comment(1, fmt::format("seed = {}", seed)));
  lines.push_back(comment(0, "output"));
  lines.push_back(comment(1, "file = " + output_file));
}

}  // namespace

std::string cmdstan_column_name(std::string_view element_name) {
  std::string out;
  for (char c : element_name) {
    if (c == '[' || c == ',') out += '.';
    else if (c != ']' && c != ' ') out += c;
  }
  return out;
}

std::string element_name_from_column(std::string_view column_name) {
  std::size_t first_dot = column_name.find('.');
  if (first_dot == std::string_view::npos || first_dot == 0) return std::string(column_name);
  std::vector<std::string_view> indices;
  std::size_t begin = first_dot + 1;
  while (true) {
    std::size_t dot = column_name.find('.', begin);
    std::string_view index = column_name.substr(begin, dot == std::string_view::npos ? dot : dot - begin);
    if (!is_digits(index)) return std::string(column_name);
    indices.push_back(index);
    if (dot == std::string_view::npos) break;
    begin = dot + 1;
  }
  std::string out(column_name.substr(0, first_dot));
  out += '[';
  for (std::size_t i = 0; i < indices.size(); ++i) out += (i ? "," : "") + std::string(indices[i]);
  return out + ']';
}

std::string format_draws_csv(const DrawsFile& file) {
  std::string text;
  for (const std::string& line : file.header_comments) text += "#" + line + "\n";
  for (std::size_t j = 0; j < file.names.size(); ++j) text += (j ? "," : "") + cmdstan_column_name(file.names[j]);
  text += "\n";
  for (const std::string& line : file.body_comments) text += "#" + line + "\n";
  for (const std::vector<double>& row : file.rows) {
    for (std::size_t j = 0; j < row.size(); ++j) {
      if (j) text += ',';
      text += fmt::format("{}", row[j]);  // shortest representation that reads back exactly
    }
    text += "\n";
  }
  for (const std::string& line : file.footer_comments) text += "#" + line + "\n";
  return text;
}

DrawsFile parse_draws_csv(std::string_view text, const std::string& source_name) {
  DrawsFile file;
  bool have_header = false;
  std::size_t line_number = 0;
  auto fail = [&](const std::string& message) {
    throw DrawsCsvError(fmt::format("{}:{}: {}", source_name, line_number, message));
  };
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    std::string_view line = text.substr(begin, end == std::string_view::npos ? end : end - begin);
    begin = end == std::string_view::npos ? text.size() : end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trimmed(line).empty()) continue;
    if (line.front() == '#') {
      (!have_header ? file.header_comments : file.rows.empty() ? file.body_comments : file.footer_comments)
          .emplace_back(line.substr(1));
      continue;
    }
    std::vector<std::string_view> fields = split_commas(line);
    if (!have_header) {
      std::set<std::string> seen;
      for (std::string_view field : fields) {
        std::string_view name = trimmed(field);
        if (name.empty()) fail("the header has an empty column name");
        std::string element = element_name_from_column(name);
        if (!seen.insert(element).second) fail("the header names column '" + std::string(name) + "' twice");
        file.names.push_back(std::move(element));
      }
      have_header = true;
      continue;
    }
    if (fields.size() != file.names.size())
      fail(fmt::format("this row has {} values but the header has {} columns", fields.size(), file.names.size()));
    std::vector<double>& row = file.rows.emplace_back(fields.size());
    for (std::size_t j = 0; j < fields.size(); ++j) {
      std::string_view field = trimmed(fields[j]);
      auto [end_of_number, error] = std::from_chars(field.data(), field.data() + field.size(), row[j]);
      if (field.empty() || error != std::errc() || end_of_number != field.data() + field.size())
        fail(fmt::format("column {} ('{}'): '{}' is not a number", j + 1, cmdstan_column_name(file.names[j]), field));
    }
  }
  if (!have_header) {
    line_number = std::max<std::size_t>(line_number, 1);
    fail("no header line (a line of column names such as lp__,log_p__,log_g__,mu)");
  }
  return file;
}

DrawsFile read_draws_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DrawsCsvError("cannot read '" + path + "'");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return parse_draws_csv(buffer.str(), path);
}

std::optional<std::string> draws_setting(const DrawsFile& file, std::string_view key) {
  for (const std::string& line : file.header_comments) {
    std::size_t equals = line.find('=');
    if (equals == std::string::npos || trimmed(std::string_view(line).substr(0, equals)) != key) continue;
    std::string_view value = trimmed(std::string_view(line).substr(equals + 1));
    constexpr std::string_view kDefault = "(Default)";
    if (value.ends_with(kDefault)) value = trimmed(value.substr(0, value.size() - kDefault.size()));
    return std::string(value);
  }
  return std::nullopt;
}

std::vector<double> PosteriorDraws::column(std::size_t index) const {
  std::vector<double> values;
  values.reserve(rows.size());
  for (const std::vector<double>& row : rows) values.push_back(row[index]);
  return values;
}

PosteriorDraws posterior_draws(const DrawsFile& file) {
  PosteriorDraws posterior;
  posterior.method = draws_setting(file, "method").value_or("");
  std::vector<std::size_t> kept;
  std::optional<std::size_t> log_p_column, log_g_column;
  for (std::size_t j = 0; j < file.names.size(); ++j) {
    const std::string& name = file.names[j];
    if (name == "log_p__") log_p_column = j;
    if (name == "log_g__") log_g_column = j;
    if (name.size() >= 2 && name.ends_with("__")) continue;
    kept.push_back(j);
    posterior.names.push_back(name);
  }
  // CmdStan's variational output holds the guide's mean in its first row.
  std::size_t first_draw = posterior.method == "variational" && !file.rows.empty() ? 1 : 0;
  for (std::size_t r = first_draw; r < file.rows.size(); ++r) {
    std::vector<double>& row = posterior.rows.emplace_back();
    row.reserve(kept.size());
    for (std::size_t j : kept) row.push_back(file.rows[r][j]);
    if (log_p_column && log_g_column) {
      posterior.log_p.push_back(file.rows[r][*log_p_column]);
      posterior.log_g.push_back(file.rows[r][*log_g_column]);
    }
  }
  return posterior;
}

std::vector<std::string> variational_comments(const VariationalSettings& settings) {
  std::vector<std::string> lines = {comment(0, "model = " + settings.model), comment(0, "method = variational"),
                                    comment(1, "variational"), comment(2, "algorithm = " + settings.algorithm),
                                    comment(3, settings.algorithm)};
  lines.push_back(comment(2, fmt::format("iter = {}", settings.iter)));
  lines.push_back(comment(2, fmt::format("grad_samples = {}", settings.grad_samples)));
  lines.push_back(comment(2, fmt::format("elbo_samples = {}", settings.elbo_samples)));
  lines.push_back(comment(2, fmt::format("eta = {}", settings.eta)));
  lines.push_back(comment(2, "adapt"));
  lines.push_back(comment(3, fmt::format("engaged = {}", settings.adapt_engaged ? 1 : 0)));
  lines.push_back(comment(3, fmt::format("iter = {}", settings.adapt_iter)));
  lines.push_back(comment(2, fmt::format("tol_rel_obj = {}", settings.tol_rel_obj)));
  lines.push_back(comment(2, fmt::format("eval_elbo = {}", settings.eval_elbo)));
  lines.push_back(comment(2, fmt::format("output_samples = {}", settings.output_samples)));
  for (const auto& [key, value] : settings.pm_settings) lines.push_back(comment(1, key + " = " + value));
  lines.push_back(comment(0, "id = 1"));
  add_common_tail(lines, settings.data_files, std::nullopt, settings.seed, settings.output_file);
  return lines;
}

DrawsFile variational_draws_file(const VariationalSettings& settings, const std::vector<std::string>& names,
                                 std::span<const double> mean, const std::vector<std::vector<double>>& draws,
                                 std::span<const double> log_p, std::span<const double> log_g) {
  DrawsFile file;
  file.header_comments = variational_comments(settings);
  file.names = {"lp__", "log_p__", "log_g__"};
  file.names.insert(file.names.end(), names.begin(), names.end());
  file.body_comments = {comment(0, "Stepsize adaptation complete."), comment(0, fmt::format("eta = {}", settings.eta))};
  std::vector<double>& mean_row = file.rows.emplace_back(3, 0.0);
  mean_row.insert(mean_row.end(), mean.begin(), mean.end());
  for (std::size_t s = 0; s < draws.size(); ++s) {
    std::vector<double>& row = file.rows.emplace_back(std::vector<double>{0.0, log_p[s], log_g[s]});
    row.insert(row.end(), draws[s].begin(), draws[s].end());
  }
  // CmdStan ends its files with the timing; rstan's read_stan_csv warns when it is absent.
  if (settings.elapsed_seconds) {
    file.footer_comments.push_back(comment(0, ""));
    file.footer_comments.push_back(comment(0, fmt::format("Elapsed Time: {} seconds (Total)", *settings.elapsed_seconds)));
  }
  return file;
}

std::vector<std::string> optimize_comments(const OptimizeSettings& settings) {
  std::vector<std::string> lines = {comment(0, "model = " + settings.model), comment(0, "method = optimize"),
                                    comment(1, "optimize"), comment(2, "algorithm = lbfgs"), comment(3, "lbfgs")};
  lines.push_back(comment(4, fmt::format("init_alpha = {}", settings.init_alpha)));
  lines.push_back(comment(4, fmt::format("tol_obj = {}", settings.tol_obj)));
  lines.push_back(comment(4, fmt::format("tol_rel_obj = {}", settings.tol_rel_obj)));
  lines.push_back(comment(4, fmt::format("tol_grad = {}", settings.tol_grad)));
  lines.push_back(comment(4, fmt::format("tol_rel_grad = {}", settings.tol_rel_grad)));
  lines.push_back(comment(4, fmt::format("tol_param = {}", settings.tol_param)));
  lines.push_back(comment(4, fmt::format("history_size = {}", settings.history_size)));
  lines.push_back(comment(2, fmt::format("jacobian = {}", settings.jacobian ? 1 : 0)));
  lines.push_back(comment(2, fmt::format("iter = {}", settings.iter)));
  for (const auto& [key, value] : settings.pm_settings) lines.push_back(comment(1, key + " = " + value));
  add_common_tail(lines, settings.data_files, settings.init, settings.seed, settings.output_file);
  return lines;
}

}  // namespace pm::io
