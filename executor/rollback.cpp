// This file implements `rollback` (rollback.hpp): which steps to undo, the irreversible-step check,
// and running each reverse like a step of its own.
#include "executor/rollback.hpp"

#include <fmt/format.h>

#include <chrono>

#include "executor/lock.hpp"
#include "executor/preflight.hpp"
#include "executor/runner.hpp"
#include "executor/sql_kind.hpp"
#include "executor/state.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::executor {

namespace {

using planner::Phase;
using planner::Step;
using Clock = std::chrono::steady_clock;

constexpr const char* k_rollback_hint =
    "the step is still applied and the rollback can be resumed: fix the cause and run `pgshift rollback` again, "
    "or continue the migration with `pgshift apply`";

void emit(const RollbackOptions& opts, Event e) {
  if (opts.on_event) {
    opts.on_event(e);
  }
}

// What undoing one step takes.
enum class Undo { nothing, mark_only, reverse, check_then_reverse };

Undo undo_kind(const Step& step, const StepState& state) {
  switch (state.status) {
    case StepStatus::pending:
    case StepStatus::reverted:
      return Undo::nothing;
    case StepStatus::done:
      return Undo::reverse;
    case StepStatus::running:
    case StepStatus::failed:
      break;
  }
  if (step.backfill) {
    return Undo::reverse;  // some batches may have committed
  }
  // A transactional step that did not finish left nothing behind.
  return step.in_transaction ? Undo::mark_only : Undo::check_then_reverse;
}

bool allowed_to_lose_data(const RollbackOptions& opts) {
  return opts.allowed_hazards.count(planner::HazardKind::deletes_data) ||
         opts.allowed_hazards.count(planner::HazardKind::irreversible);
}

}  // namespace

void check_irreversible(const planner::Plan& plan, const std::vector<size_t>& targets, const RollbackOptions& opts) {
  std::vector<std::string> lines;
  for (size_t i : targets) {
    if (!plan.steps[i].reverse_sql) {
      const auto& reason = plan.steps[i].irreversible_reason;
      lines.push_back(fmt::format("{}: {}", plan.steps[i].id, reason.empty() ? "cannot be undone" : reason));
    }
  }
  if (lines.empty() || allowed_to_lose_data(opts)) {
    return;
  }
  throw Error(fmt::format("cannot roll back without losing data; these steps cannot be undone:\n  {}",
                          util::join(lines, "\n  ")),
              {},
              "pass --allow-hazards DELETES_DATA to undo everything else and leave these steps as they are, or "
              "roll back to an earlier point only with --to");
}

std::vector<size_t> steps_to_undo(const Migration& m, std::optional<Phase> to) {
  std::vector<size_t> targets;
  for (size_t i = m.plan.steps.size(); i-- > 0;) {
    bool kept = to && m.plan.steps[i].phase <= *to;
    if (!kept && undo_kind(m.plan.steps[i], m.steps[i]) != Undo::nothing) {
      targets.push_back(i);
    }
  }
  return targets;
}

namespace {

struct Reverter {
  pqxx::connection& conn;
  int64_t id;
  const RollbackOptions& opts;
  RetryContext& ctx;
  RollbackResult& result;

  void mark_reverted(int ordinal, const std::string& note = {}) {
    write_state(conn, [&](pqxx::transaction_base& tx) {
      mark_step(tx, id, ordinal, StepStatus::reverted);
      if (!note.empty()) {
        set_step_error(tx, id, ordinal, note);
      }
    });
  }

  // True when the forward effect of a non-transactional step is gone (debris removed, step marked).
  bool forward_effect_gone(int ordinal, const Step& step, const Timeouts& timeouts) {
    if (step.done_check_sql.empty() || query_done(conn, step.done_check_sql, timeouts)) {
      return false;
    }
    if (!step.cleanup_sql.empty()) {
      run_autocommit(conn, step.cleanup_sql, timeouts);
    }
    mark_reverted(ordinal);
    return true;
  }

  void undo(int ordinal, const Step& step, Undo kind) {
    Timeouts timeouts{opts.lock_timeout_ms.value_or(step.lock_timeout_ms),
                      opts.statement_timeout_ms.value_or(step.statement_timeout_ms)};
    if (kind == Undo::mark_only) {
      mark_reverted(ordinal);
      emit(opts, {.kind = EventKind::step_skipped,
                  .step_id = step.id,
                  .phase = step.phase,
                  .message = "never applied: nothing to undo"});
      return;
    }
    if (!step.reverse_sql) {
      std::string note = "irreversible, left applied: " + step.irreversible_reason;
      result.irreversible_left.push_back(fmt::format("{}: {}", step.id, step.irreversible_reason));
      mark_reverted(ordinal, note);
      emit(opts, {.kind = EventKind::warning, .step_id = step.id, .phase = step.phase, .message = note});
      return;
    }
    if (kind == Undo::check_then_reverse && forward_effect_gone(ordinal, step, timeouts)) {
      ++result.steps_reverted;
      emit(opts, {.kind = EventKind::step_skipped,
                  .step_id = step.id,
                  .phase = step.phase,
                  .message = "never took effect: nothing to undo"});
      return;
    }
    if (util::trim(*step.reverse_sql).empty()) {
      mark_reverted(ordinal);
      ++result.steps_reverted;
      emit(opts,
           {.kind = EventKind::step_skipped, .step_id = step.id, .phase = step.phase, .message = "nothing to undo"});
      return;
    }
    run_reverse(ordinal, step, timeouts);
  }

