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

namespace pgshift::planner::naming {

namespace {

// pg_mbcliplen for UTF-8: the longest prefix of at most `len` bytes that ends on a character boundary.
size_t clip_utf8(const std::string& s, size_t len) {
  if (len >= s.size()) return s.size();
  while (len > 0 && (static_cast<unsigned char>(s[len]) & 0xC0) == 0x80) --len;
  return len;
}

// makeObjectName: name1_name2_label, name1 and name2 cut (the longer one first) to fit 63 bytes.
std::string make_object_name(const std::string& name1, const std::string& name2, const std::string& label) {
  constexpr size_t k_max = 63;
  size_t overhead = (name2.empty() ? 0 : 1) + (label.empty() ? 0 : label.size() + 1);
  size_t avail = k_max > overhead ? k_max - overhead : 0;
  size_t n1 = name1.size(), n2 = name2.size();
  while (n1 + n2 > avail) {
    if (n1 > n2) {
      --n1;
    } else {
      --n2;
    }
  }
  std::string out = name1.substr(0, clip_utf8(name1, n1));
  if (!name2.empty()) out += "_" + name2.substr(0, clip_utf8(name2, n2));
  if (!label.empty()) out += "_" + label;
  return out;
}

}  // namespace

std::string choose_index_name(const std::string& table, const std::vector<std::string>& columns,
                              const std::string& label, const std::set<std::string>& taken) {
  // ChooseIndexNameAddition: the column names joined by "_", stopping once 63 bytes are reached.
  std::string addition;
  for (const auto& c : columns) {
    if (!addition.empty()) addition += "_";
    addition += c;
    if (addition.size() >= 63) break;
  }
  // ChooseRelationName: the label gets 1, 2, ... until the name is free.
  std::string name = make_object_name(table, addition, label);
  for (int pass = 1; taken.count(name); ++pass) {
    name = make_object_name(table, addition, label + std::to_string(pass));
  }
  return name;
}

}  // namespace pgshift::planner::naming
