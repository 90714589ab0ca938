#include <catch2/catch.hpp>

#include "schema/expr.hpp"

using namespace pgshift::schema;

namespace {

struct Pair {
  std::string catalog;  // as PostgreSQL 15 prints it (pg_get_expr / pg_get_constraintdef)
  std::string user;     // as a user writes it
  std::optional<std::string> column_type;
  bool equal;
};

// The left side of each pair was printed by a PostgreSQL 15 server for a column or check written
// like the right side, except where the pair is meant to differ.
const std::vector<Pair> k_pairs = {
    {"now()", "now()", "timestamp with time zone", true},
    {"'active'::character varying", "'active'", "character varying(20)", true},
    {"'x'::character varying", "'x'", "character varying", true},
    {"'x'::character varying", "'x'", "varchar(5)", true},
    {"(x > 0)", "x > 0", {}, true},
    {"((a > 0) AND (b < 10))", "a > 0 and b < 10", {}, true},
    {"lower(email)", "LOWER(  Email )", {}, true},
    {"(x IS NOT NULL)", "x   is   NOT   null", {}, true},
    {"nextval('seq'::regclass)", "nextval('seq'::regclass)", "bigint", true},
    {"nextval('seq'::regclass)", "nextval('seq')", "bigint", true},
    {"'{}'::text[]", "'{}'", "text[]", true},
    {"'{1,2}'::integer[]", "'{1,2}'", "int[]", true},
    {"ARRAY['a'::text, 'b'::text]", "array['a', 'b']", "text[]", true},
    {"ARRAY[]::integer[]", "ARRAY[]::int[]", "integer[]", true},
    {"CURRENT_TIMESTAMP", "now()", "timestamp with time zone", false},
    {"CURRENT_TIMESTAMP", "current_timestamp", {}, true},
    {"CURRENT_USER", "current_user", "text", true},
    {"1", "2", "integer", false},
    {"'a'", "'b'", "text", false},
    {"0.00", "0", "numeric", false},
    {"1.50", "1.5", "numeric", false},
    {"1.5", "1.5", "numeric", true},
    {"gen_random_uuid()", "gen_random_uuid()", "uuid", true},
    {"(price >= (0)::numeric)", "price >= 0", {}, true},
    {"(((n >= (0)::numeric) AND (n <= (100)::numeric)))", "n between 0 and 100", {}, true},
    {"((d < 1) OR (d > 5))", "d not between 1 and 5", {}, true},
    {"true", "'t'::boolean", "boolean", true},
    {"true", "'t'", "boolean", true},
    {"false", "'no'", "boolean", true},
    {"true", "false", "boolean", false},
    {"5", "'5'", "integer", true},
    {"'-1'::integer", "-1", "bigint", true},
    {"'5000000000'::bigint", "5000000000", "bigint", true},
    {"'12345678901234567890'::numeric", "12345678901234567890", "numeric", true},
    {"'-1.5'::numeric", "-1.5", "numeric", true},
    {"'hello'::text", "'hello'", "text", true},
    {"'abc'::bpchar", "'abc'", "character(3)", true},
    {"'pending'::order_status", "'pending'", "order_status", true},
    {"'x'::other.mood", "'x'", "other.mood", true},
    {"'a'::\"Order Status\"", "'a'", "\"Order Status\"", true},
    {"'active'::character varying", "'active'", "text", false},
    {"'x'::character varying", "'x'", {}, false},
    {"(now() - '1 day'::interval)", "now() - interval '1 day'", "timestamp with time zone", true},
    {"('x'::text || 'y'::text)", "'x' || 'y'", "character varying(5)", true},
    {"CASE WHEN true THEN 'a'::text ELSE 'b'::text END", "case when true then 'a' else 'b' end", "text", true},
    {"((1 + 2) * 3)", "(1+2)*3", "integer", true},
    {"((1 + 2) * 3)", "1 + 2 * 3", "integer", false},
    {"(t = ANY (ARRAY['x'::text, 'y'::text]))", "t in ('x', 'y')", {}, true},
    {"(a <> ALL (ARRAY['x'::text, 'y'::text]))", "a not in ('x','y')", {}, true},
    {"(b = 1)", "b in (1)", {}, true},
    {"((g = ANY (ARRAY[1, 2])) OR (g = d))", "g in (1, 2, d)", {}, true},
    {"(h = ANY (ARRAY[(1)::numeric, 2.5]))", "h in (1, 2.5)", {}, true},
    {"(((c !~~ 'a%'::text) AND (c ~~* 'b%'::text) AND (c !~~* 'z%'::text)))",
     "c not like 'a%' and c ilike 'b%' and c not ilike 'z%'", {}, true},
    {"(t3 ~~ 'a%'::text)", "t3 LIKE 'a%'", {}, true},
    {"(i > '-1'::integer)", "i > -1", {}, true},
    {"(co > ('a'::text COLLATE \"C\"))", "co > 'a' collate \"C\"", {}, true},
    {"(((o IS NOT NULL) AND (o <> 0)) OR (o IS NULL))", "o is not null and o != 0 or o is null", {}, true},
    {"(f > (0)::double precision)", "f > 0", {}, true},
    {"(r > (1.5)::double precision)", "r > 1.5", {}, true},
    {"((x)::text <> '0'::text)", "x::text <> '0'", {}, true},
    {"(z IS DISTINCT FROM 'q'::text)", "z is distinct from 'q'", {}, true},
    {"(j ? 'a'::text)", "j ? 'a'", {}, true},
    {"(e ~ '^\\d+$'::text)", "e ~ '^\\d+$'", {}, true},
    {"'a\\b'::text", "E'a\\\\b'", "text", true},
    {"((i2 % 2) = 0)", "i2 % 2 = 0", {}, true},
    {"(VALUE >= (0)::numeric)", "value >= 0", {}, true},
    {"(((n >= 0) AND (n <= 100)) AND (x > 1))", "n between 0 and 100 and x > 1", {}, true},
    {"(x > 0)", "x >= 0", {}, false},
    {"(a AND b)", "a or b", {}, false},
    {"lower(x)", "upper(x)", {}, false},
    {"(x = 1)", "1 = x", {}, false},
    {"(NOT (a = 1))", "not a = 1", {}, true},
    {"COALESCE(a, 0)", "coalesce(a,0)", {}, true},
    {"(a IS TRUE)", "a is true", {}, true},
    {"'x'::text", "'x'", "character varying", true},
    {"(x ~~ 'a'::text)", "x LIKE 'b'", {}, false},
    {"(d > '2020-01-01'::date)", "d > '2020-01-01'", {}, true},
    {"('2020-01-01'::date < d)", "'2020-01-01' < d", {}, true},
    {"COALESCE(NULL::text, 'x'::text)", "coalesce(null, 'x')", "text", true},
    {"NULL::character varying", "NULL", "character varying(10)", true},
    {"('{\"a\":1}'::jsonb -> 'a'::text)", "'{\"a\":1}'::json -> 'a'", {}, false},
    {"(upper(t) = t)", "upper(t) = t", {}, true},
    {"(abs(x) < 10)", "abs(x) < 10", {}, true},
    {"(x = ANY (ARRAY[1, 2]))", "x = any(array[1,2])", {}, true},
    // A whole-array coercion (a varchar IN list compared as text) and the element-wise casts the server
    // stores when that printed form is sent back: different trees on the server, so different here.
    {"((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))",
     "(status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying]::character varying[])::text[])", {}, true},
    {"((status)::text = ANY (ARRAY[('a'::character varying)::text, ('b'::character varying)::text]))",
     "(status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[])", {}, false},
};

std::string canonical(const std::string& source, const std::optional<std::string>& type) {
  return make_expr(source, ExprOptions{type}).canonical;
}

}  // namespace

