// Soft drop (docs/soft-drop.md): names and helpers shared by the planner, the executor (pgshift.trash)
// and the cli (purge, notes). The steps themselves are planned in planner/recipes/soft_drop.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pgshift::planner {

// The schema that holds soft-dropped tables (excluded from introspection like `pgshift`).
inline constexpr std::string_view k_trash_schema = "pgshift_trash";
// The prefix of a soft-dropped column's reserved name; introspection leaves such columns out.
inline constexpr std::string_view k_trash_column_prefix = "_pgshift_trash_";

bool is_trashed_column(std::string_view column_name);

// A retention such as "7d", "12h", "2w" or "30" (days) as a PostgreSQL interval ("7 days").
// nullopt when the text is not a positive whole number with an optional unit h|d|w.
std::optional<std::string> parse_retention(std::string_view text);

}  // namespace pgshift::planner
