#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "schema/expr.hpp"
#include "schema/yaml_io.hpp"

using namespace pgshift::schema;
namespace fs = std::filesystem;

namespace {

const std::string k_hostile_63 = [] {
  std::string s;
  for (int i = 0; i < 31; ++i) s += "\xc3\xbc";  // ü, two bytes each
  return s + "x";                                 // 63 bytes
}();
const std::vector<std::string> k_hostile = {"a\"b", "Users", "select", "with space", "ünï",
                                            "x'); DROP TABLE t; --", std::string(63, 'l'), k_hostile_63,
                                            "yes", "123", "a: b", "#x", "- y", "{z}", "tab\there"};

Expr e(const std::string& source, std::optional<std::string> type = {}) { return make_expr(source, ExprOptions{type}); }

Column column(std::string name, std::string type) {
  Column c;
  c.name = std::move(name);
  c.type = canonical_type(type);
  return c;
}

Function function(const std::string& schema, const std::string& name, const std::string& args,
                  const std::string& returns, const std::string& language, const std::string& body) {
  Function f;
  FunctionSignature sig = canonical_signature(args, returns, schema);
  f.name = {schema, name};
  f.arguments = sig.arguments;
  f.identity_arguments = sig.identity_arguments;
  f.returns = sig.returns;
  f.procedure = returns.empty();
  f.language = language;
  f.body = body;
  return f;
}

Table hostile_table(const std::string& schema, std::string name) {
  Table t;
  t.name = {schema, name};
  Column id = column("id", "bigint");
  id.identity = Identity{};
  t.columns.push_back(id);
  for (const auto& h : k_hostile) {
    Column c = column(h, "text");
    c.default_value = e("'" + std::string("x''); DROP TABLE t; --") + "'", c.type);
    c.comment = h;
    t.columns.push_back(c);
  }
  t.primary_key = PrimaryKey{"", {"id"}, std::nullopt};
  // Names hold at most 63 bytes: the loader refuses longer ones, which PostgreSQL would cut. Derived
  // names keep the table name's start (at a character boundary) as PostgreSQL's own names do.
  if (name.size() > 61) {
    name.resize(59);
    while (!name.empty() && (static_cast<unsigned char>(name.back()) & 0xC0) == 0x80) name.pop_back();
    if (!name.empty() && static_cast<unsigned char>(name.back()) >= 0xC0) name.pop_back();
  }
  t.uniques[name + "_u"] = UniqueConstraint{name + "_u", {k_hostile[0], k_hostile[1]}};
  t.checks[name + "_c"] = CheckConstraint{name + "_c", e("\"a\"\"b\" <> 'x\"y'")};
  t.indexes[name + "_i"] = Index{name + "_i", {IndexElem{k_hostile[3], std::nullopt}}};
  t.comment = "a \"hostile\" table\nwith two lines";
  return t;
}

// A model with every kind of object, every optional field and every hint.
Database full_model() {
  Database db;
  db.extensions["pgcrypto"] = Extension{"pgcrypto"};
  db.extensions["postgis"] = Extension{"postgis", "ext", "3.4.0"};
  db.managed_roles = {"app", "readonly", "Weird Role"};
  db.default_privileges.push_back(DefaultPrivilege{"admin", "public", "tables", Grant{"readonly", {"SELECT"}}});
  db.default_privileges.push_back(DefaultPrivilege{"", "", "functions", Grant{"app", {"EXECUTE"}, {}, true}});

  Schema& s = db.schemas["public"];
  s.comment = "main";
  s.grants.push_back(Grant{"app", {"USAGE"}});
  s.enums["order_status"] = Enum{{"public", "order_status"}, {{"pending"}, {"paid"}, {"shipped", "sent"}}, "states"};
  s.enums["Hostile Enum"] = Enum{{"public", "Hostile Enum"}, {{"a\"b"}, {"with space"}, {"yes"}, {"x'); --"}}};
  Domain d;
  d.type = "integer";
  d.nullable = false;
  d.default_value = e("1", "integer");
  d.collation = std::nullopt;
  d.checks["posint_check"] = DomainCheck{"posint_check", e("VALUE > 0")};
  d.comment = "positive";
  s.domains["posint"] = d;
  s.types["address"] = CompositeType{{}, {{"street", "text"}, {"zip", "character varying(10)", "C"}}, "postal"};
  s.types["pair"] = CompositeType{{}, {{"a", "integer"}, {"b", "integer"}}};
  // Grants on types: an enum and a composite with a comment, and without one (their short forms grow a map).
  s.enums["order_status"].grants.push_back(Grant{"readonly", {"USAGE"}});
  s.enums["graded"] = Enum{{"public", "graded"}, {{"a"}, {"b"}}};
  s.enums["graded"].grants.push_back(Grant{"public", {"USAGE"}, {}, true});
  s.domains["posint"].grants.push_back(Grant{"app", {"USAGE"}});
  s.types["address"].grants.push_back(Grant{"Weird Role", {"USAGE"}});
  s.types["pair"].grants.push_back(Grant{"app", {"USAGE"}});
  Sequence seq;
  seq.type = "integer";
  seq.start = 1000;
  seq.increment = 2;
  seq.min_value = 1;
  seq.max_value = 1000000;
  seq.cache = 5;
  seq.cycle = true;
  seq.owned_by = "orders.id";
  seq.comment = "invoices";
  seq.grants.push_back(Grant{"app", {"USAGE", "SELECT"}});
  s.sequences["invoice_no"] = seq;
  s.sequences["plain_seq"] = Sequence{};

  Table orgs;
  orgs.columns.push_back(column("id", "bigint"));
  orgs.columns.back().identity = Identity{"always", 10, 2, 1, 999999, 3, true};
  orgs.columns.push_back(column("name", "text"));
  orgs.columns.back().nullable = false;
  orgs.columns.back().collation = "C";
  orgs.primary_key = PrimaryKey{"orgs_pk", {"id"}, "the key"};
  s.tables["orgs"] = orgs;

  Table users;
  users.renamed_from = "people";
  users.columns.push_back(column("id", "bigint"));
  users.columns.back().identity = Identity{};
  users.columns.push_back(column("org_id", "bigint"));
  users.columns.push_back(column("email", "text"));
  users.columns.back().nullable = false;
  users.columns.push_back(column("display_name", "varchar(100)"));
  users.columns.back().renamed_from = "username";
  users.columns.push_back(column("age", "integer"));
  users.columns.back().using_expr = e("nullif(age, '')::integer");
  users.columns.back().down_using = e("age::text");
  users.columns.push_back(column("status", "order_status"));
  users.columns.back().default_value = e("'pending'::order_status", "order_status");
  users.columns.push_back(column("mood", "other.mood"));
  users.columns.push_back(column("created_at", "timestamptz"));
  users.columns.back().default_value = e("now()", "timestamp with time zone");
  users.columns.push_back(column("full_name", "text"));
  users.columns.back().generated = e("email || ' ' || display_name");
  users.columns.push_back(column("tags", "text[]"));
  users.columns.back().default_value = e("'{}'::text[]", "text[]");
  users.columns.push_back(column("deleted_at", "timestamp"));
  users.primary_key = PrimaryKey{"", {"id"}};
  users.uniques["users_email_key"] = UniqueConstraint{"users_email_key", {"email"}, true, true, true, "uniq", "old_u"};
  users.uniques["users_plain"] = UniqueConstraint{"users_plain", {"email", "org_id"}};
  users.checks["users_age_check"] = CheckConstraint{"users_age_check", e("age >= 0"), true, "adult", "old_c"};
  users.checks["users_simple"] = CheckConstraint{"users_simple", e("age < 200")};
  ForeignKey fk;
  fk.columns = {"org_id"};
  fk.ref_table = {"public", "orgs"};
  fk.ref_columns = {"id"};
  fk.on_delete = "cascade";
  fk.on_update = "set null";
  fk.match = "full";
  fk.deferrable = true;
  fk.initially_deferred = true;
  fk.comment = "owner";
  fk.renamed_from = "old_fk";
  users.foreign_keys["users_org_id_fkey"] = fk;
  ForeignKey fk2;
  fk2.columns = {"org_id"};
  fk2.ref_table = {"other", "things"};
  fk2.ref_columns = {"thing_id"};
  users.foreign_keys["users_thing_fkey"] = fk2;
  users.exclusions["users_excl"] = ExclusionConstraint{"users_excl", make_exclusion("EXCLUDE USING gist (org_id WITH =)"), "x"};
  users.exclusions["users_excl2"] = ExclusionConstraint{"users_excl2", make_exclusion("EXCLUDE (email WITH =)")};
  users.indexes["users_created_at_idx"] = Index{"users_created_at_idx", {IndexElem{"created_at"}}};
  Index lower;
  lower.elems = {IndexElem{std::nullopt, e("lower(email)")}};
  lower.unique = true;
  lower.where = e("deleted_at IS NULL");
  users.indexes["users_lower_email_idx"] = lower;
  Index fancy;
  fancy.elems = {IndexElem{"email", std::nullopt, "C", "text_pattern_ops", true, false},
                 IndexElem{std::nullopt, e("age + 1"), std::nullopt, std::nullopt, false, true}};
  fancy.method = "btree";
  fancy.include = {"status"};
  fancy.nulls_not_distinct = true;
  fancy.comment = "fancy";
  fancy.renamed_from = "old_idx";
  users.indexes["users_fancy_idx"] = fancy;
  Index gin;
  gin.elems = {IndexElem{"tags"}};
  gin.method = "gin";
  users.indexes["users_tags_idx"] = gin;
  Trigger tr;
  tr.timing = "before";
  tr.events = {"insert", "update"};
  tr.update_of = {"email"};
  tr.when = e("NEW.email IS DISTINCT FROM OLD.email");
  tr.function = {"public", "touch"};
  tr.arguments = {"a", "b c"};
  tr.comment = "touch";
  users.triggers["users_touch"] = tr;
  Trigger tr2;
  tr2.events = {"truncate"};
  tr2.for_each_row = false;
  tr2.function = {"other", "audit"};
  users.triggers["users_audit"] = tr2;
  Trigger tr3;  // a disabled constraint trigger, deferred, FROM a table of another schema
  tr3.events = {"update"};
  tr3.function = {"public", "touch"};
  tr3.enabled = "disabled";
  tr3.constraint = true;
  tr3.from = QualifiedName{"other", "things"};
  tr3.deferrable = true;
  tr3.initially_deferred = true;
  users.triggers["users_deferred"] = tr3;
  Trigger tr4;  // transition tables with hostile names, fires always
  tr4.events = {"delete"};
  tr4.for_each_row = false;
  tr4.function = {"public", "touch"};
  tr4.old_table = "old \"rows\"";
  tr4.new_table = "select";
  tr4.enabled = "always";
  users.triggers["users_transition"] = tr4;
  Trigger tr5 = tr4;
  tr5.enabled = "replica";
  tr5.events = {"insert"};
  tr5.old_table.reset();
  users.triggers["users_replica"] = tr5;
  Policy p;
  p.permissive = false;
  p.command = "select";
  p.roles = {"app"};
  p.using_expr = e("id = current_setting('app.user')::bigint");
  p.with_check = e("true");
  p.comment = "own rows";
  users.policies["users_own"] = p;
  users.policies["users_all"] = Policy{"users_all"};
  users.rls_enabled = true;
  users.rls_forced = true;
  users.comment = "People who can log in";
  users.grants.push_back(Grant{"readonly", {"SELECT"}});
  users.grants.push_back(Grant{"app", {"SELECT", "UPDATE"}, {"email"}, true});
  s.tables["users"] = users;

  Table events;
  events.columns.push_back(column("id", "bigint"));
  events.columns.push_back(column("at", "timestamptz"));
  events.partition_by = canonical_partition_by("RANGE (at)");
  events.unlogged = true;
  s.tables["events"] = events;
  Table events_2024;
  events_2024.partition_of = QualifiedName{"public", "events"};
  events_2024.partition_bound = canonical_partition_bound("FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
  s.tables["events_2024"] = events_2024;

  for (const auto& h : k_hostile) {
    s.tables[h] = hostile_table("public", h);
  }

  View v;
  v.query = make_query("SELECT id, email\nFROM users\nWHERE deleted_at IS NULL\n");
  v.columns = {"id", "email"};
  v.check_option = "cascaded";
  v.security_invoker = true;
  v.comment = "active";
  v.grants.push_back(Grant{"readonly", {"SELECT"}});
  Trigger instead;
  instead.timing = "instead of";
  instead.events = {"insert", "update"};
  instead.function = {"other", "audit"};
  instead.comment = "through the view";
  v.triggers["active_users_write"] = instead;
  s.views["active_users"] = v;
  View mv;
  mv.query = make_query("SELECT 1 AS one");
  mv.materialized = true;
  mv.indexes["mv_one_idx"] = Index{"mv_one_idx", {IndexElem{"one"}}, true};
  s.views["daily"] = mv;

  Function touch = function("public", "touch", "", "trigger", "plpgsql",
                            "BEGIN\n  NEW.created_at := now();\n  RETURN NEW;\nEND\n");
  s.functions[touch.key()] = touch;
  Function add = function("public", "add_tax", "amount numeric, rate numeric DEFAULT 0.2", "numeric", "sql",
                          "SELECT amount * (1 + rate)");
  add.volatility = "immutable";
  add.strict = true;
  add.security_definer = true;
  add.parallel = "safe";
  add.config = {{"search_path", "public"}, {"work_mem", "64MB"}};
  add.comment = "tax";
  add.grants.push_back(Grant{"app", {"EXECUTE"}});
  s.functions[add.key()] = add;
  Function add2 = function("public", "add_tax", "amount integer", "SETOF public.users", "sql", "SELECT * FROM users");
  s.functions[add2.key()] = add2;
  Function proc = function("public", "cleanup", "days integer", "", "plpgsql",
                           "BEGIN\n\n  DELETE FROM users WHERE age > days;\nEND;");
  s.functions[proc.key()] = proc;
  Function table_fn = function("public", "pairs", "", "TABLE(a int, b varchar)", "sql", "SELECT 1, 'x'");
  s.functions[table_fn.key()] = table_fn;

  Schema& other = db.schemas["other"];
  other.enums["mood"] = Enum{{}, {{"happy"}}};
  Table things;
  things.columns.push_back(column("thing_id", "bigint"));
  things.primary_key = PrimaryKey{"", {"thing_id"}};
  other.tables["things"] = things;
  Function audit = function("other", "audit", "", "trigger", "plpgsql", "BEGIN RETURN NULL; END");
  other.functions[audit.key()] = audit;
  db.schemas["empty"];
  db.schemas["Weird \"Schema\""].comment = "hostile schema";
  normalize(db);
  return db;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("a model with every kind of object survives model -> YAML -> model") {
  Database db = full_model();
  std::string yaml = to_yaml(db);
  Database back = load_schema_text(yaml, "full.yaml");
  INFO(yaml);
  CHECK(to_yaml(back) == yaml);
  CHECK(back == db);
}

TEST_CASE("to_yaml is deterministic and uses the short forms") {
  Database db = full_model();
  std::string yaml = to_yaml(db);
  CHECK(to_yaml(full_model()) == yaml);
  CHECK(yaml.find("primary_key: [id]") != std::string::npos);
  CHECK(yaml.find("- {name: email, type: text, nullable: false}") != std::string::npos);
  CHECK(yaml.find("users_created_at_idx: {columns: [created_at]}") != std::string::npos);
  CHECK(yaml.find("identity: by default") != std::string::npos);
  CHECK(yaml.find("      x'); DROP TABLE t; --:\n") != std::string::npos);
  CHECK(yaml.find("\"a\\\"b\"") != std::string::npos);
  CHECK(yaml.find("\"yes\"") != std::string::npos);
}

TEST_CASE("the example from the format description loads and round-trips") {
  Database db = load_schema(fs::path(PGSHIFT_TESTS_DIR) / "schema/data/example.yaml");
  const Table* users = db.find_table({"public", "users"});
  REQUIRE(users != nullptr);
  CHECK(users->primary_key->name == "users_pkey");
  CHECK(users->find_column("id")->nullable == false);
  CHECK(users->find_column("status")->type == "order_status");
  CHECK(users->find_column("display_name")->type == "character varying(100)");
  CHECK(users->foreign_keys.at("users_org_id_fkey").ref_table == QualifiedName{"public", "orgs"});
  CHECK(users->triggers.at("users_touch").events == std::vector<std::string>{"insert", "update"});
  CHECK(db.schemas.at("public").functions.contains("add_tax(numeric, numeric)"));
  CHECK(load_schema_text(to_yaml(db), "again.yaml") == db);
}

TEST_CASE("write_schema_dir writes one file per table and loads back equal") {
  Database db = full_model();
  fs::path dir = fs::temp_directory_path() / ("pgshift_schema_dir_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  write_schema_dir(db, dir);
  CHECK(fs::exists(dir / "public.yaml"));
  CHECK(fs::exists(dir / "public" / "users.yaml"));
  CHECK(fs::exists(dir / "_database.yaml"));
  CHECK(fs::exists(dir / "Weird \"Schema\".yaml"));
  CHECK(read(dir / "public" / "users.yaml").find("schemas:\n  public:\n    tables:\n      users:\n") == 0);
  Database back = load_schema(dir);
  CHECK(back == db);
  fs::remove_all(dir);
}

TEST_CASE("hints survive a round trip and strip_hints removes them") {
  Database db = full_model();
  Database back = load_schema_text(to_yaml(db), "hints.yaml");
  const Table* users = back.find_table({"public", "users"});
  REQUIRE(users != nullptr);
  CHECK(users->renamed_from == "people");
  CHECK(users->find_column("display_name")->renamed_from == "username");
  CHECK(users->find_column("age")->using_expr.has_value());
  strip_hints(back);
  users = back.find_table({"public", "users"});
  CHECK(!users->renamed_from);
  CHECK(!users->find_column("age")->using_expr);
  CHECK(!users->indexes.at("users_fancy_idx").renamed_from);
  CHECK(!back.schemas.at("public").enums.at("order_status").values[2].renamed_from);
}

TEST_CASE("normalize sorts grants, merges privileges and fills derived names") {
  Database db;
  Table& t = db.schemas["s"].tables["t"];
  t.columns.push_back(Column{"id", "integer"});
  t.primary_key = PrimaryKey{"", {"id"}};
  t.grants = {Grant{"b", {"update", "select"}}, Grant{"PUBLIC", {"SELECT"}}, Grant{"b", {"insert"}}};
  t.triggers["tr"] = Trigger{"", "BEFORE", {"delete", "INSERT", "update", "insert"}};
  normalize(db);
  const Table& n = db.schemas["s"].tables["t"];
  CHECK(n.primary_key->name == "t_pkey");
  CHECK(n.columns[0].nullable == false);
  REQUIRE(n.grants.size() == 2);
  CHECK(n.grants[0].role == "b");
  CHECK(n.grants[0].privileges == std::vector<std::string>{"INSERT", "SELECT", "UPDATE"});
  CHECK(n.grants[1].role == "public");
  CHECK(n.triggers.at("tr").events == std::vector<std::string>{"insert", "update", "delete"});
  CHECK(n.triggers.at("tr").timing == "before");
  CHECK(n.triggers.at("tr").function.schema == "s");
  CHECK(primary_key_name(std::string(63, 't')) == std::string(58, 't') + "_pkey");
  std::string wide;
  for (int i = 0; i < 30; ++i) wide += "\xc3\xbc";
  CHECK(primary_key_name(wide) == wide.substr(0, 58) + "_pkey");
  CHECK(primary_key_name(wide + "x") == wide.substr(0, 58) + "_pkey");
}

TEST_CASE("lookups find tables, views and columns") {
  Database db = full_model();
  CHECK(db.find_table({"public", "users"}) != nullptr);
  CHECK(db.find_table({"public", "nope"}) == nullptr);
  CHECK(db.find_table({"nope", "users"}) == nullptr);
  CHECK(db.find_view({"public", "active_users"}) != nullptr);
  CHECK(db.find_view({"public", "users"}) == nullptr);
  CHECK(db.find_table({"public", "users"})->find_column("email") != nullptr);
  CHECK(db.find_table({"public", "users"})->find_column("nope") == nullptr);
  CHECK(to_debug_string(db).find("users:") != std::string::npos);
}

TEST_CASE("a value YAML splits at a comma inside a flow map is joined back") {
  Database db = load_schema_text(
      "schemas:\n  public:\n    tables:\n      t:\n        columns:\n"
      "          - {name: total, type: numeric(12,2), nullable: false, default: round(1.234, 2)}\n"
      "          - {name: f, type: text, default: \"coalesce(NULL, 'a')\"}\n",
      "split.yaml");
  const Column* total = db.find_table({"public", "t"})->find_column("total");
  REQUIRE(total != nullptr);
  CHECK(total->type == "numeric(12,2)");
  CHECK(total->nullable == false);
  CHECK(total->default_value->canonical == "round(1.234, 2)");
}

TEST_CASE("user types are spelled as the catalog prints them with search_path = public") {
  Database db = load_schema_text(
      "schemas:\n"
      "  public:\n"
      "    enums: {status: [a, b]}\n"
      "    tables:\n"
      "      t:\n"
      "        columns:\n"
      "          - {name: a, type: public.status}\n"
      "          - {name: b, type: \"sales.kind[]\"}\n"
      "  sales:\n"
      "    enums: {kind: [x], status: [y]}\n"
      "    domains: {d: {type: kind}}\n"
      "    types: {pair: [{name: k, type: kind}]}\n"
      "    tables:\n"
      "      orders:\n"
      "        columns:\n"
      "          - {name: k, type: kind}\n"
      "          - {name: s, type: status}\n"
      "          - {name: p, type: sales.status}\n",
      "types.yaml");
  const Table* t = db.find_table({"public", "t"});
  CHECK(t->find_column("a")->type == "status");
  CHECK(t->find_column("b")->type == "sales.kind[]");
  const Table* orders = db.find_table({"sales", "orders"});
  CHECK(orders->find_column("k")->type == "sales.kind");
  CHECK(orders->find_column("s")->type == "status");  // public.status: public comes first, as in SQL
  CHECK(orders->find_column("p")->type == "sales.status");
  CHECK(db.schemas.at("sales").domains.at("d").type == "sales.kind");
  CHECK(db.schemas.at("sales").types.at("pair").attributes[0].type == "sales.kind");
  CHECK(load_schema_text(to_yaml(db), "again.yaml") == db);
}

TEST_CASE("the examples in docs/schema-format.md load") {
  std::string doc = read(fs::path(PGSHIFT_TESTS_DIR) / ".." / "docs" / "schema-format.md");
  size_t start = doc.find("```yaml\nextensions:");
  REQUIRE(start != std::string::npos);
  start += 8;
  Database db = load_schema_text(doc.substr(start, doc.find("```", start) - start), "schema-format.md");
  CHECK(db.find_table({"public", "users"})->find_column("balance")->type == "numeric(12,2)");
  CHECK(load_schema_text(to_yaml(db), "again.yaml") == db);
}
