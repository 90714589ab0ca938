// Introspection of everything but tables: schemas, extensions, types, sequences, views, functions,
// privileges and what the model cannot express, each created in a fresh database and read back.
#include <algorithm>
#include <catch2/catch.hpp>

#include "introspect/introspect.hpp"
#include "schema/expr.hpp"
#include "tests/support/pg_test.hpp"
#include "util/error.hpp"

using namespace pgshift;
using pgshift::test::TestDb;

namespace {

schema::Database inspect(TestDb& db, const introspect::IntrospectOptions& options = {}) {
  return introspect::introspect(db.conn(), options);
}

bool has_unmanaged(const schema::Database& db, const std::string& line) {
  return std::find(db.unmanaged.begin(), db.unmanaged.end(), line) != db.unmanaged.end();
}

void ensure_role(TestDb& db, const std::string& role) {
  db.exec("DO $r$ BEGIN CREATE ROLE " + role +
          " NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $r$");
}

std::vector<std::string> keys(const std::map<std::string, schema::Schema>& schemas) {
  std::vector<std::string> out;
  for (const auto& [name, s] : schemas) {
    out.push_back(name);
  }
  return out;
}

}  // namespace

TEST_CASE("user schemas are read; system and pgshift state schemas are not") {
  TestDb db;
  db.exec(R"sql(
    CREATE SCHEMA sales;
    COMMENT ON SCHEMA sales IS 'Sales';
    CREATE SCHEMA "with space";
    CREATE SCHEMA pgshift;
    CREATE TABLE pgshift.state (id integer);
    CREATE SCHEMA pgshift_trash;
    CREATE TABLE pgshift_trash.old (id integer);
    CREATE TEMP TABLE scratch (id integer);
  )sql");
  const auto model = inspect(db);
  CHECK(keys(model.schemas) == std::vector<std::string>{"public", "sales", "with space"});
  CHECK(model.schemas.at("sales").comment == "Sales");
  CHECK_FALSE(model.schemas.at("public").comment);  // initdb's "standard public schema"
  CHECK(model.schemas.at("public").grants.empty());  // no managed roles: no grants at all

  const auto only_sales = inspect(db, {{"sales"}, {}});
  CHECK(keys(only_sales.schemas) == std::vector<std::string>{"sales"});
  CHECK_THROWS_AS(inspect(db, {{"nope"}, {}}), Error);
  CHECK_THROWS_AS(inspect(db, {{"pgshift"}, {}}), Error);
}

TEST_CASE("extensions are listed alone, without their objects") {
  TestDb db;
  db.exec(R"sql(
    CREATE EXTENSION citext VERSION '1.5';
    CREATE SCHEMA crypto;
    CREATE EXTENSION pgcrypto SCHEMA crypto;
    CREATE TABLE users (email citext);
  )sql");
  const auto model = inspect(db);
  REQUIRE(model.extensions.size() == 2);  // plpgsql, in every database, is not listed
  CHECK_FALSE(model.extensions.at("citext").schema);
  CHECK(model.extensions.at("pgcrypto").schema == "crypto");
  // The installed version, and the one CREATE EXTENSION would install (inspect writes only a pinned one).
  CHECK(model.extensions.at("citext").version == "1.5");
  CHECK(model.extensions.at("citext").default_version > "1.5");
  CHECK(model.extensions.at("pgcrypto").version == model.extensions.at("pgcrypto").default_version);
  CHECK(model.schemas.at("crypto").functions.empty());
  CHECK(model.schemas.at("public").functions.empty());
  CHECK(model.schemas.at("public").types.empty());
  CHECK(model.schemas.at("public").tables.at("users").columns[0].type == "citext");
  CHECK(model.unmanaged.empty());
}

