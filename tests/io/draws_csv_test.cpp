// The CmdStan CSV draws file (engine/io/draws_csv.hpp): element names both ways, the
// variational and optimize layouts, write -> read bit for bit, a file as CmdStan writes it,
// and malformed files reported with their line.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "engine/io/draws_csv.hpp"
#include "engine/random/stream.hpp"

namespace pm::io {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_draws_csv(text, "fit.csv");
  } catch (const DrawsCsvError& error) {
    return error.what();
  }
  return "(no error)";
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return lines;
}

bool contains(const std::vector<std::string>& lines, const std::string& line) {
  for (const std::string& l : lines)
    if (l == line) return true;
  return false;
}

TEST_CASE("element names: brackets to CmdStan's dots and back") {
  CHECK(cmdstan_column_name("theta[2]") == "theta.2");
  CHECK(cmdstan_column_name("x[3,1]") == "x.3.1");
  CHECK(cmdstan_column_name("x[3, 1]") == "x.3.1");
  CHECK(cmdstan_column_name("mu") == "mu");
  CHECK(cmdstan_column_name("lp__") == "lp__");
  CHECK(element_name_from_column("theta.2") == "theta[2]");
  CHECK(element_name_from_column("x.3.1") == "x[3,1]");
  CHECK(element_name_from_column("log_p__") == "log_p__");
  CHECK(element_name_from_column("a.b") == "a.b");
  CHECK(element_name_from_column("x.3.b") == "x.3.b");
  CHECK(element_name_from_column("x.") == "x.");
}

TEST_CASE("the variational layout: CmdStan's comments, header, mean row first") {
  VariationalSettings settings;
  settings.model = "eight.pm";
  settings.algorithm = "fullrank";
  settings.iter = 500;
  settings.output_samples = 2;
  settings.data_files = {"eight.json"};
  settings.seed = 42;
  settings.output_file = "out.csv";
  settings.pm_settings = {{"pm_objective", "elbo"}};
  settings.elapsed_seconds = 1.5;
  std::vector<std::string> names = {"mu", "theta[1]", "theta[2]"};
  std::vector<double> mean = {1.5, 2.5, 3.5};
  std::vector<std::vector<double>> draws = {{1, 2, 3}, {2, 3, 4}};
  std::vector<double> log_p = {-10.5, -11.25}, log_g = {-1.5, -2.75};
  std::string text = format_draws_csv(variational_draws_file(settings, names, mean, draws, log_p, log_g));
  std::vector<std::string> lines = lines_of(text);
  // The lines rstan's read_stan_csv parses (it strips '#' and spaces and splits at '=').
  CHECK(lines[0] == "# model = eight.pm");
  CHECK(lines[1] == "# method = variational");
  CHECK(contains(lines, "#   variational"));
  CHECK(contains(lines, "#     algorithm = fullrank"));
  CHECK(contains(lines, "#     iter = 500"));
  CHECK(contains(lines, "#     output_samples = 2"));
  CHECK(contains(lines, "#   pm_objective = elbo"));
  CHECK(contains(lines, "#   file = eight.json"));
  CHECK(contains(lines, "#   seed = 42"));
  std::size_t header = 0;
  while (lines[header].starts_with("#")) ++header;
  CHECK(lines[header] == "lp__,log_p__,log_g__,mu,theta.1,theta.2");
  CHECK(lines[header + 1] == "# Stepsize adaptation complete.");
  CHECK(lines[header + 2] == "# eta = 1");
  CHECK(lines[header + 3] == "0,0,0,1.5,2.5,3.5");
  CHECK(lines[header + 4] == "0,-10.5,-1.5,1,2,3");
  CHECK(lines[header + 5] == "0,-11.25,-2.75,2,3,4");
  CHECK(lines[header + 6] == "# ");
  CHECK(lines[header + 7] == "# Elapsed Time: 1.5 seconds (Total)");  // CmdStan's last line
  CHECK(lines.size() == header + 8);

  DrawsFile file = parse_draws_csv(text, "out.csv");
  CHECK(draws_setting(file, "method") == "variational");
  CHECK(draws_setting(file, "iter") == "500");  // variational's, before adapt's iter = 50
  CHECK(draws_setting(file, "output_samples") == "2");
  CHECK_FALSE(draws_setting(file, "nonexistent").has_value());
  PosteriorDraws posterior = posterior_draws(file);
  CHECK(posterior.method == "variational");
  CHECK(posterior.names == names);
  CHECK(posterior.rows == draws);  // the mean row is skipped
  CHECK(posterior.log_p == log_p);
  CHECK(posterior.log_g == log_g);
  CHECK(posterior.column(2) == std::vector<double>{3, 4});
}

