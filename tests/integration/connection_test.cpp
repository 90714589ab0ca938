// Connecting: failures name where we tried and what to do, never show the password; with_database
// swaps the database in both conninfo forms.
#include <catch2/catch.hpp>

#include "executor/connection.hpp"
#include "tests/support/pg_test.hpp"
#include "util/error.hpp"

using namespace pgshift;

namespace {

// The rendered Error (message and hint) thrown by connect(conninfo); fails the test when none is thrown.
std::string connect_error(const std::string& conninfo) {
  try {
    executor::connect(conninfo);
  } catch (const Error& e) {
    return e.render();
  }
  FAIL("connect(" << conninfo << ") did not throw");
  return "";
}

}  // namespace

TEST_CASE("a refused connection names the host and port, hints at the sandbox and masks the password") {
  for (const std::string conninfo : {"postgresql://postgres:s3cret@127.0.0.1:1/postgres",
                                     "host=127.0.0.1 port=1 user=postgres password=s3cret dbname=postgres"}) {
    DYNAMIC_SECTION(conninfo) {
      std::string text = connect_error(conninfo);
      CHECK_THAT(text, Catch::Contains("127.0.0.1:1"));
      CHECK_THAT(text, Catch::Contains("Connection refused"));
      CHECK_THAT(text, Catch::Contains("hint: is the server running"));
      CHECK_THAT(text, Catch::Contains("pgshift sandbox start"));
      CHECK_THAT(text, !Catch::Contains("s3cret"));
    }
  }
}

TEST_CASE("an unknown database is named, with a hint about names") {
  std::string text = connect_error(executor::with_database(test::cluster_url(), "no_such_database"));
  CHECK_THAT(text, Catch::Contains("\"no_such_database\" does not exist"));
  CHECK_THAT(text, Catch::Contains("hint: check the database and user names"));
}

TEST_CASE("an unparsable connection string is an error that masks the password") {
  std::string text = connect_error("host=x password=s3cret = oops");
  CHECK_THAT(text, Catch::Contains("invalid connection string"));
  CHECK_THAT(text, !Catch::Contains("s3cret"));
}

TEST_CASE("with_database replaces the database in URLs and keeps the rest") {
  CHECK(executor::with_database("postgresql://u:p@h:5/db?sslmode=disable", "other") ==
        "postgresql://u:p@h:5/other?sslmode=disable");
  CHECK(executor::with_database("postgres://h", "other") == "postgres://h/other");
  CHECK(executor::with_database("postgresql://h:5?x=1", "a b") == "postgresql://h:5/a%20b?x=1");
}

TEST_CASE("with_database works on key=value conninfo, and the result connects") {
  test::TestDb db;
  std::string port = db.query_value("SHOW port");
  std::string kv = "host=127.0.0.1 port=" + port + " user=postgres dbname=postgres";
  std::string other = executor::with_database(kv, db.name());
  CHECK_THAT(other, Catch::Contains("dbname='" + db.name() + "'"));
  CHECK_THAT(other, Catch::Contains("host='127.0.0.1'"));
  auto conn = executor::connect(other);
  pqxx::nontransaction tx(*conn);
  CHECK(std::string(tx.exec("SELECT current_database()")[0][0].c_str()) == db.name());
  CHECK(executor::with_database("", "x") == "dbname='x'");
}

TEST_CASE("the binary exits 1 on a refused connection, naming host and port and masking the password") {
  std::string out;
  test::run_pgshift("--help", out);
  if (out.find("\n  inspect ") == std::string::npos) {
    WARN("no `pgshift inspect` yet: the binary's side is not checked");
    return;
  }
  CHECK(test::run_pgshift("inspect --db 'postgresql://postgres:s3cret@127.0.0.1:1/postgres'", out) == 1);
  CHECK_THAT(out, Catch::Contains("127.0.0.1:1"));
  CHECK_THAT(out, Catch::Contains("hint: "));
  CHECK_THAT(out, !Catch::Contains("s3cret"));
}

TEST_CASE("sessions are named pgshift unless the connection string names them") {
  std::string url = test::cluster_url();
  auto plain = executor::connect(url);
  pqxx::nontransaction tx(*plain);
  CHECK(tx.exec1("SELECT current_setting('application_name')")[0].as<std::string>() == "pgshift");
  auto named = executor::connect(url + (url.find('?') == std::string::npos ? "?" : "&") + "application_name=billing-migrations");
  pqxx::nontransaction tx2(*named);
  CHECK(tx2.exec1("SELECT current_setting('application_name')")[0].as<std::string>() == "billing-migrations");
}
