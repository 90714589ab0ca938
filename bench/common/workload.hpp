// The benchmarks' open-loop workload (like `pgbench -R`): each client runs a transaction (SELECT of one
// column + UPDATE of another, on one random row of a table keyed 1..rows) on a fixed schedule; latency
// counts from the scheduled start, so time spent waiting on locks shows up in full. Used by
// bench/backfill and bench/expand.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "executor/connection.hpp"
#include "schema/model.hpp"
#include "schema/sql_text.hpp"

namespace pgshift::bench {

using Clock = std::chrono::steady_clock;

struct WorkloadOptions {
  std::string db;                         // conninfo
  schema::QualifiedName table;            // rows keyed 1..rows
  std::string key = "id";                 // bigint key
  std::string read_column = "payload";    // SELECT read_column ... WHERE key = $1
  std::string update_column = "k";        // UPDATE ... SET update_column = update_column + 1 WHERE key = $1
  int64_t rows = 1000000;
  int tps = 400;
  int clients = 4;
};

// One finished (or failed) transaction.
struct Sample {
  Clock::time_point scheduled, done;
  double ms = 0;  // done - scheduled
  bool ok = true;
};

struct Stats {
  size_t n = 0;
  double p50 = 0, p99 = 0, max = 0;
  size_t over_1s = 0;
  size_t errors = 0;  // filled by the caller when it counts them over the same samples
};

inline Stats stats_of(std::vector<double> v) {
  Stats s;
  s.n = v.size();
  if (v.empty()) {
    return s;
  }
  std::sort(v.begin(), v.end());
  s.p50 = v[v.size() / 2];
  s.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
  s.max = v.back();
  s.over_1s = static_cast<size_t>(std::count_if(v.begin(), v.end(), [](double ms) { return ms > 1000; }));
  return s;
}

// Latencies and errors of `samples`.
inline Stats stats_of(const std::vector<Sample>& samples) {
  std::vector<double> ms;
  size_t errors = 0;
  for (const auto& s : samples) {
    ms.push_back(s.ms);
    errors += s.ok ? 0 : 1;
  }
  Stats st = stats_of(std::move(ms));
  st.errors = errors;
  return st;
}

class Workload {
 public:
  explicit Workload(WorkloadOptions o) : m_opts(std::move(o)), m_read_column(m_opts.read_column) {}
  ~Workload() { stop(); }
  Workload(const Workload&) = delete;
  Workload& operator=(const Workload&) = delete;

  void start() {
    m_stop = false;
    m_stop_at = Clock::time_point::max().time_since_epoch().count();
    for (int c = 0; c < m_opts.clients; ++c) {
      m_threads.emplace_back([this, c] { client(c); });
    }
  }
  void stop() {
    m_stop = true;
    for (auto& t : m_threads) {
      t.join();
    }
    m_threads.clear();
  }
  // Lets each client run every transaction scheduled up to `last` (however late), then stops them.
  void stop_after(Clock::time_point last) {
    m_stop_at = last.time_since_epoch().count();
    for (auto& t : m_threads) {
      t.join();
    }
    m_threads.clear();
  }
  // From each client's next transaction on, the SELECT reads `column` (new code deployed).
  void set_read_column(const std::string& column) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_read_column = column;
    ++m_generation;
  }
  // Latencies (ms) of the transactions that finished within [from, to].
  std::vector<double> latencies(Clock::time_point from, Clock::time_point to) {
    std::vector<double> out;
    for (const auto& s : samples_done_in(from, to)) {
      out.push_back(s.ms);
    }
    return out;
  }
  std::vector<Sample> samples_done_in(Clock::time_point from, Clock::time_point to) {
    return select([&](const Sample& s) { return s.done >= from && s.done <= to; });
  }
  // The transactions scheduled to start within [from, to], however late they finished.
  std::vector<Sample> samples_scheduled_in(Clock::time_point from, Clock::time_point to) {
    return select([&](const Sample& s) { return s.scheduled >= from && s.scheduled <= to; });
  }
  int errors() const { return m_errors; }
  void reset() {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_samples.clear();
    m_errors = 0;
    m_read_column = m_opts.read_column;
    ++m_generation;
  }

 private:
  template <typename Pred>
  std::vector<Sample> select(Pred pred) {
    std::lock_guard<std::mutex> lock(m_mutex);
    std::vector<Sample> out;
    for (const auto& s : m_samples) {
      if (pred(s)) {
        out.push_back(s);
      }
    }
    return out;
  }

  // (Re)prepares the client's statements when the read column changed; returns the names to use.
  std::pair<std::string, std::string> statements(pqxx::connection& conn, int& prepared) {
    std::string column;
    int generation = 0;
    {
      std::lock_guard<std::mutex> lock(m_mutex);
      column = m_read_column;
      generation = m_generation;
    }
    std::string r = fmt::format("r{}", generation), u = fmt::format("u{}", generation);
    if (prepared != generation) {
      std::string table = schema::qualified(m_opts.table);
      std::string key = schema::quote_ident(m_opts.key), upd = schema::quote_ident(m_opts.update_column);
      conn.prepare(r, fmt::format("SELECT {} FROM {} WHERE {} = $1", schema::quote_ident(column), table, key));
      conn.prepare(u, fmt::format("UPDATE {} SET {} = {} + 1 WHERE {} = $1", table, upd, upd, key));
      prepared = generation;
    }
    return {r, u};
  }

  void client(int c) {
    auto conn = executor::connect(m_opts.db);
    int prepared = -1;
    std::mt19937_64 rng(static_cast<uint64_t>(c) * 7919 + 17);
    std::uniform_int_distribution<int64_t> id(1, m_opts.rows);
    auto interval = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(static_cast<double>(m_opts.clients) / m_opts.tps));
    auto next = Clock::now() + interval * c / m_opts.clients;
    while (!m_stop && next.time_since_epoch().count() <= m_stop_at) {
      std::this_thread::sleep_until(next);
      bool ok = true;
      try {
        auto [r, u] = statements(*conn, prepared);
        pqxx::work tx(*conn);
        int64_t row = id(rng);
        tx.exec_prepared(r, row);
        tx.exec_prepared(u, row);
        tx.commit();
      } catch (const std::exception&) {
        ok = false;
        ++m_errors;
      }
      auto done = Clock::now();
      {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_samples.push_back(Sample{next, done, std::chrono::duration<double, std::milli>(done - next).count(), ok});
      }
      next += interval;
    }
  }

  WorkloadOptions m_opts;
  std::atomic<bool> m_stop{false};
  std::atomic<Clock::rep> m_stop_at{Clock::time_point::max().time_since_epoch().count()};
  std::atomic<int> m_errors{0};
  std::vector<std::thread> m_threads;
  std::mutex m_mutex;
  std::string m_read_column;
  int m_generation = 0;
  std::vector<Sample> m_samples;
};

}  // namespace pgshift::bench
