// This file implements `apply` (apply.hpp): the migration bookkeeping around the steps, and the
// choice of how each step runs (transaction, autocommit, backfill).
#include "executor/apply.hpp"

#include <fmt/format.h>

#include <cctype>
#include <chrono>

#include "executor/backfill.hpp"
#include "executor/lock.hpp"
#include "executor/preflight.hpp"
#include "executor/progress.hpp"
#include "executor/runner.hpp"
#include "executor/state.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::executor {

namespace {

using planner::Phase;
using planner::Step;
using Clock = std::chrono::steady_clock;

constexpr const char* k_resume_hint =
    "the step is marked failed and the migration can be resumed: fix the cause and run `pgshift apply` again, "
    "or undo the migration with `pgshift rollback`";

void emit(const ApplyOptions& opts, Event e) {
  if (opts.on_event) {
    opts.on_event(e);
  }
}

bool within(const Step& step, const ApplyOptions& opts) {
  return !opts.through || step.phase <= *opts.through;
}

}  // namespace

void refuse_in_flight(const MigrationSummary& m) {
  std::string where = m.last_phase ? fmt::format("through phase {}", planner::phase_name(*m.last_phase))
                                   : std::string("no phase finished yet");
  throw Error(fmt::format("migration {} is in flight ({}); finish it with `pgshift apply` or undo it with "
                          "`pgshift rollback`",
                          m.id, where),
              {}, "`pgshift status` shows where it stands; a different desired schema can be applied afterwards");
}

void check_permissions(const planner::Plan& plan, const std::vector<StepState>* states, const ApplyOptions& opts) {
  std::vector<const Step*> pending;
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    bool done = states != nullptr && (*states)[i].status == StepStatus::done;
    if (!done && within(plan.steps[i], opts)) {
      pending.push_back(&plan.steps[i]);
    }
  }
  auto lines = unpermitted_hazards(pending, opts.allowed_hazards);
  if (lines.empty()) {
    return;
  }
  std::set<std::string> kinds;
  for (const auto* step : pending) {
    for (const auto& h : step->hazards) {
      if (planner::hazard_needs_permission(h) && !opts.allowed_hazards.count(h.kind)) {
        kinds.insert(std::string(planner::hazard_name(h.kind)));
      }
    }
  }
  throw Error(
      fmt::format("the plan has hazards that need permission; no step was run:\n  {}", util::join(lines, "\n  ")), {},
      fmt::format("review them, then pass --allow-hazards {} (or all)",
                  util::join(std::vector<std::string>(kinds.begin(), kinds.end()), ",")));
}

namespace {

std::set<std::string> tables_of(const planner::Plan& plan, const ApplyOptions& opts) {
  std::set<std::string> out;
  for (const auto& step : plan.steps) {
    if (within(step, opts)) {
      out.merge(tables_touched(step));
    }
  }
  return out;
}

// The recover hook of a non-transactional step: already done, or debris removed.
std::function<bool()> recover_forward(pqxx::connection& conn, int64_t id, int ordinal, const Step& step,
                                      const Timeouts& timeouts) {
  return [&conn, id, ordinal, &step, timeouts] {
    if (!step.done_check_sql.empty() && query_done(conn, step.done_check_sql, timeouts)) {
      write_state(conn, [&](pqxx::transaction_base& tx) { mark_step(tx, id, ordinal, StepStatus::done); });
      return true;
    }
    if (!step.cleanup_sql.empty()) {
      run_autocommit(conn, step.cleanup_sql, timeouts);
    }
    return false;
  };
}

void run_step(pqxx::connection& conn, int64_t id, int ordinal, const Step& step, const StepState& state,
              const ApplyOptions& opts, RetryContext& ctx) {
  Timeouts timeouts{opts.lock_timeout_ms.value_or(step.lock_timeout_ms),
                    opts.statement_timeout_ms.value_or(step.statement_timeout_ms)};
  if (step.backfill) {
    BackfillRun run{.migration_id = id,
                    .ordinal = ordinal,
                    .step = &step,
                    .batch_size = opts.batch_size.value_or(0),
                    .batch_delay_ms = opts.batch_delay_ms,
                    .timeouts = timeouts,
                    .checkpoint = state.checkpoint};
    run_backfill(conn, run, ctx);
    return;
  }
  SqlRun run{.step_id = step.id,
             .sql = step.forward_sql,
             .autocommit = !step.in_transaction,
             .timeouts = timeouts,
             .resuming = state.status == StepStatus::running || state.status == StepStatus::failed,
             .hint = k_resume_hint};
  StepHooks hooks;
  hooks.started = [&](pqxx::transaction_base& tx) { mark_step_running(tx, id, ordinal); };
  hooks.finished = [&](pqxx::transaction_base& tx) { mark_step(tx, id, ordinal, StepStatus::done); };
  hooks.failed = [&](pqxx::transaction_base& tx, const std::string& error) {
    mark_step_failed(tx, id, ordinal, error);
    set_migration_status(tx, id, "failed", std::nullopt, false);
  };
  if (!step.in_transaction) {
    hooks.recover = recover_forward(conn, id, ordinal, step, timeouts);
  }
  run_step_sql(conn, run, hooks, ctx);
}

// The last phase whose steps (and those of every earlier phase) are all done. A phase without steps
// counts as passed only up to `through`, so `--through add` does not report "through switch".
std::optional<Phase> last_phase_done(const planner::Plan& plan, const std::vector<bool>& done,
                                     std::optional<Phase> through) {
  std::optional<Phase> last;
  for (auto phase : planner::k_all_phases) {
    bool has_steps = false;
    for (size_t i = 0; i < plan.steps.size(); ++i) {
      if (plan.steps[i].phase == phase && !done[i]) {
        return last;
      }
      has_steps = has_steps || plan.steps[i].phase == phase;
    }
    if (!has_steps && through && phase > *through) {
      return last;
    }
    last = phase;
  }
  return last;
}

}  // namespace

