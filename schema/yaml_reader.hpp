// Internal to schema/: the YAML reader behind load_schema. One Reader per file fills the shared
// LoadState; checks that need the whole model (references, types, name clashes) run at the end.
// Every problem becomes a diagnostic; nothing is thrown until the pass is over.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "schema/expr.hpp"
#include "schema/model.hpp"
#include "util/error.hpp"

namespace pgshift::schema::yaml_detail {

struct SourceFile {
  std::string name;
  std::vector<std::string> lines;
};

struct LoadState;
using DeferredCheck = std::function<void(LoadState&)>;
// Finds, in the merged model, the string holding a type read earlier (nullptr when gone).
using TypeSlot = std::function<std::string*(Database&)>;

struct LoadState {
  Database db;
  std::vector<Error> diagnostics;
  // Names by namespace ("rel:public.users", "type:public.users", "con:public.users.users_pkey",
  // "fn:public.f(integer)", ...) -> what claimed it, and where.
  std::map<std::string, std::pair<std::string, SourceLocation>> origins;
  std::vector<DeferredCheck> checks;
  void error(SourceLocation where, std::string message, std::string hint = {}) {
    diagnostics.emplace_back(std::move(message), std::move(where), std::move(hint));
  }
};

// A key and its value in a YAML map; `key` locates messages about a missing or null value.
// Never assign a Field (or a YAML::Node): yaml-cpp's assignment writes through into the document.
// Copy-construct instead (std::optional<Field>::emplace).
struct Field {
  std::string name;
  YAML::Node key;
  YAML::Node value;
  // The value's text when it differs from value.Scalar(): `type: numeric(12,2)` in a flow map,
  // which YAML splits at the comma, is joined back from the source line.
  std::optional<std::string> text = std::nullopt;
  std::string scalar() const { return text ? *text : value.Scalar(); }
};

class Reader {
 public:
  Reader(const SourceFile& file, LoadState& state) : m_file(file), m_state(state) {}
  void read_document(const YAML::Node& root);

  // --- locations and diagnostics (yaml_read_util.cpp)
  SourceLocation at(const YAML::Node& node, int column_offset = 0) const;
  SourceLocation at(const Field& field) const;
  void error(const SourceLocation& where, std::string message, std::string hint = {});
  // Claims the name `key` for `description` ("table public.users"); reports a second claim.
  bool define(const std::string& key, const std::string& description, const SourceLocation& where);

  // --- node shapes and scalars
  std::string_view kind_name(const YAML::Node& node) const;
  bool expect_map(const Field& field, std::string_view what);
  bool expect_list(const Field& field, std::string_view what);
  // The fields of a map, checked against `allowed`: unknown and duplicate keys are reported and skipped.
  std::vector<Field> fields(const YAML::Node& map, std::string_view what, const std::vector<std::string>& allowed);
  // After `it`, whose value is `field`: joins a value YAML split at commas (see Field::text) and
  // returns the last entry consumed.
  YAML::const_iterator rejoin_split_value(const YAML::Node& map, YAML::const_iterator it, Field& field);
  // Every string is checked for what no SQL text may hold (a NUL byte, invalid UTF-8).
  std::optional<std::string> string_value(const Field& field);
  // A name (schema, table, column, role, ...): a string PostgreSQL can hold as an identifier (see
  // identifier_problem); reported at the field otherwise. Names are always quoted in SQL.
  std::optional<std::string> name_value(const Field& field);
  // A list of names, or one name taken as a list of one.
  std::vector<std::string> name_list(const Field& field);
  // Reports `name` at `where` unless it can be an identifier; `what` names the field.
  bool check_name(const std::string& name, const SourceLocation& where, std::string_view what);
  // An enum label: any text of at most 63 bytes (emitted as a literal).
  std::optional<std::string> label_value(const Field& field);
  // "schema.name" or "name" (double quotes allowed), each part checked as a name.
  std::optional<QualifiedName> qualified_value(const Field& field, std::string_view what);
  // A collation as the model keeps it (normalize_collation), its parts checked as names.
  std::optional<std::string> collation(const Field& field);
  // An operator class in SQL spelling, optionally qualified (canonical_sql_name).
  std::optional<std::string> sql_name(const Field& field);
  std::optional<bool> bool_value(const Field& field);
  std::optional<int64_t> int_value(const Field& field);
  // A list of strings, or one string taken as a list of one.
  std::vector<std::string> string_list(const Field& field);
  std::optional<Expr> expr(const Field& field, std::string_view what, const ExprOptions& options = {});
  std::optional<Expr> query(const Field& field, std::string_view what);
  // Storage parameters `{name: value, ...}` (an index's or materialized view's WITH (...)): names are
  // lower-case words (toast.* allowed), values simple words or numbers; anything else is reported.
  std::map<std::string, std::string> storage_parameters(const Field& field, std::string_view what);
  // A canonical type as introspection spells it (format_type with search_path = public): types of
  // public unqualified, others qualified. An unqualified name used in schema `schema` that only
  // `schema` defines is qualified once every file is read, through `slot`; unknown types are reported then.
  std::optional<std::string> type(const Field& field, std::string_view what, const std::string& schema,
                                  TypeSlot slot = {});
  // Reports a SqlParseError located in the scalar of `field`.
  void sql_error(const Field& field, std::string_view what, const SqlParseError& e);
  // The sub-items of a list field, each as a Field named like the list ("columns[2]").
  std::vector<Field> items(const Field& list);
  std::optional<std::string> one_of(const Field& field, const std::vector<std::string>& allowed);
  // `on`: what the grants are on ("a function"), for the message refusing column lists where only
  // tables and views take them; empty for tables and views.
  std::vector<Grant> grants(const Field& field, std::string_view on = {});

