// This file implements the shared parts of catalog.hpp: running the named queries, reading fields,
// and turning what the server prints into canonical expressions and sequence options.
#include "introspect/catalog.hpp"

#include <cctype>
#include <limits>

#include "introspect/queries.hpp"
#include "schema/expr.hpp"
#include "util/error.hpp"

namespace pgshift::introspect {

Catalog::Catalog(pqxx::transaction_base& txn, std::vector<std::string> managed_roles)
    : m_txn(txn), m_managed_roles(managed_roles.begin(), managed_roles.end()) {}

namespace {
constexpr int k_batch_rows = 20000;  // a few MB of rows at a time; one round trip per batch
}  // namespace

void RowStream::iterator::fetch() {
  m_batch = m_stream->m_txn.exec("FETCH FORWARD " + std::to_string(k_batch_rows) + " FROM " + m_stream->m_cursor);
  m_index = 0;
  if (m_batch.empty()) {
    m_stream = nullptr;
  }
}

RowStream::iterator& RowStream::iterator::operator++() {
  if (++m_index < m_batch.size()) {
    return *this;
  }
  if (m_batch.size() < static_cast<pqxx::result::size_type>(k_batch_rows)) {
    m_stream = nullptr;
    m_batch.clear();
    return *this;
  }
  fetch();
  return *this;
}

// Each query runs once per transaction, so its name is a unique cursor name; cursors end with it.
RowStream Catalog::query(const std::string& name) {
  const std::string cursor = "pgshift_" + name;
  m_txn.exec_params("DECLARE " + cursor + " NO SCROLL CURSOR FOR " + named_query(name), schema_oids);
  return RowStream(m_txn, cursor);
}

pqxx::result Catalog::query_database(const std::string& name) { return m_txn.exec(named_query(name)); }

void Catalog::unmanaged(const std::string& kind, const std::string& name) {
  unmanaged_objects.insert("unmanaged: " + kind + " " + name);
}

std::string text(const pqxx::field& f) {
  return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
}

std::optional<std::string> opt_text(const pqxx::field& f) {
  if (f.is_null()) {
    return std::nullopt;
  }
  return std::string(f.c_str(), f.size());
}

std::vector<std::string> text_array(const pqxx::field& f) {
  std::vector<std::string> out;
  if (f.is_null()) {
    return out;
  }
  // Elements are never split inside a multi-byte UTF-8 character: its bytes are all >= 0x80, so the
  // single-byte scanner cannot mistake them for quotes, commas or backslashes.
  pqxx::array_parser parser = f.as_array();
  for (auto step = parser.get_next(); step.first != pqxx::array_parser::done; step = parser.get_next()) {
    if (step.first == pqxx::array_parser::string_value) {
      out.push_back(std::move(step.second));
    }
  }
  return out;
}

std::vector<int> int_list(const pqxx::field& f) {
  std::vector<int> out;
  const std::string s = text(f);
  for (size_t i = 0; i < s.size();) {
    if (std::isdigit(static_cast<unsigned char>(s[i])) != 0 || s[i] == '-') {
      size_t used = 0;
      out.push_back(std::stoi(s.substr(i), &used));
      i += used;
    } else {
      ++i;
    }
  }
  return out;
}

void throw_unparsable(const std::string& what, const std::string& source, const std::string& message) {
  throw Error("cannot read " + what + ": the server printed `" + source + "`, which pgshift cannot parse: " + message,
              std::nullopt, "this is a pgshift bug; please report it with the statement that created the object");
}

SequenceOptions sequence_options(const pqxx::row& row, const char* type_column) {
  SequenceOptions o;
  o.type = text(row[type_column]);
  o.start = row["seqstart"].as<int64_t>();
  o.increment = row["seqincrement"].as<int64_t>();
  o.min_value = row["seqmin"].as<int64_t>();
  o.max_value = row["seqmax"].as<int64_t>();
  o.cache = row["seqcache"].as<int64_t>();
  o.cycle = row["seqcycle"].as<bool>();
  return o;
}

namespace {

// CREATE SEQUENCE's defaults: ascending 1 .. type max, descending type min .. -1; start at the
// minimum (ascending) or maximum (descending) actually in effect; increment 1, cache 1.
template <class T>
void set_options(T& target, const SequenceOptions& o) {
  int64_t type_min = std::numeric_limits<int64_t>::min();
  int64_t type_max = std::numeric_limits<int64_t>::max();
  if (o.type == "integer") {
    type_min = std::numeric_limits<int32_t>::min();
    type_max = std::numeric_limits<int32_t>::max();
  } else if (o.type == "smallint") {
    type_min = std::numeric_limits<int16_t>::min();
    type_max = std::numeric_limits<int16_t>::max();
  }
  const bool ascending = o.increment > 0;
  const auto differs = [](int64_t value, int64_t default_value) {
    return value == default_value ? std::nullopt : std::optional<int64_t>(value);
  };
  target.increment = differs(o.increment, 1);
  target.min_value = differs(o.min_value, ascending ? 1 : type_min);
  target.max_value = differs(o.max_value, ascending ? type_max : -1);
  target.start = differs(o.start, ascending ? o.min_value : o.max_value);
  target.cache = differs(o.cache, 1);
  target.cycle = o.cycle;
}

}  // namespace

void set_non_default_options(schema::Sequence& target, const SequenceOptions& o) { set_options(target, o); }
void set_non_default_options(schema::Identity& target, const SequenceOptions& o) { set_options(target, o); }

}  // namespace pgshift::introspect
