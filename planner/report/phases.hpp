// How the renderers walk a plan: phase by phase, numbered as in "Phase 3/4" whether or not the
// phases before it have steps.
#pragma once

#include <vector>

#include "planner/plan.hpp"

namespace pgshift::planner {

// Calls fn(number, phase, steps) for each phase that has steps; `number` counts every phase from 1.
template <typename Fn>
void for_each_phase(const Plan& plan, Fn&& fn) {
  int number = 0;
  for (Phase phase : k_all_phases) {
    ++number;
    std::vector<const Step*> steps = plan.steps_in(phase);
    if (!steps.empty()) {
      fn(number, phase, steps);
    }
  }
}

}  // namespace pgshift::planner
