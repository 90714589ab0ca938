// This file implements `verify` (verify.hpp): the scratch copy, then for each phase an apply through
// it and a full rollback, each compared with what it should have produced, and the EXPLAINs.
#include "executor/scratch/verify.hpp"

#include <fmt/format.h>

#include <chrono>

#include "executor/apply.hpp"
#include "executor/connection.hpp"
#include "executor/rollback.hpp"
#include "executor/scratch/scratch.hpp"
#include "executor/scratch/verify_checks.hpp"
#include "introspect/introspect.hpp"
#include "schema/yaml_io.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"
#include "util/text_diff.hpp"

namespace pgshift::executor {

namespace {

using Clock = std::chrono::steady_clock;
using planner::Phase;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

std::set<planner::HazardKind> every_hazard() {
  std::set<planner::HazardKind> out;
  for (int k = 0; k <= static_cast<int>(planner::HazardKind::irreversible); ++k) {
    out.insert(static_cast<planner::HazardKind>(k));
  }
  return out;
}

std::vector<Phase> phases_with_steps(const planner::Plan& plan) {
  std::vector<Phase> out;
  for (Phase p : planner::k_all_phases) {
    if (!plan.steps_in(p).empty()) out.push_back(p);
  }
  return out;
}

class Proof {
 public:
  Proof(const VerifyOptions& o, VerifyReport& r, ScratchDatabase& scratch, std::vector<std::string> roles)
      : m_o(o), m_r(r), m_scratch(scratch), m_roles(std::move(roles)) {}

  void run(const schema::Database& source) {
    copy();
    if (planner::fingerprint(m_original) != planner::fingerprint(source)) {
      diverge("copy", "the scratch copy's schema differs from the database's, so a proof on it would prove nothing",
              util::unified_diff(schema::to_yaml(source), schema::to_yaml(m_original), "database", "scratch copy"));
      return;
    }
    choose_plan();
    if (m_r.plan.empty()) {
      m_r.desired_reached = true;
      return;
    }
    if (!m_o.queries.empty()) {
      m_indexes_before = index_names(*m_conn);
      for (const auto& sql : m_o.queries) m_r.queries.push_back({.sql = sql});
      explain_all(true);
    }
    auto phases = phases_with_steps(m_r.plan);
    for (Phase phase : phases) {
      bool last = phase == phases.back();
      if (!prove_phase(phase, last)) return;
      if (!last && !m_restored_exactly) {
        progress("starting again from a fresh copy (the rollback left lossy steps' effects behind)");
        m_conn.reset();
        m_scratch.recreate();
        copy();
      }
    }
  }

  void close() { m_conn.reset(); }

 private:
  const VerifyOptions& m_o;
  VerifyReport& m_r;
  ScratchDatabase& m_scratch;
  std::vector<std::string> m_roles;
  std::unique_ptr<pqxx::connection> m_conn;
  schema::Database m_original;
  DataChecksums m_original_data;
  std::set<std::string> m_indexes_before;
  bool m_restored_exactly = true;

  void progress(const std::string& line) {
    if (m_o.progress) m_o.progress(line);
  }

  void diverge(std::string stage, std::string message, std::string diff = {}) {
    m_r.divergence = Divergence{std::move(stage), std::move(message), std::move(diff)};
  }

  schema::Database inspect() { return introspect::introspect(*m_conn, {{}, m_roles}); }

  void copy() {
    progress(fmt::format("copying the schema and up to {} rows per table into {}", m_o.sample_rows, m_scratch.name()));
    auto began = Clock::now();
    CopyResult copied = copy_to_scratch({.source_conninfo = m_o.source_conninfo,
                                         .scratch_conninfo = m_scratch.conninfo(),
                                         .sample_rows = m_o.sample_rows,
                                         .cancelled = m_o.cancelled});
    m_r.tables = std::move(copied.tables);
    m_r.copy_notes = std::move(copied.notes);
    m_r.copy_s = since(began);
    m_conn = connect(m_scratch.conninfo());
    m_original = inspect();
    m_original_data = data_checksums(*m_conn, m_original);
  }

