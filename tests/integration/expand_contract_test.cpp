// Expand/contract on a populated table (100k rows): while a column rename and type changes (one of
// them an integer primary key referenced by a foreign key) sit between add and drop, a writer using
// the old column name and a writer using the new one run concurrently with the backfill; both
// succeed and each sees the other's writes. Rolling back from every phase returns the original schema
// with every row written in the meantime still there. A value that does not convert stops the apply
// before anything changes, naming its row.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <thread>

#include "executor/scratch/normalize.hpp"
#include "executor/apply.hpp"
#include "executor/rollback.hpp"
#include "introspect/introspect.hpp"
#include "planner/planner.hpp"
#include "planner/report/render.hpp"
#include "schema/yaml_io.hpp"
#include "tests/support/pg_test.hpp"
#include "util/error.hpp"

using namespace pgshift;
using planner::Phase;

namespace {

constexpr int k_rows = 100000;

constexpr const char* k_setup = R"sql(
CREATE TABLE public.accounts (id integer PRIMARY KEY, title text NOT NULL);
CREATE TABLE public.users (
  id bigint PRIMARY KEY,
  account_id integer NOT NULL REFERENCES public.accounts (id) ON DELETE CASCADE,
  name text NOT NULL DEFAULT '',
  score integer NOT NULL DEFAULT 0
);
CREATE INDEX users_account_id_idx ON public.users (account_id);
CREATE INDEX users_lower_name_idx ON public.users (lower(name));
INSERT INTO public.accounts SELECT g, 'account ' || g FROM generate_series(1, 1000) g;
INSERT INTO public.users SELECT g, 1 + g % 1000, 'user ' || g, g % 100 FROM generate_series(1, 100000) g;
ANALYZE public.users;
)sql";

constexpr const char* k_desired = R"yaml(
schemas:
  public:
    tables:
      accounts:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: title, type: text, nullable: false}
        primary_key: [id]
      users:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: account_id, type: bigint, nullable: false}
          - {name: full_name, type: text, nullable: false, default: "''", renamed_from: name}
          - {name: score, type: bigint, nullable: false, default: "0"}
        primary_key: [id]
        foreign_keys:
          users_account_id_fkey: {columns: [account_id], references: {table: accounts, columns: [id]}, on_delete: cascade}
        indexes:
          users_account_id_idx: {columns: [account_id]}
          users_lower_name_idx: {expression: "lower(full_name)"}
)yaml";

schema::Database inspect(pqxx::connection& c) { return introspect::introspect(c, {}); }

std::string sorted_yaml(schema::Database db) {
  for (auto& [sn, s] : db.schemas) {
    for (auto& [tn, t] : s.tables) {
      std::sort(t.columns.begin(), t.columns.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    }
  }
  return schema::to_yaml(db);
}

// Old and new application code writing at once: `old_code` names the column `name` and writes an
// int score, the other names it `full_name`. Each writer inserts rows with its own id range and updates
// existing ones; returns id -> name written (the last write wins).
struct Writers {
  std::map<int64_t, std::string> written;
  std::vector<std::string> errors;
};

void write_rows(const std::string& url, bool old_code, int64_t first_id, int n, Writers& out, std::mutex& m) {
  pqxx::connection c(url);
  for (int i = 0; i < n; ++i) {
    int64_t id = first_id + i;
    int64_t existing = 1 + (first_id + i * 7) % k_rows;
    std::string value = fmt::format("{}-{}", old_code ? "old" : "new", id);
    std::string col = old_code ? "name" : "full_name";
    try {
      pqxx::work tx(c);
      tx.exec_params(fmt::format("INSERT INTO public.users (id, account_id, {}, score) VALUES ($1::bigint, 1 + $1::bigint % 1000, $2, 7)", col), id,
                     value);
      tx.exec_params(fmt::format("UPDATE public.users SET {} = $2 WHERE id = $1::bigint", col), existing, value + "-upd");
      tx.commit();
      std::lock_guard<std::mutex> g(m);
      out.written[id] = value;
      out.written[existing] = value + "-upd";
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> g(m);
      out.errors.push_back(e.what());
    }
  }
}

// Every (id, name) the writers wrote, read back under `column`.
void check_written(pqxx::connection& c, const Writers& w, const std::string& column) {
  pqxx::nontransaction tx(c);
  int wrong = 0;
  std::string first;
  for (const auto& [id, value] : w.written) {
    auto r = tx.exec_params(fmt::format("SELECT {} FROM public.users WHERE id = $1", column), id);
    std::string got = r.empty() ? "<missing>" : r[0][0].c_str();
    if (got != value) {
      if (wrong++ == 0) first = fmt::format("id {}: {} = '{}', expected '{}'", id, column, got, value);
    }
  }
  INFO(first);
  CHECK(wrong == 0);
}

}  // namespace

