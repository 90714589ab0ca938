#include "planner/naming.hpp"

#include "util/sha256.hpp"

namespace pgshift::planner::naming {

std::string fit(const std::string& name) {
  if (name.size() <= 63) return name;
  std::string hash = util::sha256_hex(name).substr(0, 8);
  std::string prefix = name.substr(0, 63 - 9);
  // do not cut a UTF-8 sequence in half
  while (!prefix.empty() && (static_cast<unsigned char>(prefix.back()) & 0xC0) == 0x80) prefix.pop_back();
  if (!prefix.empty() && (static_cast<unsigned char>(prefix.back()) & 0x80)) prefix.pop_back();
  return prefix + "_" + hash;
}

std::string not_null_check(const std::string& table, const std::string& column) { return fit("_pgshift_nn_" + table + "_" + column); }
std::string new_index(const std::string& index) { return fit("_pgshift_new_" + index); }
std::string old_index(const std::string& index) { return fit("_pgshift_old_" + index); }
std::string new_column(const std::string& column) { return fit("_pgshift_new_" + column); }
std::string old_column(const std::string& column) { return fit("_pgshift_old_" + column); }

}  // namespace pgshift::planner::naming