std::set<planner::HazardKind> parse_hazard_list(std::string_view text) {
  std::set<planner::HazardKind> out;
  std::vector<std::string> known;
  for (int k = 0; k <= static_cast<int>(planner::HazardKind::irreversible); ++k) {
    known.emplace_back(planner::hazard_name(static_cast<planner::HazardKind>(k)));
  }
  for (const auto& word : util::split(text, ',')) {
    std::string name = util::trim(word);
    if (name.empty() || util::to_lower(name) == "none") {  // "none": say explicitly that nothing is allowed
      continue;
    }
    if (util::to_lower(name) == "all") {
      for (int k = 0; k <= static_cast<int>(planner::HazardKind::irreversible); ++k) {
        out.insert(static_cast<planner::HazardKind>(k));
      }
    } else if (auto kind = planner::parse_hazard(name)) {
      out.insert(*kind);
    } else {
      std::string upper = name;
      for (char& c : upper) {
        c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
      std::string near = util::nearest(upper, known);
      throw Error(
          fmt::format("unknown hazard \"{}\" in --allow-hazards", name), {},
          near.empty() ? "known hazards: " + util::join(known, ", ") + ", or all (none: nothing)" : "did you mean " + near + "?");
    }
  }
  return out;
}

bool same_plan(const planner::Plan& a, const planner::Plan& b) {
  if (a.desired_fingerprint != b.desired_fingerprint || a.steps.size() != b.steps.size()) {
    return false;
  }
  for (size_t i = 0; i < a.steps.size(); ++i) {
    if (a.steps[i].id != b.steps[i].id) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> unpermitted_hazards(const std::vector<const Step*>& steps,
                                             const std::set<planner::HazardKind>& allowed) {
  std::vector<std::string> out;
  for (const auto* step : steps) {
    for (const auto& h : step->hazards) {
      if (planner::hazard_needs_permission(h) && !allowed.count(h.kind)) {
        out.push_back(fmt::format("{}: {}: {}", step->id, planner::hazard_name(h.kind), h.message));
      }
    }
  }
  return out;
}

// Runs the read-only prechecks of the steps this call may run, before anything is written: a value that
// would not convert stops the apply here, naming the row, instead of failing halfway through a phase.
void run_prechecks(pqxx::connection& conn, const planner::Plan& plan, const std::vector<StepState>* states,
                   const ApplyOptions& opts) {
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const Step& step = plan.steps[i];
    if (step.precheck_sql.empty() || !within(step, opts) || (states && (*states)[i].status == StepStatus::done)) {
      continue;
    }
    emit(opts, {.kind = EventKind::info, .step_id = step.id, .message = "checking the live data: " + step.object});
    try {
      pqxx::work tx(conn);
      tx.exec0("SET TRANSACTION READ ONLY");
      tx.exec0("SET LOCAL statement_timeout = 0");
      tx.exec0("SET LOCAL search_path = public");
      tx.exec0(step.precheck_sql);
      tx.commit();
    } catch (const pqxx::sql_error& e) {
      std::string what = util::trim(e.what());
      if (util::starts_with(what, "ERROR:")) what = util::trim(what.substr(6));
      throw Error(fmt::format("step {} would fail on the live data: {}", step.id, what), {},
                  "nothing was changed; fix the data (or the `using` expression in the schema) and plan again");
    }
  }
}

ApplyResult apply(pqxx::connection& conn, const planner::Plan& plan, const ApplyOptions& opts) {
  ApplyResult result;
  if (plan.empty()) {
    if (auto m = migration_in_flight(conn)) {
      refuse_in_flight(m->summary);
    }
    result.nothing_to_do = true;
    return result;
  }
  AdvisoryLock lock(conn);
  auto in_flight = migration_in_flight(conn);
  if (in_flight && !same_plan(in_flight->plan, plan)) {
    refuse_in_flight(in_flight->summary);
  }
  // A resumed migration runs its saved plan: the step rows refer to it.
  const planner::Plan& run_plan = in_flight ? in_flight->plan : plan;
  check_permissions(run_plan, in_flight ? &in_flight->steps : nullptr, opts);
  preflight(conn, tables_of(run_plan, opts), opts.wait_for_quiet_s, opts.on_event);
  run_prechecks(conn, run_plan, in_flight ? &in_flight->steps : nullptr, opts);
  std::optional<nlohmann::json> backup;
  if (opts.backup) {
    backup = opts.backup->take(conn, {.plan = run_plan,
                                      .in_flight = in_flight ? &*in_flight : nullptr,
                                      .tables = tables_of(run_plan, opts),
                                      .through = opts.through,
                                      .on_event = opts.on_event});
  }

  std::vector<StepState> states(run_plan.steps.size());
  if (in_flight) {
    result.migration_id = in_flight->summary.id;
    result.resumed = true;
    states = in_flight->steps;
    if (backup) {
      ensure_state(conn);  // a migration started by an older pgshift: its table may lack the backup column
    }
    write_state(conn, [&](pqxx::transaction_base& tx) {
      set_migration_status(tx, result.migration_id, "in_progress", in_flight->summary.last_phase, false);
      if (backup) {
        set_migration_backup(tx, result.migration_id, *backup);
      }
    });
    emit(opts, {.kind = EventKind::info,
                .message = fmt::format("continuing migration {} ({} of {} steps done)", result.migration_id,
                                       in_flight->summary.steps_done, in_flight->summary.steps_total)});
  } else {
    ensure_state(conn);
    write_state(conn, [&](pqxx::transaction_base& tx) {
      result.migration_id = insert_migration(tx, run_plan);
      if (backup) {
        set_migration_backup(tx, result.migration_id, *backup);
      }
    });
    emit(opts, {.kind = EventKind::info, .message = fmt::format("started migration {}", result.migration_id)});
    if (opts.backup) {
      opts.backup->migration_created(result.migration_id);
    }
  }

  RetryContext ctx{.max_retries = opts.max_lock_retries, .backoff = Backoff(), .on_event = opts.on_event};
  std::vector<bool> done(run_plan.steps.size());
  bool ran_in_phase = false;
  for (size_t i = 0; i < run_plan.steps.size(); ++i) {
    const Step& step = run_plan.steps[i];
    done[i] = states[i].status == StepStatus::done;
    if (done[i]) {
      ++result.steps_skipped;
      emit(opts, {.kind = EventKind::step_skipped, .step_id = step.id, .phase = step.phase, .message = "already done"});
    } else if (!within(step, opts)) {
      ++result.steps_remaining;
    } else {
      if (opts.before_step && !opts.before_step(step.id)) {
        throw Interrupted(step.id);
      }
      emit(opts, {.kind = EventKind::step_started,
                  .step_id = step.id,
                  .phase = step.phase,
                  .message = step.description,
                  .attempt = states[i].attempts + 1});
      auto began = Clock::now();
      run_step(conn, result.migration_id, static_cast<int>(i), step, states[i], opts, ctx);
      done[i] = true;
      ran_in_phase = true;
      ++result.steps_run;
      emit(opts, {.kind = EventKind::step_finished,
                  .step_id = step.id,
                  .phase = step.phase,
                  .elapsed_s = std::chrono::duration<double>(Clock::now() - began).count()});
    }
    bool phase_ends = i + 1 == run_plan.steps.size() || run_plan.steps[i + 1].phase != step.phase;
    if (phase_ends) {
      if (ran_in_phase && done[i]) {
        emit(opts, {.kind = EventKind::phase_finished, .phase = step.phase});
      }
      ran_in_phase = false;
    }
  }

  result.completed = result.steps_remaining == 0;
  result.last_phase =
      result.completed ? std::optional<Phase>(Phase::drop) : last_phase_done(run_plan, done, opts.through);
  write_state(conn, [&](pqxx::transaction_base& tx) {
    set_migration_status(tx, result.migration_id, result.completed ? "completed" : "in_progress", result.last_phase,
                         result.completed);
  });
  return result;
}

}  // namespace pgshift::executor
