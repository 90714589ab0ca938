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
  CHECK(model.schemas.at("s").aggregates.count("total(integer)") == 1);
  CHECK_FALSE(has_unmanaged(model, "unmanaged: aggregate s.total(integer)"));
}

TEST_CASE("functions: LEAKPROOF, COST, ROWS, SET values quoted as proconfig holds them, SQL-standard bodies") {
  TestDb db;
  db.exec(R"sql(
    CREATE TABLE t (id integer);
    CREATE FUNCTION lp(a integer) RETURNS integer LANGUAGE sql IMMUTABLE LEAKPROOF COST 5 AS 'SELECT a';
    CREATE FUNCTION many() RETURNS SETOF integer LANGUAGE sql ROWS 42 AS 'SELECT 1';
    CREATE FUNCTION plain() RETURNS SETOF integer LANGUAGE sql AS 'SELECT 1';
    CREATE FUNCTION empty_path() RETURNS void LANGUAGE plpgsql SET search_path = '' AS 'BEGIN END';
    CREATE FUNCTION odd_path() RETURNS void LANGUAGE plpgsql SET search_path = a, "B c", '' AS 'BEGIN END';
    CREATE FUNCTION ret(a integer, b integer) RETURNS integer LANGUAGE sql RETURN a + b;
    CREATE FUNCTION counted() RETURNS bigint LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM t; END;
    CREATE PROCEDURE ins(x integer) LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (x); END;
  )sql");
  const auto model = inspect(db);
  const auto& f = model.schemas.at("public").functions;
  CHECK(f.at("lp(integer)").leakproof);
  CHECK(f.at("lp(integer)").cost == 5);
  CHECK_FALSE(f.at("many()").leakproof);
  CHECK(f.at("many()").rows == 42);
  CHECK(f.at("plain()").rows == 1000);
  CHECK(f.at("plain()").cost == 100);
  CHECK(f.at("empty_path()").config == std::vector<std::pair<std::string, std::string>>{{"search_path", "\"\""}});
  CHECK(f.at("odd_path()").config ==
        std::vector<std::pair<std::string, std::string>>{{"search_path", "a, \"B c\", \"\""}});
  CHECK(schema::setting_items(f.at("odd_path()").config[0].second) == std::vector<std::string>{"a", "B c", ""});
  const auto& ret = f.at("ret(integer, integer)");
  CHECK(ret.standard_body);
  CHECK(ret.body == "RETURN (a + b)");
  const auto& counted = f.at("counted()");
  CHECK(counted.standard_body);
  CHECK(counted.body.rfind("BEGIN ATOMIC", 0) == 0);
  CHECK(counted.body.find("count(*)") != std::string::npos);
  CHECK(f.at("ins(integer)").procedure);
  CHECK(f.at("ins(integer)").standard_body);
  CHECK_FALSE(f.at("lp(integer)").standard_body);
  for (const auto& line : model.unmanaged) CHECK(line.find("SQL-standard") == std::string::npos);
}

