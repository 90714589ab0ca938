// Internal to schema/: the pieces of the YAML writer shared by yaml_write.cpp and yaml_write_table.cpp.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "schema/expr.hpp"
#include "schema/model.hpp"
#include "schema/yaml_emit.hpp"

namespace pgshift::schema::yaml_detail {

// The text to write for an expression: its canonical form when that reads back to itself, else its source.
std::string expr_text(const Expr& e, const ExprOptions& options);
YamlNode grants_node(const std::vector<Grant>& grants);
YamlNode indexes_node(const std::map<std::string, Index>& indexes);
// Triggers of a table or view in `schema`; names in other schemas are qualified.
YamlNode triggers_node(const std::map<std::string, Trigger>& triggers, const std::string& schema);
// `{name: value, ...}` for an index's or materialized view's storage parameters.
YamlNode storage_parameters_node(const std::map<std::string, std::string>& parameters);
YamlNode table_node(const Database& db, const Table& t);
YamlNode schema_node(const Database& db, const Schema& s, bool with_tables);
void add_top_level(YamlNode& root, const Database& db);

}  // namespace pgshift::schema::yaml_detail
