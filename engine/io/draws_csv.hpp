// The draws file (CLI.md "Output"): CmdStan's CSV layout, so that rstan's read_stan_csv,
// R's posterior (via read.csv) and ArviZ's from_cmdstan read what pm writes, and `pm summary`
// and `pm sample --from FIT.csv` read it back.
//
// Layout, as CmdStan writes it:
//   # model = eight_schools.pm             <- header comments: the settings, one per line,
//   # method = variational                    indented by two spaces per level
//   #   variational
//   #     algorithm = meanfield
//   #     ... iter, grad_samples, eta, adapt, tol_rel_obj, output_samples ...
//   # data / #   file = ..., # random / #   seed = ..., # output / #   file = ...
//   lp__,log_p__,log_g__,mu,tau,theta.1,theta.2     <- the header: dotted element names
//   # Stepsize adaptation complete.          <- body comments (after the header)
//   # eta = 1
//   0,0,0,4.4,3.6,6.2,5.1                    <- VI: the first row holds the guide's mean
//   0,-39.2,-7.7,3.9,2.1,5.0,4.8             <- then one row per draw (lp__ is 0, as CmdStan;
//   ...                                          log_p__ = log p(x, z), log_g__ = log q(z),
//                                                both on the unconstrained space)
//   #  Elapsed Time: 0.8 seconds (Total)     <- footer comments
// For optimize (pm fit --method map|mle): `method = optimize` and one row, lp__ first.
// Element names: pm's "theta[2]", "x[3,1]" are written "theta.2", "x.3.1" (CmdStan) and read
// back into the bracket form. Values are written in the shortest form that reads back to the
// same double (fmt's "{}"), so write -> read is exact.
//
//   io::DrawsFile file = io::variational_draws_file(settings, names, mean, draws, log_p, log_g);
//   write_file_atomically(path, io::format_draws_csv(file));
//   io::PosteriorDraws posterior = io::posterior_draws(io::read_draws_csv(path));  // throws DrawsCsvError
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pm::io {

struct DrawsFile {
  std::vector<std::string> header_comments;  // each '#' line before the header, without the '#'
  std::vector<std::string> names;            // column names in pm's bracket form ("lp__", "theta[2]")
  std::vector<std::string> body_comments;    // '#' lines after the header, before the first row
  std::vector<std::vector<double>> rows;     // one value per name
  std::vector<std::string> footer_comments;  // '#' lines after the first row (CmdStan's timing);
                                             // written after the last row
};

// "theta[2]" -> "theta.2", "x[3,1]" -> "x.3.1"; names without brackets are unchanged.
std::string cmdstan_column_name(std::string_view element_name);
// The inverse: "theta.2" -> "theta[2]", "x.3.1" -> "x[3,1]"; a name whose dotted suffix is not
// all integers ("a.b") is unchanged.
std::string element_name_from_column(std::string_view column_name);

// The file's text (layout above), ending in a newline.
std::string format_draws_csv(const DrawsFile& file);

// A malformed draws file: the message names the source and the line ("fit.csv:7: ...").
class DrawsCsvError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses text in the layout above; `source_name` prefixes error messages. Blank lines and a
// '\r' before each '\n' are accepted; every data row must have one number per header column.
DrawsFile parse_draws_csv(std::string_view text, const std::string& source_name);
// Reads and parses the file at `path` (DrawsCsvError also when it cannot be read).
DrawsFile read_draws_csv(const std::string& path);

// The value of the first header comment "key = value" (any indentation; CmdStan's
// " (Default)" suffix removed), or nullopt. Nested keys are not qualified: "iter" finds
// variational's iter, which comes before adapt's.
std::optional<std::string> draws_setting(const DrawsFile& file, std::string_view key);

// What a consumer needs: the draws of every element, without the sampler columns (names
// ending in "__") and, for method = variational, without the mean row.
struct PosteriorDraws {
  std::string method;                      // "variational", "optimize", "sample", or "" (not said)
  std::vector<std::string> names;          // bracket form
  std::vector<std::vector<double>> rows;   // one row per draw, one value per name
  std::vector<double> log_p, log_g;        // per draw, when the file has log_p__ and log_g__
  std::vector<double> column(std::size_t index) const;  // one element's draws
};
PosteriorDraws posterior_draws(const DrawsFile& file);

// Settings of a variational run, written as CmdStan 2.33 writes `method = variational`.
struct VariationalSettings {
  std::string model;                  // the model file
  std::string algorithm = "meanfield";  // meanfield | fullrank (pm adds map)
  std::size_t iter = 10000;
  std::size_t grad_samples = 1;
  std::size_t elbo_samples = 100;
  double eta = 1;
  bool adapt_engaged = true;
  std::size_t adapt_iter = 50;
  double tol_rel_obj = 0.01;
  std::size_t eval_elbo = 100;
  std::size_t output_samples = 1000;
  std::vector<std::pair<std::string, std::string>> pm_settings;  // pm's own ("pm_objective", "iwae:8")
  std::vector<std::string> data_files;
  std::uint64_t seed = 0;
  std::string output_file;
  std::optional<double> elapsed_seconds;  // written as CmdStan's "Elapsed Time" footer comment
};
std::vector<std::string> variational_comments(const VariationalSettings& settings);

// The VI draws file: header comments from `settings`; columns lp__, log_p__, log_g__, then
// `names`; the mean row (lp__ = log_p__ = log_g__ = 0, as CmdStan), then one row per draw
// (lp__ = 0). `draws[s]` has one value per name; log_p and log_g one value per draw.
DrawsFile variational_draws_file(const VariationalSettings& settings, const std::vector<std::string>& names,
                                 std::span<const double> mean, const std::vector<std::vector<double>>& draws,
                                 std::span<const double> log_p, std::span<const double> log_g);

// Settings of an optimization run, written as CmdStan 2.33 writes `method = optimize`.
struct OptimizeSettings {
  std::string model;
  double init_alpha = 0.001, tol_obj = 1e-12, tol_rel_obj = 1e4, tol_grad = 1e-8, tol_rel_grad = 1e7,
         tol_param = 1e-8;
  std::size_t history_size = 5;
  bool jacobian = false;
  std::size_t iter = 2000;
  std::vector<std::pair<std::string, std::string>> pm_settings;  // ("pm_method", "map"), ("starts", "4")
  std::vector<std::string> data_files;
  std::optional<std::string> init;  // an init file
  std::uint64_t seed = 0;
  std::string output_file;
};
std::vector<std::string> optimize_comments(const OptimizeSettings& settings);

}  // namespace pm::io
