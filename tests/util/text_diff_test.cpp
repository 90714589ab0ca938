#include <catch2/catch.hpp>

#include "util/text_diff.hpp"

using pgshift::util::unified_diff;

TEST_CASE("equal texts have an empty diff") {
  CHECK(unified_diff("a\nb\n", "a\nb\n", "x", "y").empty());
  CHECK(unified_diff("", "", "x", "y").empty());
}

TEST_CASE("a changed line is shown with three lines of context") {
  std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  std::string after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  CHECK(unified_diff(before, after, "expected", "actual") ==
        "--- expected\n+++ actual\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST_CASE("an added line at the end names the line before it") {
  CHECK(unified_diff("a\n", "a\nb\n", "x", "y", 0) == "--- x\n+++ y\n@@ -1,0 +2,1 @@\n+b\n");
}

TEST_CASE("changes far apart make two hunks, close ones one") {
  std::string before, after;
  for (int i = 1; i <= 20; ++i) {
    before += std::to_string(i) + "\n";
    after += (i == 2 || i == 18 ? "x" : std::to_string(i)) + "\n";
  }
  std::string diff = unified_diff(before, after, "a", "b", 1);
  CHECK(diff == "--- a\n+++ b\n@@ -1,3 +1,3 @@\n 1\n-2\n+x\n 3\n@@ -17,3 +17,3 @@\n 17\n-18\n+x\n 19\n");
  std::string near;
  for (int i = 1; i <= 20; ++i) near += (i == 2 || i == 6 ? "x" : std::to_string(i)) + "\n";
  std::string one = unified_diff(before, near, "a", "b", 3);
  CHECK(one.find("@@ -1,9 +1,9 @@\n") != std::string::npos);
  CHECK(one.find("@@ -", one.find("@@ -") + 1) == std::string::npos);  // one hunk only
}

TEST_CASE("a removed block in the middle keeps the lines around it") {
  std::string diff = unified_diff("a\nb\nc\nd\n", "a\nd\n", "x", "y", 1);
  CHECK(diff == "--- x\n+++ y\n@@ -1,4 +1,2 @@\n a\n-b\n-c\n d\n");
}
