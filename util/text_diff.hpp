// Line diffs for people: a unified diff ("diff -u" style) of two texts, for showing where a schema
// diverged from the expected one. Knows nothing about what the lines mean.
#pragma once

#include <string>
#include <string_view>

namespace pgshift::util {

// The unified diff of `before` and `after` (split at '\n'), with `context` unchanged lines around each
// change: "--- <before_name>\n+++ <after_name>\n@@ -l,n +l,n @@\n" hunks. "" when the texts are equal.
// Lines are matched by a longest common subsequence after the common head and tail are set aside;
// when what remains is too large for that (over ~4M line pairs) it is shown as removed, then added.
std::string unified_diff(std::string_view before, std::string_view after, std::string_view before_name,
                         std::string_view after_name, int context = 3);

}  // namespace pgshift::util
