// This file implements step ordering: a dependency graph over the planned steps (Boost.Graph),
// ordered per phase with Kahn's algorithm over a std::set keyed by (priority, id), so equal inputs
// give byte-identical plans.
//
// Edges:
// - a step that creates key K runs before every non-drop step that uses K;
// - a drop step that removes key K runs after every other drop step that uses K (dependents go first);
// - a step runs after the steps that drop the keys of its `after_drop`;
// - a step that creates a table, view, sequence, index or type runs after a step that drops another of
//   those kinds under the same name (a view replacing a table of its name).
// Edges across phases are satisfied by phase order. An edge against phase order moves the later step's
// successor to that phase (its description says why), never the other way: a step may run later than
// planned, never earlier than what it needs.
#include <boost/graph/adjacency_list.hpp>
#include <fmt/format.h>
#include <map>
#include <set>

#include "planner/context.hpp"
#include "schema/expr.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::planner {
namespace {

using Graph = boost::adjacency_list<boost::setS, boost::vecS, boost::bidirectionalS>;

Graph build_graph(const std::vector<PlannedStep>& steps) {
  Graph g(steps.size());
  std::map<std::string, std::vector<size_t>> creators, droppers;
  std::map<std::string, std::vector<std::pair<size_t, std::string>>> name_droppers;  // relation name -> (step, key)
  for (size_t i = 0; i < steps.size(); ++i) {
    for (const auto& k : steps[i].creates) {
      creators[k].push_back(i);
      // "function:s.f(args)" also creates "routine:s.f"
      if (util::starts_with(k, "function:")) creators["routine:" + k.substr(9, k.find('(') - 9)].push_back(i);
    }
    for (const auto& k : steps[i].drops) {
      droppers[k].push_back(i);
      if (std::string rn = keys::relation_name(k); !rn.empty()) name_droppers[rn].emplace_back(i, k);
    }
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    for (const auto& k : steps[i].after_drop) {
      if (auto it = droppers.find(k); it != droppers.end()) {
        for (size_t d : it->second) {
          if (d != i) boost::add_edge(d, i, g);
        }
      }
    }
    for (const auto& k : steps[i].creates) {
      std::string rn = keys::relation_name(k);
      auto it = rn.empty() ? name_droppers.end() : name_droppers.find(rn);
      if (it == name_droppers.end()) continue;
      for (const auto& [d, dropped] : it->second) {
        if (d != i && dropped != k && !steps[i].drops.count(dropped)) boost::add_edge(d, i, g);
      }
    }
    bool is_drop = !steps[i].drops.empty() && steps[i].creates.empty();
    for (const auto& k : steps[i].uses) {
      if (!is_drop) {
        if (auto it = creators.find(k); it != creators.end()) {
          for (size_t c : it->second) {
            if (c != i) boost::add_edge(c, i, g);
          }
        }
      } else if (auto it = droppers.find(k); it != droppers.end()) {
        for (size_t d : it->second) {
          if (d != i) boost::add_edge(i, d, g);
        }
      }
    }
  }
  return g;
}

std::string vertex_label(const PlannedStep& s) { return fmt::format("{} [{}]", s.step.id, phase_name(s.step.phase)); }

}  // namespace

std::string steps_to_dot(const std::vector<PlannedStep>& steps) {
  Graph g = build_graph(steps);
  std::string out = "digraph plan {\n  rankdir=LR;\n  node [shape=box, fontname=\"monospace\"];\n";
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string label = vertex_label(steps[i]);
    std::string escaped;
    for (char c : label) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    out += fmt::format("  s{} [label=\"{}\"];\n", i, escaped);
  }
  auto [ei, ee] = boost::edges(g);
  for (; ei != ee; ++ei) out += fmt::format("  s{} -> s{};\n", boost::source(*ei, g), boost::target(*ei, g));
  out += "}\n";
  return out;
}

void add_catalog_edges(std::vector<PlannedStep>& steps, const schema::Database& current, const schema::Database& desired) {
  auto index = [](const schema::Database& db) {
    std::map<std::string, std::set<std::string>> out;  // key -> keys it depends on
    for (const auto& d : db.dependencies) {
      std::string from = keys::of(d.dependent), to = keys::of(d.referenced);
      if (!from.empty() && !to.empty() && from != to) out[from].insert(to);
    }
    return out;
  };
  if (current.dependencies.empty() && desired.dependencies.empty()) return;
  auto cur = index(current), des = index(desired);
  for (auto& ps : steps) {
    std::set<std::string> add;
    for (const auto& k : ps.creates) {
      if (auto it = des.find(k); it != des.end()) add.insert(it->second.begin(), it->second.end());
    }
    for (const auto& k : ps.drops) {
      if (auto it = cur.find(k); it != cur.end()) add.insert(it->second.begin(), it->second.end());
    }
    for (const auto& k : add) {
      if (!ps.creates.count(k) && !ps.drops.count(k)) ps.uses.insert(k);
    }
  }
}