TEST_CASE("expressions the catalog prints compare equal to what users write, and only those") {
  REQUIRE(k_pairs.size() >= 40);
  for (const auto& p : k_pairs) {
    DYNAMIC_SECTION(p.catalog << " vs " << p.user << " [" << p.column_type.value_or("-") << "]") {
      Expr a = make_expr(p.catalog, ExprOptions{p.column_type});
      Expr b = make_expr(p.user, ExprOptions{p.column_type});
      INFO(a.canonical << " | " << b.canonical);
      CHECK((a == b) == p.equal);
      CHECK(a.source == p.catalog);
    }
  }
}

TEST_CASE("canonical forms read back to themselves") {
  for (const auto& p : k_pairs) {
    DYNAMIC_SECTION(p.user) {
      std::string once = canonical(p.user, p.column_type);
      CHECK(canonical(once, p.column_type) == once);
    }
  }
}

TEST_CASE("canonical forms are readable SQL") {
  CHECK(canonical("((a > 0) AND (b < 10))", {}) == "a > 0 AND b < 10");
  CHECK(canonical("(price >= (0)::numeric)", {}) == "price >= 0");
  CHECK(canonical("'active'::character varying", "character varying(20)") == "'active'");
  CHECK(canonical("status in ('a', 'b')", {}) == "status = ANY(ARRAY['a', 'b'])");
  CHECK(canonical("x between 1 and 2", {}) == "x >= 1 AND x <= 2");
}

