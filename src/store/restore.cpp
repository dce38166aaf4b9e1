#include "store/restore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <tuple>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>
#include <sqlite3.h>

#include "store/migrations.h"
#include "store/sqlite/sqlite_connection.h"

namespace ldn::store {
namespace {

namespace fs = std::filesystem;
using internal::DatabaseLock;

// A user's second factor as a database holds it (schema 4): the sealed TOTP secret, the replay
// guard and the recovery codes, used or not. Absent for a database older than schema 4.
struct TwoStep {
  TotpState totp;
  std::vector<RecoveryCode> codes;
};

bool SameTwoStep(const TwoStep& a, const TwoStep& b) {
  if (a.totp.secret != b.totp.secret || a.codes.size() != b.codes.size()) return false;
  for (size_t i = 0; i < a.codes.size(); ++i) {
    if (a.codes[i].lookup != b.codes[i].lookup || a.codes[i].code_hash != b.codes[i].code_hash ||
        a.codes[i].used_at.has_value() != b.codes[i].used_at.has_value()) {
      return false;
    }
  }
  return true;
}

// The second factors of `users` in `store`; empty when the schema has none (older than 4).
std::map<Id, TwoStep> ReadTwoSteps(Store& store, const std::vector<User>& users) {
  std::map<Id, TwoStep> out;
  for (const User& u : users) {
    Result<TotpState> t = store.GetTotp(u.id);
    Result<std::vector<RecoveryCode>> codes = store.ListRecoveryCodes(u.id);
    if (!t.ok() || !codes.ok()) return {};
    out[u.id] = TwoStep{*t, *codes};
  }
  return out;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Head(const AuditHead& h) {
  return fmt::format("{}:{}", h.seq, h.hash);
}

// 20261122T120000Z: a file-name-safe UTC time.
std::string Stamp(Instant t) {
  std::string s = FormatUtcInstant(t);  // 2026-11-22T12:00:00Z
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == '-' || c == ':'; }), s.end());
  return s;
}

using SchemaObject = std::tuple<std::string, std::string, std::string, std::string>;  // type, name, table, sql

std::vector<SchemaObject> SchemaObjects(SQLite::Database& db) {
  std::vector<SchemaObject> out;
  SQLite::Statement q(db,
                      "SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE "
                      "'sqlite_%' AND name <> 'schema_migrations' ORDER BY type, name");
  while (q.executeStep()) {
    out.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                     q.getColumn(3).getString());
  }
  return out;
}

// Checks the backup file itself (nothing is written): integrity, an ldn schema no newer than this
// binary, and exactly the schema the migrations up to its version make. Returns its version.
Result<int> CheckBackupFile(const std::string& path) {
  const std::string name = "'" + path + "'";
  try {
    SQLite::Database src(path, SQLite::OPEN_READONLY);
    try {
      SQLite::Statement check(src, "PRAGMA integrity_check");
      if (!check.executeStep() || check.getColumn(0).getString() != "ok") {
        return Status::InvalidArgument("path", name + " is a damaged SQLite database (integrity_check failed)");
      }
    } catch (const SQLite::Exception& e) {
      if (e.getErrorCode() == SQLITE_NOTADB || e.getErrorCode() == SQLITE_CORRUPT) {
        return Status::InvalidArgument("path", name + " is not an SQLite database");
      }
      throw;
    }
    SQLite::Statement has_table(src, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    if (!has_table.executeStep()) {
      return Status::InvalidArgument("path", name + " is not an ldn database (no schema_migrations)");
    }
    SQLite::Statement version_q(src, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    version_q.executeStep();
    const int version = version_q.getColumn(0).getInt();
    const auto migrations = internal::SqliteMigrations();
    const int latest = migrations.empty() ? 0 : migrations.back().version;
    if (version > latest) {
      return Status::Conflict(
          fmt::format("path: the backup has schema version {}, newer than this ldn ({})", version, latest));
    }
    if (version < 1) return Status::InvalidArgument("path", name + " is not an ldn database (no migration applied)");
    // What the migrations up to that version make, in a scratch database.
    SQLite::Database fresh(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    for (const internal::Migration& m : migrations) {
      if (m.version <= version) fresh.exec(std::string(m.sql));
    }
    const std::vector<SchemaObject> want = SchemaObjects(fresh);
    const std::vector<SchemaObject> have = SchemaObjects(src);
    if (want != have) {
      std::map<std::pair<std::string, std::string>, std::string> w, h;
      for (const auto& [type, obj, table, sql] : want) w[{type, obj}] = sql;
      for (const auto& [type, obj, table, sql] : have) h[{type, obj}] = sql;
      std::string what = "an object differs";
      for (const auto& [key, sql] : w) {
        if (!h.count(key)) {
          what = fmt::format("{} {} is missing", key.first, key.second);
          break;
        }
        if (h[key] != sql) {
          what = fmt::format("{} {} was changed", key.first, key.second);
          break;
        }
      }
      if (what == "an object differs") {
        for (const auto& [key, sql] : h) {
          if (!w.count(key)) {
            what = fmt::format("{} {} is not part of the schema", key.first, key.second);
            break;
          }
        }
      }
      return Status::InvalidArgument(
          "path", fmt::format("{}: its schema is not what ldn's migrations 1-{} make: {}", name, version, what));
    }
    return version;
  } catch (const SQLite::Exception& e) {
    if (e.getErrorCode() == SQLITE_NOTADB || e.getErrorCode() == SQLITE_CORRUPT) {
      return Status::InvalidArgument("path", name + " is not an SQLite database");
    }
    return Status::Unavailable("cannot read the backup " + name + ": " + e.what());
  }
}

Status SyncFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Unavailable("cannot open '" + path + "'");
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok ? Status::Ok() : Status::Unavailable("cannot fsync '" + path + "'");
}

void RemoveWithSidecars(const std::string& path) {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ec);
}

}  // namespace

