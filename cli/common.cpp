#include "cli/common.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "lang/syntax/parse.hpp"
#include "lang/syntax/printer.hpp"

namespace pm::cli {

std::unique_ptr<LoadedModel> load_model(const std::string& path) {
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
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      std::cerr << "pm: cannot write '" << path << "': " << std::strerror(errno) << "\n";
      return false;
    }
    out << text;
    out.flush();
    if (!out) {
      std::cerr << "pm: cannot write '" << path << "': " << std::strerror(errno) << "\n";
      std::remove(temporary.c_str());
      return false;
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::cerr << "pm: cannot write '" << path << "': " << std::strerror(errno) << "\n";
    std::remove(temporary.c_str());
    return false;
  }
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

std::optional<compile::CompiledModel> load_data_and_compile(const LoadedModel& loaded,
                                                            const std::vector<std::string>& data_arguments,
                                                            const compile::CompileOptions& options) {
  io::DataMessages messages;
  std::optional<io::DataSet> data =
      io::load_data(loaded.checked, loaded.file.get(), data_sources_from_arguments(data_arguments), messages);
  std::cerr << messages.render();
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

}  // namespace pm::cli