TEST_CASE("an array coerced as a whole is cast to its elements' type first, so the server stores it as printed") {
  // Sent as printed, ((ARRAY[...])::text[]) would have its cast pushed into the elements.
  CHECK(canonical("((status)::text = ANY ((ARRAY['new'::character varying, 'old'::character varying])::text[]))", {}) ==
        "status::text = ANY(ARRAY['new'::varchar, 'old'::varchar]::varchar[]::text[])");
  // Already the elements' type, or elements without one cast: left alone.
  CHECK(canonical("ARRAY['a'::varchar, 'b'::varchar]::varchar[]", {}) == "ARRAY['a'::varchar, 'b'::varchar]::varchar[]");
  CHECK(canonical("ARRAY[a, 'b'::varchar]::text[]", {}) == "ARRAY[a, 'b'::varchar]::text[]");
}

TEST_CASE("make_expr rejects anything but one expression, pointing at the offending character") {
  struct Case {
    std::string source;
    int cursor;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"1; DROP TABLE t", 2, "expected one expression, found a second statement"},
      {"now();", 6, "expected one expression, found `;`"},
      {"1, 2", 2, "expected one expression, found a list"},
      {"1 FROM t", 3, "expected one expression, found `FROM`"},
      {"1 WHERE true", 3, "expected one expression, found `WHERE`"},
      {"1 UNION SELECT 2", 3, "expected one expression, found `UNION`"},
      {"DISTINCT 1", 1, "expected one expression, found `DISTINCT`"},
      {"1 ORDER BY 1", 3, "expected one expression, found `ORDER`"},
      {"x AS y", 3, "an expression cannot have an alias"},
      {"1 +", 4, "syntax error at end of input"},
      {"x) OR (1=1", 2, "syntax error at or near \")\""},
      {"'open", 1, "unterminated quoted string at or near \"'open\""},
      {"", 0, "empty expression"},
      {"   ", 0, "empty expression"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.source) {
      try {
        make_expr(c.source);
        FAIL("no error");
      } catch (const SqlParseError& e) {
        CHECK(std::string(e.what()) == c.message);
        CHECK(e.cursor() == c.cursor);
      }
    }
  }
}

