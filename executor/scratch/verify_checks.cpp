// This file implements verify's measurements (verify_checks.hpp): checksum queries, their comparison
// against what lossy steps may lose, and EXPLAIN shapes.
#include "executor/scratch/verify_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "schema/sql_text.hpp"
#include "util/strings.hpp"

namespace pgshift::executor {

namespace {

std::string sorted_md5(const std::string& value) {
  return fmt::format("md5(coalesce(string_agg({0}, ',' ORDER BY {0}), ''))", value);
}

TableChecksum table_checksum(pqxx::transaction_base& tx, const schema::Table& t) {
  std::vector<std::string> aggregates = {"count(*)", sorted_md5("x::text")};
  for (const auto& c : t.columns) {
    aggregates.push_back(sorted_md5("quote_nullable(x." + schema::quote_ident(c.name) + "::text)"));
  }
  std::string from = (t.partition_by ? "" : "ONLY ") + t.name.sql();
  auto row = tx.exec1(fmt::format("SELECT {} FROM {} AS x", util::join(aggregates, ", "), from));
  TableChecksum sum;
  sum.rows = row[0].as<int64_t>();
  sum.rows_md5 = row[1].as<std::string>();
  for (size_t i = 0; i < t.columns.size(); ++i) {
    sum.columns[t.columns[i].name] = row[static_cast<int>(i) + 2].as<std::string>();
  }
  return sum;
}

// "Index Scan using orders_pkey on orders" for one plan node, without its children.
std::string node_text(const nlohmann::json& node) {
  std::string out = node.value("Node Type", "?");
  if (out == "Aggregate" && node.contains("Strategy")) {  // as EXPLAIN's text format names them
    std::string strategy = node["Strategy"].get<std::string>();
    out = strategy == "Hashed" ? "HashAggregate" : strategy == "Sorted" ? "GroupAggregate"
          : strategy == "Mixed" ? "MixedAggregate" : out;
  }
  if (node.contains("Join Type") && node["Join Type"] != "Inner") out += " (" + node["Join Type"].get<std::string>() + ")";
  if (node.contains("Index Name")) out += " using " + node["Index Name"].get<std::string>();
  if (node.contains("Relation Name")) out += " on " + node["Relation Name"].get<std::string>();
  return out;
}

std::string shape_of(const nlohmann::json& node, std::set<std::string>& indexes) {
  if (node.contains("Index Name")) indexes.insert(node["Index Name"].get<std::string>());
  std::string out = node_text(node);
  if (node.contains("Plans")) {
    std::vector<std::string> children;
    for (const auto& child : node["Plans"]) children.push_back(shape_of(child, indexes));
    out += " (" + util::join(children, ", ") + ")";
  }
  return out;
}

}  // namespace

DataChecksums data_checksums(pqxx::connection& conn, const schema::Database& model) {
  DataChecksums out;
  pqxx::read_transaction tx(conn);
  for (const auto& [sn, s] : model.schemas) {
    for (const auto& [tn, t] : s.tables) {
      if (!t.partition_of) out[t.name.display()] = table_checksum(tx, t);
    }
  }
  return out;
}

std::optional<std::string> ExpectedChanges::reason(const std::string& object) const {
  auto it = by_object.find(object);
  return it == by_object.end() ? std::nullopt : std::optional<std::string>(it->second);
}

namespace {

// The row triggers of `t` that a backfill UPDATE of `columns` fires and that can change the row.
std::vector<std::string> firing_triggers(const schema::Table& t, const std::vector<std::string>& columns) {
  std::vector<std::string> out;
  for (const auto& [name, trigger] : t.triggers) {
    bool on_update = std::find(trigger.events.begin(), trigger.events.end(), "update") != trigger.events.end();
    bool of_column = trigger.update_of.empty();
    for (const auto& c : columns) {
      of_column = of_column || std::find(trigger.update_of.begin(), trigger.update_of.end(), c) != trigger.update_of.end();
    }
    if (on_update && of_column && trigger.for_each_row && trigger.timing == "before") out.push_back(name);
  }
  return out;
}

}  // namespace

ExpectedChanges expected_changes(const planner::Plan& plan, planner::Phase through, const schema::Database& original) {
  ExpectedChanges out;
  for (const auto& step : plan.steps) {
    if (step.phase > through) continue;
    if (step.backfill) {
      const schema::Table* t = original.find_table(step.backfill->table);
      auto triggers = t ? firing_triggers(*t, step.backfill->columns) : std::vector<std::string>{};
      if (!triggers.empty()) {
        out.triggered.emplace(step.backfill->table.display(),
                              fmt::format("trigger {} fires on the batched UPDATEs of {}", util::join(triggers, ", "),
                                          step.id));
      }
    }
    bool deletes = false;
    for (const auto& h : step.hazards) deletes = deletes || h.kind == planner::HazardKind::deletes_data;
    if (!deletes && step.reverse_sql) continue;
    out.by_object[step.object] = fmt::format("{} ({})", step.id, deletes ? "DELETES_DATA" : "irreversible");
    if (!step.reverse_sql) out.irreversible_ids.insert(step.id);
  }
  return out;
}

std::vector<std::string> compare_data(const DataChecksums& before, const DataChecksums& after,
                                      const ExpectedChanges& expected, std::vector<std::string>& lost,
                                      std::vector<std::string>& side_effects) {
  std::vector<std::string> problems;
  for (const auto& [table, b] : before) {
    auto table_why = expected.reason("table " + table);
    auto it = after.find(table);
    if (it == after.end() || it->second.rows != b.rows) {
      std::string what = it == after.end() ? fmt::format("table gone ({} rows)", b.rows)
                                           : fmt::format("{} rows before, {} after", b.rows, it->second.rows);
      if (table_why) {
        lost.push_back(fmt::format("{}: {} ({})", table, what, *table_why));
      } else {
        problems.push_back(fmt::format("{}: {}", table, what));
      }
      continue;
    }
    const TableChecksum& a = it->second;
    auto triggered = expected.triggered.find(table);
    bool touched = table_why.has_value();
    size_t problems_before = problems.size();
    for (const auto& [column, sum] : b.columns) {
      auto why = table_why ? table_why : expected.reason("column " + table + "." + column);
      auto ac = a.columns.find(column);
      if (ac != a.columns.end() && ac->second == sum) {
        touched = touched || why.has_value();
        continue;
      }
      touched = true;
      std::string what = ac == a.columns.end() ? "column gone" : "values not as before";
      if (why) {
        lost.push_back(fmt::format("{}.{}: {} ({})", table, column, what, *why));
      } else if (ac != a.columns.end() && triggered != expected.triggered.end()) {
        side_effects.push_back(fmt::format("{}.{}: values changed: {}; a rollback does not undo that", table, column,
                                           triggered->second));
      } else {
        problems.push_back(fmt::format("{}.{}: {}", table, column, what));
      }
    }
    // Columns recreated by a lossy step's reverse come last, so rows of a touched table read differently.
    if (!touched && problems.size() == problems_before && a.rows_md5 != b.rows_md5) {
      problems.push_back(table + ": rows not as before (each column holds the same values, not in the same rows)");
    }
  }
  return problems;
}

Explained explain(pqxx::connection& conn, const std::string& sql) {
  Explained out;
  try {
    pqxx::work tx(conn, "pgshift_verify_explain");
    tx.exec0("SET TRANSACTION READ ONLY");
    tx.exec0("SET LOCAL enable_seqscan = off");
    tx.exec0("SET LOCAL statement_timeout = '30s'");
    auto text = tx.exec1("EXPLAIN (FORMAT JSON) " + sql)[0].as<std::string>();
    auto json = nlohmann::json::parse(text);
    out.shape = shape_of(json.at(0).at("Plan"), out.indexes);
  } catch (const pqxx::sql_error& e) {
    std::string message = util::trim(e.what());
    if (util::starts_with(message, "ERROR:")) message = util::trim(message.substr(6));
    out.error = message.substr(0, message.find('\n'));
  }
  return out;
}

std::set<std::string> index_names(pqxx::connection& conn) {
  std::set<std::string> out;
  pqxx::read_transaction tx(conn);
  for (const auto& row : tx.exec(R"(
SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('i', 'I')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pgshift', 'pgshift_trash')
  AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%')")) {
    out.insert(row[0].as<std::string>() + "." + row[1].as<std::string>());
  }
  return out;
}

}  // namespace pgshift::executor
