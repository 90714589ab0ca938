#include "planner/ops/common.hpp"

namespace pgshift::planner::ops {

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