TEST_CASE("canonical_type spells types as format_type does") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"int", "integer"},
      {"int4", "integer"},
      {"INTEGER", "integer"},
      {"int8", "bigint"},
      {"int2", "smallint"},
      {"smallint", "smallint"},
      {"float8", "double precision"},
      {"float", "double precision"},
      {"float(10)", "real"},
      {"float4", "real"},
      {"bool", "boolean"},
      {"varchar(100)", "character varying(100)"},
      {"character varying", "character varying"},
      {"char", "character(1)"},
      {"char(3)", "character(3)"},
      {"bpchar", "bpchar"},
      {"\"char\"", "\"char\""},
      {"timestamptz", "timestamp with time zone"},
      {"timestamp", "timestamp without time zone"},
      {"timestamp(3)", "timestamp(3) without time zone"},
      {"timestamptz(0)", "timestamp(0) with time zone"},
      {"time", "time without time zone"},
      {"timetz(2)", "time(2) with time zone"},
      {"numeric", "numeric"},
      {"numeric(10)", "numeric(10,0)"},
      {"decimal(10, 2)", "numeric(10,2)"},
      {"bit", "bit(1)"},
      {"varbit(5)", "bit varying(5)"},
      {"bit varying", "bit varying"},
      {"interval", "interval"},
      {"interval hour to minute", "interval hour to minute"},
      {"interval day to second(3)", "interval day to second(3)"},
      {"interval(2)", "interval(2)"},
      {"interval year", "interval year"},
      {"int[]", "integer[]"},
      {"int[3][4]", "integer[]"},
      {"integer array", "integer[]"},
      {"varchar(3)[]", "character varying(3)[]"},
      {"text", "text"},
      {"jsonb", "jsonb"},
      {"uuid", "uuid"},
      {"pg_catalog.int4", "integer"},
      {"pg_catalog.text", "text"},
      {"order_status", "order_status"},
      {"Order_Status", "order_status"},
      {"\"Order Status\"", "\"Order Status\""},
      {"public.order_status", "public.order_status"},
      {"other.\"Mo od\"[]", "other.\"Mo od\"[]"},
      {"\"select\"", "\"select\""},
      {"\"left\"", "\"left\""},
      {"year", "year"},
  };
  for (const auto& [source, expected] : cases) {
    DYNAMIC_SECTION(source) { CHECK(canonical_type(source) == expected); }
  }
}

TEST_CASE("canonical_type rejects what is not one type name") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"serial", "\"serial\" is not a type; use an integer type with `identity: by default`"},
      {"bigserial", "\"bigserial\" is not a type; use an integer type with `identity: by default`"},
      {"int; drop table x", "expected one type name, found a second statement"},
      {"int, text", "not a type name"},
      {"user", "syntax error at or near \"user\""},
      {"", "empty type name"},
  };
  for (const auto& [source, message] : cases) {
    DYNAMIC_SECTION(source) {
      try {
        canonical_type(source);
        FAIL("no error");
      } catch (const SqlParseError& e) {
        CHECK(std::string(e.what()) == message);
      }
    }
  }
}

TEST_CASE("make_query accepts exactly one SELECT, VALUES or WITH query") {
  CHECK(make_query("select a from t where b").canonical == "SELECT a FROM t WHERE b");
  CHECK(make_query("SELECT  a\nFROM t;").canonical == "SELECT a FROM t");
  CHECK(make_query("values (1)").canonical == make_query("VALUES (1)").canonical);
  CHECK(make_query("WITH x AS (SELECT 1) SELECT * FROM x").canonical == "WITH x AS (SELECT 1) SELECT * FROM x");
  CHECK(make_query("SELECT 1") == make_query("select   1"));
  CHECK_THROWS_AS(make_query("SELECT 1; SELECT 2"), SqlParseError);
  CHECK_THROWS_AS(make_query("INSERT INTO t VALUES (1)"), SqlParseError);
  CHECK_THROWS_AS(make_query("SELECT 1 INTO t"), SqlParseError);
  CHECK_THROWS_AS(make_query(""), SqlParseError);
  try {
    make_query("SELECT 1; DELETE FROM t");
  } catch (const SqlParseError& e) {
    CHECK(e.cursor() == 9);
  }
}

TEST_CASE("function signatures are canonical and identify overloads by argument types") {
  FunctionSignature s = canonical_signature(
      "a int, b text default 'x'::text, out c int, variadic d int[] default '{}'", "record");
  CHECK(s.arguments == "a integer, b text DEFAULT 'x', OUT c integer, VARIADIC d integer[] DEFAULT '{}'");
  CHECK(s.identity_arguments == "integer, text, integer[]");
  CHECK(s.returns == "record");
  CHECK(canonical_signature("a integer, b numeric DEFAULT 0", "SETOF text").returns == "SETOF text");
  CHECK(canonical_signature("", "TABLE(a int, b varchar)").returns == "TABLE(a integer, b character varying)");
  CHECK(canonical_signature("x public.order_status", "setof public.users", "public").identity_arguments == "order_status");
  CHECK(canonical_signature("x public.order_status", "setof public.users", "public").returns == "SETOF users");
  CHECK(canonical_signature("\"A b\" int", "int").arguments == "\"A b\" integer");
  CHECK(canonical_signature("int, text", "").returns.empty());
  CHECK_THROWS_AS(canonical_signature("a int,", "int"), SqlParseError);
  // What pg_get_function_arguments prints reads the same as what a user writes.
  CHECK(canonical_signature("b text DEFAULT 'x'::text", "void").arguments ==
        canonical_signature("b text default 'x'", "void").arguments);
}

