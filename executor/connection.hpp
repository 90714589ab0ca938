// Opening connections. The conninfo (URL or key=value) comes from the cli layer, which reads the
// environment; nothing here reads it.
#pragma once

#include <memory>
#include <pqxx/pqxx>
#include <string>

namespace pgshift::executor {

// Connects with `conninfo` ("" = libpq defaults: PG* variables, service files).
// Throws pgshift::Error naming the host and port tried, the server's message and a hint;
// the password is masked everywhere in the message.
std::unique_ptr<pqxx::connection> connect(const std::string& conninfo);

// The conninfo of the same server with another database name (for scratch and test databases).
std::string with_database(const std::string& conninfo, const std::string& dbname);

// A conninfo split for handing to a child program (pg_dump, pg_restore): `conninfo` as key=value
// pairs without the password, and the password alone, for the child's PGPASSWORD, so that it never
// appears in an argument vector (visible in `ps`). Throws pgshift::Error when libpq cannot parse it.
struct ChildConninfo {
  std::string conninfo;  // key=value, no password
  std::string password;  // "" when the conninfo has none (the child then uses libpq's own sources)
};
ChildConninfo conninfo_for_child(const std::string& conninfo);

}  // namespace pgshift::executor
