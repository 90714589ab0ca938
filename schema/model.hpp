// The schema model: plain values describing a database's schema, as written in YAML and as read
// from the catalog. Both sides must describe the same object the same way, so every field holds a
// canonical form (types via canonical_type(), expressions via Expr::canonical) and comparison is `==`.
//
// Objects refer to each other by QualifiedName, never by pointer. Named children live in std::map
// keyed by name, so iteration order is deterministic. Columns keep their order.
//
// Hints (renamed_from, using, down_using) are part of the model but never come from introspection;
// operator== compares them too, so compare a desired model against the catalog after strip_hints().
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgshift::schema {

struct QualifiedName {
  std::string schema;
  std::string name;
  auto operator<=>(const QualifiedName&) const = default;
  // "schema"."name", quoted through sql_text.
  std::string sql() const;
  // schema.name, unquoted, for messages and step ids.
  std::string display() const { return schema + "." + name; }
};

// A SQL expression. `source` is what the user wrote (or what the catalog printed);
// `canonical` is the libpg_query deparse of its parse tree with locations, redundant parentheses
// and literal casts to the column's own type removed. Equality is by canonical form only.
struct Expr {
  std::string source;
  std::string canonical;
  bool operator==(const Expr& o) const { return canonical == o.canonical; }
};

struct Identity {
  std::string generation = "by default";  // "always" | "by default"
  std::optional<int64_t> start, increment, min_value, max_value, cache;
  bool cycle = false;
  bool operator==(const Identity&) const = default;
};

struct Column {
  std::string name;
  std::string type;  // canonical: "integer", "character varying(100)", "public.order_status", "text[]"
  bool nullable = true;
  std::optional<Expr> default_value;
  std::optional<Identity> identity;
  std::optional<Expr> generated;        // STORED generated column expression
  std::optional<std::string> collation;  // only when not the type's default, e.g. "C" or "pg_catalog.\"C\""
  std::optional<std::string> comment;
  // hints, never introspected
  std::optional<std::string> renamed_from;
  std::optional<Expr> using_expr;  // forward conversion for a type change, in terms of the old column
  std::optional<Expr> down_using;  // reverse conversion, in terms of the new column
  bool operator==(const Column&) const = default;
};

struct IndexElem {
  std::optional<std::string> column;  // exactly one of column / expression
  std::optional<Expr> expression;
  std::optional<std::string> collation;
  std::optional<std::string> opclass;  // only when not the default opclass
  bool descending = false;
  std::optional<bool> nulls_first;  // only when not the default for the direction
  bool operator==(const IndexElem&) const = default;
};

struct Index {
  std::string name;
  std::vector<IndexElem> elems;
  bool unique = false;
  bool nulls_not_distinct = false;
  std::string method = "btree";
  std::vector<std::string> include;
  std::optional<Expr> where;
  // WITH (name = value, ...): storage parameters such as fillfactor; names and values are validated
  // simple words (schema/yaml_validate), values kept as written (the catalog keeps them so too).
  std::map<std::string, std::string> storage_parameters;
  std::optional<std::string> comment;
  std::optional<std::string> renamed_from;  // hint
  bool operator==(const Index&) const = default;
};

struct PrimaryKey {
  std::string name;  // empty in YAML means "<table>_pkey"
  std::vector<std::string> columns;
  std::optional<std::string> comment;
  bool deferrable = false;
  bool initially_deferred = false;
  bool operator==(const PrimaryKey&) const = default;
};

struct UniqueConstraint {
  std::string name;
  std::vector<std::string> columns;
  bool nulls_not_distinct = false;
  bool deferrable = false;
  bool initially_deferred = false;
  std::optional<std::string> comment;
  std::optional<std::string> renamed_from;
  bool operator==(const UniqueConstraint&) const = default;
};

struct CheckConstraint {
  std::string name;
  Expr expression;
  bool no_inherit = false;
  std::optional<std::string> comment;
  std::optional<std::string> renamed_from;
  bool operator==(const CheckConstraint&) const = default;
};

struct ForeignKey {
  std::string name;
  std::vector<std::string> columns;
  QualifiedName ref_table;
  std::vector<std::string> ref_columns;
  std::string on_delete = "no action";  // no action | restrict | cascade | set null | set default
  std::string on_update = "no action";
  std::string match = "simple";  // simple | full
  bool deferrable = false;
  bool initially_deferred = false;
  std::optional<std::string> comment;
  std::optional<std::string> renamed_from;
  bool operator==(const ForeignKey&) const = default;
};

// EXCLUDE constraints keep their definition as canonical text ("EXCLUDE USING gist (room WITH =, ...)").
struct ExclusionConstraint {
  std::string name;
  Expr definition;
  std::optional<std::string> comment;
  bool operator==(const ExclusionConstraint&) const = default;
};

struct Trigger {
  std::string name;
  std::string timing = "after";        // before | after | instead of
  std::vector<std::string> events;     // insert | update | delete | truncate, in that order
  std::vector<std::string> update_of;  // columns for UPDATE OF
  bool for_each_row = true;
  std::optional<Expr> when;
  QualifiedName function;
  std::vector<std::string> arguments;
  std::string enabled = "origin";  // origin | disabled | replica | always (pg_trigger.tgenabled O D R A)
  bool constraint = false;          // CREATE CONSTRAINT TRIGGER (after, for each row)
  std::optional<QualifiedName> from;  // constraint triggers: FROM the referenced table
  bool deferrable = false, initially_deferred = false;  // constraint triggers
  std::optional<std::string> old_table, new_table;      // REFERENCING OLD/NEW TABLE AS (transition tables)
  std::optional<std::string> comment;
  bool operator==(const Trigger&) const = default;
};

struct Policy {
  std::string name;
  bool permissive = true;
  std::string command = "all";  // all | select | insert | update | delete
  std::vector<std::string> roles;  // empty = public
  std::optional<Expr> using_expr;
  std::optional<Expr> with_check;
  std::optional<std::string> comment;
  bool operator==(const Policy&) const = default;
};

// GRANT privilege ON object TO role; object given by the containing model element.
struct Grant {
  std::string role;  // "public" for PUBLIC
  std::vector<std::string> privileges;  // upper case, sorted: SELECT, INSERT, ...
  std::vector<std::string> columns;  // column-level grant when non-empty
  bool with_grant_option = false;
  auto operator<=>(const Grant&) const = default;
};

struct Table {
  QualifiedName name;
  std::vector<Column> columns;
  std::optional<PrimaryKey> primary_key;
  std::map<std::string, UniqueConstraint> uniques;
  std::map<std::string, CheckConstraint> checks;
  std::map<std::string, ForeignKey> foreign_keys;
  std::map<std::string, ExclusionConstraint> exclusions;
  std::map<std::string, Index> indexes;  // indexes that do not back a constraint
  std::map<std::string, Trigger> triggers;
  std::map<std::string, Policy> policies;
  std::optional<std::string> partition_by;  // canonical "RANGE (created_at)" for a partitioned table
  std::optional<QualifiedName> partition_of;  // parent, for a partition
  std::optional<std::string> partition_bound;  // "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" / "DEFAULT"
  bool rls_enabled = false;
  bool rls_forced = false;
  bool unlogged = false;
  std::optional<std::string> comment;
  std::vector<Grant> grants;
  std::optional<std::string> renamed_from;  // hint
  bool operator==(const Table&) const = default;

  const Column* find_column(const std::string& column) const;
};

struct View {
  QualifiedName name;
  Expr query;  // canonical SELECT
  bool materialized = false;
  std::vector<std::string> columns;  // output column names as the catalog reports them (may be empty in YAML)
  std::optional<std::string> check_option;  // local | cascaded
  bool security_invoker = false;
  bool security_barrier = false;  // views only
  std::map<std::string, std::string> storage_parameters;  // materialized views only: WITH (fillfactor = 80)
  std::map<std::string, Index> indexes;  // materialized views only
  std::map<std::string, Trigger> triggers;  // views only (INSTEAD OF, or statement level)
  std::optional<std::string> comment;
  std::vector<Grant> grants;
  bool operator==(const View&) const = default;
};

struct Sequence {
  QualifiedName name;
  std::string type = "bigint";
  std::optional<int64_t> start, increment, min_value, max_value, cache;
  bool cycle = false;
  std::optional<std::string> owned_by;  // "table.column" in the same schema, or "schema.table.column"
  std::optional<std::string> comment;
  std::vector<Grant> grants;
  bool operator==(const Sequence&) const = default;
};

struct EnumValue {
  std::string name;
  std::optional<std::string> renamed_from;  // hint
  bool operator==(const EnumValue&) const = default;
};

struct Enum {
  QualifiedName name;
  std::vector<EnumValue> values;  // label order
  std::optional<std::string> comment;
  std::vector<Grant> grants;  // USAGE
  bool operator==(const Enum&) const = default;
};

struct DomainCheck {
  std::string name;
  Expr expression;  // in terms of VALUE
  bool operator==(const DomainCheck&) const = default;
};

struct Domain {
  QualifiedName name;
  std::string type;
  bool nullable = true;
  std::optional<Expr> default_value;
  std::optional<std::string> collation;
  std::map<std::string, DomainCheck> checks;
  std::optional<std::string> comment;
  std::vector<Grant> grants;  // USAGE
  bool operator==(const Domain&) const = default;
};

struct CompositeAttribute {
  std::string name;
  std::string type;
  std::optional<std::string> collation;
  bool operator==(const CompositeAttribute&) const = default;
};

struct CompositeType {
  QualifiedName name;
  std::vector<CompositeAttribute> attributes;
  std::optional<std::string> comment;
  std::vector<Grant> grants;  // USAGE
  bool operator==(const CompositeType&) const = default;
};

// Functions and procedures. Keyed in Schema::functions by "name(identity arguments)",
// e.g. "add_tax(numeric, numeric)" (canonical types, comma + space).
struct Function {
  QualifiedName name;
  std::string arguments;  // full argument list as pg_get_function_arguments prints it: "a integer, b text DEFAULT 'x'::text"
  std::string identity_arguments;  // types only, canonical: "integer, text"
  std::string returns;    // "integer", "trigger", "SETOF public.users", "TABLE(a integer)"; empty for procedures
  bool procedure = false;
  std::string language = "plpgsql";
  std::string body;       // the text between the dollar quotes, verbatim
  std::string volatility = "volatile";  // immutable | stable | volatile
  bool strict = false;
  bool security_definer = false;
  std::string parallel = "unsafe";  // safe | restricted | unsafe
  bool leakproof = false;
  double cost = 100;  // COST (pg_proc.procost)
  double rows = 0;    // ROWS (pg_proc.prorows): 1000 by default for a set-returning function, else 0
  // SET name = value; values as pg_proc.proconfig holds them (list settings such as search_path
  // quoted item by item: `"$user", public`, `""` for an empty item).
  std::vector<std::pair<std::string, std::string>> config;
  // A SQL-standard body (`RETURN expr` or `BEGIN ATOMIC ... END`, language sql) instead of a string
  // body: bound when created, it depends on what it uses.
  bool standard_body = false;
  std::optional<std::string> comment;
  std::vector<Grant> grants;
  bool operator==(const Function&) const = default;

  std::string key() const { return name.name + "(" + identity_arguments + ")"; }
  bool returns_set() const { return returns.rfind("SETOF ", 0) == 0 || returns.rfind("TABLE(", 0) == 0; }
};

// Aggregates (CREATE AGGREGATE, plain aggregates only: ordered-set and hypothetical-set aggregates
// stay unmanaged), keyed in Schema::aggregates by "name(identity arguments)" like functions ("*" when
// there are none). Support functions are named without arguments, as CREATE AGGREGATE names them; an
// unqualified name in YAML is the aggregate's schema when it defines a function of that name, else
// pg_catalog (model.cpp normalize).
struct Aggregate {
  QualifiedName name;
  std::string arguments;           // as pg_get_function_arguments prints them
  std::string identity_arguments;  // "text", "numeric, integer"; "*" when none
  QualifiedName sfunc;             // state transition function
  std::string stype;               // state type
  std::optional<QualifiedName> finalfunc;
  bool finalfunc_extra = false;
  std::optional<QualifiedName> combinefunc, serialfunc, deserialfunc;
  std::optional<std::string> initcond;  // the initial state as text; "" is an empty string, unlike none
  // The moving-aggregate group (MSFUNC, MINVFUNC, MSTYPE, MFINALFUNC, MINITCOND).
  std::optional<QualifiedName> msfunc, minvfunc, mfinalfunc;
  std::optional<std::string> mstype, minitcond;
  bool mfinalfunc_extra = false;
  std::string parallel = "unsafe";  // safe | restricted | unsafe
  std::optional<std::string> comment;
  std::vector<Grant> grants;
  bool operator==(const Aggregate&) const = default;

  std::string key() const { return name.name + "(" + identity_arguments + ")"; }
  // The support functions, for ordering.
  std::vector<QualifiedName> support_functions() const {
    std::vector<QualifiedName> out{sfunc};
    for (const auto* f : {&finalfunc, &combinefunc, &serialfunc, &deserialfunc, &msfunc, &minvfunc, &mfinalfunc}) {
      if (*f) out.push_back(**f);
    }
    return out;
  }
};

// Live statistics of a table, read at plan time (introspect/table_stats): for hazard messages and grading.
struct TableStats {
  double rows = 0;            // pg_class.reltuples (an estimate; 0 when never analyzed)
  int64_t bytes = 0;          // pg_total_relation_size
  double writes_per_s = -1;   // inserted + updated + deleted rows per second since the statistics reset; -1 unknown
};

struct Schema {
  std::string name;
  std::map<std::string, Enum> enums;
  std::map<std::string, Domain> domains;
  std::map<std::string, CompositeType> types;
  std::map<std::string, Sequence> sequences;
  std::map<std::string, Table> tables;
  std::map<std::string, View> views;
  std::map<std::string, Function> functions;  // keyed by Function::key()
  std::map<std::string, Aggregate> aggregates;  // keyed by Aggregate::key()
  std::optional<std::string> comment;
  std::vector<Grant> grants;  // USAGE / CREATE on the schema
  bool operator==(const Schema&) const = default;
};

struct Extension {
  std::string name;
  std::optional<std::string> schema;   // only when not the default (public)
  std::optional<std::string> version;  // YAML: pins the version (else the installed or default one is kept)
  // Introspected only: the version CREATE EXTENSION installs without VERSION (pg_available_extensions),
  // so inspect writes `version` only when the installed one differs. Not part of the comparison.
  std::optional<std::string> default_version;
  bool operator==(const Extension& o) const { return name == o.name && schema == o.schema && version == o.version; }
};

// ALTER DEFAULT PRIVILEGES [FOR ROLE owner] IN SCHEMA s GRANT privs ON object_type TO role
struct DefaultPrivilege {
  std::string owner;   // role whose new objects get the grant; empty = any
  std::string schema;  // empty = all schemas
  std::string object_type;  // tables | sequences | functions | types | schemas
  Grant grant;
  auto operator<=>(const DefaultPrivilege&) const = default;
};

// An object as PostgreSQL's dependency records name it (introspect/queries/dependencies.sql): a row
// type stands for its relation, a view's rule for the view, a column default for its column, a domain
// constraint for its domain.
struct ObjectRef {
  // schema, extension, type, table, column, view, sequence, index, function, constraint, trigger, policy
  std::string kind;
  std::string schema;  // for a schema or an extension: its own name
  std::string name;    // a function: Function::key(), "name(identity arguments)"
  std::string sub;     // the column, constraint, trigger or policy name; "" for the other kinds
  auto operator<=>(const ObjectRef&) const = default;
};

// `dependent` cannot exist without `referenced` (pg_depend, deptype n, a or i).
struct Dependency {
  ObjectRef dependent;
  ObjectRef referenced;
  auto operator<=>(const Dependency&) const = default;
};

struct Database {
  std::map<std::string, Extension> extensions;
  std::map<std::string, Schema> schemas;
  std::vector<std::string> managed_roles;  // grants are compared only for these roles
  std::vector<DefaultPrivilege> default_privileges;
  // Objects found in the catalog that the model cannot express: "unmanaged: <kind> <name>".
  std::vector<std::string> unmanaged;
  // The catalog's dependency records between the objects above, sorted; filled by introspect (so for
  // the desired schema only once it is built in a scratch database), empty for a model read from YAML.
  // Derived facts: not compared, not written to YAML.
  std::vector<Dependency> dependencies;
  bool operator==(const Database& o) const {
    return extensions == o.extensions && schemas == o.schemas && managed_roles == o.managed_roles &&
           default_privileges == o.default_privileges;
  }

  const Table* find_table(const QualifiedName& name) const;
  Table* find_table(const QualifiedName& name);
  const View* find_view(const QualifiedName& name) const;
};

// Sorts what has no intrinsic order (grants, event lists, ...) and fills derived names
// (primary key "<table>_pkey"), so two models of the same schema compare equal.
// Also: primary key and identity columns become NOT NULL, sequence and identity options equal to
// CREATE SEQUENCE's defaults are dropped, a partition's columns are cleared (they are its parent's),
// index NULLS FIRST/LAST equal to the direction's default is dropped, function SET options are sorted,
// ALL privileges are expanded, object names are set from their map keys, and empty schemas of
// references (foreign keys, triggers, partitions) become the containing schema.
void normalize(Database& db);

// Removes renamed_from / using / down_using hints everywhere.
void strip_hints(Database& db);

// A readable multi-line dump, for test failure messages.
std::string to_debug_string(const Database& db);

// The name PostgreSQL gives a primary key by default: "<table>_pkey", the table name cut to fit
// 63 bytes at a character boundary.
std::string primary_key_name(const std::string& table);

}  // namespace pgshift::schema