  // --- objects (yaml_read_schema.cpp, yaml_read_table.cpp, yaml_read_objects.cpp)
  void read_schema(const Field& field);
  void read_table(Schema& schema, const Field& field);
  void read_column(Table& table, const Field& field);
  void read_primary_key(Table& table, const Field& field);
  void read_uniques(Table& table, const Field& field);
  void read_checks(Table& table, const Field& field);
  void read_foreign_keys(Table& table, const Field& field);
  void read_exclusions(Table& table, const Field& field);
  void read_partition_of(Table& table, const Field& field);
  // Reports `column` unless `table` has it.
  void require_column(const Table& table, const std::string& column, const std::string& what,
                      const SourceLocation& where);
  // The entries of a map keyed by object names (tables, indexes, ...), duplicates reported.
  std::vector<Field> entries(const Field& field, std::string_view what);
  // Claims a constraint name in the table's constraint namespace (and the schema's relation namespace
  // when the constraint has an index).
  void define_constraint(const Table& table, const std::string& name, std::string_view kind, bool has_index,
                         const SourceLocation& where);
  void read_indexes(std::map<std::string, Index>& indexes, const QualifiedName& owner, const Field& field);
  // Triggers of a table (`table` set) or of a view (`table` null: no column checks, always enabled).
  void read_triggers(std::map<std::string, Trigger>& triggers, const QualifiedName& owner, const Table* table,
                     const Field& field);
  void read_trigger_key(Trigger& t, const Field& g, const std::string& what);
  // A `name` or `schema.name` scalar, each part checked; nullopt (reported) when malformed.
  std::optional<QualifiedName> checked_qualified(const Field& g, const std::string& what, std::string_view label);
  void read_policies(Table& table, const Field& field);
  void read_enum(Schema& schema, const Field& field);
  void read_domain(Schema& schema, const Field& field);
  void read_composite(Schema& schema, const Field& field);
  void read_sequence(Schema& schema, const Field& field);
  void read_view(Schema& schema, const Field& field);
  void read_functions(Schema& schema, const Field& field);
  void read_function(Schema& schema, const Field& name, const YAML::Node& body);
  void read_aggregates(Schema& schema, const Field& field);
  void read_aggregate(Schema& schema, const Field& name, const YAML::Node& body);
  // A non-negative number (COST, ROWS), reported at the field otherwise.
  std::optional<double> number_value(const Field& field);
  void read_extensions(const Field& field);
  void read_default_privileges(const Field& field);

  LoadState& state() { return m_state; }
  const SourceFile& file() const { return m_file; }

 private:
  const SourceFile& m_file;
  LoadState& m_state;
};

// Runs the whole-model checks (yaml_validate.cpp).
void validate(LoadState& state);
// Resolves `type` (canonical, used by `what` in `schema`): returns it, qualified with `schema` when
// only that schema defines it, or reports it and returns nullopt unless it is built in, defined in
// the model, or may come from a declared extension.
std::optional<std::string> check_type(LoadState& state, const SourceLocation& where, const std::string& type,
                                      const std::string& schema, const std::string& what);

// Checks that the referenced table and columns exist (when the referenced schema is in the model)
// and fills omitted referenced columns with the referenced primary key.
void check_foreign_key(LoadState& state, const QualifiedName& owner, const ForeignKey& fk,
                       const SourceLocation& where, const std::string& what);

// A collation as the model keeps it: the raw name ("C", "en_US.utf8", pg_catalog and public dropped),
// or "\"schema\".\"name\"" for another schema's (written that way in YAML: quoted parts). nullopt
// when a quoted spelling is malformed.
std::optional<std::string> normalize_collation(const std::string& text);

// Splits "schema.name" / "name" (double quotes allowed) into a QualifiedName; schema may be empty.
std::optional<QualifiedName> parse_qualified(std::string_view text);

// Removes a "public." qualification from a canonical type ("public.status" -> "status").
std::string public_type(const std::string& canonical_type);

}  // namespace pgshift::schema::yaml_detail
