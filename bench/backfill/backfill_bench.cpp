// Backfill benchmark: pgshift's batched backfill (executor::apply of a one-step plan) against a single
// UPDATE of the whole table, the physical ceiling, in the same run; idle, then under an open-loop
// workload of point reads and point updates on the same table (like `pgbench -R`), reporting the
// workload's latency percentiles during each run next to a baseline without any backfill.
//
//   backfill_bench --db URL [--rows 1000000] [--batch-sizes 1000,5000,10000,20000,50000]
//                  [--tps 400] [--clients 4] [--no-workload]
//
// It creates (and drops) public.bench_backfill in the database given; use a scratch database.
#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "bench/common/workload.hpp"
#include "executor/apply.hpp"
#include "executor/connection.hpp"
#include "util/strings.hpp"

using namespace pgshift;
using bench::Clock;
using bench::Stats;
using bench::Workload;

namespace {

struct Options {
  std::string db;
  int64_t rows = 1000000;
  std::vector<int> batch_sizes{1000, 5000, 10000, 20000, 50000};
  int tps = 400;
  int clients = 4;
  bool workload = true;
};

void setup_table(pqxx::connection& conn, int64_t rows) {
  pqxx::nontransaction tx(conn);
  tx.exec("DROP TABLE IF EXISTS public.bench_backfill");
  tx.exec("DROP SCHEMA IF EXISTS pgshift CASCADE");
  tx.exec(
      "CREATE TABLE public.bench_backfill (id bigint PRIMARY KEY, k int NOT NULL DEFAULT 0, "
      "payload text NOT NULL, filled text)");
  tx.exec_params("INSERT INTO public.bench_backfill (id, payload) SELECT g, md5(g::text) FROM generate_series(1, $1) g",
                 rows);
  tx.exec("VACUUM ANALYZE public.bench_backfill");
  tx.exec("CHECKPOINT");
}

planner::Plan backfill_plan(int batch_size) {
  planner::Step s;
  s.id = "backfill:public.bench_backfill.filled";
  s.phase = planner::Phase::backfill;
  s.reverse_sql = "";
  s.lock_timeout_ms = 200;
  s.backfill = planner::Backfill{.table = {"public", "bench_backfill"},
                                 .key = {"id"},
                                 .columns = {"filled"},
                                 .expressions = {"upper(payload)"},
                                 .batch_size = batch_size};
  planner::Plan plan;
  plan.desired_fingerprint = fmt::format("bench-{}", batch_size);
  plan.steps.push_back(s);
  return plan;
}

struct Row {
  std::string variant;
  double seconds = 0;
  Stats wl;
  int errors = 0;
  int retries = 0;
};

Row measure(const Options& o, pqxx::connection& conn, Workload* wl, const std::string& variant,
            const std::function<int()>& run) {
  setup_table(conn, o.rows);
  if (wl != nullptr) {
    wl->reset();
    wl->start();
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  auto t0 = Clock::now();
  int retries = run();
  auto t1 = Clock::now();
  Row r{variant, std::chrono::duration<double>(t1 - t0).count()};
  r.retries = retries;
  if (wl != nullptr) {
    wl->stop();
    r.wl = bench::stats_of(wl->latencies(t0, t1));
    r.errors = wl->errors();
  }
  return r;
}

void print_rows(const std::string& title, const std::vector<Row>& rows, double ceiling, int64_t n, bool wl) {
  std::cout << "\n### " << title << "\n\n| run | seconds | rows/s | vs UPDATE |"
            << (wl ? " workload txns | p50 ms | p99 ms | max ms | > 1 s | errors |" : "")
            << " lock retries |\n|---|---:|---:|---:|" << (wl ? "---:|---:|---:|---:|---:|---:|" : "") << "---:|\n";
  for (const auto& r : rows) {
    double rate = static_cast<double>(n) / r.seconds;
    if (r.seconds > 0) {
      std::cout << fmt::format("| {} | {:.2f} | {:.0f} | {} |", r.variant, r.seconds, rate,
                               ceiling > 0 ? fmt::format("{:.2f}x", rate / ceiling) : "-");
    } else {
      std::cout << fmt::format("| {} | - | - | - |", r.variant);
    }
    if (wl) {
      std::cout << fmt::format(" {} | {:.1f} | {:.1f} | {:.1f} | {} | {} |", r.wl.n, r.wl.p50, r.wl.p99, r.wl.max,
                               r.wl.over_1s, r.errors);
    }
    std::cout << " " << r.retries << " |\n";
  }
  std::cout << std::flush;
}

std::vector<Row> run_suite(const Options& o, pqxx::connection& conn, Workload* wl, double& ceiling) {
  std::vector<Row> rows;
  if (wl != nullptr) {
    rows.push_back(measure(o, conn, wl, "no backfill (baseline, 5 s)", [] {
      std::this_thread::sleep_for(std::chrono::seconds(5));
      return 0;
    }));
    rows.back().seconds = 0;
  }
  rows.push_back(measure(o, conn, wl, "single UPDATE", [&] {
    pqxx::work tx(conn);
    tx.exec("UPDATE public.bench_backfill SET filled = upper(payload)");
    tx.commit();
    return 0;
  }));
  ceiling = static_cast<double>(o.rows) / rows.back().seconds;
  for (int b : o.batch_sizes) {
    rows.push_back(measure(o, conn, wl, fmt::format("pgshift, batches of {}", b), [&] {
      int retries = 0;
      executor::ApplyOptions a;
      a.on_event = [&](const executor::Event& e) { retries += e.kind == executor::EventKind::step_retry; };
      executor::apply(conn, backfill_plan(b), a);
      return retries;
    }));
  }
  return rows;
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
    } else if (a == "--batch-sizes") {
      o.batch_sizes.clear();
      for (const auto& s : util::split(value(), ',')) {
        o.batch_sizes.push_back(std::stoi(s));
      }
    } else if (a == "--tps") {
      o.tps = std::stoi(value());
    } else if (a == "--clients") {
      o.clients = std::stoi(value());
    } else if (a == "--no-workload") {
      o.workload = false;
    } else {
      throw std::runtime_error("unknown argument " + a);
    }
  }
  if (o.db.empty()) {
    throw std::runtime_error("--db URL is required (a scratch database: public.bench_backfill is dropped)");
  }
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    Options o = parse(argc, argv);
    auto conn = executor::connect(o.db);
    std::cout << fmt::format("backfill of {} rows, PostgreSQL {}, {} hardware threads\n", o.rows,
                             conn->server_version(), std::thread::hardware_concurrency());
    double ceiling = 0;
    auto idle = run_suite(o, *conn, nullptr, ceiling);
    print_rows("idle", idle, ceiling, o.rows, false);
    if (o.workload) {
      Workload wl(bench::WorkloadOptions{.db = o.db,
                                         .table = {"public", "bench_backfill"},
                                         .key = "id",
                                         .read_column = "payload",
                                         .update_column = "k",
                                         .rows = o.rows,
                                         .tps = o.tps,
                                         .clients = o.clients});
      auto busy = run_suite(o, *conn, &wl, ceiling);
      print_rows(fmt::format("under a workload of {} tps (point SELECT + UPDATE, {} clients)", o.tps, o.clients), busy,
                 ceiling, o.rows, true);
    }
    pqxx::nontransaction(*conn).exec("DROP TABLE IF EXISTS public.bench_backfill");
  } catch (const std::exception& e) {
    std::cerr << "backfill_bench: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
