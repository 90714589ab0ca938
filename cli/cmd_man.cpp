// `pgshift man`: prints pgshift(1), a troff man page generated from the registered subcommands, their
// descriptions and their options' help texts, so it never goes stale. The build writes it to
// build/pgshift.1 (view with `man -l build/pgshift.1`); install it into man1/ like any page.
#include <iostream>
#include <sstream>
#include <string>

#include "cli/commands.hpp"

#ifndef PGSHIFT_VERSION
#define PGSHIFT_VERSION "dev"
#endif

namespace pgshift::cli {

namespace {

// Escapes text for troff: backslashes, and a leading period or apostrophe (a request otherwise).
std::string roff(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::string option_names(const CLI::Option& opt) {
  std::string names;
  for (const auto& s : opt.get_snames()) names += (names.empty() ? "" : ", ") + std::string("\\-") + s;
  for (const auto& l : opt.get_lnames()) names += (names.empty() ? "" : ", ") + std::string("\\-\\-") + roff(l);
  if (names.empty()) names = roff(opt.get_name());  // a positional
  std::string type = opt.get_type_name();
  if (opt.get_type_size() != 0 && !type.empty()) names += " \\fI" + roff(type) + "\\fR";
  return names;
}

void options(std::ostream& os, const CLI::App& app) {
  for (const auto* opt : app.get_options()) {
    if (opt->get_lnames().size() == 1 && opt->get_lnames()[0] == "help") continue;
    os << ".TP\n.B " << option_names(*opt) << "\n" << roff(opt->get_description().empty() ? "(no description)" : opt->get_description())
       << "\n";
  }
}

void commands(std::ostream& os, const CLI::App& app, const std::string& prefix) {
  for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    std::string name = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
    os << ".SS \"pgshift " << roff(name) << "\"\n" << roff(sub->get_description()) << "\n";
    options(os, *sub);
    commands(os, *sub, name);
  }
}

std::string man_page(const CLI::App& root) {
  std::ostringstream os;
  os << ".TH PGSHIFT 1 \"\" \"pgshift " << PGSHIFT_VERSION << "\" \"User Commands\"\n"
     << ".SH NAME\npgshift \\- declarative, zero\\-downtime schema changes for PostgreSQL\n"
     << ".SH SYNOPSIS\n.B pgshift\n.I command\n[\\fIoptions\\fR]\n"
     << ".SH DESCRIPTION\n"
        "You write the schema you want in YAML. pgshift reads the live database's catalog, computes the\n"
        "difference and orders it into an expand/contract plan in four phases: \\fBadd\\fR, \\fBbackfill\\fR,\n"
        "\\fBswitch\\fR and \\fBdrop\\fR. Every step carries its reverse. \\fBplan\\fR shows it (text, SQL,\n"
        "markdown or JSON), \\fBverify\\fR proves it on a scratch copy, \\fBapply\\fR runs it phase by phase\n"
        "so old and new application code keep working, \\fBrollback\\fR undoes it, and \\fBdrift\\fR reports\n"
        "changes made by hand.\n"
     << ".SH COMMANDS\n";
  commands(os, root, "");
  os << ".SH EXIT STATUS\n"
        ".TP\n.B 0\nSuccess; no changes (plan, drift).\n"
        ".TP\n.B 1\nAn error; nothing was changed beyond what the message says.\n"
        ".TP\n.B 2\nChanges planned (plan \\-\\-detailed\\-exitcode) or drift found (drift).\n"
        ".TP\n.B 130\nInterrupted (verify), after cleaning up.\n"
        ".SH ENVIRONMENT\n"
        ".TP\n.B PGSHIFT_DATABASE_URL, DATABASE_URL\nThe database when \\-\\-db is not given (in that order).\n"
        ".TP\n.B NO_COLOR\nDisables colour in terminal output.\n"
        ".SH FILES\n"
        ".TP\n.B pgshift.yaml\nThe project file written by \\fBpgshift init\\fR.\n"
        ".TP\n.B pgshift schema\nIn the target database: the migrations and steps state tables (\\fBstatus\\fR, \\fBhistory\\fR).\n"
        ".SH SEE ALSO\n"
        "The README and docs/ in the source tree: schema\\-format.md, plan\\-format.md, expand\\-contract.md,\n"
        "drift\\-format.md, verify.md, ci.md.\n";
  return os.str();
}

}  // namespace

void setup_man(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("man", "Print the pgshift(1) man page (troff), generated from the help text");
  CLI::App* root = &app;
  cmd->callback([root] {
    std::cout << man_page(*root);
    set_exit_code(k_exit_ok);
  });
}

}  // namespace pgshift::cli