TEST_CASE("PL/pgSQL bodies are parsed with their parameters and trigger variables") {
  CHECK_NOTHROW(check_plpgsql_function("BEGIN NEW.x := now(); RETURN NEW; END", "", "trigger"));
  CHECK_NOTHROW(check_plpgsql_function("BEGIN a := 1; RETURN a; END", "a integer", "integer"));
  CHECK_THROWS_WITH(check_plpgsql_function("BEGIN b := 1; RETURN 1; END", "", "integer"),
                    "\"b\" is not a known variable");
  CHECK_THROWS_AS(check_plpgsql_function("BEGIN RETURN 1 END", "", "integer"), SqlParseError);
  CHECK_NOTHROW(check_plpgsql("BEGIN NEW.x := 1; RETURN NEW; END", "public.touch()"));
  CHECK_NOTHROW(check_plpgsql("BEGIN a := 2; RETURN a; END", "f(a integer) RETURNS integer"));
  CHECK_NOTHROW(check_plpgsql_function("BEGIN RAISE NOTICE 'x'; END", "", ""));  // a procedure
}

TEST_CASE("SQL bodies are parsed as statement lists") {
  CHECK_NOTHROW(check_sql_body("SELECT 1; SELECT $1 + 2"));
  try {
    check_sql_body("SELECT 1; SELEC 2");
    FAIL("no error");
  } catch (const SqlParseError& e) {
    CHECK(e.cursor() == 11);
  }
}

TEST_CASE("referenced_relations lists relations and functions, not CTEs") {
  auto names = referenced_relations("WITH x AS (SELECT * FROM users u JOIN public.orders o ON true) "
                                    "SELECT lower(a), count(*) FROM x");
  CHECK(names == std::vector<std::string>{"count", "lower", "public.orders", "users"});
}