TEST_CASE("aggregates: support functions, state types, initial conditions, options, comment, grants") {
  TestDb db;
  ensure_role(db, "pgshift_reader");
  db.exec(R"sql(
    CREATE FUNCTION acc(numeric[], numeric) RETURNS numeric[] LANGUAGE sql IMMUTABLE AS 'SELECT array_append($1, $2)';
    CREATE FUNCTION first_of(numeric[]) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT $1[1]';
    CREATE AGGREGATE my_agg(numeric) (SFUNC = acc, STYPE = numeric[], FINALFUNC = first_of, INITCOND = '{}');
    CREATE FUNCTION app(text, text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT $1 || $2';
    CREATE AGGREGATE cat(text) (SFUNC = app, STYPE = text, INITCOND = '');
    CREATE FUNCTION sub(numeric, numeric) RETURNS numeric LANGUAGE sql IMMUTABLE STRICT AS 'SELECT $1 - $2';
    CREATE AGGREGATE total(numeric) (SFUNC = numeric_add, STYPE = numeric, COMBINEFUNC = numeric_add,
      MSFUNC = numeric_add, MINVFUNC = sub, MSTYPE = numeric, MINITCOND = '0', PARALLEL = SAFE);
    COMMENT ON AGGREGATE cat(text) IS 'joins';
    GRANT EXECUTE ON FUNCTION cat(text) TO pgshift_reader;
    CREATE AGGREGATE ord(integer ORDER BY integer) (SFUNC = int4pl, STYPE = integer);
  )sql");
  introspect::IntrospectOptions options;
  options.managed_roles = {"pgshift_reader"};
  const auto model = inspect(db, options);
  const auto& a = model.schemas.at("public").aggregates;
  REQUIRE(a.count("my_agg(numeric)") == 1);
  const auto& my = a.at("my_agg(numeric)");
  CHECK(my.sfunc == schema::QualifiedName{"public", "acc"});
  CHECK(my.stype == "numeric[]");
  CHECK(my.finalfunc == schema::QualifiedName{"public", "first_of"});
  CHECK(my.initcond == "{}");
  CHECK_FALSE(my.combinefunc);
  const auto& cat = a.at("cat(text)");
  CHECK(cat.initcond == "");
  CHECK(cat.comment == "joins");
  CHECK(cat.grants == std::vector<schema::Grant>{{"pgshift_reader", {"EXECUTE"}, {}, false}});
  const auto& total = a.at("total(numeric)");
  CHECK(total.sfunc == schema::QualifiedName{"pg_catalog", "numeric_add"});
  CHECK(total.combinefunc == schema::QualifiedName{"pg_catalog", "numeric_add"});
  CHECK(total.minvfunc == schema::QualifiedName{"public", "sub"});
  CHECK(total.mstype == "numeric");
  CHECK(total.minitcond == "0");
  CHECK_FALSE(total.initcond);
  CHECK(total.parallel == "safe");
  // Ordered-set aggregates are not modelled: reported.
  CHECK(a.count("ord(integer, integer)") == 0);
  CHECK(has_unmanaged(model, "unmanaged: ordered-set or hypothetical-set aggregate public.ord(integer ORDER BY integer)"));
  CHECK(model.schemas.at("public").functions.count("my_agg(numeric)") == 0);
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

TEST_CASE("grants on enums, domains and composite types: a NULL typacl is PUBLIC's USAGE") {
  TestDb db;
  ensure_role(db, "pgshift_reader");
  db.exec(R"sql(
    CREATE TYPE mood AS ENUM ('sad', 'happy');
    CREATE TYPE level AS ENUM ('low', 'high');
    CREATE DOMAIN email_address AS text;
    CREATE TYPE pair AS (a integer, b integer);
    CREATE TABLE t (a integer);
    GRANT USAGE ON TYPE mood TO pgshift_reader WITH GRANT OPTION;
    REVOKE USAGE ON TYPE level FROM PUBLIC;
    REVOKE USAGE ON DOMAIN email_address FROM PUBLIC;
    GRANT USAGE ON DOMAIN email_address TO pgshift_reader;
  )sql");
  CHECK(inspect(db).schemas.at("public").enums.at("mood").grants.empty());

  const auto model = inspect(db, {{}, {"pgshift_reader", "public"}});
  const auto& s = model.schemas.at("public");
  CHECK(s.enums.at("mood").grants == std::vector<schema::Grant>{{"pgshift_reader", {"USAGE"}, {}, true},
                                                                  {"public", {"USAGE"}, {}, false}});
  CHECK(s.enums.at("level").grants.empty());
  CHECK(s.domains.at("email_address").grants == std::vector<schema::Grant>{{"pgshift_reader", {"USAGE"}, {}, false}});
  CHECK(s.types.at("pair").grants == std::vector<schema::Grant>{{"public", {"USAGE"}, {}, false}});
  // A table's row type is not a composite type of the model, and its grants are the table's.
  CHECK(s.types.count("t") == 0);
  CHECK(s.tables.at("t").grants.empty());
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
