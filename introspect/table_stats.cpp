// This file implements read_table_stats (introspect.hpp): sizes and write rates of the live tables.
#include "introspect/introspect.hpp"
#include "introspect/queries.hpp"

namespace pgshift::introspect {

std::map<schema::QualifiedName, schema::TableStats> read_table_stats(pqxx::connection& conn) {
  std::map<schema::QualifiedName, schema::TableStats> stats;
  pqxx::read_transaction tx{conn};
  for (const auto& row : tx.exec(named_query("table_stats"))) {
    stats[{row[0].as<std::string>(), row[1].as<std::string>()}] =
        schema::TableStats{row[2].as<double>(), row[3].as<int64_t>(), row[4].as<double>()};
  }
  tx.commit();
  return stats;
}

}  // namespace pgshift::introspect
