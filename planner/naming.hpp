// Names of pgshift's temporary objects (_pgshift_new_<col>, helper checks, swap indexes), cut to
// PostgreSQL's 63-byte limit with a hash suffix so they stay unique.
#pragma once

#include <set>
#include <string>
#include <vector>

namespace pgshift::planner::naming {

std::string fit(const std::string& name);  // <= 63 bytes; longer names keep a prefix + "_" + 8 hex digits
std::string not_null_check(const std::string& table, const std::string& column);  // _pgshift_nn_<table>_<col>
std::string new_index(const std::string& index);     // _pgshift_new_<index>
std::string old_index(const std::string& index);     // _pgshift_old_<index>
std::string new_column(const std::string& column);   // _pgshift_new_<col>
std::string old_column(const std::string& column);   // _pgshift_old_<col>
// Soft drop: a column's reserved name _pgshift_trash_<col>_<hash8>, a table's name in pgshift_trash
// <schema>__<table>__<hash8>; `salt` (the object's definition) varies the hash.
std::string trash_column(const std::string& column, const std::string& salt);
std::string trash_table(const std::string& schema, const std::string& table, const std::string& salt);

// The name PostgreSQL gives an index it names itself (ChooseIndexName + ChooseRelationName): the
// table's name, the index columns' names ("expr" for an expression) joined by "_", and `label`
// ("idx"; "key" for a unique constraint), each part cut to fit 63 bytes as makeObjectName cuts them;
// while the name is in `taken` (the relation names of the schema), the label gets 1, 2, ...
std::string choose_index_name(const std::string& table, const std::vector<std::string>& columns,
                              const std::string& label, const std::set<std::string>& taken);

}  // namespace pgshift::planner::naming
