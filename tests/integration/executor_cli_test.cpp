// The apply, status, history and rollback commands, run as a user would (through the pgshift binary).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/support/pg_test.hpp"

using namespace pgshift;

namespace {

constexpr const char* k_current = R"sql(
CREATE TABLE public.users (id bigint PRIMARY KEY, email text NOT NULL, name varchar(50));
INSERT INTO public.users SELECT g, 'user' || g, 'name' FROM generate_series(1, 3000) g;
)sql";

// Adds a NOT NULL column with a volatile default (a backfill) and drops one (DELETES_DATA).
constexpr const char* k_desired = R"yaml(schemas:
  public:
    tables:
      users:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: email, type: text, nullable: false}
          - {name: token, type: uuid, nullable: false, default: "gen_random_uuid()"}
        primary_key: [id]
)yaml";

constexpr const char* k_other = R"yaml(schemas:
  public:
    tables:
      users:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: email, type: text, nullable: false}
          - {name: name, type: varchar(50)}
          - {name: note, type: text}
        primary_key: [id]
)yaml";

struct TempDir {
  std::filesystem::path path;
  TempDir() : path(std::filesystem::temp_directory_path() / ("pgshift-cli-" + std::to_string(getpid()))) {
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

int run(const std::string& args, std::string& out) {
  return test::run_pgshift(args + " < /dev/null", out);
}

}  // namespace

TEST_CASE("apply, status, history and rollback from the command line") {
  test::TestDb db;
  db.exec(k_current);
  TempDir dir;
  std::string desired = dir.write("desired.yaml", k_desired);
  std::string other = dir.write("other.yaml", k_other);
  std::string url = "--db '" + db.url() + "'";
  std::string out;

  CHECK(run("apply " + url + " -f " + desired + " --allow-hazards all", out) == 1);
  CHECK_THAT(out, Catch::Contains("refusing to apply without confirmation: stdin is not a terminal"));
  CHECK_THAT(out, Catch::Contains("--yes"));

  CHECK(run("apply " + url + " -f " + desired + " --yes", out) == 1);
  CHECK_THAT(out, Catch::Contains("hazards that need permission"));
  CHECK_THAT(out, Catch::Contains("DELETES_DATA"));
  CHECK(db.query_value("SELECT to_regclass('pgshift.migrations') IS NULL") == "t");

  REQUIRE(run("apply " + url + " -f " + desired + " --yes --through add --allow-hazards all", out) == 0);
  CHECK_THAT(out, Catch::Contains("Stopped after phase add: migration 1 is in progress"));

  REQUIRE(run("status " + url, out) == 0);
  CHECK_THAT(out, Catch::Contains("In flight: migration 1: in_progress, through phase add"));
  CHECK_THAT(out, Catch::Contains("phases done: add"));

  CHECK(run("apply " + url + " -f " + other + " --yes --allow-hazards all", out) == 1);
  CHECK_THAT(out, Catch::Contains("migration 1 is in flight (through phase add)"));

  REQUIRE(run("apply " + url + " -f " + desired + " --yes --allow-hazards all --batch-size 500", out) == 0);
  CHECK_THAT(out, Catch::Contains("Continuing migration 1"));
  CHECK_THAT(out, Catch::Contains("3,000/3,000 rows"));
  CHECK_THAT(out, Catch::Contains("Migration 1 completed"));
  CHECK(db.query_value("SELECT count(*) FROM public.users WHERE token IS NULL") == "0");

  REQUIRE(run("apply " + url + " -f " + desired + " --yes", out) == 0);
  CHECK_THAT(out, Catch::Contains("No changes. The database matches the desired schema."));

  REQUIRE(run("history " + url, out) == 0);
  CHECK_THAT(out, Catch::Contains("completed"));

  // A saved plan is refused once the database has moved on.
  std::string plan_file = (dir.path / "plan.json").string();
  REQUIRE(run("plan " + url + " -f " + other + " -o " + plan_file, out) == 0);
  db.exec("ALTER TABLE public.users ADD COLUMN extra int");
  CHECK(run("apply " + url + " " + plan_file + " --yes --allow-hazards all", out) == 1);
  CHECK_THAT(out, Catch::Contains("the database changed since this plan was made"));
  db.exec("ALTER TABLE public.users DROP COLUMN extra");

  REQUIRE(run("rollback " + url + " --yes --allow-hazards DELETES_DATA", out) == 0);
  CHECK_THAT(out, Catch::Contains("Migration 1 rolled back"));
  CHECK(
      db.query_value(
          "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'token'") ==
      "0");
  CHECK(db.query_value(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'name'") ==
        "1");
  REQUIRE(run("rollback " + url + " --yes", out) == 0);
  CHECK_THAT(out, Catch::Contains("Nothing to roll back."));
}
