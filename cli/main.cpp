// pgshift's entry point: builds the CLI from the table of subcommands, runs one, and is the single
// place where errors are caught and printed.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <pqxx/pqxx>

#include "cli/commands.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

#ifndef PGSHIFT_VERSION
#define PGSHIFT_VERSION "dev"
#endif

namespace pgshift::cli {

namespace {

// Every subcommand, in the order `pgshift --help`, the man page and completion list them.
struct Command {
  const char* name;
  void (*setup)(CLI::App& app);
};
constexpr Command k_commands[] = {
    {"init", setup_init},         {"inspect", setup_inspect},   {"plan", setup_plan},
    {"apply", setup_apply},       {"verify", setup_verify},     {"rollback", setup_rollback},
    {"purge", setup_purge},       {"status", setup_status},     {"history", setup_history},
    {"backup", setup_backup},     {"backups", setup_backups},   {"restore", setup_restore},
    {"drift", setup_drift},       {"validate", setup_validate}, {"fmt", setup_fmt},
    {"sandbox", setup_sandbox},   {"completion", setup_completion}, {"man", setup_man},
};

int g_exit_code = k_exit_ok;

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) names.push_back(sub->get_name());
  return names;
}

// CLI11 reports an unknown subcommand as "extra arguments"; add a suggestion.
void print_parse_error(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  std::string msg = e.what();
  std::cerr << "pgshift: error: " << msg << "\n";
  if (argc > 1 && argv[1][0] != '-') {
    std::string word = argv[1];
    auto names = command_names(app);
    if (std::find(names.begin(), names.end(), word) == names.end()) {
      std::string near = util::nearest(word, names);
      if (!near.empty()) std::cerr << "hint: did you mean `" << near << "`?\n";
    }
  }
  // An unknown --flag: suggest the nearest flag of that subcommand.
  if (argc > 1) {
    const CLI::App* sub = nullptr;
    for (const auto* candidate : app.get_subcommands([](const CLI::App*) { return true; })) {
      if (candidate->get_name() == argv[1]) sub = candidate;
    }
    if (sub != nullptr) {
      std::vector<std::string> flags;
      for (const auto* opt : sub->get_options()) {
        for (const auto& name : opt->get_lnames()) flags.push_back("--" + name);
      }
      for (int i = 2; i < argc; ++i) {
        std::string word = argv[i];
        if (word.rfind("--", 0) != 0) continue;
        word = word.substr(0, word.find('='));
        if (std::find(flags.begin(), flags.end(), word) != flags.end()) continue;
        std::string near = util::nearest(word, flags);
        if (!near.empty()) std::cerr << "hint: did you mean `" << near << "`?\n";
      }
    }
  }
  std::cerr << "Run 'pgshift --help' for usage.\n";
}
}  // namespace

void set_exit_code(int code) { g_exit_code = code; }
int exit_code() { return g_exit_code; }

}  // namespace pgshift::cli

int main(int argc, char** argv) {
  using namespace pgshift;
  CLI::App app{"pgshift: declarative, zero-downtime schema changes for PostgreSQL"};
  app.set_version_flag("--version", std::string("pgshift ") + PGSHIFT_VERSION);
  app.require_subcommand(1);
  app.fallthrough(false);
  for (const auto& c : cli::k_commands) c.setup(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    cli::print_parse_error(app, e, argc, argv);
    return cli::k_exit_error;
  } catch (const Error& e) {
    std::cerr << "pgshift: error: " << e.render() << "\n";
    return cli::k_exit_error;
  } catch (const pqxx::sql_error& e) {
    std::cerr << "pgshift: error: " << util::mask_password(e.what()) << "\n";
    if (!e.sqlstate().empty()) std::cerr << "SQLSTATE " << e.sqlstate() << "\n";
    return cli::k_exit_error;
  } catch (const std::exception& e) {
    std::cerr << "pgshift: error: " << util::mask_password(e.what()) << "\n";
    return cli::k_exit_error;
  }
  return cli::exit_code();
}
