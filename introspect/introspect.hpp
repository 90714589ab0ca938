// Reading a live database's schema into the model: one read-only snapshot of the catalog, a fixed
// number of bulk queries (one per object kind, introspect/queries/*.sql), never one per table.
//
// Names inside types and expressions. The catalog is read in a REPEATABLE READ, READ ONLY transaction
// with `SET LOCAL search_path = public` (pg_catalog implicit), so format_type, pg_get_expr,
// pg_get_viewdef, pg_get_partkeydef and pg_get_indexdef print objects of public and pg_catalog
// unqualified and everything else schema-qualified, quoting an identifier only where SQL needs it:
//   column of public.order_status    -> type "order_status"
//   column of sales.kind             -> type "sales.kind"; of sales."Email" -> "sales.\"Email\""
//   default                           -> "nextval('\"with space\".\"with space_id_seq\"'::regclass)"
//   view query                        -> "SELECT \"Users\".id FROM \"Users\" JOIN sales.orders ..."
// Operator classes are spelled the same way ("text_pattern_ops", "ext.gist_int4_ops"). Collations
// are raw names, qualified "schema.name" only when not in public or pg_catalog ("C", "en_US",
// "sales.my coll"), as schema's normalize_collation() writes them. The YAML loader must resolve
// user-written names to these spellings so both sides compare equal. Plain names (tables, columns,
// roles, QualifiedName parts) are stored raw, unquoted. DateStyle, IntervalStyle, TimeZone (UTC)
// and extra_float_digits are fixed too, as pg_dump does, so constants print the same from any session.
//
// Other conventions of the result (the YAML side and the planner must agree):
// - Expressions go through schema::make_expr; defaults and generated expressions of columns with
//   ExprOptions{column_type}, domain defaults with the domain's base type; view queries through make_query.
// - Sequence and identity options are set only when they differ from CREATE SEQUENCE's defaults for
//   the sequence type and direction (start = min_value ascending / max_value descending).
//   Sequences owned by identity columns are part of the identity, not listed as sequences.
// - Partitions (partition_of set) list no columns and none of what they inherit from their parent
//   (cloned constraints, attached indexes, cloned triggers); only what was added to the partition.
// - Unique constraints have no index entry; indexes holds indexes that back no constraint.
// - Exclusion constraints, partition keys and bounds, and function signatures go through
//   schema::make_exclusion, canonical_partition_by/bound and canonical_signature (own_schema
//   "public", as the loader calls it).
// - Grants only for IntrospectOptions::managed_roles; the owner's implicit privileges are left out; a
//   function with no ACL has the built-in EXECUTE to "public". Table-level grants are one Grant per
//   (role, grant option); column-level grants one per (role, grant option, column set), columns sorted.
// - plpgsql (installed in every database) is not listed as an extension; the built-in comment of the
//   public schema ("standard public schema") is not read.
// - Database::managed_roles is set to the options' roles, sorted.
#pragma once

#include <pqxx/pqxx>
#include <map>
#include <string>
#include <vector>

#include "schema/model.hpp"

namespace pgshift::introspect {

struct IntrospectOptions {
  std::vector<std::string> schemas;        // schemas to read; empty = every user schema
  std::vector<std::string> managed_roles;  // roles whose grants are read; empty = no grants at all
};

// Reads the schema of the database `conn` is connected to. User schemas are all but pg_catalog,
// information_schema, pg_toast*, pg_temp*, pgshift and pgshift_trash (and schemas an extension owns).
// Objects that belong to an extension are represented by the extension alone. What the model cannot
// express is listed in Database::unmanaged ("unmanaged: <kind> <name>", sorted), never dropped silently.
// The result is normalized and deterministic.
// Requires: `conn` is open and not inside a transaction.
// Throws pgshift::Error when a requested schema does not exist or the server prints an expression that
// does not parse; pqxx errors pass through. Canonicalises expressions on up to 8 threads.
schema::Database introspect(pqxx::connection& conn, const IntrospectOptions& options);

// Size (reltuples, total bytes) and write rate of every table and materialized view outside the system
// and pgshift schemas (queries/table_stats.sql), for the planner's hazard messages and grading.
std::map<schema::QualifiedName, schema::TableStats> read_table_stats(pqxx::connection& conn);

}  // namespace pgshift::introspect