TEST_CASE("enums keep label order, domains their checks, composite types their attributes") {
  TestDb db;
  db.exec(R"sql(
    CREATE SCHEMA s;
    CREATE TYPE mood AS ENUM ('sad', 'happy');
    ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy';
    ALTER TYPE mood ADD VALUE 'a"b';
    CREATE TYPE s.empty AS ENUM ();
    COMMENT ON TYPE mood IS 'feelings';
    CREATE DOMAIN s.pos AS numeric(8,2) NOT NULL DEFAULT 1 CONSTRAINT pos_check CHECK (VALUE > 0)
      CONSTRAINT "Small" CHECK (VALUE < 1000);
    CREATE DOMAIN code AS varchar(5) COLLATE "C" DEFAULT 'x';
    CREATE TYPE s.pair AS (a integer, "B" text COLLATE "C", m mood);
  )sql");
  const auto model = inspect(db);
  const auto& mood = model.schemas.at("public").enums.at("mood");
  std::vector<std::string> labels;
  for (const auto& v : mood.values) {
    labels.push_back(v.name);
  }
  CHECK(labels == std::vector<std::string>{"sad", "ok", "happy", "a\"b"});
  CHECK(mood.comment == "feelings");
  CHECK(model.schemas.at("s").enums.at("empty").values.empty());

  const auto& pos = model.schemas.at("s").domains.at("pos");
  CHECK(pos.type == "numeric(8,2)");
  CHECK_FALSE(pos.nullable);
  CHECK(pos.default_value->canonical == schema::make_expr("1", {"numeric(8,2)"}).canonical);
  REQUIRE(pos.checks.size() == 2);
  CHECK(pos.checks.at("pos_check").expression.canonical == schema::make_expr("VALUE > 0").canonical);
  CHECK(pos.checks.at("Small").expression.canonical == schema::make_expr("VALUE < 1000").canonical);
  const auto& code = model.schemas.at("public").domains.at("code");
  CHECK(code.collation == "C");
  CHECK(code.default_value->source == "'x'::character varying");
  CHECK(code.default_value->canonical == schema::make_expr("'x'", {"character varying(5)"}).canonical);

  const auto& pair = model.schemas.at("s").types.at("pair");
  REQUIRE(pair.attributes.size() == 3);
  CHECK(pair.attributes[0].name == "a");
  CHECK(pair.attributes[1].name == "B");
  CHECK(pair.attributes[1].collation == "C");
  CHECK(pair.attributes[2].type == "mood");
}

TEST_CASE("sequences: type, non-default options, OWNED BY across schemas") {
  TestDb db;
  db.exec(R"sql(
    CREATE SCHEMA s;
    CREATE SEQUENCE plain;
    CREATE SEQUENCE s.custom AS integer START 100 INCREMENT 10 MINVALUE 50 MAXVALUE 100000 CACHE 5 CYCLE;
    CREATE SEQUENCE down INCREMENT -2;
    CREATE TABLE s.t (id integer);
    CREATE SEQUENCE s.owned OWNED BY s.t.id;
    COMMENT ON SEQUENCE plain IS 'numbers';
  )sql");
  const auto model = inspect(db);
  const auto& pub = model.schemas.at("public").sequences;
  const auto& plain = pub.at("plain");
  CHECK(plain.type == "bigint");
  CHECK_FALSE(plain.start);
  CHECK_FALSE(plain.increment);
  CHECK_FALSE(plain.min_value);
  CHECK_FALSE(plain.max_value);
  CHECK_FALSE(plain.cache);
  CHECK_FALSE(plain.cycle);
  CHECK(plain.comment == "numbers");
  const auto& custom = model.schemas.at("s").sequences.at("custom");
  CHECK(custom.type == "integer");
  CHECK(custom.start == 100);
  CHECK(custom.increment == 10);
  CHECK(custom.min_value == 50);
  CHECK(custom.max_value == 100000);
  CHECK(custom.cache == 5);
  CHECK(custom.cycle);
  const auto& down = pub.at("down");
  CHECK(down.increment == -2);
  CHECK_FALSE(down.start);
  CHECK_FALSE(down.min_value);
  CHECK_FALSE(down.max_value);
  CHECK(model.schemas.at("s").sequences.at("owned").owned_by == "t.id");  // same schema as the sequence
}

TEST_CASE("views and materialized views with their options, columns and indexes") {
  TestDb db;
  db.exec(R"sql(
    CREATE SCHEMA s;
    CREATE TABLE s.t (id integer, amount numeric, "select" text);
    CREATE VIEW v (ident, "Total") WITH (security_invoker = on) AS
      SELECT id, amount * 2 FROM s.t WHERE amount > 0 WITH LOCAL CHECK OPTION;
    CREATE MATERIALIZED VIEW s.m WITH (fillfactor = 80, autovacuum_enabled = off) AS
      SELECT "select", count(*) AS n FROM s.t GROUP BY "select";
    CREATE VIEW s.guarded WITH (security_barrier) AS SELECT id FROM s.t;
    CREATE UNIQUE INDEX m_select_idx ON s.m ("select");
    COMMENT ON VIEW v IS 'doubled';
  )sql");
  const auto model = inspect(db);
  const auto& v = model.schemas.at("public").views.at("v");
  CHECK_FALSE(v.materialized);
  CHECK(v.columns == std::vector<std::string>{"ident", "Total"});
  CHECK(v.check_option == "local");
  CHECK(v.security_invoker);
  CHECK(v.comment == "doubled");
  // pg_get_viewdef qualifies objects outside public; the model holds its canonical form.
  CHECK(v.query.source.find("FROM s.t") != std::string::npos);
  CHECK(v.query == schema::make_query(
                       "SELECT t.id AS ident, (t.amount * (2)::numeric) AS \"Total\" FROM s.t WHERE (t.amount > (0)::numeric)"));
  const auto& m = model.schemas.at("s").views.at("m");
  CHECK(m.materialized);
  CHECK(m.columns == std::vector<std::string>{"select", "n"});
  REQUIRE(m.indexes.count("m_select_idx") == 1);
  CHECK(m.indexes.at("m_select_idx").elems[0].column == "select");
  CHECK(m.indexes.at("m_select_idx").unique);
  CHECK(m.storage_parameters == std::map<std::string, std::string>{{"autovacuum_enabled", "off"}, {"fillfactor", "80"}});
  CHECK_FALSE(m.security_barrier);
  CHECK(model.schemas.at("s").views.at("guarded").security_barrier);
  CHECK(model.schemas.at("s").views.at("guarded").storage_parameters.empty());
  CHECK(v.storage_parameters.empty());
  CHECK(model.unmanaged.empty());
}

