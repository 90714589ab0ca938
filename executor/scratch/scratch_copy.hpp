// Filling a scratch database from a source one: its schema through pg_dump and pg_restore, and a
// sample of its rows that keeps every foreign key satisfied.
//
// Order (the one pg_restore itself uses for a full restore):
//   1. pg_dump --schema-only --format=custom of the source, without the pgshift state schemas,
//      subscriptions, publications and tablespaces; the password goes to the child in PGPASSWORD,
//      never on its command line;
//   2. pg_restore --section=pre-data --no-owner: types, functions, tables with their NOT NULL and CHECK
//      constraints, views; no primary keys, unique or foreign keys, indexes or triggers yet;
//   3. up to N rows per table (copy_sample_rows);
//   4. pg_restore --section=post-data: indexes, primary, unique and foreign keys (validated against the
//      sample), triggers, rules; then ANALYZE.
#pragma once

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "executor/cancel.hpp"

namespace pgshift::executor {

struct SampledTable {
  std::string table;            // schema.name, unquoted
  int64_t rows = 0;             // rows in the scratch copy
  int64_t orphans_removed = 0;  // sampled rows deleted because a parent row was not sampled
};

struct CopyOptions {
  std::string source_conninfo;
  std::string scratch_conninfo;
  int sample_rows = 1000;  // per table; 0 = schema only
  CancelCheck cancelled;
};

struct CopyResult {
  std::vector<SampledTable> tables;
  std::vector<std::string> notes;  // e.g. privileges left out because a role does not exist there
};

// Copies as described above. A restore section that fails because a role does not exist on the
// scratch server (another server than the source's) is run again without privileges, with a note.
// Throws pgshift::Error when pg_dump or pg_restore fail otherwise (their last lines of errors in the
// message), Cancelled when `cancelled` says so.
CopyResult copy_to_scratch(const CopyOptions& options);

// Step 3 alone, for a scratch database whose tables exist without their keys and foreign keys:
// reads every table of `source` in one REPEATABLE READ snapshot, parents before children (foreign-key
// order; a cycle is broken at the table first by name), taking the first `rows` rows in primary-key
// order. A child's rows are limited to those whose foreign keys point at parent rows already copied
// (NULL keys always qualify), so the sample stays connected; rows still left without a parent (cycles,
// self references) are then deleted until none is. Partitions are filled through their partitioned
// table; tables of extensions are skipped; generated columns are left to the copy to compute.
std::vector<SampledTable> copy_sample_rows(pqxx::connection& source, pqxx::connection& scratch, int rows,
                                           const CancelCheck& cancelled);

}  // namespace pgshift::executor
