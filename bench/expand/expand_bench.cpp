// Expand/contract benchmark: the lock impact of each of pgshift's expand/contract strategies against
// the naive single statement, side by side in one run, under an open-loop workload of point reads
// and point updates on the table being changed (bench/common/workload.hpp, like `pgbench -R`).
// Every run starts from a freshly loaded, vacuumed table
//   public.bench_expand (id bigint PRIMARY KEY, n integer NOT NULL, payload text NOT NULL,
//                        k integer NOT NULL DEFAULT 0 [, m integer])
// and reports, over the transactions scheduled from the start of the change until `--tail` seconds
// after its end: count, p50/p99/max latency, transactions over 1 s, failed transactions.
//
//   expand_bench --db URL [--rows 1000000] [--tps 400] [--clients 4] [--batch-size N]
//                [--lock-timeout-ms N] [--tail 1] [--baseline-seconds S] [--reader-seconds 3]
//                [--cases type,type_analyzed,rename,not_null,index,fk,volatile_default,queued,baseline]
//
// Issue 5's cases (other kinds of change): index (CREATE INDEX vs CONCURRENTLY), fk (a foreign key from m to
// a 1000-row public.bench_parent: validating ADD CONSTRAINT vs NOT VALID + VALIDATE), volatile_default (ADD
// COLUMN token uuid NOT NULL DEFAULT gen_random_uuid(): table rewrite vs add, batched backfill, NOT NULL
// through a check), queued (ADD COLUMN x integer while another session holds ACCESS SHARE for 3 s).
//
// pgshift runs plan from introspection to a desired YAML (make_plan) and apply every phase
// (executor::apply). It drops and creates public.bench_expand and the pgshift schema: give it a
// scratch database.
#include <fmt/format.h>

#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "bench/common/workload.hpp"
#include "executor/apply.hpp"
#include "executor/connection.hpp"
#include "introspect/introspect.hpp"
#include "planner/planner.hpp"
#include "schema/yaml_io.hpp"
#include "util/strings.hpp"

using namespace pgshift;
using bench::Clock;

namespace {

constexpr const char* k_table = "public.bench_expand";
constexpr const char* k_parent = "public.bench_parent";

struct Options {
  std::string db;
  int64_t rows = 1000000;
  int tps = 400;
  int clients = 4;
  int batch_size = 0;                   // 0 = the planner's default
  std::optional<int64_t> lock_timeout;  // nullopt = the planner's (500 ms)
  double tail_s = 1.0;
  double baseline_s = 0;  // 0 = as long as the longest other run
  std::set<std::string> cases{"type",  "type_analyzed",    "rename", "not_null", "index",
                              "fk",    "volatile_default", "queued", "baseline"};
  double reader_s = 3.0;  // queued: how long the other session holds ACCESS SHARE
};

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// ---- the table and the desired schemas

void setup_table(pqxx::connection& conn, int64_t rows, bool with_m) {
  pqxx::nontransaction tx(conn);
  tx.exec(fmt::format("DROP TABLE IF EXISTS {}, {}", k_table, k_parent));
  tx.exec("DROP SCHEMA IF EXISTS pgshift CASCADE");
  tx.exec(fmt::format(
      "CREATE TABLE {} (id bigint PRIMARY KEY, n integer NOT NULL, payload text NOT NULL, k integer NOT NULL DEFAULT 0{})",
      k_table, with_m ? ", m integer" : ""));
  tx.exec_params(fmt::format("INSERT INTO {} (id, n, payload{}) SELECT g, g, md5(g::text){} FROM generate_series(1, $1) g",
                             k_table, with_m ? ", m" : "", with_m ? ", g % 1000" : ""),
                 rows);
  tx.exec(fmt::format("VACUUM ANALYZE {}", k_table));
  tx.exec("CHECKPOINT");
}

// The desired table in YAML, spelled as the catalog prints it (no normalization through the server needed).
std::string desired_yaml(const std::string& n_type, const std::string& payload_column, bool with_m, bool m_nullable) {
  std::string payload = payload_column == "payload"
                            ? "{name: payload, type: text, nullable: false}"
                            : fmt::format("{{name: {}, type: text, nullable: false, renamed_from: payload}}", payload_column);
  std::string m = with_m ? fmt::format("\n          - {{name: m, type: integer, nullable: {}}}", m_nullable) : "";
  return fmt::format(R"(schemas:
  public:
    tables:
      bench_expand:
        columns:
          - {{name: id, type: bigint, nullable: false}}
          - {{name: n, type: {}, nullable: false}}
          - {}
          - {{name: k, type: integer, nullable: false, default: 0}}{}
        primary_key: [id]
)",
                     n_type, payload, m);
}

