// Forwards to planner/report/render.hpp, where the renderers live now. Kept only so that
// tests/golden/golden_test.cpp compiles unchanged (the golden directory is left untouched by the
// layout change); new code includes planner/report/render.hpp.
#pragma once

#include "planner/report/render.hpp"
