// The measurements `verify` compares (verify.hpp): checksums of sampled data, what a plan's lossy
// steps may lose, and EXPLAIN shapes of queries. Internal to verify.cpp and its tests.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <pqxx/pqxx>
#include <set>
#include <string>
#include <vector>

#include "planner/plan.hpp"
#include "schema/model.hpp"

namespace pgshift::executor {

// A table's data: row count, an md5 of its rows (as row literals, sorted) and one md5 per column of its
// values (quote_nullable text, sorted), so a lost column can be told from a changed one.
struct TableChecksum {
  int64_t rows = 0;
  std::string rows_md5;
  std::map<std::string, std::string> columns;
  bool operator==(const TableChecksum&) const = default;
};
using DataChecksums = std::map<std::string, TableChecksum>;  // by "schema.table"

// Checksums of every table of `model` with rows of its own (partitioned tables through their root).
DataChecksums data_checksums(pqxx::connection& conn, const schema::Database& model);

// What a plan through a phase may change for good, so that a rollback leaves it different:
// - steps that say they lose data: a DELETES_DATA hazard, or no reverse SQL;
// - row triggers of a table that fire on the batched UPDATEs of a backfill (BEFORE UPDATE, FOR EACH ROW,
//   and UPDATE OF naming a backfilled column or none), e.g. one that sets updated_at = now(): they
//   change the table's other columns, in production as on the copy, and no rollback undoes that.
struct ExpectedChanges {
  std::map<std::string, std::string> by_object;  // Step::object ("column public.t.c", "table public.t") -> "id (WHY)"
  std::set<std::string> irreversible_ids;        // steps without reverse SQL (a rollback leaves them applied)
  std::map<std::string, std::string> triggered;  // "schema.table" -> "trigger t fires on the UPDATEs of <step id>"
  bool lossy() const { return !by_object.empty(); }
  std::optional<std::string> reason(const std::string& object) const;
};
ExpectedChanges expected_changes(const planner::Plan& plan, planner::Phase through, const schema::Database& original);

// Compares data before a plan and after its rollback. Returns the differences nothing explains
// ("public.users.email: values not as before"); appends those a lossy step explains to `lost`, and
// those triggers explain to `side_effects`.
std::vector<std::string> compare_data(const DataChecksums& before, const DataChecksums& after,
                                      const ExpectedChanges& expected, std::vector<std::string>& lost,
                                      std::vector<std::string>& side_effects);

// EXPLAIN (FORMAT JSON) of one statement, in a read-only transaction that is rolled back, with
// enable_seqscan = off (on a sample of rows the planner would otherwise scan every table whole).
struct Explained {
  std::string shape;  // "Hash Join (Seq Scan on orders, Index Scan using customers_pkey on customers)"
  std::set<std::string> indexes;
  std::string error;  // the server's message when EXPLAIN failed; shape is then empty
};
Explained explain(pqxx::connection& conn, const std::string& sql);

// Indexes of user schemas, as "schema.name".
std::set<std::string> index_names(pqxx::connection& conn);

}  // namespace pgshift::executor
