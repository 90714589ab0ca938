// This file implements the integration test support (pg_test.hpp) on top of the sandbox the ctest
// fixture pg_cluster started (its directory is in $PGSHIFT_TEST_CLUSTER).
#include "tests/support/pg_test.hpp"

#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <sys/wait.h>

#include "executor/scratch/normalize.hpp"
#include "executor/connection.hpp"
#include "executor/sandbox/sandbox.hpp"
#include "schema/yaml_io.hpp"

namespace pgshift::test {

namespace {

std::string unique_name() {
  static std::atomic<int> counter{0};
  static std::mt19937 rng{std::random_device{}()};
  return "t_" + std::to_string(getpid()) + "_" + std::to_string(++counter) + "_" + std::to_string(rng() % 100000);
}

void exec_on(const std::string& conninfo, const std::string& sql) {
  auto conn = executor::connect(conninfo);
  pqxx::nontransaction tx(*conn);
  tx.exec(sql);
}

std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

std::string binary_path() {
  if (const char* env = std::getenv("PGSHIFT_BINARY"); env != nullptr && *env != '\0') {
    return env;
  }
#ifdef PGSHIFT_BINARY
  return PGSHIFT_BINARY;
#else
  throw std::runtime_error("PGSHIFT_BINARY is not set");
#endif
}

}  // namespace

std::string cluster_url() {
  const char* dir = std::getenv("PGSHIFT_TEST_CLUSTER");
  if (dir == nullptr || *dir == '\0') {
    throw std::runtime_error("PGSHIFT_TEST_CLUSTER is not set: run the integration tests through ctest");
  }
  return executor::sandbox_url(dir);
}

// Test database names are made here from [a-z0-9_] only, so they need no quoting.
TestDb::TestDb() : m_name(unique_name()) {
  exec_on(cluster_url(), "CREATE DATABASE " + m_name);
  m_url = executor::with_database(cluster_url(), m_name);
}

TestDb::~TestDb() {
  m_conn.reset();
  try {
    exec_on(cluster_url(), "DROP DATABASE IF EXISTS " + m_name + " WITH (FORCE)");
  } catch (const std::exception&) {
    // a destructor must not throw; the cluster is thrown away after the run anyway
  }
}

pqxx::connection& TestDb::conn() {
  if (!m_conn) {
    m_conn = executor::connect(m_url);
  }
  return *m_conn;
}

void TestDb::exec(const std::string& sql) {
  pqxx::nontransaction tx(conn());
  tx.exec(sql);
}

std::string TestDb::query_value(const std::string& sql) {
  pqxx::nontransaction tx(conn());
  pqxx::result r = tx.exec(sql);
  if (r.empty() || r[0].empty() || r[0][0].is_null()) {
    return "";
  }
  return r[0][0].c_str();
}

int run_pgshift(const std::string& args, std::string& out) {
  std::string command = shell_quote(binary_path()) + " " + args + " 2>&1";
  out.clear();
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    throw std::runtime_error("cannot run " + command);
  }
  std::array<char, 4096> buffer{};
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    out.append(buffer.data(), n);
  }
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::set<planner::HazardKind> all_hazards() {
  std::set<planner::HazardKind> out;
  for (int k = 0; k <= static_cast<int>(planner::HazardKind::irreversible); ++k) out.insert(static_cast<planner::HazardKind>(k));
  return out;
}

schema::Database desired_schema(const TestDb& db, std::string_view yaml) {
  schema::Database hints = schema::load_schema_text(yaml, "desired.yaml");
  schema::Database desired = executor::normalize_through_server(db.url(), hints).desired;
  executor::copy_hints(hints, desired);
  return desired;
}

}  // namespace pgshift::test
