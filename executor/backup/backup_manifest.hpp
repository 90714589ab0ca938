// The manifest pgshift writes beside each backup: a small JSON file `<stem>.json` next to the dump
// `<stem>.dump` saying what was dumped, from where, when, for which migration, its size and SHA-256,
// and the exact row count of every dumped table at the moment of the dump (same snapshot).
// `pgshift backups` lists manifests; `pgshift restore` checks the dump against its manifest.
// The layout is documented in docs/backups.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace pgshift::executor {

inline constexpr int k_manifest_version = 1;

enum class BackupScope { database, tables };
std::string_view backup_scope_name(BackupScope scope);
std::optional<BackupScope> parse_backup_scope(std::string_view text);

struct BackupTable {
  std::string schema, name;
  int64_t rows = 0;  // exact count(*) in the dump's snapshot
  bool operator==(const BackupTable&) const = default;
};

struct BackupManifest {
  std::string file;  // the dump's file name, in the manifest's directory
  std::string database;
  std::string server_version;   // "15.20"
  std::string pg_dump_version;  // "15.20"
  std::string encoding, lc_collate, lc_ctype;  // the database's, for a restore into a new one
  std::optional<int64_t> migration_id;
  std::string plan_fingerprint;  // the desired fingerprint of the plan it was taken for ("" = none)
  std::string created_at;        // UTC, "2026-11-27T10:15:00Z"
  BackupScope scope = BackupScope::database;
  std::string format = "custom";  // pg_dump -Fc
  int compression = 1;            // pg_dump -Z
  int64_t size_bytes = 0;
  std::string sha256;
  int64_t source_bytes = 0;  // what the dumped tables (or the database) took on the server, for restore progress
  std::vector<BackupTable> tables;
  bool verified = false;  // pg_restore --list read it and found every table's data
  int toc_entries = 0;    // entries pg_restore --list showed
  double dump_s = 0, verify_s = 0;
  bool operator==(const BackupManifest&) const = default;
};

nlohmann::json manifest_to_json(const BackupManifest& m);
// Throws pgshift::Error naming `where` and the field when the JSON is not a pgshift backup manifest.
BackupManifest manifest_from_json(const nlohmann::json& j, const std::string& where);

// Writes atomically (a temporary file renamed over `path`). Throws pgshift::Error on I/O failure.
void write_manifest(const std::filesystem::path& path, const BackupManifest& m);
// Throws pgshift::Error when unreadable or not a manifest.
BackupManifest read_manifest(const std::filesystem::path& path);

struct BackupEntry {
  std::filesystem::path manifest_path, dump_path;
  BackupManifest manifest;
  std::string problem;  // "" = the dump is there with the recorded size; else what is wrong
};

// The backups in `dir` (every *.json manifest), oldest first; unreadable manifests are listed with
// their problem. Empty when `dir` does not exist.
std::vector<BackupEntry> list_backups(const std::filesystem::path& dir);

// A backup named by its manifest (*.json) or its dump (the manifest `<stem>.json` beside it).
// Throws pgshift::Error when neither is found or the manifest is unreadable.
BackupEntry find_backup(const std::filesystem::path& path);

}  // namespace pgshift::executor
