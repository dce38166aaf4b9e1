// Restoring an SQLite database from a backup made by `ldn backup` (Store::BackupTo), so that the
// result can be trusted:
//
//  1. Only into a stopped database: the restore takes the database's lock exclusively (every open
//     store holds it shared, sqlite_connection.h), so it refuses while a server or another ldn
//     command has the database open, and nothing can open it while the restore runs.
//  2. The backup is checked before anything is touched: PRAGMA integrity_check; an ldn schema not
//     newer than this binary and exactly the schema its migrations make (a dropped append-only
//     trigger or an extra table is refused); an intact audit chain; its anchor file (backup +
//     ".anchor", written by `ldn backup`): the file's SHA-256 and the chain's head must match; and
//     every external anchor given (`--anchor`), which must lie in the backup's chain.
//  3. Accounts are never resurrected: an account that is disabled in the current database, was
//     deleted since the backup, or whose password changed since, would come back enabled or with
//     its old password. The restore refuses then (kConflict, naming the accounts) unless forced;
//     forced, it keeps the current state over the backup's (disabled stays disabled, a deleted
//     account comes back disabled, the current password hash stays). A missing or unreadable
//     current database cannot be compared: refused unless forced (then only a warning).
//  4. Every session is dropped: no logged-out session comes back, and everyone logs in again.
//  5. The restore is recorded in the restored chain: an event (action "store.restore", role
//     "system") names the backup's head, the head it replaced, the file the replaced database was
//     kept as, the sessions dropped and the accounts whose state was kept (audit_anchor.h).
//  6. The old database is kept: renamed (with any -wal and -shm) to PATH.pre-restore-<UTC time>;
//     the new one is built beside it as PATH.restore-tmp and renamed over PATH at the end, so a
//     failure at any step leaves the database as it was.
//
// PostgreSQL: kInvalidArgument "db" (pg_restore; docs/operations.md has the procedure).
#ifndef LDN_STORE_RESTORE_H_
#define LDN_STORE_RESTORE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/audit_anchor.h"
#include "store/store.h"

namespace ldn::store {

struct RestoreOptions {
  Instant now{};                     // stamps the restore event and the kept file's name
  bool force = false;                // see 3. above, and a backup without an anchor file
  std::vector<AuditAnchor> anchors;  // external anchors the backup's chain must hold
};

struct RestoreReport {
  int backup_schema_version = 0;
  int schema_version = 0;  // after migrating the restored copy
  AuditHead backup_head;
  bool anchor_file_checked = false;
  RestoreRecord record;             // what the restore event says (replaced head, kept file, ...)
  std::vector<std::string> kept;    // "drbob: disabled since the backup, stays disabled", ...
  std::vector<std::string> forced;  // what --force let through, for the operator to review
  AuditHead head;                   // the restored chain's head: the restore event
  std::string kept_path;            // the previous database's new path, or empty
};

// Restores `backup_path` into the SQLite database of `url` (sqlite:PATH). Failures:
//   kInvalidArgument "db"    not an SQLite file URL (PostgreSQL, sqlite::memory:)
//   kUnavailable             the database is in use (stop the server), or a file cannot be written
//   kNotFound "path"         no backup file
//   kInvalidArgument "path"  the backup is damaged, not an ldn database, its schema is not what
//                            its migrations make, its audit chain is broken, or it does not match
//                            its anchor file or an external anchor
//   kConflict "path"         its schema is newer than this binary
//   kConflict "--force"      accounts would be resurrected, there is no current database to
//                            compare with, or the backup has no anchor file
Result<RestoreReport> RestoreDatabase(std::string_view url, const std::string& backup_path,
                                      const RestoreOptions& options);

}  // namespace ldn::store

#endif  // LDN_STORE_RESTORE_H_