TEST_CASE("functions and procedures: signature, body verbatim, attributes") {
  TestDb db;
  db.exec(R"sql(
    CREATE SCHEMA s;
    CREATE TYPE s.kind AS ENUM ('a');
    CREATE FUNCTION add_tax(amount numeric, rate numeric DEFAULT 0.2) RETURNS numeric
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT amount * (1 + rate) $$;
    CREATE FUNCTION s.touch() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
      SET search_path = s, pg_temp AS $f$
BEGIN
  RETURN NEW; -- $$ 'x'
END
$f$;
    CREATE FUNCTION s.of_kind(s.kind, VARIADIC integer[]) RETURNS SETOF text LANGUAGE sql STABLE
      PARALLEL RESTRICTED AS 'SELECT $1::text';
    CREATE PROCEDURE s.run(IN n integer) LANGUAGE plpgsql AS $$ BEGIN PERFORM n; END $$;
    CREATE AGGREGATE s.total(integer) (SFUNC = int4pl, STYPE = integer);
    COMMENT ON FUNCTION add_tax(numeric, numeric) IS 'tax';
  )sql");
  const auto model = inspect(db);
  const auto& pub = model.schemas.at("public").functions;
  REQUIRE(pub.size() == 1);
  const auto& tax = pub.at("add_tax(numeric, numeric)");
  CHECK(tax.name == schema::QualifiedName{"public", "add_tax"});
  CHECK(tax.identity_arguments == "numeric, numeric");
  CHECK(tax.returns == "numeric");
  CHECK(tax.language == "sql");
  CHECK(tax.body == " SELECT amount * (1 + rate) ");
  CHECK(tax.volatility == "immutable");
  CHECK(tax.strict);
  CHECK(tax.parallel == "safe");
  CHECK_FALSE(tax.procedure);
  CHECK(tax.comment == "tax");
  const auto& s = model.schemas.at("s").functions;
  const auto& touch = s.at("touch()");
  CHECK(touch.returns == "trigger");
  CHECK(touch.body == "\nBEGIN\n  RETURN NEW; -- $$ 'x'\nEND\n");
  CHECK(touch.security_definer);
  CHECK(touch.config == std::vector<std::pair<std::string, std::string>>{{"search_path", "s, pg_temp"}});
  const auto& of_kind = s.at("of_kind(s.kind, integer[])");
  CHECK(of_kind.returns == "SETOF text");
  CHECK(of_kind.volatility == "stable");
  CHECK(of_kind.parallel == "restricted");
  const auto& run = s.at("run(integer)");
  CHECK(run.procedure);
  CHECK(run.returns.empty());
  CHECK(s.count("total(integer)") == 0);
  CHECK(has_unmanaged(model, "unmanaged: aggregate s.total(integer)"));
}

