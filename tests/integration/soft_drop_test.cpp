// Soft drop, end to end through the pgshift binary (docs/soft-drop.md): the drop phase keeps a dropped
// column and table aside, rollback brings them back with every value and their constraints, plan /
// drift / inspect do not see the trash, and purge --all removes it for good.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/support/pg_test.hpp"

using namespace pgshift;

namespace {

constexpr const char* k_current = R"sql(
CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL,
  legacy_code text NOT NULL DEFAULT 'none' CHECK (legacy_code <> ''));
CREATE INDEX users_legacy_code_idx ON public.users (legacy_code);
CREATE TABLE public.audit_log (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES public.users (id), note text);
CREATE TABLE public.reports (id bigint PRIMARY KEY, audit_id bigint REFERENCES public.audit_log (id));
INSERT INTO public.users SELECT g, 'user' || g, 'code-' || (g * 7) FROM generate_series(1, 2000) g;
INSERT INTO public.audit_log SELECT g, 1 + g % 2000, md5(g::text) FROM generate_series(1, 5000) g;
INSERT INTO public.reports SELECT g, g FROM generate_series(1, 100) g;
)sql";

constexpr const char* k_desired = R"yaml(schemas:
  public:
    tables:
      users:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: email, type: text, nullable: false}
        primary_key: [id]
      reports:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: audit_id, type: bigint}
        primary_key: [id]
)yaml";

constexpr const char* k_users_sum =
    "SELECT md5(string_agg(id || ':' || email || ':' || legacy_code, ',' ORDER BY id)) FROM public.users";
constexpr const char* k_audit_sum =
    "SELECT md5(string_agg(id || ':' || user_id || ':' || note, ',' ORDER BY id)) FROM public.audit_log";
constexpr const char* k_constraints =
    "SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), '; ' ORDER BY conname) FROM pg_constraint "
    "WHERE conrelid IN ('public.users'::regclass, 'public.audit_log'::regclass, 'public.reports'::regclass)";