TEST_CASE("old and new code write at once through a rename and type changes and rollback from every phase keeps every row",
          "[pg][expand]") {
  test::TestDb db;
  db.exec(k_setup);
  auto& c = db.conn();
  const schema::Database desired = test::desired_schema(db, k_desired);
  const schema::Database start = inspect(c);
  const std::string start_yaml = schema::to_yaml(start);
  const planner::Plan plan = planner::make_plan(start, desired);
  INFO(planner::render_golden(plan));
  // The strategy, not a rewrite: every breaking change goes through a shadow column.
  for (const char* id : {"add_shadow_column:public.users.full_name", "add_shadow_column:public.users.score",
                         "add_shadow_column:public.users.account_id", "add_shadow_column:public.accounts.id"}) {
    CHECK(std::any_of(plan.steps.begin(), plan.steps.end(), [&](const auto& s) { return s.id == id; }));
  }
  for (const auto& s : plan.steps) {
    for (const auto& h : s.hazards) CHECK(h.kind != planner::HazardKind::table_rewrite);
  }

  int64_t next_id = 1000000;
  int inserted = 0;
  for (Phase phase : planner::k_all_phases) {
    INFO("through phase " << planner::phase_name(phase));
    executor::ApplyOptions o;
    o.allowed_hazards = test::all_hazards();
    o.lock_timeout_ms = 5000;
    o.batch_size = 5000;
    Writers w;
    std::mutex m;
    {
      // Through add first, then the writers run while the later phases (the backfill above all) apply.
      o.through = Phase::add;
      executor::apply(c, plan, o);
      bool old_name_exists = phase != Phase::drop;
      std::thread old_writer([&] {
        if (old_name_exists) write_rows(db.url(), true, next_id, 150, w, m);
      });
      std::thread new_writer([&] { write_rows(db.url(), false, next_id + 10000, 150, w, m); });
      o.through = phase;
      executor::apply(c, plan, o);
      old_writer.join();
      new_writer.join();
      next_id += 100000;
    }
    INFO((w.errors.empty() ? std::string() : w.errors.front()));
    CHECK(w.errors.empty());
    // Each sees the other's writes: under the new name, and (before drop) under the old one.
    check_written(c, w, "full_name");
    if (phase != Phase::drop) check_written(c, w, "name");
    if (phase == Phase::backfill || phase == Phase::switch_over) {  // filled: every row agrees under both names
      CHECK(db.query_value("SELECT count(*) FROM public.users WHERE full_name IS DISTINCT FROM name") == "0");
    }

    executor::RollbackOptions r;
    r.allowed_hazards = test::all_hazards();
    r.lock_timeout_ms = 5000;
    executor::rollback(c, r);
    auto back = inspect(c);
    CHECK(planner::make_plan(back, start).empty());
    if (phase == Phase::drop) {
      CHECK(sorted_yaml(back) == sorted_yaml(start));  // the recreated old column comes back at the end
    } else {
      CHECK(schema::to_yaml(back) == start_yaml);
    }
    check_written(c, w, "name");
    inserted += (phase == Phase::drop ? 150 : 300);
    CHECK(db.query_value("SELECT count(*) FROM public.users") == std::to_string(k_rows + inserted));
  }

  // Everything: the desired schema, an empty re-plan, no helper left behind, the foreign key kept.
  executor::ApplyOptions o;
  o.allowed_hazards = test::all_hazards();
  o.lock_timeout_ms = 5000;
  executor::apply(c, plan, o);
  auto after = inspect(c);
  auto replan = planner::make_plan(after, desired);
  INFO("re-plan:\n" << planner::render_golden(replan));
  CHECK(replan.empty());
  CHECK(db.query_value("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '\\_pgshift%'") == "0");
  CHECK(db.query_value("SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                       "WHERE n.nspname = 'pgshift' AND p.proname LIKE 'sync\\_%'") == "0");
  CHECK(db.query_value("SELECT count(*) FROM pg_constraint WHERE conname LIKE '\\_pgshift%'") == "0");
  CHECK(db.query_value("SELECT count(*) FROM pg_index WHERE NOT indisvalid") == "0");
  CHECK(db.query_value("SELECT count(*) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE c.relkind = 'r' "
                       "AND a.attname LIKE '\\_pgshift%' AND NOT a.attisdropped") == "0");
  CHECK(db.query_value("SELECT convalidated FROM pg_constraint WHERE conname = 'users_account_id_fkey'") == "t");
  CHECK(db.query_value("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'public.accounts'::regclass "
                       "AND attname = 'id'") == "bigint");
  // Every original row kept its values through the conversions.
  CHECK(db.query_value("SELECT count(*) FROM public.users WHERE id <= 100000 AND "
                       "(account_id <> 1 + id % 1000 OR (score <> id % 100 AND score <> 7))") == "0");
  CHECK(db.query_value("SELECT count(*) FROM public.users WHERE id <= 100000 AND full_name NOT LIKE 'user %' "
                       "AND full_name NOT LIKE '%-upd'") == "0");
}

TEST_CASE("a value that does not convert stops the apply before any change and names the row", "[pg][expand]") {
  test::TestDb db;
  db.exec(R"sql(
CREATE TABLE public.items (id bigint PRIMARY KEY, qty text NOT NULL);
INSERT INTO public.items SELECT g, g::text FROM generate_series(1, 2000) g;
UPDATE public.items SET qty = 'twelve' WHERE id = 1234;
)sql");
  auto& c = db.conn();
  const schema::Database desired = test::desired_schema(db, R"yaml(
schemas:
  public:
    tables:
      items:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: qty, type: integer, nullable: false}
        primary_key: [id]
)yaml");
  const schema::Database start = inspect(c);
  const planner::Plan plan = planner::make_plan(start, desired);
  executor::ApplyOptions o;
  o.allowed_hazards = test::all_hazards();
  std::string message;
  try {
    executor::apply(c, plan, o);
  } catch (const Error& e) {
    message = e.what();
  }
  INFO(message);
  CHECK_THAT(message, Catch::Contains("(id) = (1234)") && Catch::Contains("'twelve'") && Catch::Contains("integer"));
  // Nothing changed: no column, no trigger, no migration recorded.
  CHECK(schema::to_yaml(inspect(c)) == schema::to_yaml(start));
  CHECK(db.query_value("SELECT count(*) FROM pg_trigger WHERE tgname LIKE '\\_pgshift%'") == "0");
  CHECK(db.query_value("SELECT count(*) FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
                       "WHERE n.nspname = 'pgshift' AND c.relname = 'migrations'") == "0");

  // Fixed data: the same plan goes through.
  db.exec("UPDATE public.items SET qty = '12' WHERE id = 1234");
  executor::apply(c, plan, o);
  CHECK(planner::make_plan(inspect(c), desired).empty());
  CHECK(db.query_value("SELECT sum(qty) FROM public.items") == std::to_string(2000 * 2001 / 2 - 1234 + 12));
}

TEST_CASE("a NOT NULL column whose conversion gives NULL is refused with a count", "[pg][expand]") {
  test::TestDb db;
  db.exec(R"sql(
CREATE TABLE public.items (id bigint PRIMARY KEY, qty text NOT NULL);
INSERT INTO public.items SELECT g, CASE WHEN g % 10 = 0 THEN '' ELSE g::text END FROM generate_series(1, 100) g;
)sql");
  auto& c = db.conn();
  const schema::Database desired = test::desired_schema(db, R"yaml(
schemas:
  public:
    tables:
      items:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: qty, type: integer, nullable: false, using: "nullif(qty, '')::integer", down_using: "coalesce(qty::text, '')"}
        primary_key: [id]
)yaml");
  const planner::Plan plan = planner::make_plan(inspect(c), desired);
  executor::ApplyOptions o;
  o.allowed_hazards = test::all_hazards();
  std::string message;
  try {
    executor::apply(c, plan, o);
  } catch (const Error& e) {
    message = e.what();
  }
  CHECK_THAT(message, Catch::Contains("10 rows of public.items would have no value in column qty"));
}

