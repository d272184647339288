#include "cli/common.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/interrupt.hpp"
#include "lang/syntax/parse.hpp"
#include "lang/syntax/printer.hpp"

namespace pm::cli {

std::unique_ptr<LoadedModel> load_model(const std::string& path) {
  // An ifstream opens a directory and reads it as "": an empty, valid model. Refuse it.
  std::error_code status_error;
  if (std::filesystem::is_directory(path, status_error)) {
    std::cerr << "pm: cannot read '" << path << "': it is a directory, not a model file\n";
    return nullptr;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "pm: cannot read '" << path << "': " << std::strerror(errno) << "\n";
    return nullptr;
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    std::cerr << "pm: cannot read '" << path << "': " << std::strerror(errno) << "\n";
    return nullptr;
  }
  auto model = std::make_unique<LoadedModel>();
  model->file = std::make_unique<lang::SourceFile>(path, text.str());
  lang::Diagnostics diagnostics;
  auto program = lang::parse_program(*model->file, diagnostics);
  if (program) {
    model->program = std::move(*program);
    model->checked = lang::check_program(model->program, diagnostics);
  }
  std::cerr << lang::render_all(*model->file, diagnostics);
  if (!program || diagnostics.has_errors()) return nullptr;
  return model;
}

bool write_file_atomically(const std::string& path, const std::string& text) {
  // The temporary file sits beside the target (rename is atomic only within a file system)
  // under a name no one else uses: the pid, and a counter against a stale file of an earlier
  // run. It is registered with the interrupt handler BEFORE it is created, so a Ctrl-C at any
  // point removes it (cli/interrupt.hpp).
  auto fail = [&path](int error) {
    std::cerr << "pm: cannot write '" << path << "': " << std::strerror(error) << "\n";
    return false;
  };
  std::string temporary;
  int descriptor = -1;
  for (int attempt = 0; descriptor < 0 && attempt < 100; ++attempt) {
    temporary = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(attempt);
    if (!register_temporary_file(temporary)) return fail(ENAMETOOLONG);
    descriptor = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (descriptor < 0 && errno != EEXIST) {
      int error = errno;
      clear_temporary_file();
      return fail(error);
    }
  }
  if (descriptor < 0) {
    clear_temporary_file();
    return fail(EEXIST);
  }
  auto abandon = [&](int error) {
    close(descriptor);
    std::remove(temporary.c_str());
    clear_temporary_file();
    return fail(error);
  };
  for (std::size_t written = 0; written < text.size();) {
    ssize_t count = write(descriptor, text.data() + written, text.size() - written);
    if (count < 0 && errno == EINTR) continue;
    if (count < 0) return abandon(errno);
    written += static_cast<std::size_t>(count);
  }
  // On disk before the rename, so that a crash cannot leave the new name on empty blocks.
  if (fsync(descriptor) != 0 && errno != EINVAL) return abandon(errno);
  if (close(descriptor) != 0) {
    int error = errno;
    std::remove(temporary.c_str());
    clear_temporary_file();
    return fail(error);
  }
  if (interrupted()) {  // the handler removed the file; the run is stopping: keep nothing
    clear_temporary_file();
    return false;
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    std::remove(temporary.c_str());
    clear_temporary_file();
    return fail(error);
  }
  clear_temporary_file();
  return true;
}

std::vector<io::DataSource> data_sources_from_arguments(const std::vector<std::string>& arguments) {
  std::vector<io::DataSource> sources;
  for (const std::string& argument : arguments) {
    std::size_t equals = argument.find('=');
    bool assignment = equals != std::string::npos && argument.find('/') == std::string::npos &&
                      argument.find('.', 0) > equals;
    sources.push_back(assignment ? io::DataSource::assignment(argument) : io::DataSource::file(argument));
  }
  return sources;
}

bool output_directories_exist(const std::vector<std::string>& paths) {
  for (const std::string& path : paths) {
    if (path.empty()) continue;
    std::filesystem::path directory = std::filesystem::path(path).parent_path();
    if (directory.empty()) directory = ".";
    std::error_code error;
    if (!std::filesystem::is_directory(directory, error)) {
      std::cerr << "pm: cannot write '" << path << "': the directory '" << directory.string() << "' does not exist\n";
      return false;
    }
  }
  return true;
}

std::optional<io::DataSet> load_model_data(const LoadedModel& loaded, const std::vector<std::string>& data_arguments) {
  io::DataMessages messages;
  std::optional<io::DataSet> data =
      io::load_data(loaded.checked, loaded.file.get(), data_sources_from_arguments(data_arguments), messages);
  std::cerr << messages.render();
  return data;
}

std::optional<compile::CompiledModel> load_data_and_compile(const LoadedModel& loaded,
                                                            const std::vector<std::string>& data_arguments,
                                                            const compile::CompileOptions& options) {
  std::optional<io::DataSet> data = load_model_data(loaded, data_arguments);
  if (!data) return std::nullopt;
  lang::Diagnostics diagnostics;
  std::optional<compile::CompiledModel> model = compile::compile_model(loaded.checked, *data, options, diagnostics);
  std::cerr << lang::render_all(*loaded.file, diagnostics);
  return model;
}

namespace {

std::string expression_list(const std::vector<lang::ExprPtr>& exprs) {
  std::string text;
  for (std::size_t i = 0; i < exprs.size(); ++i) {
    if (i > 0) text += ", ";
    text += lang::print_expression(*exprs[i]);
  }
  return text;
}

}  // namespace

std::string declared_type_text(const lang::TypeSpec& spec) {
  std::string text = lang::to_string(spec.base);
  if (!spec.constraints.empty()) {
    text += "<";
    for (std::size_t i = 0; i < spec.constraints.size(); ++i) {
      if (i > 0) text += ", ";
      text += spec.constraints[i].name + "=" + lang::print_expression(*spec.constraints[i].value);
    }
    text += ">";
  }
  if (!spec.sizes.empty()) text += "[" + expression_list(spec.sizes) + "]";
  if (!spec.array_sizes.empty()) text = "array[" + expression_list(spec.array_sizes) + "] " + text;
  return text;
}

std::string net_text(const lang::NetDeclaration& net) {
  std::string text = net.architecture + "(";
  for (std::size_t i = 0; i < net.widths.size(); ++i) {
    text += (i > 0 ? ", " : "") + lang::print_expression(*net.widths[i]);
  }
  for (const auto& option : net.options) text += ", " + option.name + " = " + option.value;
  return text + ")";
}


std::string statement_text(const lang::Stmt& stmt) {
  switch (stmt.kind) {
    case lang::StmtKind::Assign:
      return lang::print_expression(*stmt.lhs) + " = " + lang::print_expression(*stmt.rhs);
    case lang::StmtKind::Tilde:
      return lang::print_expression(*stmt.lhs) + " ~ " + stmt.distribution + "(" + expression_list(stmt.args) + ")";
    case lang::StmtKind::TargetPlus: return "target += " + lang::print_expression(*stmt.rhs);
    case lang::StmtKind::For:
      return "for (" + stmt.loop_variable + " in " + lang::print_expression(*stmt.lower) + ":" +
             lang::print_expression(*stmt.upper) + ")";
    case lang::StmtKind::Declare:
      return declared_type_text(stmt.declaration->type) + " " + stmt.declaration->name +
             (stmt.declaration->initializer ? " = " + lang::print_expression(*stmt.declaration->initializer) : "");
  }
  return "?";
}

// "disease  P(0) = 0.838983  P(1) = 0.161017", one line per element; long latents are cut.
void print_discrete_posteriors(const std::vector<compile::DiscretePosterior>& posteriors,
                    const std::vector<std::string>& unavailable) {
  constexpr std::size_t kMaxDiscreteRows = 10;  // per latent; --discrete-out and --json hold all
  for (const compile::DiscretePosterior& posterior : posteriors) {
    std::size_t width = 8;
    for (const std::string& name : posterior.element_names) width = std::max(width, name.size() + 2);
    for (std::size_t e = 0; e < posterior.element_names.size() && e < kMaxDiscreteRows; ++e) {
      std::string line = fmt::format("{:<{}}", posterior.element_names[e], width);
      for (std::size_t k = 0; k < posterior.values.size(); ++k)
        line += fmt::format("{}P({}) = {:.6f}", k ? "  " : "", posterior.values[k], posterior.probabilities[e][k]);
      std::cout << line << "\n";
    }
    if (posterior.element_names.size() > kMaxDiscreteRows)
      std::cout << fmt::format("... {} more: see --discrete-out FILE.csv or --json\n",
                               posterior.element_names.size() - kMaxDiscreteRows);
  }
  for (const std::string& name : unavailable)
    std::cout << name << "  (its exact posterior cannot be formed for this model yet)\n";
}

std::optional<nlohmann::json> read_json_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "pm: cannot read '" << path << "'\n";
    return std::nullopt;
  }
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    std::cerr << "pm: '" << path << "' is not valid JSON: " << error.what() << "\n";
    return std::nullopt;
  }
}

