// This file implements batched backfills (backfill.hpp): the checkpointed keyset loop and the SQL
// it sends. Identifiers are quoted through schema/sql_text.hpp; key values are parameters.
#include "executor/backfill.hpp"

#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "executor/state.hpp"
#include "schema/sql_text.hpp"
#include "util/strings.hpp"

namespace pgshift::executor {

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr double k_count_limit = 5e6;  // past this many rows, reltuples is estimate enough

// "($1, $2)" for `n` parameters starting at `first`.
std::string params_tuple(size_t first, size_t n) {
  std::vector<std::string> p;
  for (size_t i = 0; i < n; ++i) {
    p.push_back(fmt::format("${}", first + i));
  }
  return "(" + util::join(p, ", ") + ")";
}

struct BackfillSql {
  std::string table, key_tuple, key_list, desc_list, where;
  size_t n = 0;  // key columns

  explicit BackfillSql(const planner::Backfill& b) : table(schema::qualified(b.table)), n(b.key.size()) {
    key_list = schema::quote_ident_list(b.key);
    key_tuple = "(" + key_list + ")";
    std::vector<std::string> desc;
    for (const auto& k : b.key) {
      desc.push_back(schema::quote_ident(k) + " DESC");
    }
    desc_list = util::join(desc, ", ");
    where = b.where ? " AND (" + *b.where + ")" : "";
  }

  std::string max_key() const {
    return fmt::format("SELECT {} FROM {} ORDER BY {} LIMIT 1", key_list, table, desc_list);
  }

  std::string count() const { return fmt::format("SELECT count(*) FROM {} WHERE true{}", table, where); }

  // $1..$n = last (when has_last), then max, then the offset.
  std::string range(bool has_last, size_t& next) const {
    std::string lower = has_last ? fmt::format("{} > {} AND ", key_tuple, params_tuple(next, n)) : "";
    next += has_last ? n : 0;
    std::string upper = fmt::format("{} <= {}", key_tuple, params_tuple(next, n));
    next += n;
    return lower + upper;
  }

  // The batch's last key: `batch_size` keys on, by the key alone (an index-only range scan). The row
  // filter stays in the UPDATE: with it here, a filter on a column without statistics (a new shadow
  // column) made the planner scan the whole table for every batch.
  std::string batch_end(bool has_last) const {
    size_t next = 1;
    std::string r = range(has_last, next);
    return fmt::format("SELECT {} FROM {} WHERE {} ORDER BY {} OFFSET ${} LIMIT 1", key_list, table, r, key_list, next);
  }

  std::string update(const planner::Backfill& b, bool has_last) const {
    std::vector<std::string> sets;
    for (size_t i = 0; i < b.columns.size(); ++i) {
      sets.push_back(fmt::format("{} = ({})", schema::quote_ident(b.columns[i]), b.expressions.at(i)));
    }
    size_t next = 1;
    std::string r = range(has_last, next);
    return fmt::format("UPDATE {} SET {} WHERE {}{}", table, util::join(sets, ", "), r, where);
  }
};

std::vector<std::string> row_texts(const pqxx::row& r) {
  std::vector<std::string> out;
  for (const auto& f : r) {
    out.push_back(f.c_str());
  }
  return out;
}

std::vector<std::string> json_strings(const json& j) {
  std::vector<std::string> out;
  for (const auto& v : j) {
    out.push_back(v.get<std::string>());
  }
  return out;
}

// Runs forward_sql, finds the bound and the estimate; marks the step done when the table is empty.
json start(pqxx::transaction_base& tx, const BackfillRun& run, const BackfillSql& sql) {
  const auto& b = *run.step->backfill;
  if (!util::trim(run.step->forward_sql).empty()) {
    tx.exec(run.step->forward_sql);
  }
  auto max = tx.exec(sql.max_key());
  json cp{{"last", nullptr}, {"rows_done", 0}, {"total", 0}, {"finished", max.empty()}};
  cp["max"] = max.empty() ? json(nullptr) : json(row_texts(max[0]));
  if (!max.empty()) {
    double reltuples =
        tx.exec_params1("SELECT reltuples FROM pg_class WHERE oid = $1::regclass", schema::qualified(b.table))[0]
            .as<double>();
    cp["total"] =
        reltuples > k_count_limit ? static_cast<int64_t>(reltuples) : tx.exec(sql.count())[0][0].as<int64_t>();
  }
  return cp;
}

// One batch: moves the checkpoint forward and returns it.
json batch(pqxx::transaction_base& tx, const BackfillRun& run, const BackfillSql& sql, json cp, int batch_size) {
  const auto& b = *run.step->backfill;
  bool has_last = !cp["last"].is_null();
  std::vector<std::string> params = has_last ? json_strings(cp["last"]) : std::vector<std::string>{};
  for (const auto& v : json_strings(cp["max"])) {
    params.push_back(v);
  }
  auto end = tx.exec_params(sql.batch_end(has_last), pqxx::prepare::make_dynamic_params(params),
                            std::to_string(batch_size - 1));
  std::vector<std::string> end_key = end.empty() ? json_strings(cp["max"]) : row_texts(end[0]);
  // The update's upper bound is the batch's last key: replace the max values by it.
  std::vector<std::string> update_params(params.begin(), params.end() - static_cast<long>(sql.n));
  update_params.insert(update_params.end(), end_key.begin(), end_key.end());
  auto updated = tx.exec_params(sql.update(b, has_last), pqxx::prepare::make_dynamic_params(update_params));
  cp["last"] = end_key;
  cp["rows_done"] = cp["rows_done"].get<int64_t>() + updated.affected_rows();
  cp["finished"] = end.empty() || end_key == json_strings(cp["max"]);
  return cp;
}

BackfillProgress progress(const json& cp, int64_t rows_this_run, int64_t batches, Clock::time_point began) {
  BackfillProgress p;
  p.rows_done = cp["rows_done"].get<int64_t>();
  p.rows_total = std::max(cp["total"].get<int64_t>(), p.rows_done);
  p.batches = batches;
  double elapsed = std::chrono::duration<double>(Clock::now() - began).count();
  if (elapsed > 0 && rows_this_run > 0) {
    p.rows_per_s = static_cast<double>(rows_this_run) / elapsed;
    p.eta_s = static_cast<double>(p.rows_total - p.rows_done) / p.rows_per_s;
  }
  if (cp["finished"].get<bool>()) {
    p.eta_s = 0;
  }
  return p;
}

}  // namespace

