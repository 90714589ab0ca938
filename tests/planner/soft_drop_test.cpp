#include <catch2/catch.hpp>

#include "planner/naming.hpp"
#include "planner/soft_drop.hpp"

using namespace pgshift::planner;

TEST_CASE("soft-drop retentions read as PostgreSQL intervals", "[soft_drop]") {
  CHECK(parse_retention("7d") == "7 days");
  CHECK(parse_retention("30") == "30 days");
  CHECK(parse_retention("12h") == "12 hours");
  CHECK(parse_retention("2w") == "14 days");
  CHECK_FALSE(parse_retention("").has_value());
  CHECK_FALSE(parse_retention("0d").has_value());
  CHECK_FALSE(parse_retention("7 days").has_value());
  CHECK_FALSE(parse_retention("d").has_value());
  CHECK_FALSE(parse_retention("-1d").has_value());
}

TEST_CASE("trashed names are reserved, unique per definition and fit 63 bytes", "[soft_drop]") {
  std::string col = naming::trash_column("email", "text");
  CHECK(is_trashed_column(col));
  CHECK(col != naming::trash_column("email", "integer"));
  CHECK(col == naming::trash_column("email", "text"));
  std::string long_name(64, 'x');
  CHECK(naming::trash_column(long_name, "text").size() <= 63);
  CHECK(is_trashed_column(naming::trash_column(long_name, "text")));
  CHECK(naming::trash_table("public", long_name, "t").size() <= 63);
  CHECK(naming::trash_table("public", "users", "t").rfind("public__users__", 0) == 0);
  CHECK_FALSE(is_trashed_column("_pgshift_new_email"));
}