// Issue 5's desired tables: the base table (with m, nullable, when with_m) plus `extra_columns` (a line of
// the column list) and `extra_keys` (a table key after primary_key), and public.bench_parent when `parent`.
std::string desired_yaml_extra(bool with_m, const std::string& extra_columns, const std::string& extra_keys, bool parent) {
  std::string out = desired_yaml("integer", "payload", with_m, true);
  if (!extra_columns.empty()) {
    auto at = out.find("        primary_key: [id]");
    out.insert(at, "          - " + extra_columns + "\n");
  }
  if (!extra_keys.empty()) {
    out += "        " + extra_keys + "\n";
  }
  if (parent) {
    out += R"(      bench_parent:
        columns:
          - {name: id, type: integer, nullable: false}
        primary_key: [id]
)";
  }
  return out;
}

// ---- one measured run

struct StepTiming {
  std::string id;
  planner::Phase phase = planner::Phase::add;
  Clock::time_point start, end;
  int retries = 0;
  bench::Stats wl;
};

struct Run {
  std::string change, strategy;
  double seconds = 0;
  bench::Stats wl;
  int retries = 0;
  double plan_s = 0;              // introspection + make_plan (pgshift runs)
  std::optional<double> rows_per_s;  // backfill rate (type change: pgshift's backfill step, single UPDATE)
  std::vector<StepTiming> steps;  // pgshift runs
  std::string verdict;            // result of the check after the run
  bool pgshift = false;
};

struct Case {
  std::string change, strategy;
  bool with_m = false;
  std::string prepare_sql;                       // before the workload starts
  std::function<void(pqxx::connection&, Run&, bench::Workload&)> change_fn;
  std::function<std::string(pqxx::connection&)> check;  // after the workload stopped: "" = ok
};

Run measure(const Options& o, pqxx::connection& conn, bench::Workload& wl, const Case& c) {
  setup_table(conn, o.rows, c.with_m);
  if (!c.prepare_sql.empty()) {
    pqxx::nontransaction(conn).exec(c.prepare_sql);
  }
  Run run{c.change, c.strategy};
  wl.reset();
  wl.start();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto t0 = Clock::now();
  c.change_fn(conn, run, wl);
  auto t1 = Clock::now();
  auto end = t1 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(o.tail_s));
  wl.stop_after(end);
  run.seconds = seconds(t1 - t0);
  run.wl = bench::stats_of(wl.samples_scheduled_in(t0, end));
  for (auto& s : run.steps) {
    s.wl = bench::stats_of(wl.samples_scheduled_in(s.start, s.end));
    run.retries += s.retries;
  }
  run.verdict = c.check ? c.check(conn) : "";
  std::cerr << fmt::format("  {} / {}: {:.2f} s, max {:.1f} ms, {} errors{}\n", run.change, run.strategy, run.seconds,
                           run.wl.max, run.wl.errors, run.verdict.empty() ? "" : ", CHECK FAILED: " + run.verdict);
  return run;
}

// ---- the strategies

std::function<void(pqxx::connection&, Run&, bench::Workload&)> naive(const std::string& sql) {
  return [sql](pqxx::connection& conn, Run&, bench::Workload&) {
    pqxx::work tx(conn);
    tx.exec(sql);
    tx.commit();
  };
}

std::set<planner::HazardKind> every_hazard() {
  std::set<planner::HazardKind> out;
  for (int k = 0; k <= static_cast<int>(planner::HazardKind::irreversible); ++k) {
    out.insert(static_cast<planner::HazardKind>(k));
  }
  return out;
}

planner::Plan plan_to(const Options& o, pqxx::connection& conn, const std::string& yaml) {
  auto current = introspect::introspect(conn, {});
  auto desired = schema::load_schema_text(yaml, "desired.yaml");
  planner::PlanOptions po;
  if (o.batch_size > 0) {
    po.batch_size = o.batch_size;
  }
  return planner::make_plan(current, desired, po);
}