TEST_CASE("an enum loses a label and renames another column by column and rows holding the removed label block it",
          "[pg][expand]") {
  test::TestDb db;
  db.exec(R"sql(
CREATE TYPE public.order_status AS ENUM ('new', 'paid', 'void', 'shipped');
CREATE TABLE public.orders (id bigint PRIMARY KEY, status public.order_status NOT NULL DEFAULT 'new');
CREATE INDEX orders_status_idx ON public.orders (status);
INSERT INTO public.orders SELECT g, (ARRAY['new', 'paid', 'shipped', 'void'])[1 + g % 4]::public.order_status
FROM generate_series(1, 20000) g;
)sql");
  auto& c = db.conn();
  const schema::Database desired = test::desired_schema(db, R"yaml(
schemas:
  public:
    enums:
      order_status:
        - {name: pending, renamed_from: new}
        - paid
        - shipped
    tables:
      orders:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: status, type: order_status, nullable: false, default: "'pending'"}
        primary_key: [id]
        indexes:
          orders_status_idx: {columns: [status]}
)yaml");
  const planner::Plan plan = planner::make_plan(inspect(c), desired);
  INFO(planner::render_golden(plan));
  for (const auto& s : plan.steps) {
    for (const auto& h : s.hazards) CHECK(h.kind != planner::HazardKind::table_rewrite);
  }
  executor::ApplyOptions o;
  o.allowed_hazards = test::all_hazards();
  std::string message;
  try {
    executor::apply(c, plan, o);
  } catch (const Error& e) {
    message = e.what();
  }
  CHECK_THAT(message, Catch::Contains("5000 rows of public.orders.status still hold labels") && Catch::Contains("(void)"));
  db.exec("UPDATE public.orders SET status = 'paid' WHERE status = 'void'");
  const std::string before = db.query_value(
      "SELECT md5(string_agg(id || ':' || CASE status::text WHEN 'new' THEN 'pending' ELSE status::text END, ',' ORDER BY id)) "
      "FROM public.orders");
  executor::apply(c, plan, o);
  CHECK(planner::make_plan(inspect(c), desired).empty());
  CHECK(db.query_value("SELECT md5(string_agg(id || ':' || status::text, ',' ORDER BY id)) FROM public.orders") == before);
  CHECK(db.query_value("SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum "
                       "WHERE enumtypid = 'public.order_status'::regtype") == "pending,paid,shipped");
  CHECK(db.query_value("SELECT count(*) FROM pg_type WHERE typname LIKE '\\_pgshift%'") == "0");
  // And back: the old labels and values return.
  executor::RollbackOptions r;
  r.allowed_hazards = test::all_hazards();
  executor::rollback(c, r);
  CHECK(db.query_value("SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum "
                       "WHERE enumtypid = 'public.order_status'::regtype") == "new,paid,void,shipped");
  CHECK(db.query_value("SELECT count(*) FROM public.orders WHERE status = 'new'") == "5000");
}

