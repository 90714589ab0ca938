#include <catch2/catch.hpp>

#include "schema/model.hpp"
#include "schema/sql_text.hpp"
#include "util/error.hpp"

using namespace pgshift::schema;

namespace {

const std::string k_name_64 = std::string(64, 'n');
const std::string k_name_63 = std::string(63, 'x');

}  // namespace

TEST_CASE("quote_ident always quotes and doubles embedded quotes") {
  struct Case {
    std::string name, quoted;
  };
  const std::vector<Case> cases = {
      {"users", "\"users\""},
      {"Users", "\"Users\""},
      {"a\"b", "\"a\"\"b\""},
      {"select", "\"select\""},
      {"with space", "\"with space\""},
      {"ünï", "\"ünï\""},
      {"x'); DROP TABLE t; --", "\"x'); DROP TABLE t; --\""},
      {"\"", "\"\"\"\""},
      {k_name_63, "\"" + k_name_63 + "\""},
      {k_name_64, "\"" + k_name_64 + "\""},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.name) { CHECK(quote_ident(c.name) == c.quoted); }
  }
}

TEST_CASE("quote_ident rejects an empty name and a NUL byte") {
  CHECK_THROWS_AS(quote_ident(""), pgshift::Error);
  CHECK_THROWS_AS(quote_ident(std::string("a\0b", 3)), pgshift::Error);
}

TEST_CASE("quote_literal doubles quotes and switches to E'' for backslashes") {
  CHECK(quote_literal("plain") == "'plain'");
  CHECK(quote_literal("it's") == "'it''s'");
  CHECK(quote_literal("x'); DROP TABLE t; --") == "'x''); DROP TABLE t; --'");
  CHECK(quote_literal("a\\b") == "E'a\\\\b'");
  CHECK(quote_literal("a\\'b") == "E'a\\\\''b'");
  CHECK(quote_literal("") == "''");
  CHECK(quote_literal("ünï") == "'ünï'");
}

TEST_CASE("quote_ident_list joins quoted names") {
  CHECK(quote_ident_list({"a", "B", "c d"}) == "\"a\", \"B\", \"c d\"");
  CHECK(quote_ident_list({}).empty());
}

TEST_CASE("dollar_quote picks a tag that does not occur in the body") {
  CHECK(dollar_quote("BEGIN RETURN 1; END") == "$pgshift$BEGIN RETURN 1; END$pgshift$");
  CHECK(dollar_quote("a $pgshift$ b") == "$pgshift1$a $pgshift$ b$pgshift1$");
  CHECK(dollar_quote("a $pgshift$ $pgshift1$") == "$pgshift2$a $pgshift$ $pgshift1$$pgshift2$");
  // A body ending in a prefix of the tag would end the quote early.
  CHECK(dollar_quote("ends with $pgshift") == "$pgshift1$ends with $pgshift$pgshift1$");
  CHECK(dollar_quote("") == "$pgshift$$pgshift$");
}

TEST_CASE("qualified names quote both parts") {
  QualifiedName name{"My Schema", "a\"b"};
  CHECK(name.sql() == "\"My Schema\".\"a\"\"b\"");
  CHECK(qualified(name) == name.sql());
  CHECK(name.display() == "My Schema.a\"b");
}

TEST_CASE("type_sql keeps built-in types and quotes user types") {
  struct Case {
    std::string canonical, sql;
  };
  const std::vector<Case> cases = {
      {"integer", "integer"},
      {"character varying(10)", "character varying(10)"},
      {"integer[]", "integer[]"},
      {"timestamp with time zone", "timestamp with time zone"},
      {"timestamp(3) without time zone", "timestamp(3) without time zone"},
      {"interval day to second(3)", "interval day to second(3)"},
      {"numeric(10,2)[]", "numeric(10,2)[]"},
      {"\"char\"", "\"char\""},
      {"double precision", "double precision"},
      {"order_status", "\"order_status\""},
      {"public.order_status", "\"public\".\"order_status\""},
      {"public.order_status[]", "\"public\".\"order_status\"[]"},
      {"\"Order Status\"", "\"Order Status\""},
      {"other.\"Mo od\"[]", "\"other\".\"Mo od\"[]"},
      {"public.\"a\"\"b\"", "\"public\".\"a\"\"b\""},
      {"\"select\"", "\"select\""},
      {"geometry(point,4326)", "\"geometry\"(point,4326)"},
  };
  for (const auto& c : cases) {
    DYNAMIC_SECTION(c.canonical) { CHECK(type_sql(c.canonical) == c.sql); }
  }
}

TEST_CASE("quote_ident_if_needed quotes like format_type") {
  CHECK(quote_ident_if_needed("users") == "users");
  CHECK(quote_ident_if_needed("_x1") == "_x1");
  CHECK(quote_ident_if_needed("Users") == "\"Users\"");
  CHECK(quote_ident_if_needed("select") == "\"select\"");  // reserved
  CHECK(quote_ident_if_needed("left") == "\"left\"");      // type_func_name keyword
  CHECK(quote_ident_if_needed("char") == "\"char\"");      // col_name keyword
  CHECK(quote_ident_if_needed("year") == "year");          // unreserved keyword
  CHECK(quote_ident_if_needed("with space") == "\"with space\"");
  CHECK(quote_ident_if_needed("1abc") == "\"1abc\"");
  CHECK(quote_ident_if_needed("ünï") == "\"ünï\"");
  CHECK(quote_ident_if_needed("a\"b") == "\"a\"\"b\"");
  CHECK_THROWS_AS(quote_ident_if_needed(""), pgshift::Error);
}

TEST_CASE("split_qualified undoes the quoting of dotted names") {
  CHECK(split_qualified("a") == std::vector<std::string>{"a"});
  CHECK(split_qualified("public.users") == std::vector<std::string>{"public", "users"});
  CHECK(split_qualified("\"My.Schema\".\"a\"\"b\"") == std::vector<std::string>{"My.Schema", "a\"b"});
  CHECK(split_qualified("s.\"Order Status\"") == std::vector<std::string>{"s", "Order Status"});
  CHECK(split_qualified("").empty());
  CHECK(split_qualified("a.").empty());
  CHECK(split_qualified("\"open").empty());
}