// Something done between two phases: after the switch, new code is deployed; after the add phase, an
// investigation may ANALYZE the table.
using Between = std::map<planner::Phase, std::function<void(pqxx::connection&, bench::Workload&)>>;

// Plans and applies every phase, running `between[p]` right after phase p.
std::function<void(pqxx::connection&, Run&, bench::Workload&)> pgshift_apply(const Options& o, const std::string& yaml,
                                                                             Between between = {}) {
  return [&o, yaml, between](pqxx::connection& conn, Run& run, bench::Workload& wl) {
    run.pgshift = true;
    auto p0 = Clock::now();
    planner::Plan plan = plan_to(o, conn, yaml);
    run.plan_s = seconds(Clock::now() - p0);
    std::map<std::string, size_t> index;
    executor::ApplyOptions a;
    a.allowed_hazards = every_hazard();
    a.lock_timeout_ms = o.lock_timeout;
    a.on_event = [&](const executor::Event& e) {
      if (e.kind == executor::EventKind::step_started && !index.count(e.step_id)) {
        index[e.step_id] = run.steps.size();
        run.steps.push_back(StepTiming{e.step_id, e.phase.value_or(planner::Phase::add), Clock::now()});
      } else if (e.kind == executor::EventKind::step_finished) {
        run.steps.at(index.at(e.step_id)).end = Clock::now();
      } else if (e.kind == executor::EventKind::step_retry) {
        run.steps.at(index.at(e.step_id)).retries++;
      }
    };
    for (const auto& [phase, hook] : between) {
      a.through = phase;
      executor::apply(conn, plan, a);
      hook(conn, wl);
    }
    a.through.reset();
    executor::apply(conn, plan, a);
  };
}

// "" when a fresh plan to `yaml` is empty and `sql` returns true.
std::function<std::string(pqxx::connection&)> check(const Options& o, const std::string& yaml, const std::string& sql) {
  return [&o, yaml, sql](pqxx::connection& conn) -> std::string {
    auto plan = plan_to(o, conn, yaml);
    if (!plan.empty()) {
      return fmt::format("re-plan has {} steps, first {}", plan.steps.size(), plan.steps.front().id);
    }
    pqxx::work tx(conn);
    return tx.exec(sql)[0][0].as<bool>() ? "" : "data check failed: " + sql;
  };
}

// queued: runs `change` while another session holds ACCESS SHARE on the table (a transaction that has read
// it) for `hold_s` seconds from just before the change starts.
std::function<void(pqxx::connection&, Run&, bench::Workload&)> behind_reader(
    const Options& o, double hold_s, std::function<void(pqxx::connection&, Run&, bench::Workload&)> change) {
  return [&o, hold_s, change](pqxx::connection& conn, Run& run, bench::Workload& wl) {
    std::promise<void> holding;
    auto held = holding.get_future();
    std::thread reader([&o, hold_s, &holding] {
      try {
        auto rc = executor::connect(o.db);
        pqxx::work tx(*rc);
        tx.exec(fmt::format("SELECT count(*) FROM {} WHERE id <= 10", k_table));
        holding.set_value();
        std::this_thread::sleep_for(std::chrono::duration<double>(hold_s));
        tx.commit();
      } catch (...) {
        try {
          holding.set_exception(std::current_exception());
        } catch (...) {
        }
      }
    });
    try {
      held.get();
      change(conn, run, wl);
    } catch (...) {
      reader.join();
      throw;
    }
    reader.join();
  };
}

