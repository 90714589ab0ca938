// The renderers, apart from planning: a plan as text (Terraform-like), sql, markdown (a pull-request
// comment), JSON and the golden-test form; a drift report as text, JSON and markdown.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "planner/drift.hpp"
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

// A drift report (render_drift.cpp). The JSON keys are stable and documented in docs/drift-format.md.
std::string render_drift_text(const DriftReport& report, bool color = false);
nlohmann::json drift_to_json(const DriftReport& report);
std::string drift_to_json_text(const DriftReport& report);  // pretty, 2-space indent, trailing newline
std::string render_drift_markdown(const DriftReport& report);

}  // namespace pgshift::planner