  void choose_plan() {
    if (m_o.plan) {
      if (m_o.plan->current_fingerprint != planner::fingerprint(m_original)) {
        throw Error("the database changed since this plan was made", {},
                    "make a new plan with `pgshift plan -f SCHEMA -o plan.json`, review it, and verify that");
      }
      if (m_o.desired && m_o.plan->desired_fingerprint != planner::fingerprint(stripped_desired())) {
        throw Error("the plan was made for another desired schema than the one given with -f", {},
                    "give the schema files the plan was made from, or make the plan again");
      }
      m_r.plan = *m_o.plan;
    } else {
      m_r.plan = planner::make_plan(m_original, *m_o.desired, m_o.plan_options);
    }
    std::set<std::string> kinds;
    for (const auto& step : m_r.plan.steps) {
      StepRun run{.id = step.id, .phase = step.phase, .lock = step.lock};
      for (const auto& h : step.hazards) {
        run.hazards.emplace_back(planner::hazard_name(h.kind));
        run.loses_data = run.loses_data || h.kind == planner::HazardKind::deletes_data;
        if (planner::hazard_needs_permission(h) && !m_o.allowed_hazards.count(h.kind)) {
          kinds.emplace(planner::hazard_name(h.kind));
        }
      }
      run.loses_data = run.loses_data || !step.reverse_sql;
      m_r.steps.push_back(run);
    }
    m_r.needs_permission.assign(kinds.begin(), kinds.end());
  }

  schema::Database stripped_desired() const {
    schema::Database d = *m_o.desired;
    schema::strip_hints(d);
    return d;
  }

  StepRun* step_run(const std::string& id) {
    for (auto& s : m_r.steps) {
      if (s.id == id) return &s;
    }
    return nullptr;
  }

  // Records durations, lock retries and backfilled rows; polls for cancellation at every event.
  EventSink recorder(bool undo) {
    return [this, undo](const Event& e) {
      check_cancel(m_o.cancelled);
      StepRun* s = step_run(e.step_id);
      if (s == nullptr) return;
      if (e.kind == EventKind::step_finished) {
        (undo ? s->undo_s : s->apply_s) = e.elapsed_s;
      } else if (e.kind == EventKind::step_retry) {
        ++s->lock_retries;
        s->retry_wait_ms += e.delay_ms;
      } else if (e.kind == EventKind::backfill_progress && e.progress && !undo) {
        s->rows_backfilled = e.progress->rows_done;
      }
    };
  }

  std::function<bool(const std::string&)> before_step() {
    return [this](const std::string& id) {
      check_cancel(m_o.cancelled);
      bool go = !m_o.before_step || m_o.before_step(id);
      check_cancel(m_o.cancelled);
      return go;
    };
  }

  bool prove_phase(Phase phase, bool last) {
    PhaseProof proof{.through = phase};
    std::string name(planner::phase_name(phase));
    progress("applying through " + name);
    for (auto& s : m_r.steps) s.apply_s = s.undo_s = std::nullopt;
    auto began = Clock::now();
    try {
      ApplyOptions opts{.through = phase, .allowed_hazards = every_hazard()};
      opts.on_event = recorder(false);
      opts.before_step = before_step();
      apply(*m_conn, m_r.plan, opts);
    } catch (const Cancelled&) {
      throw;
    } catch (const Error& e) {
      proof.apply_s = since(began);
      diverge("apply through " + name, e.render());
      m_r.phases.push_back(proof);
      return false;
    }
    proof.apply_s = since(began);
    if (last && !reached_desired()) {
      m_r.phases.push_back(proof);
      return false;
    }
    if (last && !m_o.queries.empty()) explain_all(false);
    progress("rolling back after " + name);
    began = Clock::now();
    try {
      RollbackOptions opts{.allowed_hazards = every_hazard()};
      opts.on_event = recorder(true);
      opts.before_step = before_step();
      rollback(*m_conn, opts);
    } catch (const Cancelled&) {
      throw;
    } catch (const Error& e) {
      proof.rollback_s = since(began);
      diverge("rollback after " + name, e.render());
      m_r.phases.push_back(proof);
      return false;
    }
    proof.rollback_s = since(began);
    proof.checked = true;
    bool ok = check_rolled_back(proof);
    m_r.phases.push_back(proof);
    return ok;
  }

  bool reached_desired() {
    schema::Database after = inspect();
    if (!m_o.desired) {
      if (planner::fingerprint(after) == m_r.plan.desired_fingerprint) return m_r.desired_reached = true;
      diverge("desired schema",
              fmt::format("after the last phase the copy's schema is not the one the plan was made for (fingerprint "
                          "{}, expected {}); give the schema files with -f as well to see the difference",
                          planner::fingerprint(after).substr(0, 12), m_r.plan.desired_fingerprint.substr(0, 12)));
      return false;
    }
    schema::Database desired = stripped_desired();
    planner::Plan replan = planner::make_plan(after, *m_o.desired);
    if (planner::fingerprint(after) == planner::fingerprint(desired) && replan.empty()) {
      return m_r.desired_reached = true;
    }
    std::vector<std::string> ids;
    for (const auto& s : replan.steps) ids.push_back(s.id);
    std::string message = "after the last phase the copy's schema differs from the desired schema";
    if (!ids.empty()) message += fmt::format("; a new plan would still run {} step(s): {}", ids.size(), util::join(ids, ", "));
    diverge("desired schema", message,
            util::unified_diff(schema::to_yaml(desired), schema::to_yaml(after), "desired schema",
                               "scratch copy after the plan"));
    return false;
  }

