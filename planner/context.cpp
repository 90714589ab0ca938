#include "planner/context.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "schema/expr.hpp"
#include "util/strings.hpp"

namespace pgshift::planner {

PlannedStep& PlanContext::add(Phase phase, int priority, Step step) {
  step.phase = phase;
  step.lock_timeout_ms = options.lock_timeout_ms;
  step.statement_timeout_ms = options.statement_timeout_ms;
  PlannedStep ps;
  ps.step = std::move(step);
  ps.priority = priority;
  steps.push_back(std::move(ps));
  return steps.back();
}

std::string PlanContext::size_note(const schema::QualifiedName& table) const {
  auto it = options.table_stats.find(table);
  if (it == options.table_stats.end()) return "";
  double rows = it->second.rows;
  double mb = static_cast<double>(it->second.bytes) / (1024.0 * 1024.0);
  std::string r;
  if (rows >= 1e6) {
    r = fmt::format("~{:.1f}M rows", rows / 1e6);
  } else if (rows >= 1e3) {
    r = fmt::format("~{:.0f}k rows", rows / 1e3);
  } else {
    r = fmt::format("~{:.0f} rows", rows < 0 ? 0 : rows);
  }
  return mb >= 1 ? fmt::format(" ({}, {:.0f} MB)", r, mb) : fmt::format(" ({})", r);
}


std::string key_for_type_name(const std::string& canonical_type, const schema::Database& db) {
  std::string t = canonical_type;
  if (t.rfind("SETOF ", 0) == 0 || t.rfind("setof ", 0) == 0) t = util::trim(t.substr(6));  // a routine's result
  while (t.size() > 2 && t.compare(t.size() - 2, 2, "[]") == 0) t.resize(t.size() - 2);
  std::string schema_name = "public", name = t;
  // format_type spelling: public types unqualified, others "schema.name" (quoted parts when needed)
  auto unquote = [](std::string s) {
    if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
      std::string out;
      for (size_t i = 1; i + 1 < s.size(); ++i) {
        out += s[i];
        if (s[i] == '"' && i + 2 < s.size() && s[i + 1] == '"') ++i;
      }
      return out;
    }
    return s;
  };
  bool in_quotes = false;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '"') in_quotes = !in_quotes;
    if (t[i] == '.' && !in_quotes) {
      schema_name = unquote(t.substr(0, i));
      name = t.substr(i + 1);
      break;
    }
  }
  name = unquote(name);
  auto it = db.schemas.find(schema_name);
  if (it == db.schemas.end()) return "";
  const auto& s = it->second;
  if (s.enums.count(name) || s.domains.count(name) || s.types.count(name)) return keys::type({schema_name, name});
  // a table's or view's row type
  if (s.tables.count(name)) return keys::table({schema_name, name});
  if (s.views.count(name)) return keys::view({schema_name, name});
  return "";
}

Step make_step(std::string id, char change, std::string object, std::string description, std::string forward,
               std::optional<std::string> reverse, std::string lock) {
  Step s;
  s.id = std::move(id);
  s.change = change;
  s.object = std::move(object);
  s.description = std::move(description);
  s.forward_sql = std::move(forward);
  s.reverse_sql = std::move(reverse);
  s.lock = std::move(lock);
  return s;
}

std::set<std::string> sequences_used(const schema::Database& db, const schema::Table& t) {
  std::set<std::string> out;
  static const std::regex nextval_re(R"(nextval\('([^']+)')");
  for (const auto& c : t.columns) {
    if (!c.default_value) continue;
    std::smatch m;
    if (std::regex_search(c.default_value->canonical, m, nextval_re)) {
      std::string name = m[1].str();
      auto dot = name.find('.');
      out.insert(keys::sequence(dot == std::string::npos ? schema::QualifiedName{t.name.schema, name}
                                                         : schema::QualifiedName{name.substr(0, dot), name.substr(dot + 1)}));
    }
  }
  for (const auto& [sn, s] : db.schemas) {
    for (const auto& [qn, seq] : s.sequences) {
      if (!seq.owned_by) continue;
      const std::string& o = *seq.owned_by;
      if (util::starts_with(o, t.name.name + ".") || util::starts_with(o, t.name.display() + ".")) {
        out.insert(keys::sequence(seq.name));
      }
    }
  }
  return out;
}

PlannedStep& column_step(PlanContext& ctx, Phase phase, int priority, Step step, const schema::QualifiedName& t,
                         const std::string& column) {
  auto& ps = ctx.add(phase, priority, std::move(step));
  ps.uses.insert(keys::table(t));
  ps.uses.insert(keys::column(t, column));
  return ps;
}

std::vector<const schema::View*> dependent_views(const schema::Database& db, const schema::QualifiedName& table) {
  std::vector<const schema::View*> out;
  std::set<schema::QualifiedName> targets{table};
  bool grew = true;
  while (grew) {
    grew = false;
    for (const auto& [sn, s] : db.schemas) {
      for (const auto& [vn, v] : s.views) {
        if (std::find(out.begin(), out.end(), &v) != out.end()) continue;
        for (const auto& ref : schema::referenced_relations(v.query.canonical)) {
          auto parts = util::split(ref, '.');
          schema::QualifiedName qn = parts.size() == 2 ? schema::QualifiedName{parts[0], parts[1]} : schema::QualifiedName{"public", ref};
          if (targets.count(qn)) {
            out.push_back(&v);
            targets.insert(v.name);
            grew = true;
            break;
          }
        }
      }
    }
  }
  return out;
}

}  // namespace pgshift::planner
