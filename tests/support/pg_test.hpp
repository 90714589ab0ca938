// Integration test support: a fresh database per test case on the cluster the suite started
// (ctest fixture pg_cluster, directory in $PGSHIFT_TEST_CLUSTER), dropped when the TestDb goes away.
#pragma once

#include <memory>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <string_view>

#include "planner/plan.hpp"
#include "schema/model.hpp"

namespace pgshift::test {

// The conninfo of the test cluster's `postgres` database.
std::string cluster_url();

class TestDb {
 public:
  TestDb();   // CREATE DATABASE t_<pid>_<counter>_<random>
  ~TestDb();  // terminates its sessions and drops it
  TestDb(const TestDb&) = delete;
  TestDb& operator=(const TestDb&) = delete;

  const std::string& name() const { return m_name; }
  const std::string& url() const { return m_url; }  // conninfo for this database
  pqxx::connection& conn();                          // a lazily opened connection
  void exec(const std::string& sql);                 // runs SQL (several statements allowed) in autocommit
  std::string query_value(const std::string& sql);   // first column of the first row, "" for NULL

 private:
  std::string m_name, m_url;
  std::unique_ptr<pqxx::connection> m_conn;
};

// Runs the pgshift binary with `args` (shell words, already quoted), returns exit code; output in `out`
// (stdout and stderr merged).
int run_pgshift(const std::string& args, std::string& out);

// Every hazard kind: what `--allow-hazards all` gives.
std::set<planner::HazardKind> all_hazards();
// A desired schema from YAML text, normalized through `db`'s server as `pgshift plan` does, with the
// planner's hints (renamed_from, using, down_using) kept.
schema::Database desired_schema(const TestDb& db, std::string_view yaml);

}  // namespace pgshift::test