nlohmann::json saved_sizes(const lang::CheckedProgram& checked, const io::DataSet& data) {
  nlohmann::json sizes = nlohmann::json::object();
  for (const lang::Symbol& symbol : checked.symbols) {
    if (symbol.kind != lang::SymbolKind::Data || !symbol.type.is_int()) continue;
    const io::DataValue* value = data.find(symbol.name);
    if (value && value->is_scalar()) sizes[symbol.name] = static_cast<std::int64_t>(value->scalar());
  }
  return sizes;
}

CLI::Validator whole_number_at_least(long long minimum) {
  return CLI::Validator(
      [minimum](std::string& text) -> std::string {
        long long value = 0;
        std::size_t used = 0;
        try {
          value = std::stoll(text, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != text.size() || value < minimum)
          return "must be a whole number >= " + std::to_string(minimum) + " (got " + text + ")";
        return {};
      },
      "INT>=" + std::to_string(minimum));
}

CLI::Validator positive_finite() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double value = 0;
        std::size_t used = 0;
        try {
          value = std::stod(text, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != text.size() || !std::isfinite(value) || value <= 0)
          return "must be a finite number > 0 (got " + text + ")";
        return {};
      },
      "POSITIVE");
}

CLI::Validator seed_value() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::size_t used = 0;
        bool ok = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
        if (ok) {
          try {
            (void)std::stoull(text, &used);
          } catch (const std::exception&) {
            ok = false;
          }
        }
        if (!ok) return "must be a whole number from 0 to 18446744073709551615 (got " + text + ")";
        return {};
      },
      "SEED");
}

void add_threads_option(CLI::App* command, std::size_t& threads) {
  command->add_option("--threads", threads,
                      "worker threads (accepted for CLI.md; this version runs on one thread, results do not depend on it)")
      ->check(whole_number_at_least(1))
      ->capture_default_str();
}

}  // namespace pm::cli
