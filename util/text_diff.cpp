// This file implements unified_diff (text_diff.hpp): common head and tail trimmed, an LCS table over
// the middle, then hunks grouped with their context lines.
#include "util/text_diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace pgshift::util {

namespace {

constexpr size_t k_max_table = 4'000'000;  // line pairs in the LCS table (16 MB)

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// One line of the edit script: ' ' kept, '-' only in before, '+' only in after.
struct Edit {
  char op;
  size_t a, b;  // line indexes in before / after (the one that applies)
};

// The edit script of a[lo_a, hi_a) against b[lo_b, hi_b).
void diff_middle(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b, size_t lo_a,
                 size_t hi_a, size_t lo_b, size_t hi_b, std::vector<Edit>& out) {
  size_t n = hi_a - lo_a, m = hi_b - lo_b;
  if (n * m > k_max_table) {
    for (size_t i = lo_a; i < hi_a; ++i) out.push_back({'-', i, lo_b});
    for (size_t j = lo_b; j < hi_b; ++j) out.push_back({'+', hi_a, j});
    return;
  }
  // lcs[i][j]: length of the LCS of a[lo_a+i..] and b[lo_b+j..].
  std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;) {
    for (size_t j = m; j-- > 0;) {
      at(i, j) = a[lo_a + i] == b[lo_b + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    }
  }
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[lo_a + i] == b[lo_b + j]) {
      out.push_back({' ', lo_a + i++, lo_b + j++});
    } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
      out.push_back({'-', lo_a + i++, lo_b + j});  // removals first on a tie, as diff -u shows them
    } else {
      out.push_back({'+', lo_a + i, lo_b + j++});
    }
  }
}

std::vector<Edit> edit_script(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) ++tail;
  std::vector<Edit> out;
  for (size_t i = 0; i < head; ++i) out.push_back({' ', i, i});
  diff_middle(a, b, head, a.size() - tail, head, b.size() - tail, out);
  for (size_t k = tail; k > 0; --k) out.push_back({' ', a.size() - k, b.size() - k});
  return out;
}

// "l,n" of a hunk side; an empty side names the line before it, as diff -u does.
std::string range(size_t first, size_t count) {
  return count == 0 ? fmt::format("{},0", first) : fmt::format("{},{}", first + 1, count);
}

}  // namespace

std::string unified_diff(std::string_view before, std::string_view after, std::string_view before_name,
                         std::string_view after_name, int context) {
  auto a = lines_of(before);
  auto b = lines_of(after);
  if (a == b) return "";
  std::vector<Edit> edits = edit_script(a, b);
  size_t ctx = static_cast<size_t>(std::max(context, 0));
  std::string out = fmt::format("--- {}\n+++ {}\n", before_name, after_name);
  size_t k = 0;
  while (k < edits.size()) {
    while (k < edits.size() && edits[k].op == ' ') ++k;
    if (k == edits.size()) break;
    size_t begin = k >= ctx ? k - ctx : 0;
    // Extend over changes separated by at most 2 * context unchanged lines.
    size_t end = k;
    while (end < edits.size()) {
      size_t run = 0;
      while (end + run < edits.size() && edits[end + run].op == ' ') ++run;
      if (end + run == edits.size() || run > 2 * ctx) {
        end += std::min(run, ctx);
        break;
      }
      end += run;
      while (end < edits.size() && edits[end].op != ' ') ++end;
    }
    size_t count_a = 0, count_b = 0;
    for (size_t i = begin; i < end; ++i) {
      count_a += edits[i].op != '+';
      count_b += edits[i].op != '-';
    }
    out += fmt::format("@@ -{} +{} @@\n", range(edits[begin].a, count_a), range(edits[begin].b, count_b));
    for (size_t i = begin; i < end; ++i) {
      std::string_view line = edits[i].op == '+' ? b[edits[i].b] : a[edits[i].a];
      out += edits[i].op;
      out += line;
      out += '\n';
    }
    k = end;
  }
  return out;
}

}  // namespace pgshift::util
