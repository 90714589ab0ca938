#include <catch2/catch.hpp>

#include "planner/naming.hpp"

using pgshift::planner::naming::choose_index_name;

TEST_CASE("an index PostgreSQL names itself is <table>_<columns>_idx") {
  CHECK(choose_index_name("events_2026_04", {"payload"}, "idx", {}) == "events_2026_04_payload_idx");
  CHECK(choose_index_name("events", {"kind", "created_at"}, "idx", {}) == "events_kind_created_at_idx");
  CHECK(choose_index_name("t", {"expr"}, "idx", {}) == "t_expr_idx");
}

TEST_CASE("a name PostgreSQL chose is cut like makeObjectName: the longer part first, to 63 bytes") {
  std::string table(60, 't');
  std::string name = choose_index_name(table, {"payload"}, "idx", {});
  CHECK(name.size() == 63);
  // 63 - len("_idx") - 1 = 58 bytes for both parts: the table part loses bytes until it is no longer
  // than the column part or both fit.
  CHECK(name == std::string(51, 't') + "_payload_idx");
  std::string column(70, 'c');
  CHECK(choose_index_name("short", {column}, "idx", {}) == "short_" + std::string(53, 'c') + "_idx");
}

TEST_CASE("a name PostgreSQL chose does not cut a UTF-8 character in half") {
  std::string table;
  for (int i = 0; i < 40; ++i) table += "\xc3\xbc";  // ü, 80 bytes
  std::string name = choose_index_name(table, {"a"}, "idx", {});
  CHECK(name.size() <= 63);
  CHECK(name.substr(name.size() - 6) == "_a_idx");
  std::string table_part = name.substr(0, name.size() - 6);
  CHECK(table_part.size() % 2 == 0);  // whole two-byte characters only
}

TEST_CASE("a name PostgreSQL chose that is taken gets a number after its label") {
  CHECK(choose_index_name("p", {"id"}, "idx", {"p_id_idx"}) == "p_id_idx1");
  CHECK(choose_index_name("p", {"id"}, "idx", {"p_id_idx", "p_id_idx1"}) == "p_id_idx2");
  CHECK(choose_index_name("p", {"id"}, "key", {"p_id_idx"}) == "p_id_key");
}
