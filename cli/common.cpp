#include "cli/common.hpp"

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

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

bool valid_utf8(std::string_view text) {
  // RFC 3629: 1 to 4 bytes, no overlong forms, no surrogates, nothing beyond U+10FFFF.
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  for (std::size_t k = 0, n = text.size(); k < n;) {
    unsigned char lead = bytes[k];
    std::size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || k + length > n) return false;
    std::uint32_t code = length == 1 ? lead : lead & (0x7F >> length);
    for (std::size_t j = 1; j < length; ++j) {
      if ((bytes[k + j] & 0xC0) != 0x80) return false;
      code = (code << 6) | (bytes[k + j] & 0x3F);
    }
    static constexpr std::uint32_t kSmallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kSmallest[length] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    k += length;
  }
  return true;
}

std::string escaped_bytes(std::string_view text) {
  std::string out;
  for (std::size_t k = 0; k < text.size(); ++k) {
    // Valid characters stay; each byte of an invalid sequence becomes \xNN.
    std::size_t length = 1;
    while (length <= 4 && k + length <= text.size() && !valid_utf8(text.substr(k, length))) ++length;
    if (length <= 4 && k + length <= text.size()) {
      out.append(text.substr(k, length));
      k += length - 1;
    } else {
      out += fmt::format("\\x{:02X}", static_cast<unsigned char>(text[k]));
    }
  }
  return out;
}

bool json_arguments_are_utf8(int argc, char** argv) {
  bool json = false;
  for (int k = 1; k < argc; ++k) json = json || std::string_view(argv[k]) == "--json";
  if (!json) return true;
  for (int k = 1; k < argc; ++k) {
    if (valid_utf8(argv[k])) continue;
    std::cerr << "pm: the argument '" << escaped_bytes(argv[k])
              << "' is not valid UTF-8, which --json output cannot hold (JSON is UTF-8); rename the file, or drop "
                 "--json\n";
    return false;
  }
  return true;
}

namespace {

// A count's check (no description: the help keeps CLI11's UINT): CLI11 reads "-1" into a
// size_t as 2^64 - 1 (strtoull wraps), and 2^64 as 2^64 - 1 too (ERANGE is not checked), so
// a count would mean "forever" instead of an error. Digits only, at most 2^64 - 1.
CLI::Validator not_negative() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        const std::size_t start = text.size() > 1 && text[0] == '+' ? 1 : 0;  // "+5", as std::stoll reads it
        bool ok = text.size() > start && text.find_first_not_of("0123456789", start) == std::string::npos;
        if (ok) {
          errno = 0;
          (void)std::strtoull(text.c_str(), nullptr, 10);
          ok = errno != ERANGE;
        }
        if (!ok) return "must be a whole number from 0 to 18446744073709551615 (got " + text + ")";
        return {};
      },
      "");
}

void refuse_negative_counts_in(CLI::App& command) {
  for (CLI::Option* option : command.get_options()) {
    const std::string type = option->get_type_name();
    if (type.rfind("UINT", 0) == 0) option->check(not_negative());
  }
  for (CLI::App* subcommand : command.get_subcommands({})) refuse_negative_counts_in(*subcommand);
}

}  // namespace

void refuse_negative_counts(CLI::App& app) { refuse_negative_counts_in(app); }

void add_threads_option(CLI::App* command, std::size_t& threads) {
  command->add_option("--threads", threads,
                      "worker threads (accepted for CLI.md; this version runs on one thread, results do not depend on it)")
      ->check(whole_number_at_least(1))
      ->capture_default_str();
}

}  // namespace pm::cli
