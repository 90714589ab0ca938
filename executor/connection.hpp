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

// A value quoted for a key=value conninfo ('...' with ' and \ escaped).
std::string conninfo_quote(const std::string& value);

}  // namespace pgshift::executor
