// The --db option shared by every command that needs a database, and its resolution:
// --db URL, else PGSHIFT_DATABASE_URL, else DATABASE_URL, else "" (libpq's own PG* variables and
// service files then apply).
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <pqxx/pqxx>
#include <string>

namespace pgshift::cli {

void add_db_option(CLI::App* cmd, std::string& url);
std::string resolve_db_url(const std::string& flag_value);
// Resolves and connects; on failure throws pgshift::Error (host/port tried, server message, hint,
// password masked).
std::unique_ptr<pqxx::connection> open_db(const std::string& flag_value);
// $PGSHIFT_PG_BIN: the directory of pg_dump and pg_restore to use for backups and restores ("" = search).
std::string pg_bin_dir();

}  // namespace pgshift::cli
