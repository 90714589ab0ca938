// Picking apart what pg_get_triggerdef prints, for the one part the catalog has no function for.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgshift::introspect {

// The expression inside `WHEN (...)` of a CREATE TRIGGER statement as pg_get_triggerdef prints it,
// without the outer parentheses; nullopt when there is no WHEN clause. Quoted identifiers ("WHEN (")
// and literals ('WHEN (', E'\'') are skipped, so hostile names cannot fake or hide the clause.
std::optional<std::string> trigger_when_clause(std::string_view definition);

// pg_trigger.tgargs: `count` arguments, each terminated by a NUL byte.
std::vector<std::string> split_trigger_args(std::string_view tgargs, int count);

}  // namespace pgshift::introspect
