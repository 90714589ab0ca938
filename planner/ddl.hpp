// SQL text for creating and altering each kind of object, shared by the forward steps and by the
// reverse steps that recreate what a drop removed (atlas builds dropTable's reverse with addTable).
// Identifiers go through schema/sql_text.hpp; expressions are emitted in canonical form.
#pragma once

#include <initializer_list>
#include <map>
#include <string>
#include <vector>

#include "schema/model.hpp"
#include "schema/sql_text.hpp"

namespace pgshift::planner::ddl {

// "ALTER TABLE s.t" and "ALTER TABLE s.t ALTER COLUMN c": how most table and column steps begin.
inline std::string alter_table(const schema::QualifiedName& t) { return "ALTER TABLE " + schema::qualified(t); }
inline std::string alter_column(const schema::QualifiedName& t, const std::string& column) {
  return alter_table(t) + " ALTER COLUMN " + schema::quote_ident(column);
}

std::string column_definition(const schema::Column& c);
// The explicit cast of `value` (SQL, e.g. a quoted column) from type `from` to type `to`. PostgreSQL has
// no cast between two enum types, nor between an enum and a non-string type: such a conversion goes
// through text (`col::text::other_enum`), the I/O cast every type has. `dbs` say which types are enums.
std::string cast_sql(const std::string& value, const std::string& from, const std::string& to,
                     std::initializer_list<const schema::Database*> dbs);
// COLLATE's argument: a collation as the model keeps it (raw name, or SQL spelling when qualified).
std::string collation_sql(const std::string& name);
// CREATE TABLE with columns, primary key, unique, check and exclusion constraints (no FKs, no indexes).
std::string create_table(const schema::Table& t);
std::string add_column(const schema::QualifiedName& t, const schema::Column& c);
std::string index_columns(const schema::Index& idx);
// " WITH (name = 'value', ...)" for storage parameters; "" when there are none.
std::string with_clause(const std::map<std::string, std::string>& parameters);
// The statements that take storage parameters `from` to `to`: "<alter> RESET (...)" for the ones that
// go, "<alter> SET (name = 'value', ...)" for the new and changed ones (none when equal). `alter` is
// e.g. "ALTER INDEX \"s\".\"i\"" or "ALTER MATERIALIZED VIEW \"s\".\"v\"". Catalog only.
std::vector<std::string> alter_storage_parameters(const std::string& alter, const std::map<std::string, std::string>& from,
                                                  const std::map<std::string, std::string>& to);
// CREATE [UNIQUE] INDEX [CONCURRENTLY] name ON table ...; `name_override` replaces the index name.
std::string create_index(const schema::QualifiedName& table, const schema::Index& idx, bool concurrently,
                         const std::string& name_override = "");
std::string drop_index(const std::string& schema, const std::string& name, bool concurrently);
std::string unique_clause(const schema::UniqueConstraint& u);
std::string primary_key_clause(const schema::PrimaryKey& pk);
std::string check_clause(const schema::CheckConstraint& c);
std::string foreign_key_clause(const schema::ForeignKey& fk);
std::string add_constraint(const schema::QualifiedName& t, const std::string& name, const std::string& clause,
                           bool not_valid = false);
std::string drop_constraint(const schema::QualifiedName& t, const std::string& name);
std::string create_view(const schema::View& v, bool or_replace = false);
std::string drop_view(const schema::View& v);
std::string create_function(const schema::Function& f, bool or_replace = false);
std::string drop_function(const schema::Function& f);
std::string create_aggregate(const schema::Aggregate& a, bool or_replace = false);
std::string drop_aggregate(const schema::Aggregate& a);
// "AGGREGATE s.n(args)", the designation COMMENT ON and GRANT take.
std::string aggregate_sql(const schema::Aggregate& a);
// CREATE [OR REPLACE] [CONSTRAINT] TRIGGER; a state other than enabled on origin follows as a second
// statement (ALTER TABLE ... DISABLE TRIGGER). OR REPLACE is not for constraint triggers.
std::string create_trigger(const schema::QualifiedName& t, const schema::Trigger& tr, bool or_replace = false);
// ALTER TABLE t ENABLE|DISABLE|ENABLE REPLICA|ENABLE ALWAYS TRIGGER name, for state origin|disabled|replica|always.
std::string enable_trigger(const schema::QualifiedName& t, const std::string& name, const std::string& state);
std::string drop_trigger(const schema::QualifiedName& t, const std::string& name);
std::string create_policy(const schema::QualifiedName& t, const schema::Policy& p);
std::string drop_policy(const schema::QualifiedName& t, const std::string& name);
std::string create_enum(const schema::Enum& e);
std::string create_domain(const schema::Domain& d);
std::string create_composite(const schema::CompositeType& c);
std::string create_sequence(const schema::Sequence& s);
std::string sequence_options(const schema::Sequence& s);
std::string alter_sequence_options(const schema::Sequence& s);
std::string identity_clause(const schema::Identity& id);
// Restarts the identity of `column` above the largest value in the table (ALTER COLUMN ... RESTART
// WITH max + 1, in a DO block since RESTART takes a constant). It names the identity itself: a
// serial's old sequence still owned by the column does not confuse it, as pg_get_serial_sequence would.
std::string restart_identity_above_max(const schema::QualifiedName& table, const std::string& column);
// COMMENT ON <what> IS '...' / IS NULL. `what` is e.g. "TABLE \"s\".\"t\"" built by the caller via sql_text.
std::string comment_on(const std::string& what, const std::optional<std::string>& comment);
std::string grant(const std::string& object, const schema::Grant& g);
std::string revoke(const std::string& object, const schema::Grant& g);
// REVOKE GRANT OPTION FOR: takes the grant option away and leaves the privilege.
std::string revoke_grant_option(const std::string& object, const schema::Grant& g);
std::string role_sql(const std::string& role);

}  // namespace pgshift::planner::ddl
