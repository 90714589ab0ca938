// This file implements backup manifests (backup_manifest.hpp): their JSON form, atomic writing, and
// finding them in a backup directory.
#include "executor/backup/backup_manifest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "util/error.hpp"

namespace fs = std::filesystem;

namespace pgshift::executor {

namespace {

template <typename T>
T field(const nlohmann::json& j, const char* key, const std::string& where) {
  if (!j.contains(key)) {
    throw Error(fmt::format("{}: not a pgshift backup manifest: \"{}\" is missing", where, key));
  }
  try {
    return j.at(key).get<T>();
  } catch (const nlohmann::json::exception&) {
    throw Error(fmt::format("{}: not a pgshift backup manifest: \"{}\" has the wrong type", where, key));
  }
}

std::string problem_of(const BackupEntry& e) {
  std::error_code ec;
  auto size = fs::file_size(e.dump_path, ec);
  if (ec) {
    return "dump file missing";
  }
  if (static_cast<int64_t>(size) != e.manifest.size_bytes) {
    return fmt::format("dump is {} bytes, the manifest says {}", size, e.manifest.size_bytes);
  }
  return e.manifest.verified ? "" : "not verified";
}

}  // namespace

std::string_view backup_scope_name(BackupScope scope) {
  return scope == BackupScope::tables ? "tables" : "database";
}

std::optional<BackupScope> parse_backup_scope(std::string_view text) {
  if (text == "database") {
    return BackupScope::database;
  }
  if (text == "tables") {
    return BackupScope::tables;
  }
  return std::nullopt;
}

nlohmann::json manifest_to_json(const BackupManifest& m) {
  nlohmann::json tables = nlohmann::json::array();
  for (const auto& t : m.tables) {
    tables.push_back({{"schema", t.schema}, {"name", t.name}, {"rows", t.rows}});
  }
  return {{"pgshift_backup", k_manifest_version},
          {"file", m.file},
          {"database", m.database},
          {"server_version", m.server_version},
          {"pg_dump_version", m.pg_dump_version},
          {"encoding", m.encoding},
          {"lc_collate", m.lc_collate},
          {"lc_ctype", m.lc_ctype},
          {"migration_id", m.migration_id ? nlohmann::json(*m.migration_id) : nlohmann::json()},
          {"plan_fingerprint", m.plan_fingerprint},
          {"created_at", m.created_at},
          {"scope", backup_scope_name(m.scope)},
          {"format", m.format},
          {"compression", m.compression},
          {"size_bytes", m.size_bytes},
          {"sha256", m.sha256},
          {"source_bytes", m.source_bytes},
          {"tables", tables},
          {"verified", m.verified},
          {"toc_entries", m.toc_entries},
          {"dump_s", m.dump_s},
          {"verify_s", m.verify_s}};
}

BackupManifest manifest_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object() || !j.contains("pgshift_backup")) {
    throw Error(fmt::format("{}: not a pgshift backup manifest", where));
  }
  if (field<int>(j, "pgshift_backup", where) > k_manifest_version) {
    throw Error(fmt::format("{}: manifest version {} is newer than this pgshift understands ({})", where,
                            j["pgshift_backup"].get<int>(), k_manifest_version),
                {}, "upgrade pgshift");
  }
  BackupManifest m;
  m.file = field<std::string>(j, "file", where);
  m.database = field<std::string>(j, "database", where);
  m.server_version = j.value("server_version", "");
  m.pg_dump_version = j.value("pg_dump_version", "");
  m.encoding = j.value("encoding", "");
  m.lc_collate = j.value("lc_collate", "");
  m.lc_ctype = j.value("lc_ctype", "");
  if (j.contains("migration_id") && !j["migration_id"].is_null()) {
    m.migration_id = field<int64_t>(j, "migration_id", where);
  }
  m.plan_fingerprint = j.value("plan_fingerprint", "");
  m.created_at = field<std::string>(j, "created_at", where);
  auto scope = parse_backup_scope(field<std::string>(j, "scope", where));
  if (!scope) {
    throw Error(fmt::format("{}: not a pgshift backup manifest: unknown scope", where));
  }
  m.scope = *scope;
  m.format = field<std::string>(j, "format", where);
  m.compression = j.value("compression", 0);
  m.size_bytes = field<int64_t>(j, "size_bytes", where);
  m.sha256 = field<std::string>(j, "sha256", where);
  m.source_bytes = j.value("source_bytes", int64_t{0});
  for (const auto& t : field<nlohmann::json>(j, "tables", where)) {
    m.tables.push_back({field<std::string>(t, "schema", where), field<std::string>(t, "name", where),
                        field<int64_t>(t, "rows", where)});
  }
  m.verified = j.value("verified", false);
  m.toc_entries = j.value("toc_entries", 0);
  m.dump_s = j.value("dump_s", 0.0);
  m.verify_s = j.value("verify_s", 0.0);
  return m;
}

void write_manifest(const fs::path& path, const BackupManifest& m) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << manifest_to_json(m).dump(2) << "\n";
    out.close();
    if (!out) {
      throw Error(fmt::format("cannot write the backup manifest {}", tmp.string()));
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    throw Error(fmt::format("cannot write the backup manifest {}: {}", path.string(), ec.message()));
  }
}

BackupManifest read_manifest(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error(fmt::format("cannot read the backup manifest {}", path.string()));
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    return manifest_from_json(nlohmann::json::parse(text.str()), path.string());
  } catch (const nlohmann::json::parse_error&) {
    throw Error(fmt::format("{}: not a pgshift backup manifest (not JSON)", path.string()));
  }
}

std::vector<BackupEntry> list_backups(const fs::path& dir) {
  std::vector<BackupEntry> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return out;
  }
  for (const auto& f : fs::directory_iterator(dir)) {
    if (!f.is_regular_file() || f.path().extension() != ".json") {
      continue;
    }
    BackupEntry e;
    e.manifest_path = f.path();
    try {
      e.manifest = read_manifest(f.path());
      e.dump_path = dir / e.manifest.file;
      e.problem = problem_of(e);
    } catch (const Error& err) {
      e.problem = err.message();
    }
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const BackupEntry& a, const BackupEntry& b) {
    return std::tie(a.manifest.created_at, a.manifest_path) < std::tie(b.manifest.created_at, b.manifest_path);
  });
  return out;
}

BackupEntry find_backup(const fs::path& path) {
  BackupEntry e;
  e.manifest_path = path.extension() == ".json" ? path : fs::path(path).replace_extension(".json");
  std::error_code ec;
  if (!fs::exists(e.manifest_path, ec)) {
    throw Error(fmt::format("no backup manifest at {}", e.manifest_path.string()), {},
                "`pgshift backups` lists the backups in .pgshift/backups (or --backup-dir)");
  }
  e.manifest = read_manifest(e.manifest_path);
  e.dump_path = e.manifest_path.parent_path() / e.manifest.file;
  e.problem = problem_of(e);
  return e;
}

}  // namespace pgshift::executor
