// Backups and restores through the executor: the row counts and the dump come from one snapshot even
// while rows are being written, restore checks them, and the pieces around them (which steps call for
// a backup, how pg_dump gets the password, the manifest's JSON, names and progress text).
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "executor/backup/backup_policy.hpp"
#include "executor/connection.hpp"
#include "executor/backup/pg_tools.hpp"
#include "executor/preflight.hpp"
#include "executor/progress.hpp"
#include "executor/backup/restore.hpp"
#include "schema/sql_text.hpp"
#include "tests/support/pg_test.hpp"
#include "util/error.hpp"

using namespace pgshift;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("pgshift-backup-" + std::to_string(getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

planner::Step step(std::string id, planner::Phase phase, std::optional<std::string> reverse,
                   std::vector<planner::HazardKind> kinds = {}) {
  planner::Step s;
  s.id = std::move(id);
  s.phase = phase;
  s.reverse_sql = std::move(reverse);
  for (auto k : kinds) {
    s.hazards.push_back({k, "test"});
  }
  return s;
}

}  // namespace

TEST_CASE("a backup taken while rows are inserted restores to exactly the rows its manifest counted") {
  test::TestDb db;
  db.exec(
      "CREATE TABLE public.busy (id bigserial PRIMARY KEY, payload text NOT NULL);"
      "INSERT INTO public.busy (payload) SELECT repeat('x', 200) FROM generate_series(1, 200000);"
      "CREATE TABLE public.calm (id int PRIMARY KEY); INSERT INTO public.calm SELECT generate_series(1, 10)");
  std::atomic<bool> stop{false};
  std::atomic<int> inserted{0};
  std::thread writer([&] {
    auto conn = executor::connect(db.url());
    while (!stop) {
      pqxx::nontransaction tx(*conn);
      tx.exec0("INSERT INTO public.busy (payload) SELECT 'new' FROM generate_series(1, 100)");
      inserted += 100;
    }
  });
  TempDir dir;
  executor::BackupOptions opts;
  opts.conninfo = db.url();
  opts.dir = dir.path;
  std::vector<executor::TransferProgress> progress;
  opts.on_event = [&](const executor::Event& e) {
    if (e.kind == executor::EventKind::transfer_progress) {
      progress.push_back(*e.transfer);
    }
  };
  executor::BackupResult b;
  try {
    b = executor::take_backup(db.conn(), opts);
  } catch (...) {
    stop = true;
    writer.join();
    throw;
  }
  stop = true;
  writer.join();
  REQUIRE(inserted > 0);
  REQUIRE(b.manifest.tables.size() == 2);
  CHECK(b.manifest.tables[0].name == "busy");
  CHECK(b.manifest.tables[0].rows >= 200000);
  CHECK(b.manifest.tables[1].rows == 10);
  CHECK(b.manifest.verified);
  CHECK(b.manifest.sha256 == executor::file_sha256(b.dump_path));
  REQUIRE_FALSE(progress.empty());
  CHECK(progress.back().finished);
  CHECK(progress.back().bytes == b.manifest.size_bytes);

  // restore compares every table's rows with the manifest: equal only if dump and counts share a snapshot.
  executor::RestoreOptions ropts;
  ropts.conninfo = db.url();
  ropts.into = db.name() + "_r";
  auto entry = executor::find_backup(b.manifest_path);
  CHECK(entry.problem.empty());
  auto r = executor::restore(db.conn(), entry, ropts);
  CHECK(r.created);
  CHECK(r.rows == b.manifest.tables[0].rows + 10);
  db.exec("DROP DATABASE " + schema::quote_ident(*ropts.into) + " WITH (FORCE)");
}

TEST_CASE("steps that delete data, rewrite a table or cannot be undone call for a backup; done steps do not") {
  using planner::HazardKind;
  using planner::Phase;
  planner::Plan plan;
  plan.steps = {step("add_column:public.t.a", Phase::add, "ALTER ..."),
                step("alter_column_type:public.t.b", Phase::switch_over, "ALTER ...", {HazardKind::table_rewrite}),
                step("set_default:public.t.c", Phase::switch_over, std::nullopt),
                step("drop_column:public.t.d", Phase::drop, "ALTER ...", {HazardKind::deletes_data})};
  CHECK(executor::backup_reasons(plan, nullptr, Phase::add).empty());
  CHECK(executor::backup_reasons(plan, nullptr, std::nullopt) ==
        std::vector<std::string>{"alter_column_type:public.t.b: TABLE_REWRITE", "set_default:public.t.c: IRREVERSIBLE",
                                 "drop_column:public.t.d: DELETES_DATA"});
  std::vector<executor::StepState> states(4);
  states[1].status = executor::StepStatus::done;
  states[2].status = executor::StepStatus::done;
  CHECK(executor::backup_reasons(plan, &states, std::nullopt) ==
        std::vector<std::string>{"drop_column:public.t.d: DELETES_DATA"});
}

TEST_CASE("pg_dump gets the password through PGPASSWORD and the database name with -d, never the password") {
  auto c = executor::tool_connection("postgresql://alice:s3cr%20t@db.example:6543/shop?sslmode=require");
  CHECK(c.env.at("PGPASSWORD") == "s3cr t");
  CHECK(c.env.at("PGHOST") == "db.example");
  CHECK(c.env.at("PGPORT") == "6543");
  CHECK(c.env.at("PGUSER") == "alice");
  CHECK(c.env.at("PGSSLMODE") == "require");
  CHECK(c.env.count("PGDATABASE") == 0);
  CHECK(c.conninfo == "dbname='shop'");
  CHECK(executor::connection_args(c) == std::vector<std::string>{"-d", "dbname='shop'"});
  auto kv = executor::tool_connection("host=/tmp dbname='it\\'s' password=pw keepalives=1");
  CHECK(kv.env.at("PGPASSWORD") == "pw");
  CHECK(kv.conninfo == "dbname='it\\'s' keepalives='1'");
  CHECK(executor::tool_connection("").conninfo.empty());
  CHECK_THROWS_AS(executor::tool_connection("postgresql://u:pw@h/d?nonsense=1"), Error);
}

TEST_CASE("tool versions are read from --version, and a tool older than the server is refused by name") {
  auto t = executor::parse_tool_version("pg_dump", "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n");
  CHECK(t.version == "15.20");
  CHECK(t.major == 15);
  CHECK(executor::parse_tool_version("x", "something else").major == 0);
  auto found = executor::find_pg_tool("pg_dump", 15);
  CHECK(found.major >= 15);
  try {
    executor::find_pg_tool("pg_dump", 99);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK_THAT(e.message(), Catch::Contains("is older than the server (PostgreSQL 99)"));
    CHECK_THAT(e.hint(), Catch::Contains("postgresql-client-99"));
  }
}

TEST_CASE("a manifest survives JSON and back; a file that is not one is refused by name") {
  executor::BackupManifest m;
  m.file = "shop-migration-3-20261127T101500Z.dump";
  m.database = "shop";
  m.server_version = m.pg_dump_version = "15.20";
  m.encoding = "UTF8";
  m.lc_collate = m.lc_ctype = "C";
  m.migration_id = 3;
  m.plan_fingerprint = std::string(64, 'a');
  m.created_at = "2026-11-27T10:15:00Z";
  m.scope = executor::BackupScope::tables;
  m.size_bytes = 1234;
  m.sha256 = std::string(64, 'b');
  m.source_bytes = 99;
  m.tables = {{"public", "a\"b", 7}, {"ünï", "with space", 0}};
  m.verified = true;
  m.toc_entries = 12;
  CHECK(executor::manifest_from_json(executor::manifest_to_json(m), "x") == m);
  CHECK_THROWS_WITH(executor::manifest_from_json(nlohmann::json{{"plan", 1}}, "f.json"),
                    "f.json: not a pgshift backup manifest");
}

TEST_CASE("the default restore name carries the backup time and fits in 63 bytes") {
  executor::BackupManifest m;
  m.database = "shop";
  m.created_at = "2026-11-27T10:15:00Z";
  CHECK(executor::default_restore_name(m) == "shop_restore_20261127_101500");
  m.database = std::string(60, 'd');
  CHECK(executor::default_restore_name(m).size() == 63);
  m.database = std::string(38, 'd') + "ü" + std::string(20, 'e');  // the cut falls inside the ü
  CHECK(executor::default_restore_name(m) == std::string(38, 'd') + "_restore_20261127_101500");
}

TEST_CASE("tables_touched reads table names out of lock notes") {
  planner::Step s;
  s.lock = "ACCESS EXCLUSIVE on public.users (brief)";
  CHECK(executor::tables_touched(s) == std::set<std::string>{"public.users"});
  s.lock = "SHARE on public.events and its partitions";
  CHECK(executor::tables_touched(s) == std::set<std::string>{"public.events"});
  s.lock = "none (catalog only)";
  CHECK(executor::tables_touched(s).empty());
}

TEST_CASE("dump and restore progress reads as bytes, rate and share of the estimate") {
  CHECK(executor::render_transfer_line("pg_dump", {12 * 1048576, 0, 4.0, false}) ==
        "pg_dump: 12.0 MB written, 3.0 MB/s, 0:04");
  CHECK(executor::render_transfer_line("pg_restore", {45 * 1048576, 132 * 1048576, 3.0, false}) ==
        "pg_restore: 45.0 MB of ~132.0 MB (34%), 15.0 MB/s, 0:03");
  CHECK(executor::format_bytes(512) == "512 B");
  CHECK(executor::format_bytes(3ll << 30) == "3.00 GB");
}
