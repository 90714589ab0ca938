// Times the planner alone on a large schema: loads SCHEMA.yaml (e.g. `pgshift inspect` of
// pgshift_bench_5000), makes a handful of changes in memory (a column added to 5 tables, an index
// dropped, a check added, a default changed), and reports the median wall time of make_plan over 5
// runs, next to the time to load the YAML. The planner never connects, so this is the planner's cost.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "planner/planner.hpp"
#include "schema/expr.hpp"
#include "schema/yaml_io.hpp"

using namespace pgshift;
using clock_type = std::chrono::steady_clock;

static double seconds_since(clock_type::time_point t) {
  return std::chrono::duration<double>(clock_type::now() - t).count();
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: plan_bench SCHEMA.yaml\n");
    return 1;
  }
  auto t0 = clock_type::now();
  schema::Database current = schema::load_schema(argv[1]);
  double load_s = seconds_since(t0);
  schema::Database desired = current;
  int changed = 0;
  for (auto& [name, table] : desired.schemas["public"].tables) {
    if (changed < 5) {
      schema::Column c;
      c.name = "bench_added";
      c.type = "text";
      table.columns.push_back(c);
    } else if (changed == 5 && !table.indexes.empty()) {
      table.indexes.erase(table.indexes.begin());
    } else if (changed == 6) {
      table.checks["bench_check"] = {"bench_check", schema::make_expr("id > 0"), false, std::nullopt, std::nullopt};
    } else if (changed == 7 && table.columns.size() > 1) {
      table.columns[1].default_value = schema::make_expr("NULL");
    } else if (changed > 7) {
      break;
    }
    ++changed;
  }
  std::vector<double> runs;
  size_t steps = 0;
  // As `pgshift plan` calls it: the models, fresh from introspection and the YAML, are moved in (the
  // copies for each run are made outside the timing).
  for (int i = 0; i < 5; ++i) {
    schema::Database cur_copy = current, des_copy = desired;
    auto t = clock_type::now();
    auto plan = planner::make_plan(std::move(cur_copy), std::move(des_copy));
    runs.push_back(seconds_since(t));
    steps = plan.steps.size();
  }
  std::sort(runs.begin(), runs.end());
  auto tf = clock_type::now();
  std::string fp = planner::fingerprint(current);
  double fingerprint_s = seconds_since(tf);
  std::printf("fingerprint_s=%.3f\n", fingerprint_s);
  // Where make_plan's time goes: copying and normalizing each model on entry, and the hash walk.
  auto tc = clock_type::now();
  schema::Database copy = current;
  double copy_s = seconds_since(tc);
  auto tn = clock_type::now();
  schema::normalize(copy);
  double normalize_s = seconds_since(tn);
  auto tw = clock_type::now();
  (void)planner::fingerprint_normalized(copy);
  double walk_s = seconds_since(tw);
  std::printf("copy_s=%.3f normalize_s=%.3f fingerprint_walk_s=%.3f\n", copy_s, normalize_s, walk_s);
  size_t tables = 0;
  for (const auto& [sn, s] : current.schemas) tables += s.tables.size();
  std::printf("tables=%zu load_yaml_s=%.3f make_plan_median_s=%.3f steps=%zu\n", tables, load_s, runs[2], steps);
  return 0;
}