TEST_CASE("exclusion constraints and partition keys and bounds have canonical forms") {
  CHECK(make_exclusion("exclude using gist (room with =, during with &&)").canonical ==
        "EXCLUDE USING gist (room WITH =, during WITH &&)");
  CHECK(make_exclusion("EXCLUDE USING gist (room WITH =) WHERE (x > (0)::numeric)") ==
        make_exclusion("exclude using gist (room with =) where (x > 0)"));
  CHECK_THROWS_AS(make_exclusion("CHECK (x > 0)"), SqlParseError);
  CHECK(canonical_partition_by("range (created_at)") == "RANGE (created_at)");
  CHECK(canonical_partition_by("hash(id)") == "HASH (id)");
  CHECK(canonical_partition_bound("for values in (1,2)") == "FOR VALUES IN (1, 2)");
  CHECK(canonical_partition_bound("DEFAULT") == "DEFAULT");
  CHECK(canonical_partition_bound("FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')") ==
        "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
  CHECK(canonical_partition_bound("for values with (modulus 4, remainder 1)") ==
        "FOR VALUES WITH (MODULUS 4, REMAINDER 1)");
}

TEST_CASE("column references are found and renamed through the parse tree") {
  CHECK(referenced_columns("lower(email) || name") == std::set<std::string>{"email", "name"});
  CHECK(referenced_columns("users.age > 0 AND 'email' <> ''") == std::set<std::string>{"age"});
  CHECK(referenced_columns("now()").empty());
  CHECK(rewrite_column_refs("lower(email)", {{"email", "_pgshift_new_email"}}) == "lower(_pgshift_new_email)");
  // A string literal that spells the column's name is not a reference.
  CHECK(rewrite_column_refs("email = 'email'", {{"email", "e2"}}) == "e2 = 'email'");
  CHECK(rewrite_column_refs("nullif(age, '')::integer", {}, "new") == "CAST(NULLIF(new.age, '') AS int)");
  CHECK(rewrite_column_refs("\"Mixed Case\" + x", {{"Mixed Case", "y z"}}, "new") == "new.\"y z\" + new.x");
  CHECK_THROWS_AS(rewrite_column_refs("1; DROP TABLE t", {}), SqlParseError);
}

TEST_CASE("SET values of list settings are held as proconfig holds them and written item by item") {
  // SET search_path = '' is stored as `""`: one empty item, written back as ''.
  CHECK(canonical_setting("search_path", "") == "\"\"");
  CHECK(canonical_setting("search_path", "\"\"") == "\"\"");
  CHECK(setting_sql("search_path", "\"\"") == "''");
  CHECK(setting_items("\"\"") == std::vector<std::string>{""});
  // Items quoted where needed, `""` inside quotes unescaped; other settings untouched.
  CHECK(canonical_setting("search_path", "a,  \"B c\", \"$user\"") == "a, \"B c\", \"$user\"");
  CHECK(setting_items("a, \"B c\", \"x\"\"y\"") == std::vector<std::string>{"a", "B c", "x\"y"});
  CHECK(setting_sql("search_path", "a, \"B c\", \"x\"\"y\"") == "'a', 'B c', 'x\"y'");
  CHECK(setting_sql("search_path", "pg_catalog") == "'pg_catalog'");
  CHECK(canonical_setting("work_mem", "64MB") == "64MB");
  CHECK(setting_sql("work_mem", "it's") == "'it''s'");
  CHECK(setting_sql("TEMP_TABLESPACES", "a, b") == "'a', 'b'");
  // The canonical form is a fixed point.
  for (const std::string v : {"", "a", "a, \"B c\"", "\"\", public", "\"select\""}) {
    INFO(v);
    CHECK(canonical_setting("search_path", canonical_setting("search_path", v)) == canonical_setting("search_path", v));
  }
  CHECK(canonical_setting("search_path", "select") == "\"select\"");
}

TEST_CASE("SQL-standard bodies are one RETURN or BEGIN ATOMIC body and nothing else") {
  CHECK_NOTHROW(check_standard_body("RETURN a + b", "a integer, b integer", "integer"));
  CHECK_NOTHROW(check_standard_body("BEGIN ATOMIC\n  SELECT 1;\n  SELECT 2;\nEND", "", "integer"));
  CHECK_NOTHROW(check_standard_body("BEGIN ATOMIC INSERT INTO t VALUES (n); END", "n integer", ""));
  // Another statement, another option, a string body, or no body at all: refused.
  CHECK_THROWS_AS(check_standard_body("RETURN 1; DROP TABLE t", "", "integer"), SqlParseError);
  CHECK_THROWS_AS(check_standard_body("BEGIN ATOMIC SELECT 1; END; DROP TABLE t", "", "integer"), SqlParseError);
  CHECK_THROWS_AS(check_standard_body("SECURITY DEFINER RETURN 1", "", "integer"), SqlParseError);
  CHECK_THROWS_AS(check_standard_body("AS 'SELECT 1'", "", "integer"), SqlParseError);
  CHECK_THROWS_AS(check_standard_body("", "", "integer"), SqlParseError);
  CHECK_THROWS_AS(check_standard_body("RETURN 1 -- ", "", "integer"), SqlParseError);
  CHECK_THROWS_AS(check_standard_body("RETURN 1 /*", "", "integer"), SqlParseError);
}

TEST_CASE("the relations and routines a SQL-standard body names are found") {
  Function f;
  f.name = {"public", "f"};
  f.language = "sql";
  f.returns = "bigint";
  f.standard_body = true;
  f.body = "BEGIN ATOMIC SELECT count(*) FROM orders o JOIN s.items i ON helper(i.id) = o.id; END";
  auto refs = routine_relations(f);
  CHECK(std::count(refs.begin(), refs.end(), "orders") == 1);
  CHECK(std::count(refs.begin(), refs.end(), "s.items") == 1);
  CHECK(std::count(refs.begin(), refs.end(), "helper") == 1);
}
