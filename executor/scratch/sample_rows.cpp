// This file implements copy_sample_rows (scratch_copy.hpp): the tables and foreign keys of the source,
// their order, and moving rows as JSON (to_jsonb on the source, jsonb_populate_recordset on the
// scratch), so columns are matched by name and every value is a parameter, never SQL text.
#include <fmt/format.h>

#include <map>
#include <set>

#include "executor/scratch/scratch_copy.hpp"
#include "schema/model.hpp"
#include "schema/sql_text.hpp"
#include "util/strings.hpp"

namespace pgshift::executor {

namespace {

constexpr const char* k_user_schema_filter = R"(
  n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgshift', 'pgshift_trash')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%')";

// Tables holding rows of their own: plain tables and partitioned roots, not partitions (their rows
// are read through the root) and not tables of extensions.
const std::string k_tables_sql = fmt::format(R"(
SELECT c.oid::int8, n.nspname, c.relname, c.relkind::text
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND {}
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY n.nspname, c.relname)", k_user_schema_filter);

const std::string k_columns_sql = R"(
SELECT a.attrelid::int8, a.attname, a.attgenerated <> ''
FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum)";

const std::string k_primary_keys_sql = R"(
SELECT i.indrelid::int8, a.attname
FROM pg_catalog.pg_index i
CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
WHERE i.indisprimary
ORDER BY i.indrelid, k.ord)";

// Foreign keys declared on a table itself (not the clones on partitions), one row per column pair.
const std::string k_foreign_keys_sql = R"(
SELECT con.oid::int8, con.conrelid::int8, con.confrelid::int8, a.attname, fa.attname
FROM pg_catalog.pg_constraint con
CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(col, ref, ord)
JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.col
JOIN pg_catalog.pg_attribute fa ON fa.attrelid = con.confrelid AND fa.attnum = k.ref
WHERE con.contype = 'f' AND con.conparentid = 0
ORDER BY con.conrelid, con.oid, k.ord)";

struct ForeignKey {
  int64_t parent = 0;
  std::vector<std::string> columns, ref_columns;
};

struct Table {
  schema::QualifiedName name;
  bool partitioned = false;
  std::vector<std::string> columns;  // not generated
  std::vector<std::string> primary_key;
  std::vector<ForeignKey> foreign_keys;
  int64_t rows = 0;
  bool complete = false;  // every row of the source table was copied
  int64_t orphans = 0;

  // "ONLY t": the table's own rows; a partitioned table's rows are its partitions'.
  std::string from() const { return (partitioned ? "" : "ONLY ") + name.sql(); }
};

using Tables = std::map<int64_t, Table>;

Tables read_tables(pqxx::transaction_base& tx) {
  Tables tables;
  for (const auto& row : tx.exec(k_tables_sql)) {
    Table& t = tables[row[0].as<int64_t>()];
    t.name = {row[1].as<std::string>(), row[2].as<std::string>()};
    t.partitioned = row[3].as<std::string>() == "p";
  }
  for (const auto& row : tx.exec(k_columns_sql)) {
    auto it = tables.find(row[0].as<int64_t>());
    if (it != tables.end() && !row[2].as<bool>()) it->second.columns.push_back(row[1].as<std::string>());
  }
  for (const auto& row : tx.exec(k_primary_keys_sql)) {
    auto it = tables.find(row[0].as<int64_t>());
    if (it != tables.end()) it->second.primary_key.push_back(row[1].as<std::string>());
  }
  int64_t last_fk = -1;
  for (const auto& row : tx.exec(k_foreign_keys_sql)) {
    auto it = tables.find(row[1].as<int64_t>());
    if (it == tables.end() || !tables.count(row[2].as<int64_t>())) continue;
    if (row[0].as<int64_t>() != last_fk) it->second.foreign_keys.push_back({row[2].as<int64_t>(), {}, {}});
    last_fk = row[0].as<int64_t>();
    it->second.foreign_keys.back().columns.push_back(row[3].as<std::string>());
    it->second.foreign_keys.back().ref_columns.push_back(row[4].as<std::string>());
  }
  return tables;
}

// Parents before children (Kahn's algorithm, ties by name); a cycle is broken at its first table by name.
std::vector<int64_t> parents_first(const Tables& tables) {
  std::map<int64_t, std::set<int64_t>> waits_for;  // child -> parents not yet placed
  for (const auto& [oid, t] : tables) {
    waits_for[oid];
    for (const auto& fk : t.foreign_keys) {
      if (fk.parent != oid) waits_for[oid].insert(fk.parent);
    }
  }
  auto by_name = [&](int64_t a, int64_t b) { return tables.at(a).name < tables.at(b).name; };
  std::vector<int64_t> order;
  while (!waits_for.empty()) {
    std::vector<int64_t> ready;
    for (const auto& [oid, parents] : waits_for) {
      if (parents.empty()) ready.push_back(oid);
    }
    if (ready.empty()) {  // a cycle: take the first table by name
      int64_t first = waits_for.begin()->first;
      for (const auto& [oid, parents] : waits_for) first = by_name(oid, first) ? oid : first;
      ready.push_back(first);
    }
    std::sort(ready.begin(), ready.end(), by_name);
    int64_t next = ready.front();
    order.push_back(next);
    waits_for.erase(next);
    for (auto& [oid, parents] : waits_for) parents.erase(next);
  }
  return order;
}

std::string quoted_list(const std::vector<std::string>& names, const std::string& alias) {
  std::vector<std::string> out;
  for (const auto& n : names) out.push_back(alias + "." + schema::quote_ident(n));
  return util::join(out, ", ");
}

