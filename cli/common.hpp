// What every subcommand shares: loading a model file (read, parse, check, with diagnostics
// rendered on stderr), atomic output files, and exit codes (CLI.md).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "engine/compile/compiled_model.hpp"
#include "engine/io/load_data.hpp"

#include "lang/check/check.hpp"
#include "lang/syntax/ast.hpp"
#include "lang/syntax/source.hpp"

namespace pm::cli {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitInferenceFailed = 1;
inline constexpr int kExitBadInput = 2;  // bad model, data or arguments

// A parsed and checked model. Held by pointer: `checked` points into `program`.
struct LoadedModel {
  std::unique_ptr<lang::SourceFile> file;
  lang::Program program;
  lang::CheckedProgram checked;
};

// Reads, parses and checks the model at `path`, printing every diagnostic (errors and
// warnings) on stderr. Null when the file cannot be read or the model is invalid.
std::unique_ptr<LoadedModel> load_model(const std::string& path);

// Output files (cli/output_files.cpp; docs/reliability.md says what pm promises).
//
// Writes `text` to `path`. A link is followed and its target written; a FIFO or a
// character device is opened and written, never replaced; a directory, block device or
// socket is refused. A regular file (or a new one) is written to a temporary beside it,
// TARGET.tmp.PID.N, fsync'ed and renamed into place, so that a failure leaves nothing
// half-written (stale temporaries of dead runs for the same target are removed first). While
// an OutputSet exists, the rename (or the write through) waits for its commit. On failure
// prints `pm: cannot write ...` and returns false.
bool write_file_atomically(const std::string& path, const std::string& text);

// Every output of a run, all or none (issue 15): while one exists, write_file_atomically
// stages each file (its temporary written and synced) and commit() puts them all in place,
// or, if any staged write failed or a signal came, none. The destructor (an exception, an
// early return) removes whatever was not committed. main() holds one around every command.
// Two staged writes to one file are refused (the second fails).
class OutputSet {
 public:
  OutputSet();
  ~OutputSet();
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;
  bool commit();   // false after printing why (a staged write had failed: nothing new kept)
  void abandon();  // removes every staged temporary
  void mark_failed() { failed_ = true; }
  bool stage(const std::string& path, const std::string& target, const std::string& temporary, int slot,
             const std::string& text);