TEST_CASE("grants are read only for managed roles, column grants grouped by column set") {
  TestDb db;
  ensure_role(db, "pgshift_reader");
  ensure_role(db, "pgshift_other");
  db.exec(R"sql(
    CREATE SCHEMA s;
    CREATE TABLE s.t (a integer, b text, c text);
    CREATE VIEW s.v AS SELECT a FROM s.t;
    CREATE SEQUENCE s.q;
    CREATE FUNCTION s.f() RETURNS integer LANGUAGE sql AS 'SELECT 1';
    CREATE FUNCTION s.g() RETURNS integer LANGUAGE sql AS 'SELECT 1';
    REVOKE EXECUTE ON FUNCTION s.g() FROM PUBLIC;
    GRANT USAGE ON SCHEMA s TO pgshift_reader;
    GRANT SELECT, INSERT ON s.t TO pgshift_reader WITH GRANT OPTION;
    GRANT SELECT (a, b), UPDATE (b) ON s.t TO pgshift_reader;
    GRANT SELECT ON s.v TO pgshift_reader;
    GRANT USAGE ON SEQUENCE s.q TO pgshift_reader;
    GRANT EXECUTE ON FUNCTION s.g() TO pgshift_reader;
    GRANT ALL ON s.t TO pgshift_other;
    ALTER DEFAULT PRIVILEGES IN SCHEMA s GRANT SELECT ON TABLES TO pgshift_reader;
    ALTER DEFAULT PRIVILEGES GRANT EXECUTE ON FUNCTIONS TO pgshift_reader;
  )sql");
  CHECK(inspect(db).schemas.at("s").tables.at("t").grants.empty());

  const auto model = inspect(db, {{}, {"pgshift_reader", "public"}});
  CHECK(model.managed_roles == std::vector<std::string>{"pgshift_reader", "public"});
  const auto& s = model.schemas.at("s");
  CHECK(s.grants == std::vector<schema::Grant>{{"pgshift_reader", {"USAGE"}, {}, false}});
  CHECK(s.tables.at("t").grants == std::vector<schema::Grant>{
                                      {"pgshift_reader", {"INSERT", "SELECT"}, {}, true},
                                      {"pgshift_reader", {"SELECT"}, {"a", "b"}, false},
                                      {"pgshift_reader", {"UPDATE"}, {"b"}, false},
                                  });
  CHECK(s.views.at("v").grants == std::vector<schema::Grant>{{"pgshift_reader", {"SELECT"}, {}, false}});
  CHECK(s.sequences.at("q").grants == std::vector<schema::Grant>{{"pgshift_reader", {"USAGE"}, {}, false}});
  // A function without an ACL has the built-in EXECUTE to PUBLIC.
  CHECK(s.functions.at("f()").grants == std::vector<schema::Grant>{{"public", {"EXECUTE"}, {}, false}});
  CHECK(s.functions.at("g()").grants == std::vector<schema::Grant>{{"pgshift_reader", {"EXECUTE"}, {}, false}});
  const std::string owner = db.query_value("SELECT current_user");
  CHECK(model.default_privileges == std::vector<schema::DefaultPrivilege>{
                                        {owner, "", "functions", {"pgshift_reader", {"EXECUTE"}, {}, false}},
                                        {owner, "s", "tables", {"pgshift_reader", {"SELECT"}, {}, false}},
                                    });
}

TEST_CASE("objects the model cannot express are reported, never dropped silently") {
  TestDb db;
  db.exec(R"sql(
    CREATE TABLE parent (id integer);
    CREATE TABLE child (x text) INHERITS (parent);
    CREATE RULE "no delete" AS ON DELETE TO parent DO INSTEAD NOTHING;
    CREATE STATISTICS st ON id, x FROM child;
    CREATE TYPE fr AS RANGE (subtype = float8);
    CREATE FUNCTION noop() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN END $$;
    CREATE EVENT TRIGGER on_ddl ON ddl_command_start EXECUTE FUNCTION noop();
    CREATE FOREIGN DATA WRAPPER dummy;
    CREATE SERVER remote FOREIGN DATA WRAPPER dummy;
    CREATE FOREIGN TABLE ft (a integer) SERVER remote;
    CREATE TABLE opts (id integer) WITH (fillfactor = 70);
    CREATE TABLE c (a integer);
    ALTER TABLE c ADD CONSTRAINT a_pos CHECK (a > 0) NOT VALID;
  )sql");
  const auto model = inspect(db);
  for (const std::string line : {
           "unmanaged: table inheritance public.child inherits public.parent",
           "unmanaged: rule public.parent.no delete",
           "unmanaged: statistics object public.st",
           "unmanaged: range type public.fr",
           "unmanaged: event trigger on_ddl",
           "unmanaged: foreign-data wrapper dummy",
           "unmanaged: foreign server remote",
           "unmanaged: foreign table public.ft",
           "unmanaged: storage parameters public.opts (fillfactor=70)",
           "unmanaged: NOT VALID constraint public.c.a_pos",
       }) {
    INFO(line);
    CHECK(has_unmanaged(model, line));
  }
  // A range type's constructors and casts are part of it, not reported on their own.
  for (const auto& line : model.unmanaged) {
    CHECK(line.find("float8") == std::string::npos);
    CHECK(line.find("function") == std::string::npos);
  }
  CHECK(std::is_sorted(model.unmanaged.begin(), model.unmanaged.end()));
}