// The parent's key values in the scratch copy, as a JSON array of objects keyed by the child's columns.
std::string parent_keys_json(pqxx::connection& scratch, const Table& parent, const ForeignKey& fk) {
  std::vector<std::string> select;
  for (size_t i = 0; i < fk.columns.size(); ++i) {
    select.push_back("p." + schema::quote_ident(fk.ref_columns[i]) + " AS " + schema::quote_ident(fk.columns[i]));
  }
  pqxx::nontransaction tx(scratch);
  return tx
      .exec1(fmt::format("SELECT coalesce(jsonb_agg(to_jsonb(k)), '[]'::jsonb)::text FROM (SELECT DISTINCT {} FROM {} AS p) AS k",
                         util::join(select, ", "), parent.from()))[0]
      .as<std::string>();
}

// The sample of `t`: the first rows in key order whose foreign keys point at sampled parent rows.
void copy_table(pqxx::transaction_base& src, pqxx::connection& scratch, Tables& tables, Table& t, int rows,
                const std::set<int64_t>& copied) {
  std::vector<std::string> params{std::to_string(rows)};
  std::string where;
  for (const auto& fk : t.foreign_keys) {
    const Table& parent = tables.at(fk.parent);
    if (&parent == &t || !copied.count(fk.parent) || parent.complete) continue;
    params.push_back(parent_keys_json(scratch, parent, fk));
    std::vector<std::string> nulls;
    for (const auto& c : fk.columns) nulls.push_back("r." + schema::quote_ident(c) + " IS NULL");
    where += fmt::format(" AND ({} OR ({}) IN (SELECT {} FROM jsonb_populate_recordset(NULL::{}, ${}::jsonb) AS k))",
                         util::join(nulls, " OR "), quoted_list(fk.columns, "r"), quoted_list(fk.columns, "k"),
                         t.name.sql(), params.size());
  }
  std::string order = t.primary_key.empty() ? "" : " ORDER BY " + quoted_list(t.primary_key, "r");
  auto sample = src.exec_params1(
      fmt::format("SELECT coalesce(jsonb_agg(to_jsonb(x)), '[]'::jsonb)::text, count(*) FROM "
                  "(SELECT * FROM {} AS r WHERE true{}{} LIMIT $1::bigint) AS x",
                  t.from(), where, order),
      pqxx::prepare::make_dynamic_params(params));
  t.rows = sample[1].as<int64_t>();
  t.complete = params.size() == 1 && t.rows < rows;
  if (t.rows == 0 || t.columns.empty()) return;
  std::vector<std::string> columns;
  for (const auto& c : t.columns) columns.push_back(schema::quote_ident(c));
  pqxx::nontransaction tx(scratch);
  tx.exec_params0(fmt::format("INSERT INTO {} ({}) OVERRIDING SYSTEM VALUE SELECT {} FROM "
                              "jsonb_populate_recordset(NULL::{}, $1::jsonb) AS k",
                              t.name.sql(), util::join(columns, ", "), quoted_list(t.columns, "k"), t.name.sql()),
                  sample[0].as<std::string>());
}

// Deletes rows whose foreign key points at no row (MATCH SIMPLE: a NULL in the key exempts the row),
// pass after pass until none is left, since each deletion may orphan rows further down.
void delete_orphans(pqxx::connection& scratch, Tables& tables, const std::vector<int64_t>& order,
                    const CancelCheck& cancelled) {
  for (bool again = true; again;) {
    again = false;
    for (int64_t oid : order) {
      Table& t = tables.at(oid);
      for (const auto& fk : t.foreign_keys) {
        check_cancel(cancelled);
        std::vector<std::string> present, match;
        for (size_t i = 0; i < fk.columns.size(); ++i) {
          present.push_back("c." + schema::quote_ident(fk.columns[i]) + " IS NOT NULL");
          match.push_back("p." + schema::quote_ident(fk.ref_columns[i]) + " = c." + schema::quote_ident(fk.columns[i]));
        }
        pqxx::nontransaction tx(scratch);
        auto r = tx.exec0(fmt::format("DELETE FROM {} AS c WHERE {} AND NOT EXISTS (SELECT 1 FROM {} AS p WHERE {})",
                                      t.from(), util::join(present, " AND "), tables.at(fk.parent).from(),
                                      util::join(match, " AND ")));
        if (r.affected_rows() > 0) {
          t.orphans += static_cast<int64_t>(r.affected_rows());
          t.rows -= static_cast<int64_t>(r.affected_rows());
          again = true;
        }
      }
    }
  }
}

}  // namespace

std::vector<SampledTable> copy_sample_rows(pqxx::connection& source, pqxx::connection& scratch, int rows,
                                           const CancelCheck& cancelled) {
  pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> src(source, "pgshift_verify_sample");
  Tables tables = read_tables(src);
  std::vector<int64_t> order = parents_first(tables);
  std::set<int64_t> copied;
  if (rows > 0) {
    for (int64_t oid : order) {
      check_cancel(cancelled);
      copy_table(src, scratch, tables, tables.at(oid), rows, copied);
      copied.insert(oid);
    }
    delete_orphans(scratch, tables, order, cancelled);
  }
  src.commit();
  std::vector<SampledTable> out;
  for (int64_t oid : order) {
    const Table& t = tables.at(oid);
    out.push_back({t.name.display(), t.rows, t.orphans});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.table < b.table; });
  return out;
}

}  // namespace pgshift::executor
