#include "planner/ops/common.hpp"

namespace pgshift::planner::ops {

void plan_comment(PlanContext& ctx, const std::string& what, const std::string& id_object, const std::string& display,
                  const std::optional<std::string>& current, const std::optional<std::string>& desired,
                  const std::string& use_key) {
  if (current == desired) return;
  auto& ps = ctx.add(Phase::add, prio::comment,
                     make_step("set_comment:" + id_object, '~', "comment on " + display, "sets the comment (catalog only)",
                               ddl::comment_on(what, desired), ddl::comment_on(what, current), "none (catalog only)"));
  if (!use_key.empty()) ps.uses.insert(use_key);
}

}  // namespace pgshift::planner::ops