namespace {

// The "routine:s.name" keys of the routines of `db` that `expr` (one expression) calls. Unqualified
// names resolve in public (apply runs with search_path = public).
void add_routines_called(std::set<std::string>& out, const schema::Expr& expr, const schema::Database& db,
                         const std::map<std::string, std::set<std::string>>& routine_names) {
  std::vector<std::string> names;
  try {
    names = schema::referenced_relations("SELECT " + expr.canonical);
  } catch (const std::exception&) {
    return;  // validated when read; a domain check's VALUE and the like parse as column references anyway
  }
  for (const auto& n : names) {
    auto dot = n.find('.');
    std::string sn = dot == std::string::npos ? "public" : n.substr(0, dot);
    std::string fn = dot == std::string::npos ? n : n.substr(dot + 1);
    auto it = routine_names.find(sn);
    if (it != routine_names.end() && it->second.count(fn)) out.insert(keys::routine(sn, fn));
  }
  (void)db;
}

}  // namespace

void add_expression_edges(std::vector<PlannedStep>& steps, const schema::Database& desired) {
  std::map<std::string, std::set<std::string>> routine_names;  // schema -> routine names
  for (const auto& [sn, s] : desired.schemas) {
    for (const auto& [key, f] : s.functions) routine_names[sn].insert(f.name.name);
  }
  if (routine_names.empty()) return;
  // key created -> routines its expressions call
  std::map<std::string, std::set<std::string>> calls;
  for (const auto& [sn, s] : desired.schemas) {
    for (const auto& [dn, d] : s.domains) {
      auto& out = calls[keys::type(d.name)];
      if (d.default_value) add_routines_called(out, *d.default_value, desired, routine_names);
      for (const auto& [cn, c] : d.checks) add_routines_called(out, c.expression, desired, routine_names);
    }
    for (const auto& [tn, t] : s.tables) {
      auto& table_out = calls[keys::table(t.name)];
      for (const auto& c : t.columns) {
        auto& out = calls[keys::column(t.name, c.name)];
        if (c.default_value) add_routines_called(out, *c.default_value, desired, routine_names);
        if (c.generated) add_routines_called(out, *c.generated, desired, routine_names);
        table_out.insert(out.begin(), out.end());
      }
      for (const auto& [cn, c] : t.checks) {
        auto& out = calls[keys::constraint(t.name, cn)];
        add_routines_called(out, c.expression, desired, routine_names);
        table_out.insert(out.begin(), out.end());
      }
      for (const auto& [in, idx] : t.indexes) {
        auto& out = calls[keys::index(t.name.schema, in)];
        for (const auto& e : idx.elems) {
          if (e.expression) add_routines_called(out, *e.expression, desired, routine_names);
        }
        if (idx.where) add_routines_called(out, *idx.where, desired, routine_names);
      }
    }
  }
  for (auto& ps : steps) {
    for (const auto& k : ps.creates) {
      auto it = calls.find(k);
      if (it != calls.end()) ps.uses.insert(it->second.begin(), it->second.end());
    }
  }
}

namespace {

// Moves each step that must follow a step of a later phase into that phase, until no edge points
// backwards; the description of a moved step names the step it waits for.
void resolve_phases(std::vector<PlannedStep>& steps, const Graph& g) {
  std::vector<std::string> waits_for(steps.size());
  bool changed = true;
  while (changed) {
    changed = false;
    auto [ei, ee] = boost::edges(g);
    for (; ei != ee; ++ei) {
      size_t from = boost::source(*ei, g), to = boost::target(*ei, g);
      if (steps[from].step.phase <= steps[to].step.phase) continue;
      steps[to].step.phase = steps[from].step.phase;
      waits_for[to] = steps[from].step.id;
      changed = true;
    }
  }
  for (size_t i = 0; i < steps.size(); ++i) {
    if (waits_for[i].empty()) continue;
    steps[i].step.description += fmt::format(" (in the {} phase: it must follow {})", phase_name(steps[i].step.phase), waits_for[i]);
  }
}

}  // namespace

std::vector<Step> order_steps(std::vector<PlannedStep> steps) {
  Graph g = build_graph(steps);
  resolve_phases(steps, g);
  std::vector<size_t> indegree(steps.size(), 0);
  auto [ei, ee] = boost::edges(g);
  for (; ei != ee; ++ei) ++indegree[boost::target(*ei, g)];
  using Key = std::tuple<int, int, std::string, size_t>;  // phase, priority, id, index
  auto key_of = [&](size_t i) {
    return Key{static_cast<int>(steps[i].step.phase), steps[i].priority, steps[i].step.id, i};
  };
  std::set<Key> ready;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (indegree[i] == 0) ready.insert(key_of(i));
  }
  std::vector<Step> ordered;
  std::vector<bool> done(steps.size(), false);
  while (!ready.empty()) {
    size_t i = std::get<3>(*ready.begin());
    ready.erase(ready.begin());
    done[i] = true;
    ordered.push_back(steps[i].step);
    auto [oi, oe] = boost::out_edges(i, g);
    for (; oi != oe; ++oi) {
      size_t t = boost::target(*oi, g);
      if (--indegree[t] == 0) ready.insert(key_of(t));
    }
  }
  if (ordered.size() != steps.size()) {
    std::vector<PlannedStep> cycle;
    for (size_t i = 0; i < steps.size(); ++i) {
      if (!done[i]) cycle.push_back(steps[i]);
    }
    std::string names;
    for (const auto& s : cycle) names += "\n  " + s.step.id;
    throw Error("the plan has a dependency cycle between these steps:" + names, std::nullopt,
                "break the cycle (e.g. drop one foreign key first); the cycle in DOT:\n" + steps_to_dot(cycle));
  }
  // Phases must come out in order (edges never point backwards, checked above).
  return ordered;
}

}  // namespace pgshift::planner