void run_backfill(pqxx::connection& conn, const BackfillRun& run, RetryContext& ctx) {
  const auto& step = *run.step;
  BackfillSql sql(*step.backfill);
  int batch_size = run.batch_size > 0 ? run.batch_size : std::max(1, step.backfill->batch_size);
  std::string hint =
      "the step is marked failed and its checkpoint kept; run `pgshift apply` again to continue the "
      "backfill where it stopped, or `pgshift rollback`";
  auto give_up = [&](const SqlFailure& failure, int attempts) {
    write_state(conn, [&](pqxx::transaction_base& tx) {
      mark_step_failed(tx, run.migration_id, run.ordinal, failure_text(failure));
      set_migration_status(tx, run.migration_id, "failed", std::nullopt, false);
    });
    throw_step_error(step.id, failure, attempts, sql.update(*step.backfill, true), run.timeouts, hint);
  };
  write_state(conn, [&](pqxx::transaction_base& tx) { mark_step_running(tx, run.migration_id, run.ordinal); });

  json cp = run.checkpoint ? *run.checkpoint : json();
  if (!cp.is_object()) {
    with_lock_retries(
        ctx, step.id,
        [&](int) {
          pqxx::work tx(conn);
          set_local(tx, run.timeouts);
          cp = start(tx, run, sql);
          save_checkpoint(tx, run.migration_id, run.ordinal, cp);
          if (cp["finished"].get<bool>()) {
            mark_step(tx, run.migration_id, run.ordinal, StepStatus::done);
          }
          tx.commit();
        },
        give_up);
  }
  auto began = Clock::now();
  int64_t rows_this_run = 0;
  int64_t batches = 0;
  while (!cp["finished"].get<bool>()) {
    json next;
    with_lock_retries(
        ctx, step.id,
        [&](int) {
          pqxx::work tx(conn);
          set_local(tx, run.timeouts);
          next = batch(tx, run, sql, cp, batch_size);
          save_checkpoint(tx, run.migration_id, run.ordinal, next);
          if (next["finished"].get<bool>()) {
            mark_step(tx, run.migration_id, run.ordinal, StepStatus::done);
          }
          tx.commit();
        },
        give_up);
    rows_this_run += next["rows_done"].get<int64_t>() - cp["rows_done"].get<int64_t>();
    ++batches;
    cp = next;
    if (ctx.on_event) {
      Event e{.kind = EventKind::backfill_progress, .step_id = step.id, .phase = step.phase};
      e.progress = progress(cp, rows_this_run, batches, began);
      ctx.on_event(e);
    }
    if (!cp["finished"].get<bool>() && run.batch_delay_ms > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(run.batch_delay_ms));
    }
  }
  if (batches == 0) {
    // Already finished (empty table, or a crash after the last batch): make sure the step says so.
    write_state(conn,
                [&](pqxx::transaction_base& tx) { mark_step(tx, run.migration_id, run.ordinal, StepStatus::done); });
  }
}

}  // namespace pgshift::executor
