// The every-kind database (data/every_kind.sql: every object kind, hostile names, a few objects the
// model cannot express) introspects deterministically, survives a YAML round trip, and `pgshift
// inspect` prints what the library returns.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "introspect/introspect.hpp"
#include "schema/yaml_io.hpp"
#include "tests/support/pg_test.hpp"

using namespace pgshift;
using pgshift::test::TestDb;

namespace {

const introspect::IntrospectOptions k_options{{}, {"pgshift_app", "Rôle \"x\"", "public"}};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void load_every_kind(TestDb& db) { db.exec(read_file(std::string(PGSHIFT_TESTS_DIR) + "/integration/data/every_kind.sql")); }

std::string shell_quote(const std::string& word) {
  std::string out = "'";
  for (char c : word) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

bool contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

}  // namespace

TEST_CASE("the every-kind database introspects the same twice, byte for byte") {
  TestDb db;
  load_every_kind(db);
  const auto first = introspect::introspect(db.conn(), k_options);
  const auto second = introspect::introspect(db.conn(), k_options);
  CHECK(first == second);
  CHECK(first.unmanaged == second.unmanaged);
  CHECK(schema::to_yaml(first) == schema::to_yaml(second));
}

TEST_CASE("the every-kind database keeps hostile names raw and extension objects out") {
  TestDb db;
  load_every_kind(db);
  const auto model = introspect::introspect(db.conn(), k_options);
  std::vector<std::string> schemas;
  for (const auto& [name, s] : model.schemas) {
    schemas.push_back(name);
  }
  CHECK(schemas == std::vector<std::string>{"ext", "public", "sales", "with space", "ünï"});
  const auto& users = model.schemas.at("public").tables.at("Users");
  CHECK(users.find_column("a\"b") != nullptr);
  CHECK(users.find_column("select")->collation == "C");
  CHECK(users.find_column("with space")->type == "order_status");
  CHECK(users.find_column("addr")->type == "address");
  const auto& select = model.schemas.at("sales").tables.at("select");
  CHECK(select.find_column("email")->type == "sales.\"Email\"");
  CHECK(select.find_column("note")->type == "\"ünï\".\"ünï\"");
  CHECK(select.foreign_keys.at("select_user_fk").ref_table == schema::QualifiedName{"public", "Users"});
  const std::string long_table(std::string("a_63_byte_table_name_") + std::string(42, 'x'));
  REQUIRE(long_table.size() == 63);
  CHECK(model.schemas.at("ünï").tables.count(long_table) == 1);
  CHECK(select.triggers.at("select touch").arguments == std::vector<std::string>{"a'b", "WHEN (x)", ""});
  // Extension objects are the extension's: no citext or pgcrypto functions, no btree_gist opclasses.
  CHECK(model.extensions.size() == 3);
  CHECK(model.extensions.at("btree_gist").schema == "ext");
  CHECK(model.schemas.at("ext").functions.empty());
  for (const auto& [key, fn] : model.schemas.at("public").functions) {
    CHECK(key.rfind("citext", 0) != 0);
    CHECK(key.rfind("digest", 0) != 0);
  }
  CHECK(model.schemas.at("public").functions.count("add_tax(numeric, numeric)") == 1);
  const auto& pub = model.schemas.at("public");
  CHECK(pub.aggregates.at("my_sum(integer)").initcond == "0");
  CHECK(pub.aggregates.at("joined(text)").sfunc == schema::QualifiedName{"public", "concat_step"});
  CHECK(pub.functions.at("tax_of(numeric)").standard_body);
  CHECK(pub.functions.at("few()").rows == 7);
  CHECK(pub.functions.at("concat_step(text, text)").leakproof);
  for (const std::string line : {"unmanaged: ordered-set or hypothetical-set aggregate public.my_pick(integer ORDER BY integer)",
                                 "unmanaged: event trigger on_ddl",
                                 "unmanaged: range type public.float_range",
                                 "unmanaged: rule public.events_default.no delete",
                                 "unmanaged: statistics object public.users_stats",
                                 "unmanaged: table inheritance public.child_legacy inherits public.parent_legacy"}) {
    INFO(line);
    CHECK(contains(model.unmanaged, line));
  }
}

// Fails until the YAML reader and writer agree with introspection's conventions (introspect.hpp).
TEST_CASE("the every-kind database survives to_yaml and load_schema_text unchanged") {
  TestDb db;
  load_every_kind(db);
  const auto model = introspect::introspect(db.conn(), k_options);
  const std::string yaml = schema::to_yaml(model);
  INFO(yaml);
  schema::Database back;
  REQUIRE_NOTHROW(back = schema::load_schema_text(yaml, "every_kind.yaml"));
  INFO("loaded back:\n" << schema::to_debug_string(back));
  // inspect writes an extension's version only when it is not the default one (the YAML pins it then)
  auto expected = model;
  for (auto& [name, ext] : expected.extensions) {
    if (ext.version == ext.default_version) ext.version.reset();
  }
  CHECK(back == expected);
  CHECK(schema::to_yaml(back) == yaml);
}

TEST_CASE("pgshift inspect prints the library's YAML and warns about unmanaged objects") {
  TestDb db;
  load_every_kind(db);
  const auto model = introspect::introspect(db.conn(), {{}, {"pgshift_app"}});
  const std::string yaml = schema::to_yaml(model);
  std::string out;
  REQUIRE(test::run_pgshift("inspect --db " + shell_quote(db.url()) + " --role pgshift_app", out) == 0);
  CHECK(out.find(yaml) != std::string::npos);
  CHECK(out.find("pgshift: warning: unmanaged: ordered-set or hypothetical-set aggregate public.my_pick(integer ORDER BY integer)\n") !=
        std::string::npos);

  const auto dir = std::filesystem::temp_directory_path() / ("pgshift_inspect_" + db.name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const auto file = dir / "schema.yaml";
  REQUIRE(test::run_pgshift("inspect --db " + shell_quote(db.url()) + " --role pgshift_app -o " +
                                shell_quote(file.string()), out) == 0);
  CHECK(read_file(file) == yaml);

  REQUIRE(test::run_pgshift("inspect --db " + shell_quote(db.url()) + " --schema sales -o " +
                                shell_quote((dir / "tree").string() + "/"), out) == 0);
  CHECK(std::filesystem::exists(dir / "tree" / "sales.yaml"));
  CHECK(std::filesystem::exists(dir / "tree" / "sales" / "select.yaml"));
  CHECK_FALSE(std::filesystem::exists(dir / "tree" / "public.yaml"));

  CHECK(test::run_pgshift("inspect --db " + shell_quote(db.url()) + " --schema nope", out) == 1);
  CHECK(out.find("schema \"nope\" does not exist") != std::string::npos);
  std::filesystem::remove_all(dir);
}
