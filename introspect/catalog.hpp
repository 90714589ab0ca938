// Internal to introspect/: the state of one introspection run and the readers, one per object kind,
// that fill it. Each reader runs one named query (queries/<kind>.sql) and adds what it finds.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "schema/expr.hpp"
#include "schema/model.hpp"

namespace pgshift::introspect {

// A relation read so far (table, view or sequence), found again by oid in later queries.
struct Relation {
  schema::QualifiedName name;
  schema::Table* table = nullptr;
  schema::View* view = nullptr;
  std::vector<schema::Grant>* grants = nullptr;
  std::map<int, std::string> attnames;  // attnum -> column name (partitions too, whose columns are not listed)
  std::vector<schema::Column> inherited_columns;  // a partition's columns, compared with its parent's
};

// The rows of a query run through a cursor, fetched in batches as the loop goes, so a large catalog
// (65,000 columns for 5,000 tables) is never held in memory whole. Iterate once.
class RowStream {
 public:
  RowStream(pqxx::transaction_base& txn, std::string cursor) : m_txn(txn), m_cursor(std::move(cursor)) {}

  class iterator {
   public:
    iterator() = default;  // end
    explicit iterator(RowStream* stream) : m_stream(stream) { fetch(); }
    pqxx::row operator*() const { return m_batch[m_index]; }
    iterator& operator++();
    bool operator!=(const iterator& other) const { return m_stream != other.m_stream; }

   private:
    void fetch();
    RowStream* m_stream = nullptr;
    pqxx::result m_batch;
    pqxx::result::size_type m_index = 0;
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

 private:
  pqxx::transaction_base& m_txn;
  std::string m_cursor;
};

class Catalog {
 public:
  Catalog(pqxx::transaction_base& txn, std::vector<std::string> managed_roles);

  // Runs queries/<name>.sql with the oids of the schemas read as $1.
  RowStream query(const std::string& name);
  // Runs queries/<name>.sql, which takes no parameter (schemas, extensions).
  pqxx::result query_database(const std::string& name);
  // "unmanaged: <kind> <name>"
  void unmanaged(const std::string& kind, const std::string& name);
  bool managed_role(const std::string& role) const { return m_managed_roles.count(role) > 0; }
  bool reads_grants() const { return !m_managed_roles.empty(); }

  // Where a deferred expression goes: called once, by resolve_expressions(), so it must find the slot
  // then (map nodes do not move; capture a vector and an index, not an element's address).
  using ExprSlot = std::function<schema::Expr&()>;
  // Canonicalises `source` (make_expr with `options`) later and stores it in slot(). `what` names it in errors.
  void defer_expr(const std::string& source, std::string what, ExprSlot slot, schema::ExprOptions options = {});
  // Same with make_query, for view definitions (a trailing ';' is removed).
  void defer_query(const std::string& source, std::string what, ExprSlot slot);
  // Canonicalises every deferred expression, each distinct one once, on all cores (libpg_query is
  // thread-safe; parsing is most of inspect's own CPU time). Throws pgshift::Error for the first one,
  // in the order they were deferred, that does not parse.
  void resolve_expressions();

  schema::Database db;
  std::string schema_oids;  // "{2200,16385}"
  std::unordered_map<uint32_t, schema::Schema*> schemas;
  std::unordered_map<uint32_t, Relation> relations;
  std::unordered_map<uint32_t, schema::Function*> functions;
  std::unordered_map<uint32_t, schema::Aggregate*> aggregates;
  std::set<std::string> unmanaged_objects;

 private:
  struct DistinctExpr {
    std::string source;
    schema::ExprOptions options;
    bool query = false;
  };
  struct PendingExpr {
    size_t distinct;
    std::string what;
    ExprSlot slot;
  };
  std::vector<DistinctExpr> m_distinct;
  std::unordered_map<std::string, size_t> m_distinct_index;  // kind + column type + source -> m_distinct
  std::vector<PendingExpr> m_pending;
  void defer(DistinctExpr expr, std::string what, ExprSlot slot);

  pqxx::transaction_base& m_txn;
  std::set<std::string> m_managed_roles;
};

// Readers, in the order introspect() runs them (later ones find earlier objects by oid).
void read_schemas(Catalog& cat, const std::vector<std::string>& wanted);
void read_extensions(Catalog& cat);
void read_enums(Catalog& cat);
void read_domains(Catalog& cat);
void read_composites(Catalog& cat);
void read_sequences(Catalog& cat);
void read_tables(Catalog& cat);
void read_columns(Catalog& cat);
void read_constraints(Catalog& cat);
void read_views(Catalog& cat);
void read_indexes(Catalog& cat);  // of tables and materialized views
void read_functions(Catalog& cat);
void read_aggregates(Catalog& cat);
void read_triggers(Catalog& cat);
void read_policies(Catalog& cat);
void read_grants(Catalog& cat);
void read_default_privileges(Catalog& cat);
void read_dependencies(Catalog& cat);  // after every reader above (functions are found by oid)
void read_unmanaged(Catalog& cat);

// Field helpers.
std::string text(const pqxx::field& f);  // "" for NULL
std::optional<std::string> opt_text(const pqxx::field& f);
std::vector<std::string> text_array(const pqxx::field& f);  // a text[] / name[]; NULL elements skipped
std::vector<int> int_list(const pqxx::field& f);  // "{1,2}" or an int2vector's "1 2"

// What the server printed does not parse: a pgshift bug, reported naming `what`.
[[noreturn]] void throw_unparsable(const std::string& what, const std::string& source, const std::string& message);

// Returns canonicalise(source) (a schema:: canonical-form function); a SqlParseError becomes a
// pgshift::Error naming `what` ("the default of column public.t.c").
template <class Fn>
auto canonical(const std::string& what, const std::string& source, Fn&& canonicalise) -> decltype(canonicalise(source)) {
  try {
    return canonicalise(source);
  } catch (const schema::SqlParseError& e) {
    throw_unparsable(what, source, e.what());
  }
}

// Options of CREATE SEQUENCE as the catalog stores them; sets the optional fields of `target`
// (a schema::Sequence or schema::Identity) only where they differ from the defaults for `type`.
struct SequenceOptions {
  std::string type;
  int64_t start = 0, increment = 1, min_value = 0, max_value = 0, cache = 1;
  bool cycle = false;
};
// Reads seqstart, seqincrement, seqmin, seqmax, seqcache, seqcycle and the type from `type_column`.
SequenceOptions sequence_options(const pqxx::row& row, const char* type_column);
void set_non_default_options(schema::Sequence& target, const SequenceOptions& o);
void set_non_default_options(schema::Identity& target, const SequenceOptions& o);

}  // namespace pgshift::introspect
