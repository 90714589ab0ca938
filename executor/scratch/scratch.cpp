// This file implements the scratch database (scratch.hpp): its name, CREATE DATABASE with the
// source's locale (and fallbacks), and the forced drop.
#include "executor/scratch/scratch.hpp"

#include <unistd.h>

#include <chrono>
#include <fmt/format.h>
#include <random>

#include "executor/connection.hpp"
#include "schema/sql_text.hpp"
#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::executor {

namespace {

std::string scratch_name() {
  std::mt19937_64 rng{static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                      (static_cast<uint64_t>(getpid()) << 32)};
  return fmt::format("pgshift_verify_{}_{:08x}", getpid(), static_cast<uint32_t>(rng()));
}

// CREATE DATABASE statements to try in order: the source's locale, its encoding alone, the defaults.
std::vector<std::string> create_statements(const std::string& name, const DatabaseLocale& l) {
  std::string base = "CREATE DATABASE " + schema::quote_ident(name) + " TEMPLATE template0";
  std::string encoding = l.encoding.empty() ? "" : " ENCODING " + schema::quote_literal(l.encoding);
  std::string locale;
  if (!l.collate.empty()) locale += " LC_COLLATE " + schema::quote_literal(l.collate);
  if (!l.ctype.empty()) locale += " LC_CTYPE " + schema::quote_literal(l.ctype);
  if (l.provider == "i" && !l.icu_locale.empty()) {
    locale += " LOCALE_PROVIDER icu ICU_LOCALE " + schema::quote_literal(l.icu_locale);
  }
  return {base + encoding + locale, base + encoding, base};
}

}  // namespace

DatabaseLocale database_locale(pqxx::connection& conn) {
  DatabaseLocale l;
  pqxx::read_transaction tx(conn);
  bool v15 = conn.server_version() >= 150000;
  auto row = tx.exec1(std::string("SELECT pg_encoding_to_char(encoding), datcollate, datctype, ") +
                      (v15 ? "datlocprovider::text, coalesce(daticulocale, '')" : "'c', ''") +
                      " FROM pg_catalog.pg_database WHERE datname = current_database()");
  l.encoding = row[0].as<std::string>();
  l.collate = row[1].as<std::string>();
  l.ctype = row[2].as<std::string>();
  l.provider = row[3].as<std::string>();
  l.icu_locale = row[4].as<std::string>();
  return l;
}

ScratchDatabase::ScratchDatabase(std::string server_conninfo, const DatabaseLocale& locale)
    : m_server(std::move(server_conninfo)), m_name(scratch_name()), m_locale(locale) {
  create();
}

ScratchDatabase::~ScratchDatabase() { drop(); }

std::string ScratchDatabase::conninfo() const { return with_database(m_server, m_name); }

void ScratchDatabase::create() {
  auto admin = connect(m_server);
  std::string first_error;
  auto statements = create_statements(m_name, m_locale);
  for (size_t i = 0; i < statements.size(); ++i) {
    try {
      pqxx::nontransaction tx(*admin);
      tx.exec0(statements[i]);
      if (i > 0) {
        m_note = fmt::format("the source's locale ({}, {}) is not available there ({}); the copy uses {}",
                             m_locale.encoding, m_locale.collate, util::trim(first_error),
                             i == 1 ? "its encoding with the server's default locale" : "the server's defaults");
      }
      return;
    } catch (const pqxx::sql_error& e) {
      if (first_error.empty()) first_error = e.what();
      // 42501: no CREATEDB privilege; 53xxx: out of resources. No point trying another locale.
      if (e.sqlstate() == "42501" || util::starts_with(e.sqlstate(), "53") || i + 1 == statements.size()) {
        throw Error(fmt::format("cannot create the scratch database {}: {}", m_name, util::trim(e.what())), {},
                    "verify needs the CREATEDB privilege on the server it copies to (the database's own, or "
                    "--scratch-url)");
      }
    }
  }
}

void ScratchDatabase::recreate() {
  if (!drop()) {
    throw Error(fmt::format("cannot drop the scratch database {} to start it again", m_name), {},
                fmt::format("drop it by hand: DROP DATABASE {} WITH (FORCE)", m_name));
  }
  m_dropped = false;
  create();
}

bool ScratchDatabase::drop() noexcept {
  if (m_dropped) return m_drop_ok;
  m_dropped = true;
  try {
    auto admin = connect(m_server);
    pqxx::nontransaction tx(*admin);
    tx.exec0("DROP DATABASE IF EXISTS " + schema::quote_ident(m_name) + " WITH (FORCE)");
    m_drop_ok = true;
  } catch (const std::exception&) {
    m_drop_ok = false;
  }
  return m_drop_ok;
}

}  // namespace pgshift::executor
