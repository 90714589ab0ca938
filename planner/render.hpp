// Renderers for a plan: text (Terraform-like), sql, markdown (a pull-request comment), and JSON.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "planner/plan.hpp"

namespace pgshift::planner {

struct RenderOptions {
  bool color = false;  // ANSI colors (the cli decides: terminal and NO_COLOR unset)
};

std::string render_text(const Plan& plan, const RenderOptions& options = {});
std::string render_sql(const Plan& plan);
std::string render_markdown(const Plan& plan);

// JSON with stable keys (docs/plan-format.md); plan_from_json(plan_to_json(p)) == p.
nlohmann::json plan_to_json(const Plan& plan);
Plan plan_from_json(const nlohmann::json& json);  // throws pgshift::Error on a malformed plan
std::string plan_to_json_text(const Plan& plan);  // pretty, 2-space indent, trailing newline

// The text form used by golden tests: per step phase, id, forward, reverse, hazards.
std::string render_golden(const Plan& plan);

}  // namespace pgshift::planner