TEST_CASE("the optimize layout: one row, lp__ first") {
  OptimizeSettings settings;
  settings.model = "coin.pm";
  settings.iter = 100;
  settings.pm_settings = {{"pm_method", "map"}, {"starts", "4"}};
  settings.seed = 7;
  DrawsFile file{optimize_comments(settings), {"lp__", "theta"}, {}, {{-3.5, 0.7}}, {}, {}};
  std::string text = format_draws_csv(file);
  std::vector<std::string> lines = lines_of(text);
  CHECK(lines[1] == "# method = optimize");
  CHECK(contains(lines, "#     algorithm = lbfgs"));
  CHECK(contains(lines, "#   pm_method = map"));
  CHECK(contains(lines, "#   seed = 7"));
  CHECK(lines[lines.size() - 2] == "lp__,theta");
  CHECK(lines.back() == "-3.5,0.7");
  PosteriorDraws posterior = posterior_draws(parse_draws_csv(text, "opt.csv"));
  CHECK(posterior.method == "optimize");
  CHECK(posterior.rows == std::vector<std::vector<double>>{{0.7}});
  CHECK(posterior.log_p.empty());
}

TEST_CASE("write then read gives every double back bit for bit") {
  random::Stream stream(123);
  DrawsFile file;
  file.header_comments = {" model = m.pm", " method = sample"};
  file.names = {"lp__", "a", "b[1]", "c[2,3]"};
  file.body_comments = {" a body comment"};
  file.footer_comments = {"", "  Elapsed Time: 0.5 seconds (Total)"};
  constexpr double kInfinity = std::numeric_limits<double>::infinity();
  file.rows.push_back({0.1, 1.0 / 3, -1e300, 4.9e-324});  // a subnormal
  file.rows.push_back({kInfinity, -kInfinity, 1e-310, -0.0});
  file.rows.push_back({3.141592653589793, 2.718281828459045, 1.7976931348623157e308, 2.2250738585072014e-308});
  // Random bit patterns: every finite double the writer may meet.
  for (int r = 0; r < 500; ++r) {
    std::vector<double>& row = file.rows.emplace_back();
    while (row.size() < 4) {
      double value = std::bit_cast<double>(stream.next_bits());
      if (std::isfinite(value)) row.push_back(value);
    }
  }
  DrawsFile back = parse_draws_csv(format_draws_csv(file), "round.csv");
  CHECK(back.header_comments == file.header_comments);
  CHECK(back.body_comments == file.body_comments);
  CHECK(back.footer_comments == file.footer_comments);
  CHECK(back.names == file.names);
  REQUIRE(back.rows.size() == file.rows.size());
  std::size_t mismatches = 0;
  for (std::size_t r = 0; r < file.rows.size(); ++r)
    for (std::size_t j = 0; j < 4; ++j)
      mismatches += std::bit_cast<std::uint64_t>(back.rows[r][j]) != std::bit_cast<std::uint64_t>(file.rows[r][j]);
  CHECK(mismatches == 0);
  // NaN reads back as NaN.
  DrawsFile with_nan{{}, {"x"}, {}, {{std::numeric_limits<double>::quiet_NaN()}}, {}, {}};
  CHECK(std::isnan(parse_draws_csv(format_draws_csv(with_nan), "nan.csv").rows[0][0]));
}

TEST_CASE("a file as CmdStan 2.33 writes it for method = variational") {
  const std::string text =
      "# stan_version_major = 2\n"
      "# model = bernoulli_model\n"
      "# method = variational\n"
      "#   variational\n"
      "#     algorithm = meanfield (Default)\n"
      "#       meanfield\n"
      "#     iter = 10000 (Default)\n"
      "#     output_samples = 3\n"
      "# random\n"
      "#   seed = 12345\n"
      "lp__,log_p__,log_g__,theta\r\n"
      "# Stepsize adaptation complete.\n"
      "# eta = 1\n"
      "0,0,0,0.25\n"
      "0,-6.9,-0.4,0.2\n"
      "\n"
      "# a comment among the rows goes to the footer\n"
      "0,-7.1,-0.6,0.3\n"
      "0, -7.0 ,-0.5,0.25\n";
  DrawsFile file = parse_draws_csv(text, "bernoulli.csv");
  CHECK(draws_setting(file, "algorithm") == "meanfield");
  CHECK(draws_setting(file, "iter") == "10000");
  CHECK(draws_setting(file, "seed") == "12345");
  CHECK(file.body_comments == std::vector<std::string>{" Stepsize adaptation complete.", " eta = 1"});
  CHECK(file.footer_comments == std::vector<std::string>{" a comment among the rows goes to the footer"});
  PosteriorDraws posterior = posterior_draws(file);
  CHECK(posterior.names == std::vector<std::string>{"theta"});
  CHECK(posterior.column(0) == std::vector<double>{0.2, 0.3, 0.25});
  CHECK(posterior.log_p == std::vector<double>{-6.9, -7.1, -7.0});
}

