// The test harness (TestDb, run_pgshift) and `pgshift sandbox`: a second sandbox beside the suite's
// cluster, idempotent start, stop/start/destroy, and a data directory the postgres user cannot reach.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "executor/connection.hpp"
#include "executor/sandbox/sandbox.hpp"
#include "tests/support/pg_test.hpp"
#include "util/error.hpp"

namespace fs = std::filesystem;
using namespace pgshift;

namespace {

// A port nothing listens on right now (the kernel's pick for an ephemeral bind).
int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  close(fd);
  return ntohs(addr.sin_port);
}

// A fresh temporary directory, removed with everything in it at the end of the test.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& prefix) {
    std::string pattern = (fs::temp_directory_path() / (prefix + "XXXXXX")).string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

std::string server_port(const std::string& url) {
  auto conn = executor::connect(url);
  pqxx::nontransaction tx(*conn);
  return tx.exec("SHOW port")[0][0].c_str();
}

bool database_exists(const std::string& name) {
  auto conn = executor::connect(test::cluster_url());
  pqxx::nontransaction tx(*conn);
  return !tx.exec("SELECT 1 FROM pg_database WHERE datname = " + tx.quote(name)).empty();
}

}  // namespace

TEST_CASE("two TestDbs are distinct databases and are dropped when they go away") {
  std::string first, second;
  {
    test::TestDb a;
    test::TestDb b;
    first = a.name();
    second = b.name();
    CHECK(first != second);
    CHECK(a.query_value("SELECT current_database()") == first);
    CHECK(b.query_value("SELECT current_database()") == second);
    CHECK(database_exists(first));
    CHECK(database_exists(second));
  }
  CHECK_FALSE(database_exists(first));
  CHECK_FALSE(database_exists(second));
}

TEST_CASE("TestDb runs several statements and reads a value back, NULL as empty") {
  test::TestDb db;
  db.exec("CREATE TABLE t (x int); INSERT INTO t VALUES (41), (1);");
  CHECK(db.query_value("SELECT sum(x) FROM t") == "42");
  CHECK(db.query_value("SELECT NULL") == "");
  CHECK(db.query_value("SELECT 1 WHERE false") == "");
}

TEST_CASE("run_pgshift returns the exit code and the merged output") {
  std::string out;
  CHECK(test::run_pgshift("--version", out) == 0);
  CHECK(out.find("pgshift ") == 0);
  CHECK(test::run_pgshift("no-such-command", out) == 1);
  CHECK(out.find("error") != std::string::npos);
}

TEST_CASE("a second sandbox runs beside the suite's cluster, and start twice gives the same URL") {
  TempDir tmp("pgshift sandbox test ");  // a space in the path, on purpose
  fs::path dir = tmp.path / "sb";
  int port = free_port();
  std::string url = executor::sandbox_start({dir, port, {}});
  CHECK(url == "postgresql://postgres@127.0.0.1:" + std::to_string(port) + "/postgres");
  CHECK(executor::sandbox_start({dir, port, {}}) == url);
  CHECK(executor::sandbox_start({dir, 0, {}}) == url);  // port remembered
  CHECK(executor::sandbox_url(dir) == url);
  CHECK(executor::sandbox_running(dir));
  CHECK(server_port(url) == std::to_string(port));
  CHECK(server_port(test::cluster_url()) != std::to_string(port));

  std::string out;
  CHECK(test::run_pgshift("sandbox url --dir '" + dir.string() + "'", out) == 0);
  CHECK(out == url + "\n");
  CHECK(test::run_pgshift("sandbox start --dir '" + dir.string() + "'", out) == 0);
  CHECK(out == url + "\n");  // already running: nothing to report but the URL
  executor::sandbox_destroy(dir);
}

TEST_CASE("sandbox stop stops the server, start brings it back, destroy removes it") {
  TempDir tmp("pgshift-sandbox-");
  fs::path dir = tmp.path / "sb";
  std::string url = executor::sandbox_start({dir, free_port(), {}});

  executor::sandbox_stop(dir);
  CHECK_FALSE(executor::sandbox_running(dir));
  CHECK_THROWS_AS(executor::connect(url), Error);
  executor::sandbox_stop(dir);  // stopping a stopped sandbox is fine

  CHECK(executor::sandbox_start({dir, 0, {}}) == url);
  CHECK(executor::sandbox_running(dir));

  executor::sandbox_destroy(dir);
  CHECK_FALSE(fs::exists(dir));
  CHECK_FALSE(executor::sandbox_running(dir));
  CHECK_THROWS_AS(executor::sandbox_url(dir), Error);
  CHECK_THROWS_AS(executor::connect(url), Error);
  executor::sandbox_destroy(dir);  // destroying nothing is fine
}

TEST_CASE("sandbox start refuses another port while running") {
  TempDir tmp("pgshift-sandbox-");
  fs::path dir = tmp.path / "sb";
  int port = free_port();
  executor::sandbox_start({dir, port, {}});
  CHECK_THROWS_WITH(executor::sandbox_start({dir, port == 65535 ? port - 1 : port + 1, {}}),
                    Catch::Contains("already running on port " + std::to_string(port)));
  executor::sandbox_destroy(dir);
}

TEST_CASE("as root, a sandbox under a directory the postgres user cannot enter still works") {
  if (geteuid() != 0) {
    WARN("not root: nothing to check");
    return;
  }
  TempDir tmp("pgshift-private-");
  fs::permissions(tmp.path, fs::perms::owner_all);  // 0700, like /root
  fs::path dir = tmp.path / "sb";
  std::string url = executor::sandbox_start({dir, free_port(), {}});
  CHECK(fs::is_symlink(dir / "data"));
  CHECK(executor::sandbox_running(dir));
  auto conn = executor::connect(url);
  CHECK(conn->is_open());
  conn.reset();
  fs::path outside = fs::read_symlink(dir / "data");
  executor::sandbox_destroy(dir);
  CHECK_FALSE(fs::exists(outside));
}

TEST_CASE("sandbox url names the directory and the fix when there is no sandbox") {
  TempDir tmp("pgshift-empty-");
  std::string out;
  CHECK(test::run_pgshift("sandbox url --dir '" + tmp.path.string() + "'", out) == 1);
  CHECK_THAT(out, Catch::Contains("no sandbox in " + tmp.path.string()));
  CHECK_THAT(out, Catch::Contains("hint: create one with `pgshift sandbox start --dir"));
}