  // The schema and data after a full rollback, against the original and what lossy steps may lose.
  bool check_rolled_back(PhaseProof& proof) {
    std::string name(planner::phase_name(proof.through));
    schema::Database back = inspect();
    ExpectedChanges expected = expected_changes(m_r.plan, proof.through, m_original);
    std::string before_yaml = schema::to_yaml(m_original), after_yaml = schema::to_yaml(back);
    proof.schema_restored = before_yaml == after_yaml;
    if (!proof.schema_restored && expected.lossy()) {
      if (planner::make_plan(back, m_original).empty()) {
        proof.schema_restored = true;
        proof.notes.push_back("the schema is equivalent to the original (a plan between them is empty), not "
                              "identical: what a lossy step's reverse recreates comes back empty (a column, last in "
                              "its table)");
      } else {
        planner::Plan left = planner::make_plan(m_original, back);
        proof.schema_restored = true;
        for (const auto& s : left.steps) {
          proof.schema_restored = proof.schema_restored && expected.irreversible_ids.count(s.id) > 0;
        }
        for (const auto& s : left.steps) proof.lost.push_back(s.id + ": left applied (irreversible)");
      }
    }
    if (!proof.schema_restored) {
      diverge("rollback after " + name, "after rolling back, the schema differs from the original",
              util::unified_diff(before_yaml, after_yaml, "original schema", "after rollback"));
      return false;
    }
    std::vector<std::string> problems =
        compare_data(m_original_data, data_checksums(*m_conn, back), expected, proof.lost, proof.side_effects);
    proof.data_restored = problems.empty();
    if (!proof.data_restored) {
      diverge("rollback after " + name,
              "after rolling back, sampled data differs from the original:\n  " + util::join(problems, "\n  "));
      return false;
    }
    m_restored_exactly = before_yaml == after_yaml && proof.lost.empty();
    return true;
  }

  void explain_all(bool before) {
    progress(before ? "explaining the queries before the plan" : "explaining the queries after the plan");
    for (auto& q : m_r.queries) {
      check_cancel(m_o.cancelled);
      Explained e = explain(*m_conn, q.sql);
      (before ? q.plan_before : q.plan_after) = e.shape;
      (before ? q.error_before : q.error_after) = e.error;
      (before ? q.indexes_before : q.indexes_after).assign(e.indexes.begin(), e.indexes.end());
    }
    if (before) return;
    std::set<std::string> used;
    for (auto& q : m_r.queries) {
      q.changed = q.plan_before != q.plan_after || q.error_before != q.error_after;
      used.insert(q.indexes_after.begin(), q.indexes_after.end());
    }
    for (const auto& index : index_names(*m_conn)) {
      if (m_indexes_before.count(index)) continue;
      m_r.new_indexes.push_back(index);
      std::string bare = index.substr(index.find('.') + 1);
      (used.count(bare) ? m_r.new_indexes_used : m_r.new_indexes_unused).push_back(index);
    }
  }
};

}  // namespace

VerifyReport verify(const VerifyOptions& o) {
  auto began = Clock::now();
  if (!o.desired && !o.plan) {
    throw Error("verify needs the desired schema or a saved plan");
  }
  VerifyReport r;
  r.sample_rows = o.sample_rows;
  std::string server = o.scratch_server_conninfo.empty() ? o.source_conninfo : o.scratch_server_conninfo;
  r.scratch_server = util::mask_password(server);
  std::vector<std::string> roles = o.desired ? o.desired->managed_roles : o.managed_roles;
  DatabaseLocale locale;
  schema::Database source;
  {
    auto conn = connect(o.source_conninfo);
    locale = database_locale(*conn);
    source = introspect::introspect(*conn, {{}, roles});
  }
  check_cancel(o.cancelled);
  ScratchDatabase scratch(server, locale);  // dropped by its destructor when anything below throws
  r.scratch_database = scratch.name();
  r.scratch_note = scratch.note();
  Proof proof(o, r, scratch, roles);
  try {
    proof.run(source);
  } catch (const Cancelled&) {
    proof.close();
    throw Cancelled(scratch.drop() ? fmt::format("interrupted; the scratch database {} was dropped", scratch.name())
                                   : fmt::format("interrupted; the scratch database {} could not be dropped: drop it "
                                                 "by hand (DROP DATABASE {} WITH (FORCE))",
                                                 scratch.name(), scratch.name()));
  }
  proof.close();
  r.scratch_dropped = scratch.drop();
  r.proven = !r.divergence && r.needs_permission.empty();
  r.total_s = since(began);
  return r;
}

}  // namespace pgshift::executor