TEST_CASE("the application keeps updating rows a NOT NULL volatile-default column has not filled yet", "[pg][expand]") {
  test::TestDb db;
  db.exec(R"sql(
CREATE TABLE public.items (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO public.items SELECT g, 'item ' || g FROM generate_series(1, 3000) g;
)sql");
  auto& c = db.conn();
  const schema::Database desired = test::desired_schema(db, R"yaml(
schemas:
  public:
    tables:
      items:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: name, type: text, nullable: false}
          - {name: token, type: uuid, nullable: false, default: "gen_random_uuid()"}
        primary_key: [id]
)yaml");
  const planner::Plan plan = planner::make_plan(inspect(c), desired);
  INFO(planner::render_golden(plan));
  executor::ApplyOptions o;
  o.allowed_hazards = test::all_hazards();
  o.through = Phase::add;
  executor::apply(c, plan, o);
  // Between add and backfill: old code updates other columns of rows whose token is still NULL.
  CHECK_NOTHROW(db.exec("UPDATE public.items SET name = 'renamed' WHERE id BETWEEN 10 AND 20"));
  CHECK_NOTHROW(db.exec("INSERT INTO public.items (id, name) VALUES (5000, 'new')"));
  o.through.reset();
  executor::apply(c, plan, o);
  CHECK(planner::make_plan(inspect(c), desired).empty());
  CHECK(db.query_value("SELECT count(*) FROM public.items WHERE token IS NULL") == "0");
  CHECK(db.query_value("SELECT count(DISTINCT token) FROM public.items") == "3001");
}

