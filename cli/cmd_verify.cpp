// `pgshift verify [--db URL] (-f FILE|DIR | PLAN.json) [--scratch-url URL] [--sample-rows N]
// [--queries FILE] [--format text|markdown|json] [--allow-hazards LIST|all] [--role NAME]...`: proves the
// plan on a scratch copy of the database (executor/scratch/verify.hpp): applies it phase by phase, rolls it
// back from every phase, compares schema and sampled data, and drops the copy, also on Ctrl-C.
// Exit 0 when proven, 1 when not (or on an error), 130 when interrupted.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "executor/apply.hpp"
#include "executor/sql_kind.hpp"
#include "executor/scratch/verify.hpp"
#include "planner/report/render.hpp"
#include "util/error.hpp"

namespace pgshift::cli {

namespace {

constexpr int k_exit_interrupted = 130;  // 128 + SIGINT, as a shell reports it

struct VerifyCliOptions {
  std::string db;
  std::string file;       // -f: YAML file or directory, or a plan .json
  std::string plan_file;  // positional PLAN.json
  std::string scratch_url;
  int sample_rows = 1000;
  std::string queries;
  std::string format = "text";
  std::string allow_hazards;
  std::vector<std::string> roles;
};

volatile std::sig_atomic_t g_interrupted = 0;

// The first SIGINT or SIGTERM asks the run to stop (it drops the scratch database on the way out);
// a second one ends the process at once.
extern "C" void on_interrupt(int sig) {
  if (g_interrupted) {
    signal(sig, SIG_DFL);
    raise(sig);
  }
  g_interrupted = 1;
}

// Installs on_interrupt for SIGINT and SIGTERM (without SA_RESTART, so waits wake up) while it lives.
class InterruptHandler {
 public:
  InterruptHandler() {
    struct sigaction sa = {};
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &m_old_int);
    sigaction(SIGTERM, &sa, &m_old_term);
  }
  ~InterruptHandler() {
    sigaction(SIGINT, &m_old_int, nullptr);
    sigaction(SIGTERM, &m_old_term, nullptr);
  }
  InterruptHandler(const InterruptHandler&) = delete;
  InterruptHandler& operator=(const InterruptHandler&) = delete;

 private:
  struct sigaction m_old_int = {}, m_old_term = {};
};

bool is_json_path(const std::string& path) { return path.size() > 5 && path.substr(path.size() - 5) == ".json"; }

std::string read_text(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot read " + what + " " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

planner::Plan read_plan(const std::string& path) {
  try {
    return planner::plan_from_json(nlohmann::json::parse(read_text(path, "plan file")));
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(path + ": not a plan: " + e.what(), {}, "write plan files with `pgshift plan -f SCHEMA -o plan.json`");
  }
}

std::vector<std::string> read_queries(const std::string& path) {
  auto statements = executor::split_statements(read_text(path, "queries file"));
  if (statements.empty()) {
    throw Error("no SQL statements in " + path, {}, "write the queries to EXPLAIN separated by `;`");
  }
  return statements;
}

// Test seam: with PGSHIFT_TEST_VERIFY_PAUSE set, the first plan step waits (up to a minute) for an
// interrupt after saying so on stderr, so that a test can send SIGINT at a known point.
std::function<bool(const std::string&)> test_pause() {
  const char* pause = std::getenv("PGSHIFT_TEST_VERIFY_PAUSE");
  if (pause == nullptr || *pause == '\0') return {};
  auto paused = std::make_shared<bool>(false);
  return [paused](const std::string& step_id) {
    if (*paused) return true;
    *paused = true;
    std::cerr << "pgshift: test: paused before " << step_id << std::endl;
    for (int i = 0; i < 600 && !g_interrupted; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return true;
  };
}

executor::VerifyOptions verify_options(const VerifyCliOptions& o) {
  std::string file = o.file.empty() && o.plan_file.empty() && project().schema ? *project().schema : o.file;
  std::string yaml = o.plan_file.empty() && is_json_path(file) ? "" : file;
  std::string plan = !o.plan_file.empty() ? o.plan_file : is_json_path(file) ? file : "";
  if (yaml.empty() && plan.empty()) {
    throw Error("give the desired schema with -f FILE|DIR, or a saved plan PLAN.json (or both)");
  }
  if (is_json_path(yaml)) {
    throw Error("give one plan file: -f " + yaml + " and " + plan + " are both plans");
  }
  executor::VerifyOptions v;
  v.source_conninfo = resolve_db_url(o.db);
  v.scratch_server_conninfo = o.scratch_url;
  v.sample_rows = o.sample_rows;
  v.managed_roles = o.roles;
  v.allowed_hazards = executor::parse_hazard_list(o.allow_hazards);
  if (!plan.empty()) v.plan = read_plan(plan);
  if (!o.queries.empty()) v.queries = read_queries(o.queries);
  // The desired schema is normalized through the server the copy goes to.
  if (!yaml.empty()) v.desired = load_desired(yaml, o.roles, o.scratch_url.empty() ? o.db : o.scratch_url);
  v.cancelled = [] { return g_interrupted != 0; };
  v.progress = [](const std::string& line) { std::cerr << "pgshift: " << line << std::endl; };
  v.before_step = test_pause();
  return v;
}

void run_verify(const VerifyCliOptions& o) {
  g_interrupted = 0;
  InterruptHandler handler;
  executor::VerifyOptions options = verify_options(o);
  executor::VerifyReport report;
  try {
    report = executor::verify(options);
  } catch (const executor::Cancelled& e) {
    std::cerr << "pgshift: " << e.message() << "\n";
    set_exit_code(k_exit_interrupted);
    return;
  }
  if (o.format == "json") {
    std::cout << executor::verify_report_to_json(report).dump(2) << "\n";
  } else if (o.format == "markdown") {
    std::cout << executor::render_verify_markdown(report);
  } else {
    std::cout << executor::render_verify_text(report);
  }
  set_exit_code(report.proven ? k_exit_ok : k_exit_error);
}

}  // namespace

void setup_verify(CLI::App& app) {
  auto opts = std::make_shared<VerifyCliOptions>();
  CLI::App* cmd = app.add_subcommand("verify", "Prove a plan on a scratch copy: apply, roll back from every phase, compare");
  add_db_option(cmd, opts->db);
  cmd->add_option("-f,--file", opts->file, "Desired schema: a YAML file or a directory of them (or a plan .json)");
  cmd->add_option("plan", opts->plan_file, "A plan saved with `pgshift plan -o plan.json` (with -f: the schema it is for)");
  cmd->add_option("--scratch-url", opts->scratch_url,
                  "Make the scratch copy on this server (any database URL of it; default: the database's own server)");
  cmd->add_option("--sample-rows", opts->sample_rows, "Rows copied per table, foreign keys kept (default: 1000; 0 = none)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--queries", opts->queries, "SQL statements separated by `;` to EXPLAIN before and after the plan");
  cmd->add_option("--format", opts->format, "Report format (default: text)")
      ->check(CLI::IsMember({"text", "markdown", "json"}));
  cmd->add_option("--allow-hazards", opts->allow_hazards,
                  "Hazards the real apply will be allowed (as for `pgshift apply`); others make the proof fail");
  cmd->add_option("--role", opts->roles, "Also manage grants to this role (as given to `pgshift plan`)");
  cmd->callback([opts] { run_verify(*opts); });
}

}  // namespace pgshift::cli
