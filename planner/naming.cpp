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

namespace {
// The hash goes before the cut, so a long name stays unique by its fit() suffix and the tail of a
// short one still tells two trashings of the same object apart.
std::string hash8(const std::string& text) { return util::sha256_hex(text).substr(0, 8); }
}  // namespace

std::string trash_column(const std::string& column, const std::string& salt) {
  std::string h = hash8(column + "\n" + salt);
  std::string name = "_pgshift_trash_" + column + "_" + h;
  return name.size() <= 63 ? name : fit(name);
}
std::string trash_table(const std::string& schema, const std::string& table, const std::string& salt) {
  std::string h = hash8(schema + "\n" + table + "\n" + salt);
  std::string name = schema + "__" + table + "__" + h;
  return name.size() <= 63 ? name : fit(name);
}

}  // namespace pgshift::planner::naming
