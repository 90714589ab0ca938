// This file implements the shared markdown pieces (markdown.hpp).
#include "planner/report/markdown.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace pgshift::planner {

namespace {

size_t longest_backtick_run(std::string_view text) {
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

}  // namespace

std::string md_text(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == '\r') {
      out += ' ';
    } else if (std::string_view("\\`*_[]<>|~&").find(c) != std::string_view::npos) {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

std::string md_code(std::string_view text) {
  std::string body;
  for (char c : text) {
    body += c == '|' ? std::string("\\|") : c == '\n' || c == '\r' ? std::string(" ") : std::string(1, c);
  }
  std::string fence(longest_backtick_run(body) + 1, '`');
  std::string pad = !body.empty() && (body.front() == '`' || body.back() == '`') ? " " : "";
  return fence + pad + body + pad + fence;
}

std::string md_block(std::string_view lang, std::string_view text) {
  std::string fence(std::max<size_t>(3, longest_backtick_run(text) + 1), '`');
  std::string_view body = !text.empty() && text.back() == '\n' ? text.substr(0, text.size() - 1) : text;
  return fmt::format("{}{}\n{}\n{}\n", fence, lang, body, fence);
}

}  // namespace pgshift::planner