std::vector<Case> cases(const Options& o) {
  std::vector<Case> out;
  std::string t = k_table;
  if (o.cases.count("type")) {
    std::string yaml = desired_yaml("bigint", "payload", false, true);
    std::string data = fmt::format("SELECT count(*) = 0 FROM {} WHERE n IS DISTINCT FROM id", t);
    out.push_back({"type integer -> bigint", "naive ALTER COLUMN n TYPE bigint", false, "",
                   naive(fmt::format("ALTER TABLE {} ALTER COLUMN n TYPE bigint", t)), check(o, yaml, data)});
    out.push_back({"type integer -> bigint", "pgshift", false, "", pgshift_apply(o, yaml), check(o, yaml, data)});
    if (o.cases.count("type_analyzed")) {
      out.push_back({"type integer -> bigint", "investigation: pgshift, ANALYZE between add and backfill", false, "",
                     pgshift_apply(o, yaml, {{planner::Phase::add, [t](pqxx::connection& conn, bench::Workload&) {
                                                pqxx::nontransaction(conn).exec("ANALYZE " + t);
                                              }}}),
                     check(o, yaml, data)});
    }
    out.push_back({"type integer -> bigint", "single UPDATE t SET n2 = n (backfill ceiling)", false,
                   fmt::format("ALTER TABLE {} ADD COLUMN n2 bigint", t), naive(fmt::format("UPDATE {} SET n2 = n", t)),
                   {}});
  }
  if (o.cases.count("rename")) {
    std::string yaml = desired_yaml("integer", "body", false, true);
    std::string data = fmt::format("SELECT count(*) = 0 FROM {} WHERE body IS DISTINCT FROM md5(id::text)", t);
    out.push_back({"rename payload -> body", "naive RENAME COLUMN", false, "",
                   naive(fmt::format("ALTER TABLE {} RENAME COLUMN payload TO body", t)), check(o, yaml, data)});
    out.push_back({"rename payload -> body", "pgshift (workload reads body from the drop phase on)", false, "",
                   pgshift_apply(o, yaml, {{planner::Phase::switch_over, [](pqxx::connection&, bench::Workload& wl) {
                                              wl.set_read_column("body");
                                            }}}),
                   check(o, yaml, data)});
  }
  if (o.cases.count("not_null")) {
    std::string yaml = desired_yaml("integer", "payload", true, false);
    std::string data = fmt::format("SELECT count(*) = 0 FROM {} WHERE m IS DISTINCT FROM id % 1000", t);
    out.push_back({"m SET NOT NULL", "naive ALTER COLUMN m SET NOT NULL", true, "",
                   naive(fmt::format("ALTER TABLE {} ALTER COLUMN m SET NOT NULL", t)), check(o, yaml, data)});
    out.push_back({"m SET NOT NULL", "pgshift", true, "", pgshift_apply(o, yaml), check(o, yaml, data)});
  }
  if (o.cases.count("index")) {
    std::string yaml = desired_yaml_extra(false, "", "indexes: {bench_expand_n_idx: {columns: [n]}}", false);
    std::string data = "SELECT indisvalid FROM pg_index WHERE indexrelid = 'public.bench_expand_n_idx'::regclass";
    out.push_back({"add index on n", "naive CREATE INDEX", false, "",
                   naive(fmt::format("CREATE INDEX bench_expand_n_idx ON {} (n)", t)), check(o, yaml, data)});
    out.push_back({"add index on n", "pgshift", false, "", pgshift_apply(o, yaml), check(o, yaml, data)});
  }
  if (o.cases.count("fk")) {
    std::string yaml = desired_yaml_extra(
        true, "", "foreign_keys: {bench_expand_m_fkey: {columns: [m], references: {table: bench_parent, columns: [id]}}}",
        true);
    std::string parent = fmt::format(
        "CREATE TABLE {0} (id integer PRIMARY KEY); INSERT INTO {0} SELECT g FROM generate_series(0, 999) g; "
        "ANALYZE {0}",
        k_parent);
    std::string data =
        "SELECT convalidated FROM pg_constraint WHERE conname = 'bench_expand_m_fkey' AND conrelid = "
        "'public.bench_expand'::regclass";
    out.push_back({"add foreign key m -> bench_parent (1000 rows)", "naive ADD CONSTRAINT ... FOREIGN KEY", true, parent,
                   naive(fmt::format("ALTER TABLE {} ADD CONSTRAINT bench_expand_m_fkey FOREIGN KEY (m) REFERENCES {} (id)", t,
                                     k_parent)),
                   check(o, yaml, data)});
    out.push_back({"add foreign key m -> bench_parent (1000 rows)", "pgshift", true, parent, pgshift_apply(o, yaml),
                   check(o, yaml, data)});
  }
  if (o.cases.count("volatile_default")) {
    std::string yaml =
        desired_yaml_extra(false, "{name: token, type: uuid, nullable: false, default: gen_random_uuid()}", "", false);
    std::string data = fmt::format("SELECT count(*) = 0 FROM {} WHERE token IS NULL", t);
    out.push_back({"add column token uuid NOT NULL DEFAULT gen_random_uuid()", "naive ADD COLUMN (rewrite)", false, "",
                   naive(fmt::format("ALTER TABLE {} ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid()", t)),
                   check(o, yaml, data)});
    out.push_back({"add column token uuid NOT NULL DEFAULT gen_random_uuid()", "pgshift", false, "",
                   pgshift_apply(o, yaml), check(o, yaml, data)});
  }
  if (o.cases.count("queued")) {
    std::string yaml = desired_yaml_extra(false, "{name: x, type: integer}", "", false);
    std::string data = fmt::format("SELECT count(*) = 0 FROM {} WHERE x IS NOT NULL", t);
    std::string change = fmt::format("add column x integer behind a {:.0f} s reader", o.reader_s);
    out.push_back({change, "naive ADD COLUMN", false, "",
                   behind_reader(o, o.reader_s, naive(fmt::format("ALTER TABLE {} ADD COLUMN x integer", t))),
                   check(o, yaml, data)});
    out.push_back({change, "pgshift", false, "", behind_reader(o, o.reader_s, pgshift_apply(o, yaml)),
                   check(o, yaml, data)});
  }
  return out;
}