TEST_CASE("serial to identity continues above the existing values both ways and leaves no sequence behind", "[pg][expand]") {
  test::TestDb db;
  db.exec("CREATE TABLE public.t (id serial PRIMARY KEY, v text); INSERT INTO public.t (v) SELECT 'x' FROM generate_series(1, 50)");
  auto& c = db.conn();
  const schema::Database desired = test::desired_schema(db, R"yaml(
schemas:
  public:
    tables:
      t:
        columns:
          - {name: id, type: integer, nullable: false, identity: by default}
          - {name: v, type: text}
        primary_key: [id]
)yaml");
  const planner::Plan plan = planner::make_plan(inspect(c), desired);
  INFO(planner::render_golden(plan));
  executor::ApplyOptions o;
  o.allowed_hazards = test::all_hazards();
  executor::apply(c, plan, o);
  CHECK(db.query_value("INSERT INTO public.t (v) VALUES ('new') RETURNING id") == "51");
  CHECK(db.query_value("SELECT count(*) FROM pg_class WHERE relkind = 'S' AND relnamespace = 'public'::regnamespace") == "1");
  CHECK(planner::make_plan(inspect(c), desired).empty());
  executor::RollbackOptions r;
  r.allowed_hazards = test::all_hazards();
  executor::rollback(c, r);
  CHECK(db.query_value("INSERT INTO public.t (v) VALUES ('back') RETURNING id") == "52");
}

TEST_CASE("a NOT NULL column with nothing to fill it is refused on a table with rows before anything changes", "[pg][expand]") {
  test::TestDb db;
  db.exec("CREATE TABLE public.items (id bigint PRIMARY KEY); CREATE TABLE public.empty (id bigint PRIMARY KEY);"
          "INSERT INTO public.items SELECT generate_series(1, 10)");
  auto& c = db.conn();
  const schema::Database desired = test::desired_schema(db, R"yaml(
schemas:
  public:
    tables:
      items:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: qty, type: integer, nullable: false}
        primary_key: [id]
      empty:
        columns:
          - {name: id, type: bigint, nullable: false}
          - {name: qty, type: integer, nullable: false}
        primary_key: [id]
)yaml");
  const schema::Database start = inspect(c);
  const planner::Plan plan = planner::make_plan(start, desired);
  executor::ApplyOptions o;
  o.allowed_hazards = test::all_hazards();
  std::string message;
  try {
    executor::apply(c, plan, o);
  } catch (const Error& e) {
    message = e.what();
  }
  CHECK_THAT(message, Catch::Contains("public.items has rows, and the new column qty is NOT NULL with neither a default"));
  CHECK(schema::to_yaml(inspect(c)) == schema::to_yaml(start));
  // Emptied, the same plan goes through.
  db.exec("DELETE FROM public.items");
  executor::apply(c, plan, o);
  CHECK(planner::make_plan(inspect(c), desired).empty());
}
