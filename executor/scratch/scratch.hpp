// The scratch database `verify` proves a plan on: created empty from template0, with the source
// database's encoding and locale, and dropped WITH (FORCE) over a connection of its own, whatever
// happened (the destructor drops it too, so an exception or a Ctrl-C unwinding past it cleans up).
#pragma once

#include <pqxx/pqxx>
#include <string>

namespace pgshift::executor {

// Encoding and locale of a database, to make its copy sort and compare text the same way.
struct DatabaseLocale {
  std::string encoding;  // "UTF8"
  std::string collate, ctype;
  std::string provider = "c";  // pg_database.datlocprovider (PostgreSQL 15+): c | i
  std::string icu_locale;
};

// Reads the locale of the database `conn` is connected to.
DatabaseLocale database_locale(pqxx::connection& conn);

class ScratchDatabase {
 public:
  // Creates pgshift_verify_<pid>_<8 hex digits> on the server `server_conninfo` reaches (any database
  // of it), TEMPLATE template0 with `locale`; when the server lacks that locale, with the encoding alone,
  // then with the server's defaults (note() says so). Throws pgshift::Error (with a hint about the
  // CREATEDB privilege) when it cannot be created.
  ScratchDatabase(std::string server_conninfo, const DatabaseLocale& locale);
  ~ScratchDatabase();
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& name() const { return m_name; }
  std::string conninfo() const;                    // the server's conninfo with this database
  const std::string& note() const { return m_note; }  // how the locale was chosen, when not the source's

  // Drops the database and creates it again, empty. Throws like the constructor.
  void recreate();
  // DROP DATABASE IF EXISTS ... WITH (FORCE) over a new connection (ending our own sessions to it
  // too). True when it is gone; never throws. Later calls do nothing and return the first answer.
  bool drop() noexcept;

 private:
  void create();

  std::string m_server, m_name, m_note;
  DatabaseLocale m_locale;
  bool m_dropped = false, m_drop_ok = false;
};

}  // namespace pgshift::executor
