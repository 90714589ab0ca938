// This file implements opening connections (connection.hpp): a failed connect becomes a pgshift::Error
// that says where we tried to connect, what the server said and what to try next, password masked.
#include "executor/connection.hpp"

#include <libpq-fe.h>
#include <pg_config_manual.h>  // DEFAULT_PGSOCKET_DIR, libpq's socket directory without a host

#include <cctype>
#include <fmt/format.h>
#include <map>

#include "util/error.hpp"
#include "util/strings.hpp"

namespace pgshift::executor {

namespace {

using Options = std::map<std::string, std::string>;

// The options set in `conninfo` (URL or key=value), over libpq's defaults (PG* variables, compiled-in).
// Throws pgshift::Error when libpq cannot parse it.
Options effective_options(const std::string& conninfo) {
  Options out;
  if (PQconninfoOption* defaults = PQconndefaults()) {
    for (auto* o = defaults; o->keyword != nullptr; ++o) {
      if (o->val != nullptr && *o->val != '\0') {
        out[o->keyword] = o->val;
      }
    }
    PQconninfoFree(defaults);
  }
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &err);
  if (parsed == nullptr) {
    std::string why = err != nullptr ? util::trim(err) : "out of memory";
    PQfreemem(err);
    throw Error(fmt::format("invalid connection string \"{}\": {}", util::mask_password(conninfo), why), {},
                "use a URL (postgresql://user@host:port/db) or key=value pairs (host=... port=... dbname=...)");
  }
  for (auto* o = parsed; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && *o->val != '\0') {
      out[o->keyword] = o->val;
    }
  }
  PQconninfoFree(parsed);
  return out;
}

std::string get(const Options& opts, const std::string& key, const std::string& fallback = "") {
  auto it = opts.find(key);
  return it == opts.end() ? fallback : it->second;
}

// "127.0.0.1:5432", or "the Unix socket in /var/run/postgresql, port 5432" (libpq's default without a host).
std::string target_of(const Options& opts) {
  std::string host = get(opts, "host", get(opts, "hostaddr", DEFAULT_PGSOCKET_DIR));
  std::string port = get(opts, "port", "5432");
  if (host.empty() || host.starts_with("/") || host.starts_with("@")) {
    return fmt::format("the Unix socket in {}, port {}", host.empty() ? "/tmp" : host, port);
  }
  return fmt::format("{}:{}", host, port);
}

std::string hint_for(const std::string& server_message, const std::string& target) {
  auto has = [&](const char* s) { return server_message.find(s) != std::string::npos; };
  if (has("password authentication failed") || has("no password supplied")) {
    return "check the password (in the URL, PGPASSWORD or ~/.pgpass) and the user name";
  }
  if (has("does not exist")) {
    return "check the database and user names in the URL (--db, PGSHIFT_DATABASE_URL or DATABASE_URL)";
  }
  if (has("Connection refused") || has("No such file or directory") || has("timeout expired")) {
    return fmt::format("is the server running and accepting connections on {}? "
                       "For a local throwaway server, try `pgshift sandbox start`",
                       target);
  }
  if (has("could not translate host name")) {
    return "check the host name in the URL";
  }
  return "check the connection URL (--db, PGSHIFT_DATABASE_URL or DATABASE_URL)";
}

// Removes the password wherever it occurs, in case a message ever echoes it.
std::string scrub(std::string text, const std::string& password) {
  text = util::mask_password(text);
  if (password.size() < 4) {
    return text;  // too short to search for without mangling the message
  }
  for (size_t at = text.find(password); at != std::string::npos; at = text.find(password, at + 4)) {
    text.replace(at, password.size(), "****");
  }
  return text;
}

bool is_url(const std::string& conninfo) {
  return conninfo.starts_with("postgresql://") || conninfo.starts_with("postgres://");
}

std::string percent_encode(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}


}  // namespace

std::unique_ptr<pqxx::connection> connect(const std::string& conninfo) {
  Options opts = effective_options(conninfo);
  try {
    auto conn = std::make_unique<pqxx::connection>(conninfo);
    if (get(opts, "application_name").empty()) {
      // So that pg_stat_activity, lock waits and the advisory lock's holder show who this is.
      pqxx::nontransaction tx(*conn);
      tx.exec0("SET application_name = 'pgshift'");
    }
    return conn;
  } catch (const pqxx::failure& e) {
    std::string password = get(opts, "password");
    std::string target = target_of(opts);
    std::string server = util::trim(e.what());
    std::string message = fmt::format("cannot connect to PostgreSQL at {} (database \"{}\", user \"{}\"): {}", target,
                                      get(opts, "dbname", get(opts, "user")), get(opts, "user"), server);
    throw Error(scrub(message, password), {}, scrub(hint_for(server, target), password));
  }
}

std::string conninfo_quote(const std::string& value) {
  std::string out = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "'";
}

std::string with_database(const std::string& conninfo, const std::string& dbname) {
  if (is_url(conninfo)) {
    size_t authority = conninfo.find("://") + 3;
    size_t path = conninfo.find_first_of("/?", authority);
    std::string head = conninfo.substr(0, path == std::string::npos ? conninfo.size() : path);
    size_t query = path == std::string::npos ? std::string::npos : conninfo.find('?', path);
    std::string tail = query == std::string::npos ? "" : conninfo.substr(query);
    return head + "/" + percent_encode(dbname) + tail;
  }
  // key=value: rebuild from libpq's own parse, with dbname replaced.
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &err);
  if (parsed == nullptr) {
    PQfreemem(err);
    throw Error(fmt::format("invalid connection string \"{}\"", util::mask_password(conninfo)));
  }
  std::string out;
  for (auto* o = parsed; o->keyword != nullptr; ++o) {
    if (o->val != nullptr && std::string(o->keyword) != "dbname") {
      out += fmt::format("{}={} ", o->keyword, conninfo_quote(o->val));
    }
  }
  PQconninfoFree(parsed);
  return out + "dbname=" + conninfo_quote(dbname);
}

}  // namespace pgshift::executor