 private:
  struct Staged {
    std::string path;       // as given, for messages
    std::string resolved;   // the file written (links followed)
    std::string temporary;  // empty: a FIFO or device, written through at commit from `text`
    int slot = -1;          // the interrupt handler's registration of `temporary`
    std::string text;
  };
  std::vector<Staged> staged_;
  std::unordered_map<std::string, std::size_t> index_;  // resolved name -> its entry
  OutputSet* previous_ = nullptr;
  bool failed_ = false;
};

// Before a run: every non-empty output path's directory exists and the path is not a
// directory (else prints `pm: cannot write ...` naming it and returns false), so that no
// inference runs for outputs that cannot be written.
bool output_directories_exist(const std::vector<std::string>& paths);

// A path and what it is in messages: {"-o", "fit.csv"}, {"model", "m.pm"}.
struct NamedPath {
  std::string role;
  std::string path;
};
// The files among `-d` arguments (not the name=value ones), each with `role`.
std::vector<NamedPath> data_file_inputs(const std::vector<std::string>& data_arguments, const std::string& role = "-d");
// Before a run: no output is one of the inputs, and no two outputs are one file (compared
// by inode when they exist, else by path with links, ".", ".." resolved; character devices
// such as /dev/null may repeat). Prints the first clash and returns false (exit 2).
bool refuse_overlapping_paths(const std::vector<NamedPath>& inputs, const std::vector<NamedPath>& outputs);

// "disease  P(0) = 0.838983  P(1) = 0.161017" on stdout, one line per element of each
// summed-out latent (the first 10; --json and --discrete-out hold all), then the latents
// whose posterior the engine cannot form (`unavailable`).
void print_discrete_posteriors(const std::vector<compile::DiscretePosterior>& posteriors,
                               const std::vector<std::string>& unavailable = {});

// A JSON file (--init, --params), or nullopt after printing why it cannot be read or parsed.
std::optional<nlohmann::json> read_json_file(const std::string& path);

// The declared type as written: "vector<lower=0>[K]", "array[N] int<lower=1, upper=K>".
std::string declared_type_text(const lang::TypeSpec& spec);
// A net as declared: "mlp(8, 128, D, activation = relu, output = sigmoid)".
std::string net_text(const lang::NetDeclaration& net);
// One statement on one line: "y ~ normal(theta, sigma)", "target += ...", "mu[i] = ...".
std::string statement_text(const lang::Stmt& stmt);

// The `-d` arguments as data sources (CLI.md): `name=value` sets one scalar, anything else
// (a path: it has a '/' or a '.' before any '=') is a file.
std::vector<io::DataSource> data_sources_from_arguments(const std::vector<std::string>& arguments);

// Loads the data of the `-d` arguments against the model, printing every data message on
// stderr. Nullopt (exit 2) when it fails.
std::optional<io::DataSet> load_model_data(const LoadedModel& loaded, const std::vector<std::string>& data_arguments);

// Loads the data of the `-d` arguments against the model and compiles it, printing every
// data message and compiler diagnostic on stderr. Nullopt (exit 2) when either fails.
std::optional<compile::CompiledModel> load_data_and_compile(const LoadedModel& loaded,
                                                            const std::vector<std::string>& data_arguments,
                                                            const compile::CompileOptions& options);

// The data ints of a fit (every scalar int data value: the sizes), which --save-params keeps
// under "__sizes__" so that `pm sample --params` can draw data of the fitted shapes.
nlohmann::json saved_sizes(const lang::CheckedProgram& checked, const io::DataSet& data);
inline nlohmann::json with_sizes(nlohmann::json saved, const lang::CheckedProgram& checked, const io::DataSet& data) {
  saved["__sizes__"] = saved_sizes(checked, data);
  return saved;
}

// CLI11 validators that say what a value may be in pm's words (CLI11's own range checks
// print the limits of a double): a whole number >= minimum; a finite number > 0; a seed (a
// whole number 0 .. 2^64 - 1, never negative). main() prints a failed one as
// `pm: COMMAND: --option must be ... (got VALUE)`, exit 2.
CLI::Validator whole_number_at_least(long long minimum);
CLI::Validator positive_finite();
CLI::Validator seed_value();
// Every unsigned option of every command (the counts: -n, --iter, --draws, --starts,
// --epochs, --batch, --k, ...) refuses a negative value, "-1" included, which CLI11 would
// read as 2^64 - 1. main() calls it once all commands are added, so a new count option is
// covered without a check of its own; an option's own validator still runs first.
void refuse_negative_counts(CLI::App& app);

// `--threads T` (CLI.md, fit and evidence): accepted and checked (T >= 1) so that scripts
// written to CLI.md run; this version evaluates every program on one thread, so T does not
// change any result (docs/cli.md).
void add_threads_option(CLI::App* command, std::size_t& threads);

// Saved params against the model they are read into (cli/saved_shapes.cpp): a value whose
// nested-array shape differs from the model's is refused, naming it and both shapes
// ("pm: sample: p.json: 'mu' is [4] in the file but [3] in this model"; an empty `command`
// leaves "sample: " out); so is a saved guide of the model's
// family whose parameters of one variable number differently. Prints why and returns false.
bool saved_value_fits(const std::string& path, std::string_view command, const std::string& name,
                      const nlohmann::json& value, const std::vector<std::size_t>& dims);
bool saved_params_fit_model(const nlohmann::json& saved, const compile::CompiledModel& model, const std::string& path,
                            std::string_view command, const std::vector<std::string>& guide_parameter_names = {},
                            const std::string& guide_family = "");

// JSON strings are UTF-8 (RFC 8259 8.1): nlohmann refuses to print any other bytes (its
// type_error 316). A path or name that is not UTF-8 is refused before a run whose output is
// JSON (--json), shown with its bad bytes as \xNN.
bool valid_utf8(std::string_view text);
std::string escaped_bytes(std::string_view text);  // "caf\xE9.json"
// With --json among the arguments, every argument is UTF-8; else prints which is not (false).
bool json_arguments_are_utf8(int argc, char** argv);

// Each subcommand adds itself to the app; its callback stores the exit code.
void add_check_command(CLI::App& app, int& exit_code);
void add_graph_command(CLI::App& app, int& exit_code);
void add_diagnose_command(CLI::App& app, int& exit_code);
void add_fit_command(CLI::App& app, int& exit_code);
void add_evidence_command(CLI::App& app, int& exit_code);
void add_sample_command(CLI::App& app, int& exit_code);
void add_summary_command(CLI::App& app, int& exit_code);
void add_compare_command(CLI::App& app, int& exit_code);
void add_score_command(CLI::App& app, int& exit_code);
void add_encode_command(CLI::App& app, int& exit_code);

}  // namespace pm::cli
