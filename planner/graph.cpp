// This file implements step ordering: a dependency graph over the planned steps (Boost.Graph),
// ordered per phase with Kahn's algorithm over a std::set keyed by (priority, id), so equal inputs
// give byte-identical plans.
//
// Edges: a step that creates key K runs before every non-drop step that uses K; a drop step that
// removes key K runs after every other drop step that uses K (dependents go first). Edges across
// phases are satisfied by phase order; an edge against phase order is a planning bug and throws.
#include <boost/graph/adjacency_list.hpp>
#include <fmt/format.h>
#include <map>
#include <set>

#include "planner/context.hpp"
#include "util/error.hpp"

namespace pgshift::planner {
namespace {

using Graph = boost::adjacency_list<boost::setS, boost::vecS, boost::bidirectionalS>;

Graph build_graph(const std::vector<PlannedStep>& steps) {
  Graph g(steps.size());
  std::map<std::string, std::vector<size_t>> creators, droppers;
  for (size_t i = 0; i < steps.size(); ++i) {
    for (const auto& k : steps[i].creates) creators[k].push_back(i);
    for (const auto& k : steps[i].drops) droppers[k].push_back(i);
  }
  for (size_t i = 0; i < steps.size(); ++i) {
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

std::vector<Step> order_steps(std::vector<PlannedStep> steps) {
  Graph g = build_graph(steps);
  std::vector<size_t> indegree(steps.size(), 0);
  auto [ei, ee] = boost::edges(g);
  for (; ei != ee; ++ei) {
    size_t from = boost::source(*ei, g), to = boost::target(*ei, g);
    if (steps[from].step.phase > steps[to].step.phase) {
      throw Error(fmt::format("internal planning error: {} must run before {} but is in a later phase", steps[from].step.id,
                              steps[to].step.id));
    }
    ++indegree[to];
  }
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
