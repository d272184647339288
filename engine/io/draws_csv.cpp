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
  // Footer comments go where the parser found them (between rows), else after the last row.
  const bool placed = file.footer_comment_rows.size() == file.footer_comments.size();
  std::size_t next_comment = 0;
  auto comments_before = [&](std::size_t row) {
    while (placed && next_comment < file.footer_comments.size() && file.footer_comment_rows[next_comment] <= row)
      text += "#" + file.footer_comments[next_comment++] + "\n";
  };
  for (std::size_t r = 0; r < file.rows.size(); ++r) {
    comments_before(r);
    const std::vector<double>& row = file.rows[r];
    for (std::size_t j = 0; j < row.size(); ++j) {
      if (j) text += ',';
      text += fmt::format("{}", row[j]);  // shortest representation that reads back exactly
    }
    text += "\n";
  }
  for (; next_comment < file.footer_comments.size(); ++next_comment)
    text += "#" + file.footer_comments[next_comment] + "\n";
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
      if (have_header && !file.rows.empty()) file.footer_comment_rows.push_back(file.rows.size());
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

std::optional<std::vector<double>> PosteriorDraws::sampler_column(std::string_view name) const {
  for (std::size_t j = 0; j < sampler_names.size(); ++j) {
    if (sampler_names[j] != name) continue;
    std::vector<double> values;
    values.reserve(sampler_rows.size());
    for (const std::vector<double>& row : sampler_rows) values.push_back(row[j]);
    return values;
  }
  return std::nullopt;
}

std::string draws_method(const DrawsFile& file) {
  if (std::optional<std::string> method = draws_setting(file, "method")) return *method;
  // rstan's sample_file: no "method" line, but its first comment says what wrote it.
  for (const std::string& line : file.header_comments) {
    std::string_view text = trimmed(line);
    if (text.starts_with("Sample generated by Stan (Variational Bayes)")) return "variational";
    if (text.starts_with("Sample generated by Stan")) return "sample";
    if (text.starts_with("Point Estimate Generated by Stan")) return "optimize";
  }
  return "";
}

namespace {

std::optional<std::size_t> count_setting(const DrawsFile& file, std::string_view key, const std::string& source) {
  std::optional<std::string> value = draws_setting(file, key);
  if (!value) return std::nullopt;
  std::size_t count = 0;
  auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), count);
  if (value->empty() || error != std::errc() || end != value->data() + value->size())
    throw DrawsCsvError(fmt::format("{}: the comment '{} = {}' is not a count", source, key, *value));
  return count;
}

}  // namespace

SamplerLayout sampler_layout(const DrawsFile& file, const std::string& source_name) {
  SamplerLayout layout;
  layout.num_warmup = count_setting(file, "num_warmup", source_name);
  const bool rstan = !layout.num_warmup.has_value();
  if (rstan) layout.num_warmup = count_setting(file, "warmup", source_name);  // rstan's name
  layout.num_samples = count_setting(file, "num_samples", source_name);
  if (!layout.num_samples && rstan && layout.num_warmup) {  // rstan: iter counts the warmup too
    std::optional<std::size_t> iter = count_setting(file, "iter", source_name);
    if (iter && *iter >= *layout.num_warmup) layout.num_samples = *iter - *layout.num_warmup;
  }
  layout.thin = count_setting(file, "thin", source_name);
  std::optional<std::size_t> depth = count_setting(file, "max_depth", source_name);
  if (!depth) depth = count_setting(file, "max_treedepth", source_name);
  if (depth) layout.max_depth = *depth;
  if (std::optional<std::string> save = draws_setting(file, "save_warmup")) {
    if (*save == "1" || *save == "true") layout.save_warmup = true;
    else if (*save != "0" && *save != "false")
      throw DrawsCsvError(fmt::format("{}: the comment 'save_warmup = {}' is neither 0|1 nor false|true", source_name,
                                      *save));
  }
  // "# Adaptation terminated" after some rows: those rows are warmup (whatever save_warmup says).
  std::optional<std::size_t> adaptation_row;
  const bool placed = file.footer_comment_rows.size() == file.footer_comments.size();
  for (std::size_t i = 0; placed && i < file.footer_comments.size(); ++i)
    if (trimmed(file.footer_comments[i]).starts_with("Adaptation terminated")) {
      adaptation_row = file.footer_comment_rows[i];
      break;
    }
  if (adaptation_row) {
    layout.warmup_rows = *adaptation_row;
  } else if (layout.save_warmup) {
    if (!layout.num_warmup)
      throw DrawsCsvError(fmt::format("{}: save_warmup is set but neither a num_warmup comment nor an "
                                      "'# Adaptation terminated' line says where the warmup rows end",
                                      source_name));
    const std::size_t thin = std::max<std::size_t>(layout.thin.value_or(1), 1);
    layout.warmup_rows = (*layout.num_warmup + thin - 1) / thin;
  }
  if (layout.warmup_rows > file.rows.size())
    throw DrawsCsvError(fmt::format("{}: the comments say the first {} rows are warmup, but the file has {} rows",
                                    source_name, layout.warmup_rows, file.rows.size()));
  return layout;
}

PosteriorDraws posterior_draws(const DrawsFile& file, const std::string& source_name) {
  PosteriorDraws posterior;
  posterior.method = draws_method(file);
  std::vector<std::size_t> kept, sampler;
  std::optional<std::size_t> log_p_column, log_g_column;
  for (std::size_t j = 0; j < file.names.size(); ++j) {
    const std::string& name = file.names[j];
    if (name == "log_p__") log_p_column = j;
    if (name == "log_g__") log_g_column = j;
    if (name.size() >= 2 && name.ends_with("__")) {
      sampler.push_back(j);
      posterior.sampler_names.push_back(name);
      continue;
    }
    kept.push_back(j);
    posterior.names.push_back(name);
  }
  // CmdStan's variational output holds the guide's mean in its first row; a sampler's output
  // may start with its warmup iterations.
  if (posterior.method == "variational" && !file.rows.empty()) posterior.skipped_rows = 1;
  if (posterior.method == "sample") {
    posterior.layout = sampler_layout(file, source_name);
    posterior.skipped_rows = posterior.layout.warmup_rows;
  }
  for (std::size_t r = posterior.skipped_rows; r < file.rows.size(); ++r) {
    std::vector<double>& row = posterior.rows.emplace_back();
    row.reserve(kept.size());
    for (std::size_t j : kept) row.push_back(file.rows[r][j]);
    std::vector<double>& sampler_row = posterior.sampler_rows.emplace_back();
    sampler_row.reserve(sampler.size());
    for (std::size_t j : sampler) sampler_row.push_back(file.rows[r][j]);
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