Result<RestoreReport> RestoreDatabase(std::string_view url, const std::string& backup_path,
                                      const RestoreOptions& options) {
  constexpr std::string_view kScheme = "sqlite:";
  if (!url.starts_with(kScheme)) {
    return Status::InvalidArgument(
        "db", "restore works on SQLite databases; restore PostgreSQL with pg_restore (docs/operations.md)");
  }
  const std::string path(url.substr(kScheme.size()));
  if (path.empty() || path == ":memory:") {
    return Status::InvalidArgument("db", "restore needs a database file: sqlite:PATH");
  }
  RestoreReport report;
  std::error_code ec;

  // The backup file itself first: that reads nothing of the database.
  if (!fs::is_regular_file(backup_path, ec)) return Status::NotFound("path: no backup file '" + backup_path + "'");
  LDN_ASSIGN_OR_RETURN(report.backup_schema_version, CheckBackupFile(backup_path));

  // 1. Only into a stopped database, and nobody opens it meanwhile.
  LDN_ASSIGN_OR_RETURN(std::unique_ptr<DatabaseLock> lock, DatabaseLock::Acquire(path, DatabaseLock::Kind::kExclusive));

  // 2. The rest of the backup's checks, before anything is touched.
  std::vector<User> backup_users;
  std::map<Id, TwoStep> backup_two_step;
  {
    OpenOptions ro;
    ro.read_only = true;
    ro.check_schema = false;
    LDN_ASSIGN_OR_RETURN(std::unique_ptr<Store> backup, internal::OpenSqliteStore(backup_path, ro, false));
    LDN_ASSIGN_OR_RETURN(AuditVerification v, backup->VerifyAudit());
    if (!v.ok) {
      return Status::InvalidArgument("path", fmt::format("the backup's audit chain is broken at seq {}: {}",
                                                         v.first_bad_seq.value_or(0), v.problem));
    }
    LDN_ASSIGN_OR_RETURN(report.backup_head, backup->GetAuditHead());
    LDN_ASSIGN_OR_RETURN(backup_users, backup->ListUsers());
    backup_two_step = ReadTwoSteps(*backup, backup_users);
    if (!options.anchors.empty()) {
      LDN_ASSIGN_OR_RETURN(std::vector<AnchorCheck> checks, CheckAnchors(*backup, options.anchors, ""));
      for (const AnchorCheck& c : checks) {
        if (!c.ok) {
          return Status::InvalidArgument(
              "path", fmt::format("the backup does not hold the anchor {}:{}... ({}): {}", c.anchor.seq,
                                  c.anchor.hash.substr(0, 16), c.anchor.source, c.message));
        }
      }
    }
  }
  Result<BackupAnchor> anchor = ReadBackupAnchor(BackupAnchorPath(backup_path));
  if (anchor.ok()) {
    LDN_ASSIGN_OR_RETURN(auto digest, FileSha256(backup_path));
    if (digest.first != anchor->sha256 || digest.second != anchor->bytes) {
      return Status::InvalidArgument("path", "the backup is not the file its anchor file " +
                                                 BackupAnchorPath(backup_path) +
                                                 " describes (SHA-256 or size differ): it was changed or swapped");
    }
    if (anchor->audit_head.seq != report.backup_head.seq || anchor->audit_head.hash != report.backup_head.hash) {
      return Status::InvalidArgument("path", fmt::format("the backup's audit chain ends at {}, its anchor file says {}",
                                                         Head(report.backup_head), Head(anchor->audit_head)));
    }
    report.anchor_file_checked = true;
  } else if (anchor.status().code() == Code::kNotFound) {
    const std::string why = "the backup has no anchor file (" + BackupAnchorPath(backup_path) +
                            ", written by ldn backup): nothing shows that its audit trail is complete";
    if (!options.force) return Status::Conflict("--force: " + why + "; give --force to restore it anyway");
    report.forced.push_back(why);
  } else {
    return Status::InvalidArgument("path", anchor.status().message());
  }

  // 3. The current database: its accounts and head, so that nothing revoked comes back.
  std::optional<std::vector<User>> current_users;
  std::optional<AuditHead> current_head;
  std::map<Id, TwoStep> current_two_step;
  const bool current_exists = fs::exists(path, ec);
  if (current_exists) {
    OpenOptions as_is;
    as_is.migrate = false;
    as_is.check_schema = false;
    as_is.create = false;
    Result<std::unique_ptr<Store>> current = internal::OpenSqliteStore(path, as_is, false);
    if (current.ok()) {
      Result<std::vector<User>> users = (*current)->ListUsers();
      Result<AuditHead> head = (*current)->GetAuditHead();
      if (users.ok()) current_users = std::move(users).value();
      if (users.ok()) current_two_step = ReadTwoSteps(**current, *current_users);
      if (head.ok()) current_head = *head;
    }
    // Closing the store checkpoints its WAL into the file that is about to be kept.
  }
  if (!current_users) {
    const std::string why =
        current_exists ? "the current database " + path +
                             " cannot be read, so accounts disabled or passwords "
                             "changed after the backup cannot be carried over"
                       : "there is no current database at " + path +
                             " to compare accounts with: accounts disabled or passwords changed after the backup "
                             "come back as the backup has them";
    if (!options.force) return Status::Conflict("--force: " + why + "; give --force to restore anyway");
    report.forced.push_back(why + ": review the accounts (ldn user list) after the restore");
  }
  std::map<Id, User> carry;         // backup user id -> the state to keep
  std::map<Id, TwoStep> carry_two;  // backup user id -> the second factor to keep
  if (current_users) {
    std::map<Id, const User*> by_id;
    for (const User& u : *current_users) by_id[u.id] = &u;
    for (const User& b : backup_users) {
      auto it = by_id.find(b.id);
      const User* c = it == by_id.end() || Lower(it->second->username) != Lower(b.username) ? nullptr : it->second;
      User kept = b;
      bool changed = false;
      if (c == nullptr && !b.disabled) {
        kept.disabled = true;
        changed = true;
        report.record.kept_disabled.push_back(b.id);
        report.kept.push_back(b.username + ": deleted after the backup, comes back disabled");
      } else if (c != nullptr) {
        if (c->disabled && !b.disabled) {
          kept.disabled = true;
          changed = true;
          report.record.kept_disabled.push_back(b.id);
          report.kept.push_back(b.username + ": disabled after the backup, stays disabled");
        }
        if (c->password_hash != b.password_hash) {
          kept.password_hash = c->password_hash;
          kept.must_change_password = c->must_change_password;
          kept.password_changed_at = c->password_changed_at;
          changed = true;
          report.record.kept_password.push_back(b.id);
          report.kept.push_back(b.username + ": password changed after the backup, keeps the current one");
        }
        // A second factor reset (a lost phone) or a recovery code spent after the backup must not
        // come back either: the old secret or the used code would work again.
        auto bt = backup_two_step.find(b.id);
        auto ct = current_two_step.find(c->id);
        if (bt != backup_two_step.end() && ct != current_two_step.end() && !SameTwoStep(bt->second, ct->second)) {
          carry_two[b.id] = ct->second;
          report.record.kept_two_step.push_back(b.id);
          report.kept.push_back(b.username +
                                ": two-step login or recovery codes changed after the backup, keeps the current ones");
        }
      }
      if (changed) carry[b.id] = kept;
    }
    if ((!carry.empty() || !carry_two.empty()) && !options.force) {
      std::string list;
      for (const std::string& k : report.kept) list += (list.empty() ? "" : "; ") + k;
      return Status::Conflict("--force: restoring the backup would resurrect accounts (" + list +
                              "); give --force to restore with their current state kept");
    }
  }

  // 4. The new database, built beside the old one.
  const std::string tmp = path + ".restore-tmp";
  RemoveWithSidecars(tmp);
  std::string kept_path;
  if (current_exists) {
    kept_path = path + ".pre-restore-" + Stamp(options.now);
    for (int n = 1; fs::exists(kept_path, ec); ++n)
      kept_path = path + ".pre-restore-" + Stamp(options.now) + "-" + std::to_string(n);
    report.record.kept_as = fs::path(kept_path).filename().string();
  }
  report.record.backup_head = report.backup_head;
  report.record.replaced_head = current_head;
  LDN_RETURN_IF_ERROR(internal::CreatePrivateFile(tmp));
  fs::copy_file(backup_path, tmp, fs::copy_options::overwrite_existing, ec);
  if (ec) {
    RemoveWithSidecars(tmp);
    return Status::Unavailable("cannot copy the backup to '" + tmp + "': " + ec.message());
  }
  fs::permissions(tmp, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace, ec);
  Status built = [&]() -> Status {
    OpenOptions rw;  // applies the migrations newer than the backup
    LDN_ASSIGN_OR_RETURN(std::unique_ptr<Store> fresh, internal::OpenSqliteStore(tmp, rw, false));
    LDN_ASSIGN_OR_RETURN(report.schema_version, fresh->SchemaVersion());
    LDN_RETURN_IF_ERROR(fresh->RunInTransaction([&](Store& tx) -> Status {
      LDN_ASSIGN_OR_RETURN(std::vector<User> users, tx.ListUsers());
      int64_t dropped = 0;
      for (const User& u : users) {
        LDN_ASSIGN_OR_RETURN(int64_t n, tx.DeleteSessionsOfUser(u.id));
        dropped += n;
        auto it = carry.find(u.id);
        if (it != carry.end()) {
          User updated = u;
          updated.disabled = it->second.disabled;
          updated.password_hash = it->second.password_hash;
          updated.must_change_password = it->second.must_change_password;
          updated.password_changed_at = it->second.password_changed_at;
          LDN_RETURN_IF_ERROR(tx.UpdateUser(updated));
        }
        auto two = carry_two.find(u.id);
        if (two != carry_two.end()) {
          const TwoStep& k = two->second;
          LDN_RETURN_IF_ERROR(tx.DisableTotp(u.id));  // also removes the backup's recovery codes
          if (k.totp.secret) {
            LDN_RETURN_IF_ERROR(tx.SetPendingTotp(u.id, *k.totp.secret));
            LDN_RETURN_IF_ERROR(tx.EnableTotp(u.id, options.now, k.totp.last_step.value_or(0)));
          }
          LDN_RETURN_IF_ERROR(tx.SetPendingTotp(u.id, k.totp.pending_secret));
          LDN_RETURN_IF_ERROR(tx.ReplaceRecoveryCodes(u.id, k.codes));
          for (const RecoveryCode& code : k.codes) {
            if (code.used_at) LDN_RETURN_IF_ERROR(tx.UseRecoveryCode(u.id, code.lookup, *code.used_at).status());
          }
        }
      }
      report.record.sessions_dropped = dropped;
      AuditEvent e;
      e.at = options.now;
      e.role = "system";
      e.action = std::string(kRestoreAction);
      e.object = fs::path(backup_path).filename().string().substr(0, 200);
      for (char& c : e.object) {
        if (c < 0x20 || c >= 0x7f) c = '?';
      }
      e.outcome = "ok";
      e.detail = FormatRestoreDetail(report.record);
      LDN_ASSIGN_OR_RETURN(AuditEvent stored, tx.AppendAudit(e));
      report.head = AuditHead{stored.seq, stored.hash};
      return Status::Ok();
    }));
    return Status::Ok();
  }();  // the store is closed here: its WAL is checkpointed into tmp and removed
  if (!built.ok()) {
    RemoveWithSidecars(tmp);
    return built;
  }
  if (Status synced = SyncFile(tmp); !synced.ok()) {
    RemoveWithSidecars(tmp);
    return synced;
  }

  // 5. The swap: the old database (with its -wal and -shm, so that SQLite never applies an old
  // WAL to the new file) is kept under its new name, the new one takes its place.
  if (current_exists) {
    fs::rename(path, kept_path, ec);
    if (ec) {
      RemoveWithSidecars(tmp);
      return Status::Unavailable("cannot keep the current database as '" + kept_path + "': " + ec.message());
    }
    for (const char* suffix : {"-wal", "-shm", "-journal"}) {
      if (fs::exists(path + suffix, ec)) fs::rename(path + suffix, kept_path + suffix, ec);
    }
    report.kept_path = kept_path;
  }
  fs::rename(tmp, path, ec);
  if (ec) return Status::Unavailable("cannot move the restored database into place: " + ec.message());
  internal::SyncDirectory(path);
  return report;
}

}  // namespace ldn::store