struct TempDir {
  std::filesystem::path path;
  TempDir() : path(std::filesystem::temp_directory_path() / ("pgshift-softdrop-" + std::to_string(getpid()))) {
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

int run(const std::string& args, std::string& out) { return test::run_pgshift(args + " < /dev/null", out); }

}  // namespace

TEST_CASE("soft drop keeps dropped data until purge, and rollback restores every value") {
  test::TestDb db;
  db.exec(k_current);
  TempDir dir;
  std::string desired = dir.write("desired.yaml", k_desired);
  std::string url = "--db '" + db.url() + "'";
  std::string out;
  const std::string users_sum = db.query_value(k_users_sum);
  const std::string audit_sum = db.query_value(k_audit_sum);
  const std::string constraints = db.query_value(k_constraints);
  const std::string default_expr = db.query_value(
      "SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'public.users'::regclass");

  // The plan deletes nothing, so no DELETES_DATA permission is needed.
  REQUIRE(run("plan " + url + " -f " + desired + " --soft-drop", out) == 0);
  CHECK_THAT(out, Catch::Contains("soft drop"));
  CHECK_THAT(out, !Catch::Contains("DELETES_DATA"));
  REQUIRE(run("apply " + url + " -f " + desired + " --soft-drop=14d --yes --no-backup", out) == 0);
  INFO(out);
  CHECK_THAT(out, Catch::Contains("completed"));
  CHECK(db.query_value("SELECT to_regclass('public.audit_log') IS NULL") == "t");
  CHECK(db.query_value("SELECT count(*) FROM pgshift.trash") == "2");
  CHECK(db.query_value("SELECT count(*) FROM pgshift.trash WHERE retain_until > now() + interval '13 days'") == "2");
  CHECK(db.query_value("SELECT bytes > 0 FROM pgshift.trash WHERE kind = 'table'") == "t");
  // New code that no longer knows the column can insert.
  db.exec("INSERT INTO public.users (id, email) VALUES (100000, 'new')");
  db.exec("DELETE FROM public.users WHERE id = 100000");

  // The trash is invisible to inspect, plan and drift, which say how much it holds.
  REQUIRE(run("inspect " + url, out) == 0);
  CHECK_THAT(out, !Catch::Contains("legacy_code"));
  CHECK_THAT(out, !Catch::Contains("audit_log"));
  REQUIRE(run("plan " + url + " -f " + desired + " --detailed-exitcode", out) == 0);
  CHECK_THAT(out, Catch::Contains("2 soft-dropped object(s)"));
  REQUIRE(run("drift " + url + " -f " + desired, out) == 0);
  CHECK_THAT(out, Catch::Contains("2 soft-dropped object(s)"));

  // Rollback restores the column and the table with every value, their constraints and default.
  REQUIRE(run("rollback " + url + " --yes", out) == 0);
  CHECK(db.query_value(k_users_sum) == users_sum);
  CHECK(db.query_value(k_audit_sum) == audit_sum);
  CHECK(db.query_value(k_constraints) == constraints);
  CHECK(db.query_value("SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 'public.users'::regclass") ==
        default_expr);
  CHECK(db.query_value("SELECT attnotnull FROM pg_attribute WHERE attrelid = 'public.users'::regclass AND attname = 'legacy_code'") == "t");
  CHECK(db.query_value("SELECT count(*) FROM pgshift.trash") == "0");

  // Again, then purge --all: gone for good.
  REQUIRE(run("apply " + url + " -f " + desired + " --soft-drop --yes --no-backup", out) == 0);
  CHECK(run("purge " + url, out) == 0);
  CHECK_THAT(out, Catch::Contains("Nothing in the trash is past its retention"));
  CHECK(run("purge " + url + " --all", out) == 1);
  CHECK_THAT(out, Catch::Contains("--yes"));
  REQUIRE(run("purge " + url + " --all --yes", out) == 0);
  CHECK_THAT(out, Catch::Contains("Purged 2 object(s)"));
  CHECK(db.query_value("SELECT count(*) FROM pgshift.trash") == "0");
  CHECK(db.query_value("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                       "WHERE n.nspname = 'pgshift_trash' AND c.relkind = 'r'") == "0");
  CHECK(db.query_value("SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.users'::regclass "
                       "AND attname LIKE '\\_pgshift\\_trash\\_%' AND NOT attisdropped") == "0");
  REQUIRE(run("plan " + url + " -f " + desired + " --detailed-exitcode", out) == 0);
  CHECK_THAT(out, !Catch::Contains("soft-dropped"));
}

TEST_CASE("apply mentions soft-dropped objects past retention") {
  test::TestDb db;
  db.exec("CREATE TABLE public.t (id bigint PRIMARY KEY, old text); INSERT INTO public.t VALUES (1, 'x');");
  TempDir dir;
  std::string desired = dir.write("t.yaml", R"yaml(schemas:
  public:
    tables:
      t:
        columns:
          - {name: id, type: bigint, nullable: false}
        primary_key: [id]
)yaml");
  std::string url = "--db '" + db.url() + "'";
  std::string out;
  REQUIRE(run("apply " + url + " -f " + desired + " --soft-drop=1h --yes --no-backup", out) == 0);
  db.exec("UPDATE pgshift.trash SET retain_until = now() - interval '1 minute'");
  REQUIRE(run("apply " + url + " -f " + desired + " --yes", out) == 0);
  CHECK_THAT(out, Catch::Contains("No changes"));
  CHECK_THAT(out, Catch::Contains("1 soft-dropped object(s) past retention"));
  CHECK_THAT(out, Catch::Contains("pgshift purge"));
  REQUIRE(run("plan " + url + " -f " + desired, out) == 0);
  CHECK_THAT(out, Catch::Contains("1 past retention"));
  REQUIRE(run("purge " + url + " --yes", out) == 0);
  CHECK_THAT(out, Catch::Contains("Purged 1 object(s)"));
}
