// This file implements indexes: CREATE INDEX CONCURRENTLY on existing tables (plain CREATE INDEX on
// new ones), DROP INDEX CONCURRENTLY, and a changed index built under a temporary name, swapped in by
// rename, the old one dropped in the drop phase. Partitioned parents cannot build concurrently; their
// index is built ON ONLY the parent, then per partition concurrently and attached.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "planner/naming.hpp"
#include "planner/ops/table_ops.hpp"
#include "planner/recipes/concurrent_index.hpp"
#include "util/strings.hpp"

namespace pgshift::planner::ops {

using schema::qualified;
using schema::quote_ident;

namespace {

std::vector<std::string> index_columns_used(const schema::Index& idx) {
  std::vector<std::string> out;
  for (const auto& e : idx.elems) {
    if (e.column) out.push_back(*e.column);
  }
  for (const auto& c : idx.include) out.push_back(c);
  return out;
}

// The partitions of `parent` in the desired schema, or nullopt when one of them is itself partitioned
// (an index on a sub-partitioned tree is built in one statement).
std::optional<std::vector<const schema::Table*>> leaf_partitions(const schema::Database& db, const schema::QualifiedName& parent) {
  std::vector<const schema::Table*> out;
  for (const auto& [sn, s] : db.schemas) {
    for (const auto& [tn, t] : s.tables) {
      if (!t.partition_of || *t.partition_of != parent) continue;
      if (t.partition_by) return std::nullopt;
      out.push_back(&t);
    }
  }
  return out;
}

PlannedStep& index_edges(PlannedStep& ps, const schema::QualifiedName& table, const schema::Index& idx,
                         const std::string& name) {
  ps.uses.insert(keys::table(table));
  ps.uses.insert(keys::view(table));  // materialized view indexes
  ps.uses.insert(keys::columns_of(table));
  for (const auto& c : index_columns_used(idx)) ps.uses.insert(keys::column(table, c));
  ps.creates.insert(keys::index(table.schema, name));
  return ps;
}

// The relation names of schema `sn` in either model: tables, views, sequences, indexes and the indexes
// of primary keys, unique and exclusion constraints.
std::set<std::string> relation_names(const PlanContext& ctx, const std::string& sn) {
  std::set<std::string> out;
  for (const schema::Database* db : {&ctx.current, &ctx.desired}) {
    auto it = db->schemas.find(sn);
    if (it == db->schemas.end()) continue;
    const auto& s = it->second;
    for (const auto& [n, t] : s.tables) {
      out.insert(n);
      for (const auto& [in, i] : t.indexes) out.insert(in);
      if (t.primary_key) out.insert(t.primary_key->name.empty() ? n + "_pkey" : t.primary_key->name);
      for (const auto& [un, u] : t.uniques) out.insert(un);
      for (const auto& [xn, x] : t.exclusions) out.insert(xn);
    }
    for (const auto& [n, v] : s.views) {
      out.insert(n);
      for (const auto& [in, i] : v.indexes) out.insert(in);
    }
    for (const auto& [n, q] : s.sequences) out.insert(n);
  }
  return out;
}

// ChooseIndexColumnNames: each column's name, "expr" for an expression, made unique with 1, 2, ...
std::vector<std::string> index_column_names(const schema::Index& idx) {
  std::vector<std::string> names;
  auto add = [&](const std::string& orig) {
    std::string name = orig;
    for (int i = 1; std::find(names.begin(), names.end(), name) != names.end(); ++i) name = orig + std::to_string(i);
    names.push_back(name);
  };
  for (const auto& e : idx.elems) add(e.column ? *e.column : "expr");
  for (const auto& c : idx.include) add(c);
  return names;
}

// The name PostgreSQL would give partition `p`'s copy of the parent's index `name`, had it built it:
// the parent's other indexes (existing ones first, then the new ones in name order) took theirs first.
std::string partition_index_name(const PlanContext& ctx, const schema::QualifiedName& parent, const schema::Table& p,
                                 const std::string& name) {
  std::set<std::string> taken = relation_names(ctx, p.name.schema);
  const schema::Table* cur = ctx.current.find_table(parent);
  const schema::Table* des = ctx.desired.find_table(parent);
  if (cur) {
    for (const auto& [n, i] : cur->indexes) taken.insert(naming::choose_index_name(p.name.name, index_column_names(i), "idx", taken));
  }
  std::string chosen;
  if (des) {
    for (const auto& [n, i] : des->indexes) {
      if (cur && cur->indexes.count(n) && cur->indexes.at(n) == i && n != name) continue;
      std::string child = naming::choose_index_name(p.name.name, index_column_names(i), "idx", taken);
      taken.insert(child);
      if (n == name) return child;
    }
  }
  return naming::fit(p.name.name + "_" + name);  // an index built aside under a temporary name
}

// An index on an existing partitioned table without blocking writes: the parent index ON ONLY (empty,
// invalid), each partition's index CONCURRENTLY, then ATTACH PARTITION for each, which makes the
// parent index valid. Rolled back by dropping the parent index (which takes the attached ones along).
PlannedStep& build_partitioned_index(PlanContext& ctx, const schema::QualifiedName& table, const schema::Index& idx,
                                     const std::string& name, const std::vector<const schema::Table*>& partitions,
                                     const std::string& id_prefix) {
  std::string id = table.schema + "." + name;
  std::string parent_sql = ddl::create_index(table, idx, false, name);
  parent_sql.insert(parent_sql.find(" ON " + qualified(table)) + 4, "ONLY ");
  Step only = make_step(id_prefix + id, '+', "index " + id, "creates the index on the partitioned table alone (ON ONLY, no data)",
                        parent_sql, "DROP INDEX IF EXISTS " + qualified({table.schema, name}), "SHARE on " + table.display() + " (brief)");
  auto& first = ctx.add(Phase::add, prio::index, std::move(only));
  first.uses.insert(keys::table(table));
  first.uses.insert(keys::columns_of(table));
  for (const auto& c : index_columns_used(idx)) first.uses.insert(keys::column(table, c));
  first.creates.insert(keys::index_only(table.schema, name));
  std::vector<std::string> attach;
  for (const auto* p : partitions) {
    std::string child = partition_index_name(ctx, table, *p, name);
    std::string child_id = p->name.schema + "." + child;
    auto& ps = recipes::build_index_concurrently(
        ctx, Phase::add, prio::index,
        {.table = p->name, .index = idx, .name = child, .id = "build_partition_index:" + child_id, .object = "index " + child_id,
         .description = "builds the index of partition " + p->name.display() + " concurrently (no write block)"});
    ps.uses.insert(keys::table(p->name));
    ps.uses.insert(keys::index_only(table.schema, name));
    ps.creates.insert(keys::partition_index(table.schema, name));
    attach.push_back(fmt::format("ALTER INDEX {} ATTACH PARTITION {}", qualified({table.schema, name}), qualified({p->name.schema, child})));
  }
  if (attach.empty()) {
    first.creates.insert(keys::index(table.schema, name));
    return first;
  }
  Step a = make_step("attach_partition_indexes:" + id, '~', "index " + id,
                     "attaches the partitions' indexes; the index on the partitioned table becomes valid",
                     util::join(attach, ";\n"), "DROP INDEX IF EXISTS " + qualified({table.schema, name}),
                     "SHARE UPDATE EXCLUSIVE on the indexes (brief, catalog only)");
  auto& ps = ctx.add(Phase::add, prio::index + 1, std::move(a));
  ps.uses.insert(keys::partition_index(table.schema, name));
  ps.uses.insert(keys::index_only(table.schema, name));
  ps.creates.insert(keys::index(table.schema, name));
  return ps;
}

PlannedStep& build_index(PlanContext& ctx, const schema::QualifiedName& table, const schema::Index& idx, const std::string& name,
                         bool table_is_new, bool partitioned, const std::string& id_prefix) {
  std::string id = table.schema + "." + name;
  if (partitioned && !table_is_new) {
    if (auto parts = leaf_partitions(ctx.desired, table)) return build_partitioned_index(ctx, table, idx, name, *parts, id_prefix);
  }
  if (table_is_new || partitioned) {
    Step s = make_step(id_prefix + id, '+', "index " + id,
                       table_is_new ? "creates the index on the new table" : "creates the index on the partitioned table and its partitions",
                       ddl::create_index(table, idx, false, name), ddl::drop_index(table.schema, name, false),
                       table_is_new ? "none (new table)" : "SHARE on " + table.display() + " and its partitions");
    if (!table_is_new) s.hazards.push_back(hazards::share_lock(table.display(), "while the index builds (sub-partitioned tables cannot build concurrently)"));
    return index_edges(ctx.add(Phase::add, prio::index, std::move(s)), table, idx, name);
  }
  auto& ps = recipes::build_index_concurrently(ctx, Phase::add, prio::index,
                                               {.table = table, .index = idx, .name = name, .id = id_prefix + id,
                                                .object = "index " + id, .description = "builds the index concurrently (no write block)"});
  return index_edges(ps, table, idx, name);
}

}  // namespace

void drop_index_step(PlanContext& ctx, const schema::QualifiedName& table, const schema::Index& idx) {
  std::string id = table.schema + "." + idx.name;
  const schema::Table* t = ctx.current.find_table(table);
  bool partitioned = t && t->partition_by;
  Step s = make_step("drop_index:" + id, '-', "index " + id, "drops the index",
                     ddl::drop_index(table.schema, idx.name, !partitioned), ddl::create_index(table, idx, !partitioned),
                     partitioned ? "ACCESS EXCLUSIVE on " + table.display() : "SHARE UPDATE EXCLUSIVE on " + table.display());
  if (!partitioned) {
    s.in_transaction = false;
    s.statement_timeout_ms = 0;
    s.done_check_sql = fmt::format("SELECT to_regclass({}) IS NULL", schema::quote_literal(qualified({table.schema, idx.name})));
  }
  auto& ps = ctx.add(Phase::drop, prio::drop_index, std::move(s));
  ps.drops.insert(keys::index(table.schema, idx.name));
  ps.uses.insert(keys::table(table));
  for (const auto& c : index_columns_used(idx)) ps.uses.insert(keys::column(table, c));
}

void plan_indexes(PlanContext& ctx, const schema::QualifiedName& table, const std::map<std::string, schema::Index>* cur,
                  const std::map<std::string, schema::Index>& des, bool table_is_new, bool partitioned) {
  auto strip = [](schema::Index i) {
    i.comment.reset();
    i.renamed_from.reset();
    return i;
  };
  for (const auto& [n, idx] : des) {
    const schema::Index* old = cur && cur->count(n) ? &cur->at(n) : nullptr;
    std::string id = table.schema + "." + n;
    auto without_storage = [&](schema::Index i) {
      i = strip(std::move(i));
      i.storage_parameters.clear();
      return i;
    };
    if (!old) {
      build_index(ctx, table, idx, n, table_is_new, partitioned, "create_index:");
    } else if (old->storage_parameters != idx.storage_parameters && without_storage(*old) == without_storage(idx)) {
      // Only storage parameters change: ALTER INDEX SET / RESET, catalog only (they apply to pages
      // written from now on; a REINDEX, which pgshift does not run, would rewrite the old ones).
      std::string alter = "ALTER INDEX " + qualified({table.schema, n});
      auto& ps = ctx.add(Phase::add, prio::index,
                         make_step("set_index_storage:" + id, '~', "index " + id, "changes the storage parameters (catalog only)",
                                   util::join(ddl::alter_storage_parameters(alter, old->storage_parameters, idx.storage_parameters), ";\n"),
                                   util::join(ddl::alter_storage_parameters(alter, idx.storage_parameters, old->storage_parameters), ";\n"),
                                   "SHARE UPDATE EXCLUSIVE on the index (brief)"));
      ps.uses.insert(keys::index(table.schema, n));
      ps.uses.insert(keys::table(table));
    } else if (!(strip(*old) == strip(idx))) {
      // Build the new definition aside, swap names in one brief transaction, drop the old one later.
      std::string tmp = naming::new_index(n), aside = naming::old_index(n);
      build_index(ctx, table, idx, tmp, false, partitioned, "build_index:");
      auto rename = [&](const std::string& from, const std::string& to) {
        return fmt::format("ALTER INDEX {} RENAME TO {}", qualified({table.schema, from}), quote_ident(to));
      };
      auto& sw = ctx.add(Phase::switch_over, prio::swap,
                         make_step("swap_index:" + id, '~', "index " + id, "puts the new definition in place by renaming",
                                   rename(n, aside) + ";\n" + rename(tmp, n), rename(n, tmp) + ";\n" + rename(aside, n),
                                   "ACCESS EXCLUSIVE on the indexes (brief)"));
      sw.uses.insert(keys::index(table.schema, tmp));
      sw.uses.insert(keys::table(table));
      schema::Index old_aside = *old;
      old_aside.name = aside;
      drop_index_step(ctx, table, old_aside);
      ctx.steps.back().step.id = "drop_old_index:" + id;
    }
    plan_comment(ctx, "INDEX " + qualified({table.schema, n}), "index." + id, "index " + id, old ? old->comment : std::nullopt,
                 idx.comment, keys::index(table.schema, n));
  }
  if (!cur) return;
  for (const auto& [n, idx] : *cur) {
    if (!des.count(n)) drop_index_step(ctx, table, idx);
  }
}

}  // namespace pgshift::planner::ops
