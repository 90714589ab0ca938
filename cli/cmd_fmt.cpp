// `pgshift fmt -f FILE|DIR [--check] [--force]`: rewrites schema files in canonical form
// (schema::to_yaml). A directory is formatted file by file: each *.yaml / *.yml file is loaded alone
// and rewritten in place. yaml-cpp cannot keep comments, so a file with comments is rewritten only with
// --force (and a warning); otherwise fmt changes nothing and says which files have them.
// --check writes nothing and exits 2 when a file would change.
#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "schema/yaml_io.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::cli {

namespace fs = std::filesystem;

namespace {

struct FmtCliOptions {
  std::string file;
  bool check = false;
  bool force = false;
};

struct FileChange {
  fs::path path;
  std::string formatted;
  bool has_comments = false;
};

std::vector<fs::path> yaml_files(const fs::path& root) {
  if (!fs::is_directory(root)) {
    if (!fs::exists(root)) {
      throw Error(fmt::format("{}: no such file or directory", root.string()));
    }
    return {root};
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(fmt::format("cannot read {}: {}", path.string(), std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A '#' at the start of a line or after a space, outside quotes, starts a YAML comment. Conservative:
// a '#' inside a block scalar (e.g. a function body) counts too, which only means --force is needed.
bool has_comment(std::string_view text) {
  for (const auto& line : util::split(text, '\n')) {
    char quote = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      if (quote != 0) {
        if (c == '\\' && quote == '"') {
          ++i;
        } else if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
        return true;
      }
    }
  }
  return false;
}

void write_file(const fs::path& path, const std::string& content) {
  fs::path tmp = path;
  tmp += ".pgshift-fmt.tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    if (!out) {
      throw Error(fmt::format("cannot write {}: {}", tmp.string(), std::strerror(errno)));
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    throw Error(fmt::format("cannot write {}: {}", path.string(), ec.message()));
  }
}

// Loads every file first, so a file that does not load stops fmt before anything is written.
std::vector<FileChange> changes_for(const std::vector<fs::path>& files) {
  std::vector<FileChange> changes;
  for (const auto& path : files) {
    std::string text = read_file(path);
    std::string formatted = schema::to_yaml(schema::load_schema_text(text, path.string()));
    if (formatted != text) {
      changes.push_back({path, std::move(formatted), has_comment(text)});
    }
  }
  return changes;
}

void refuse_dropping_comments(const std::vector<FileChange>& changes) {
  std::vector<std::string> names;
  for (const auto& c : changes) {
    if (c.has_comments) {
      names.push_back(c.path.string());
    }
  }
  if (!names.empty()) {
    throw Error(fmt::format("not reformatting: comments would be lost in {}", util::join(names, ", ")), {},
                "yaml-cpp cannot keep comments; rerun with --force to rewrite these files without them");
  }
}

void run_fmt(const FmtCliOptions& o) {
  auto files = yaml_files(schema_path(o.file));
  auto changes = changes_for(files);
  if (o.check) {
    for (const auto& c : changes) {
      std::cout << "would reformat " << c.path.string() << "\n";
    }
    std::cout << fmt::format("{} of {} files would be reformatted\n", changes.size(), files.size());
    set_exit_code(changes.empty() ? k_exit_ok : k_exit_changes);
    return;
  }
  if (!o.force) {
    refuse_dropping_comments(changes);
  }
  for (const auto& c : changes) {
    write_file(c.path, c.formatted);
    std::cout << "reformatted " << c.path.string() << "\n";
    if (c.has_comments) {
      std::cerr << "pgshift: warning: " << c.path.string() << ": comments dropped (yaml-cpp cannot keep them)\n";
    }
  }
  std::cout << fmt::format("{} of {} files reformatted\n", changes.size(), files.size());
  set_exit_code(k_exit_ok);
}

}  // namespace

void setup_fmt(CLI::App& app) {
  auto opts = std::make_shared<FmtCliOptions>();
  CLI::App* cmd = app.add_subcommand("fmt", "Rewrite schema files in canonical form (comments are not kept)");
  cmd->add_option("-f,--file", opts->file, "A YAML file or a directory of them, each formatted alone (default: `schema:` of pgshift.yaml)");
  cmd->add_flag("--check", opts->check, "Write nothing; exit 2 when a file would change");
  cmd->add_flag("--force", opts->force, "Rewrite files even when their comments would be lost");
  cmd->callback([opts] { run_fmt(*opts); });
}

}  // namespace pgshift::cli