  void run_reverse(int ordinal, const Step& step, const Timeouts& timeouts) {
    bool autocommit = needs_autocommit(*step.reverse_sql);
    SqlRun run{.step_id = step.id,
               .sql = *step.reverse_sql,
               .autocommit = autocommit,
               .timeouts = timeouts,
               .resuming = autocommit,
               .hint = k_rollback_hint};
    StepHooks hooks;
    hooks.finished = [&](pqxx::transaction_base& tx) { mark_step(tx, id, ordinal, StepStatus::reverted); };
    hooks.failed = [&](pqxx::transaction_base& tx, const std::string& error) {
      set_step_error(tx, id, ordinal, "reverse: " + error);
      set_migration_status(tx, id, "failed", std::nullopt, false);
    };
    if (autocommit) {
      // Before every attempt: a reverse interrupted earlier may have finished, or left an INVALID index.
      hooks.recover = [this, ordinal, &step, timeouts] { return forward_effect_gone(ordinal, step, timeouts); };
    }
    emit(opts, {.kind = EventKind::step_started,
                .step_id = step.id,
                .phase = step.phase,
                .message = "undo: " + step.description});
    auto began = Clock::now();
    run_step_sql(conn, run, hooks, ctx);
    ++result.steps_reverted;
    emit(opts, {.kind = EventKind::step_finished,
                .step_id = step.id,
                .phase = step.phase,
                .elapsed_s = std::chrono::duration<double>(Clock::now() - began).count()});
  }
};

// The last phase at or before `to` whose steps, and those of every earlier phase, are all done.
std::optional<Phase> kept_phase(const planner::Plan& plan, const std::vector<StepState>& states,
                                std::optional<Phase> to) {
  std::optional<Phase> last;
  for (auto phase : planner::k_all_phases) {
    if (to && phase > *to) {
      break;
    }
    for (size_t i = 0; i < plan.steps.size(); ++i) {
      if (plan.steps[i].phase == phase && states[i].status != StepStatus::done) {
        return last;
      }
    }
    last = phase;
  }
  return last;
}

}  // namespace

RollbackResult rollback(pqxx::connection& conn, const RollbackOptions& opts) {
  RollbackResult result;
  AdvisoryLock lock(conn);
  std::optional<Migration> m;
  {
    pqxx::read_transaction tx(conn);
    m = load_migration(tx, true);
  }
  if (!m) {
    result.nothing_to_do = true;
    return result;
  }
  result.migration_id = m->summary.id;
  const auto& plan = m->plan;
  std::vector<size_t> targets = steps_to_undo(*m, opts.to);  // newest first
  if (targets.empty()) {
    result.nothing_to_do = true;
    return result;
  }
  check_irreversible(plan, targets, opts);
  std::set<std::string> tables;
  for (size_t i : targets) {
    tables.merge(tables_touched(plan.steps[i]));
  }
  preflight(conn, tables, opts.wait_for_quiet_s, opts.on_event);
  emit(opts, {.kind = EventKind::info,
              .message = fmt::format("rolling back migration {} ({} step(s) to undo)", m->summary.id, targets.size())});

  RetryContext ctx{.max_retries = opts.max_lock_retries, .backoff = Backoff(), .on_event = opts.on_event};
  Reverter reverter{conn, m->summary.id, opts, ctx, result};
  for (size_t i : targets) {
    if (opts.before_step && !opts.before_step(plan.steps[i].id)) {
      throw Interrupted(plan.steps[i].id);
    }
    reverter.undo(static_cast<int>(i), plan.steps[i], undo_kind(plan.steps[i], m->steps[i]));
    m->steps[i].status = StepStatus::reverted;
  }

  bool any_applied = false;
  for (const auto& s : m->steps) {
    any_applied = any_applied || (s.status != StepStatus::pending && s.status != StepStatus::reverted);
  }
  result.rolled_back = !any_applied;
  write_state(conn, [&](pqxx::transaction_base& tx) {
    if (result.rolled_back) {
      set_migration_status(tx, m->summary.id, "rolled_back", std::nullopt, true);
    } else {
      set_migration_status(tx, m->summary.id, "in_progress", kept_phase(plan, m->steps, opts.to), false);
    }
  });
  return result;
}

}  // namespace pgshift::executor