TEST_CASE("malformed files are reported with the source and line") {
  CHECK(error_of("# only comments\n") == "fit.csv:1: no header line (a line of column names such as lp__,log_p__,log_g__,mu)");
  CHECK(error_of("") .starts_with("fit.csv:1: no header line"));
  CHECK(error_of("# c\nlp__,mu\n0,1\n0,1,2\n") == "fit.csv:4: this row has 3 values but the header has 2 columns");
  CHECK(error_of("lp__,theta.1\n0,1\n0,abc\n") == "fit.csv:3: column 2 ('theta.1'): 'abc' is not a number");
  CHECK(error_of("lp__,mu\n0,\n") == "fit.csv:2: column 2 ('mu'): '' is not a number");
  CHECK(error_of("lp__,mu\n0,1.5x\n") == "fit.csv:2: column 2 ('mu'): '1.5x' is not a number");
  CHECK(error_of("lp__,,mu\n") == "fit.csv:1: the header has an empty column name");
  CHECK(error_of("mu,theta.1,theta[1]\n") == "fit.csv:1: the header names column 'theta[1]' twice");
  try {
    read_draws_csv("/nonexistent/fit.csv");
    FAIL("no error");
  } catch (const DrawsCsvError& error) {
    CHECK(std::string(error.what()) == "cannot read '/nonexistent/fit.csv'");
  }
}

// A variational draws file written by our writer, for tests/cli/summary.sh and
// tests/cli/r_clients.sh: they run this case alone with PM_DRAWS_EXPORT=FILE and read FILE
// back with `pm summary` and with R (rstan, posterior, loo). Without the variable it writes to
// a temporary file. The guide is normal(0, 0.8) per coordinate, the target normal(0.2, 1), so
// log_p__ - log_g__ are honest log importance ratios with a moderate k-hat.
TEST_CASE("export: a seeded variational draws file read back through the file system") {
  constexpr double kPi = 3.14159265358979323846;
  auto log_normal = [&](double x, double mean, double sd) {
    return -0.5 * std::log(2 * kPi) - std::log(sd) - 0.5 * ((x - mean) / sd) * ((x - mean) / sd);
  };
  const char* requested = std::getenv("PM_DRAWS_EXPORT");
  std::filesystem::path path = requested ? std::filesystem::path(requested)
                                         : std::filesystem::temp_directory_path() / "pm_draws_export_test.csv";
  VariationalSettings settings;
  settings.model = "export.pm";
  settings.output_samples = 1000;
  settings.seed = 2024;
  settings.output_file = path.string();
  settings.elapsed_seconds = 0.25;
  std::vector<std::string> names = {"mu", "theta[1]", "theta[2]", "x[2,1]"};
  random::Stream stream(2024);
  std::vector<std::vector<double>> draws;
  std::vector<double> log_p, log_g, mean(names.size(), 0.0);
  for (std::size_t s = 0; s < settings.output_samples; ++s) {
    std::vector<double>& row = draws.emplace_back();
    double p = 0, g = 0;
    for (std::size_t j = 0; j < names.size(); ++j) {
      double z = stream.normal(0, 0.8) + static_cast<double>(j);  // element j centred at j
      row.push_back(z);
      p += log_normal(z, static_cast<double>(j) + 0.2, 1.0);
      g += log_normal(z, static_cast<double>(j), 0.8);
    }
    log_p.push_back(p);
    log_g.push_back(g);
  }
  for (std::size_t j = 0; j < names.size(); ++j) mean[j] = static_cast<double>(j);  // the guide's mean
  {
    std::ofstream out(path, std::ios::binary);
    out << format_draws_csv(variational_draws_file(settings, names, mean, draws, log_p, log_g));
  }
  PosteriorDraws back = posterior_draws(read_draws_csv(path.string()));
  CHECK(back.names == names);
  CHECK(back.rows == draws);
  CHECK(back.log_p == log_p);
  CHECK(back.log_g == log_g);
  if (!requested) std::filesystem::remove(path);
}

}  // namespace
}  // namespace pm::io
