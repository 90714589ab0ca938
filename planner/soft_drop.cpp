// This file implements the soft-drop helpers of soft_drop.hpp.
#include "planner/soft_drop.hpp"

#include <cctype>

namespace pgshift::planner {

bool is_trashed_column(std::string_view column_name) { return column_name.substr(0, k_trash_column_prefix.size()) == k_trash_column_prefix; }

std::optional<std::string> parse_retention(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) ++digits;
  if (digits == 0 || digits > 6) return std::nullopt;
  std::string number(text.substr(0, digits));
  std::string_view unit = text.substr(digits);
  if (std::stol(number) <= 0) return std::nullopt;
  if (unit.empty() || unit == "d") return number + " days";
  if (unit == "h") return number + " hours";
  if (unit == "w") return std::to_string(std::stol(number) * 7) + " days";
  return std::nullopt;
}

}  // namespace pgshift::planner