Case baseline(double s) {
  return {"none (baseline)", fmt::format("no change, {:.1f} s", s), false, "",
          [s](pqxx::connection&, Run&, bench::Workload&) {
            std::this_thread::sleep_for(std::chrono::duration<double>(s));
          },
          {}};
}

// ---- the report

void print_results(const Options& o, const std::vector<Run>& runs) {
  std::cout << fmt::format(
      "\n### under {} tps (point SELECT + UPDATE, {} clients); transactions scheduled from the start of the change "
      "until {:.1f} s after its end\n\n",
      o.tps, o.clients, o.tail_s);
  std::cout << "| change | strategy | wall s | txns | p50 ms | p99 ms | max ms | > 1 s | errors | lock retries | backfill rows/s |\n"
            << "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& r : runs) {
    std::cout << fmt::format("| {} | {} | {:.2f} | {} | {:.1f} | {:.1f} | {:.1f} | {} | {} | {} | {} |\n", r.change,
                             r.strategy, r.seconds, r.wl.n, r.wl.p50, r.wl.p99, r.wl.max, r.wl.over_1s, r.wl.errors,
                             r.pgshift ? std::to_string(r.retries) : "-",
                             r.rows_per_s ? fmt::format("{:.0f}", *r.rows_per_s) : "-");
  }
}

void print_steps(const Run& r) {
  std::cout << fmt::format("\n#### {} / {}: steps (planning {:.2f} s)\n\n", r.change, r.strategy, r.plan_s)
            << "| step | phase | s | lock retries | txns | p99 ms | max ms | errors |\n|---|---|---:|---:|---:|---:|---:|---:|\n";
  for (const auto& s : r.steps) {
    std::cout << fmt::format("| {} | {} | {:.3f} | {} | {} | {:.1f} | {:.1f} | {} |\n", s.id, planner::phase_name(s.phase),
                             seconds(s.end - s.start), s.retries, s.wl.n, s.wl.p99, s.wl.max, s.wl.errors);
  }
}

// The backfill rate of a run: pgshift's backfill step, or the whole single UPDATE.
void set_backfill_rate(const Options& o, Run& r) {
  if (r.strategy.rfind("single UPDATE", 0) == 0) {
    r.rows_per_s = static_cast<double>(o.rows) / r.seconds;
  }
  for (const auto& s : r.steps) {
    if (s.id.rfind("backfill:", 0) == 0) {
      r.rows_per_s = static_cast<double>(o.rows) / seconds(s.end - s.start);
    }
  }
}

