// Canonical type names: which are PostgreSQL built-ins, and how to take one apart.
// A canonical type name is format_type()'s spelling (see canonical_type() in expr.hpp).
#pragma once

#include <string>
#include <string_view>

namespace pgshift::schema {

// The name without typmods and array suffix: "character varying(10)[]" -> "character varying",
// "timestamp(3) with time zone" -> "timestamp with time zone", "public.\"A b\"[]" -> "public.\"A b\"".
std::string type_base(std::string_view canonical_type);
// Whether the type ends in "[]".
bool type_is_array(std::string_view canonical_type);
// Whether the base of a canonical type is a pg_catalog type ("integer", "text", "\"char\"", "int4range", ...).
bool is_builtin_type(std::string_view canonical_type);
// Whether the base is one of smallint, integer, bigint, numeric, real, double precision.
bool is_numeric_type(std::string_view canonical_type);
// Whether two canonical types name the same type, ignoring typmods ("character varying(20)" vs
// "character varying"; "character(3)" vs "bpchar"); an unqualified name matches a qualified one
// with the same last part.
bool same_base_type(std::string_view a, std::string_view b);

}  // namespace pgshift::schema
