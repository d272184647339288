// The `pm` program: one CLI11 app, one file per subcommand (command_*.cpp), each adding
// itself through an add_*_command function declared in common.hpp. Exit codes follow CLI.md:
// 0 success, 1 inference failed, 2 bad model, data or arguments.
#include <exception>
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/common.hpp"
#include "cli/interrupt.hpp"

int main(int argc, char** argv) {
  pm::cli::install_interrupt_handlers();  // Ctrl-C keeps nothing half-written (cli/interrupt.hpp)
  CLI::App app{"pm: probabilistic models, from a small language to answers"};
  app.require_subcommand(1);
  int exit_code = pm::cli::kExitSuccess;
  pm::cli::add_check_command(app, exit_code);
  pm::cli::add_graph_command(app, exit_code);
  pm::cli::add_diagnose_command(app, exit_code);
  pm::cli::add_fit_command(app, exit_code);
  pm::cli::add_evidence_command(app, exit_code);
  pm::cli::add_sample_command(app, exit_code);
  pm::cli::add_summary_command(app, exit_code);
  pm::cli::add_compare_command(app, exit_code);
  pm::cli::add_score_command(app, exit_code);
  pm::cli::add_encode_command(app, exit_code);
  pm::cli::refuse_negative_counts(app);
  app.set_version_flag("--version", "pm " PM_VERSION);
  // Every file a command writes is staged here and committed once it returns: all outputs
  // or none (common.hpp). A return below without commit() removes the staged files.
  pm::cli::OutputSet outputs;
  if (!pm::cli::json_arguments_are_utf8(argc, argv)) return pm::cli::kExitBadInput;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ValidationError& error) {
    // A value our validators (common.hpp) refused: CLI11 says "--lr: must be ...", pm says
    // "pm: fit: --lr must be ...", as its other argument errors do.
    std::string message = error.what();
    if (const std::size_t colon = message.find(": "); colon != std::string::npos) message.erase(colon, 1);
    std::cerr << "pm: " << (argc > 1 && argv[1][0] != '-' ? std::string(argv[1]) + ": " : "") << message << "\n";
    return pm::cli::kExitBadInput;
  } catch (const CLI::ParseError& error) {
    // CLI11 answers an unknown first word with "A subcommand is required": name the word.
    if (argc > 1 && argv[1][0] != '-' && app.get_subcommands([&](CLI::App* command) {
                                            return command->get_name() == argv[1];
                                          }).empty()) {
      std::string commands;  // the registered ones, so the list cannot fall behind
      for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; }))
        commands += (commands.empty() ? "" : ", ") + command->get_name();
      std::cerr << "pm: unknown command '" << argv[1] << "' (commands: " << commands << "; see pm --help)\n";
      return pm::cli::kExitBadInput;
    }
    int code = app.exit(error);
    return code == 0 ? pm::cli::kExitSuccess : pm::cli::kExitBadInput;
  } catch (const nlohmann::json::type_error& error) {
    // 316: a string to print as JSON is not UTF-8 (a name read from a file, a path): refused
    // before any of it is printed, and the staged outputs are removed with `outputs`.
    if (error.id != 316) {
      std::cerr << "pm: internal error: " << error.what() << "\n";
      return pm::cli::kExitInferenceFailed;
    }
    std::cerr << "pm: a name or path of this run is not valid UTF-8, which JSON output (--json, --save-params, "
                 "sample's data files) cannot hold; nothing was written. Rename it (UTF-8) and run again\n";
    return pm::cli::kExitBadInput;
  } catch (const std::exception& error) {
    // Never a crash: anything a command did not catch is reported, and the run failed.
    std::cerr << "pm: internal error: " << error.what() << "\n";
    return pm::cli::kExitInferenceFailed;
  }
  if (!outputs.commit() && exit_code == pm::cli::kExitSuccess) exit_code = pm::cli::kExitBadInput;
  return pm::cli::interrupted() ? pm::cli::kExitInterrupted : exit_code;
}
