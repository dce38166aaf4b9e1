// Audit anchors: copies of the audit chain's head kept outside the database -- in the server's log
// (a line {"msg":"audit_head","seq":N,"hash":"..."} every minute the head moved), in the anchor
// file written beside every backup, or noted by hand -- and the check of a chain against them.
//
// The chain alone (store.h, VerifyAudit) shows an event changed in place, but not a tail cut off
// nor a chain re-hashed from some event onwards by someone who can write the table: both leave a
// chain that verifies. An anchor taken earlier names (seq, hash) of an event that must still be
// there, unchanged; a chain cut short ends before it, a re-hashed one differs at it.
//
// A restore (store/restore.h) legitimately replaces the tail after the backup's head. It records
// itself as an audit event (action "store.restore") naming the backup's head, the head it
// replaced and the file the replaced database was kept as; an anchor from the replaced tail is
// then checked against that kept file instead. docs/operations.md, "Audit anchors".
#ifndef LDN_STORE_AUDIT_ANCHOR_H_
#define LDN_STORE_AUDIT_ANCHOR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace ldn::store {

// One (seq, hash) the chain must hold. source says where it came from, for messages.
struct AuditAnchor {
  int64_t seq = 0;
  std::string hash;
  std::string source;
};

// Parses one --anchor argument:
//   SEQ:HASH   seq >= 1 and 64 lower-case hex digits;
//   FILE       a backup's anchor file (a JSON object with "audit_head": {"seq", "hash"}), or JSON
//              lines such as the server's log (journalctl -o cat): every line whose "msg" is
//              "audit_head" is an anchor; text before a line's first '{' (a syslog prefix) is
//              skipped, and lines that are not such objects are ignored.
// kInvalidArgument "--anchor" when it is neither, or when the file holds no anchor.
Result<std::vector<AuditAnchor>> ParseAnchors(std::string_view spec);

// The outcome of one anchor. message says what was found (for a failure: "the chain ends at seq
// 90 but the anchor names seq 120: events were removed", "...: the chain was rewritten").
struct AnchorCheck {
  AuditAnchor anchor;
  bool ok = false;
  std::string message;
};

// Checks every anchor against the chain of `store`: OK when the event of the anchor's seq has the
// anchor's hash, or when the anchor lies in a tail that a recorded restore replaced and the
// database kept by that restore (looked up in `kept_dir`, the directory of the SQLite database;
// empty: none can be consulted) holds it. A failed anchor is an OK Result with ok == false; a
// non-OK Result means a database could not be read.
Result<std::vector<AnchorCheck>> CheckAnchors(Store& store, const std::vector<AuditAnchor>& anchors,
                                              const std::string& kept_dir);

// The anchor file written beside a backup (backup path + ".anchor", 0600): what the backup holds,
// so that a restore can tell a backup cut short or swapped, and so that the head is kept outside
// the database.
struct BackupAnchor {
  std::string backup;  // the backup's file name (no directory)
  std::string sha256;  // lower-case hex SHA-256 of the backup file
  int64_t bytes = 0;
  int schema_version = 0;
  AuditHead audit_head;
  Instant created_at{};
};
std::string BackupAnchorPath(const std::string& backup_path);
// Writes it atomically (a temporary file, fsync, rename). kConflict when the anchor file exists.
Status WriteBackupAnchor(const std::string& backup_path, const BackupAnchor& anchor);
// kNotFound when missing; kInvalidArgument "anchor" when malformed.
Result<BackupAnchor> ReadBackupAnchor(const std::string& anchor_path);
// Lower-case hex SHA-256 and size of a file. kUnavailable when it cannot be read.
Result<std::pair<std::string, int64_t>> FileSha256(const std::string& path);

// What a restore records in its audit event's detail (one line, at most 500 characters, parsed
// back by CheckAnchors): the backup's head, the head it replaced (none for a new database) and
// the file name the replaced database was kept as, the sessions dropped, and the accounts whose
// current state was kept over the backup's (user ids).
struct RestoreRecord {
  AuditHead backup_head;
  std::optional<AuditHead> replaced_head;
  std::string kept_as;  // file name in the database's directory; empty when nothing was kept
  int64_t sessions_dropped = 0;
  std::vector<Id> kept_disabled;
  std::vector<Id> kept_password;
  std::vector<Id> kept_two_step;  // TOTP or recovery codes changed after the backup (schema 4)
};
inline constexpr std::string_view kRestoreAction = "store.restore";
inline constexpr std::string_view kBackupAction = "store.backup";
std::string FormatRestoreDetail(const RestoreRecord& record);
Result<RestoreRecord> ParseRestoreDetail(std::string_view detail);

}  // namespace ldn::store

#endif  // LDN_STORE_AUDIT_ANCHOR_H_