void print_targets(const Options& o, const std::vector<Run>& runs) {
  int64_t timeout = o.lock_timeout.value_or(planner::PlanOptions{}.lock_timeout_ms);
  std::cout << fmt::format("\n### targets (no failed transaction, none over 1 s, max <= lock timeout {} ms + 100 ms, "
                           "backfill >= 0.5x a single UPDATE)\n\n",
                           timeout);
  std::optional<double> pg_rate, update_rate;
  std::vector<std::pair<std::string, double>> investigated;  // strategy, rows/s
  for (const auto& r : runs) {
    bool investigation = r.strategy.rfind("investigation", 0) == 0;
    if (r.change.rfind("type", 0) == 0 && r.rows_per_s && !investigation) {
      (r.pgshift ? pg_rate : update_rate) = r.rows_per_s;
    } else if (r.change.rfind("type", 0) == 0 && r.rows_per_s) {
      investigated.emplace_back(r.strategy, *r.rows_per_s);
    }
    if (!r.pgshift) {
      continue;
    }
    bool ok = r.wl.errors == 0 && r.wl.over_1s == 0 && r.wl.max <= static_cast<double>(timeout + 100) && r.verdict.empty();
    std::cout << fmt::format("- {} / {}: {} (errors {}, over 1 s {}, max {:.1f} ms{})\n", r.change, r.strategy, ok ? "met" : "NOT met",
                             r.wl.errors, r.wl.over_1s, r.wl.max, r.verdict.empty() ? "" : ", check: " + r.verdict);
  }
  if (pg_rate && update_rate) {
    double ratio = *pg_rate / *update_rate;
    std::cout << fmt::format("- backfill: {:.0f} rows/s against {:.0f} for a single UPDATE = {:.2f}x: {}\n", *pg_rate,
                             *update_rate, ratio, ratio >= 0.5 ? "met" : "NOT met");
    for (const auto& [strategy, rate] : investigated) {
      std::cout << fmt::format("- backfill, {}: {:.0f} rows/s = {:.2f}x\n", strategy, rate, rate / *update_rate);
    }
  }
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&] {
      if (i + 1 >= argc) {
        throw std::runtime_error("missing value for " + a);
      }
      return std::string(argv[++i]);
    };
    if (a == "--db") {
      o.db = value();
    } else if (a == "--rows") {
      o.rows = std::stoll(value());
    } else if (a == "--tps") {
      o.tps = std::stoi(value());
    } else if (a == "--clients") {
      o.clients = std::stoi(value());
    } else if (a == "--batch-size") {
      o.batch_size = std::stoi(value());
    } else if (a == "--lock-timeout-ms") {
      o.lock_timeout = std::stoll(value());
    } else if (a == "--tail") {
      o.tail_s = std::stod(value());
    } else if (a == "--baseline-seconds") {
      o.baseline_s = std::stod(value());
    } else if (a == "--reader-seconds") {
      o.reader_s = std::stod(value());
    } else if (a == "--cases") {
      auto list = util::split(value(), ',');
      o.cases = std::set<std::string>(list.begin(), list.end());
    } else {
      throw std::runtime_error("unknown argument " + a);
    }
  }
  if (o.db.empty()) {
    throw std::runtime_error("--db URL is required (a scratch database: public.bench_expand is dropped)");
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Options o = parse(argc, argv);
    auto conn = executor::connect(o.db);
    std::cout << fmt::format("expand/contract on {} rows, PostgreSQL {}, {} hardware threads\n", o.rows,
                             conn->server_version(), std::thread::hardware_concurrency());
    bench::Workload wl(bench::WorkloadOptions{.db = o.db,
                                              .table = {"public", "bench_expand"},
                                              .key = "id",
                                              .read_column = "payload",
                                              .update_column = "k",
                                              .rows = o.rows,
                                              .tps = o.tps,
                                              .clients = o.clients});
    std::vector<Run> runs;
    for (const auto& c : cases(o)) {
      runs.push_back(measure(o, *conn, wl, c));
      set_backfill_rate(o, runs.back());
    }
    if (o.cases.count("baseline")) {
      double longest = 5;
      for (const auto& r : runs) {
        longest = std::max(longest, r.seconds);
      }
      runs.insert(runs.begin(), measure(o, *conn, wl, baseline(o.baseline_s > 0 ? o.baseline_s : longest)));
    }
    print_results(o, runs);
    print_targets(o, runs);
    for (const auto& r : runs) {
      if (r.pgshift) {
        print_steps(r);
      }
    }
    pqxx::nontransaction tx(*conn);
    tx.exec(fmt::format("DROP TABLE IF EXISTS {}, {}", k_table, k_parent));
    tx.exec("DROP SCHEMA IF EXISTS pgshift CASCADE");
  } catch (const std::exception& e) {
    std::cerr << "expand_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
