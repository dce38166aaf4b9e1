// The SQLite backend: a Connection over SQLiteCpp, and the function that opens an SQLite store.
// Internal to ldn_store; callers use OpenStore("sqlite:PATH").
//
// Every connection runs with journal_mode=WAL (file databases), synchronous=FULL (a commit is on
// disk before it returns, WAL included), foreign_keys=ON and busy_timeout. Prepared statements
// are cached per connection.
#ifndef LDN_STORE_SQLITE_SQLITE_CONNECTION_H_
#define LDN_STORE_SQLITE_SQLITE_CONNECTION_H_

#include <memory>
#include <string>
#include <string_view>

#include "store/store.h"

namespace ldn::store::internal {

// Opens (creating if needed) the SQLite database at `path` (":memory:" for a private in-memory
// database), applies or checks migrations as options.migrate says, and returns the store.
// A new file is created 0600. A file store holds a shared DatabaseLock for its lifetime.
// kUnavailable when the file cannot be opened or a restore holds the lock; kConflict for a newer
// schema.
// `take_lock` false: without the lock (ldn restore, which holds it exclusively itself).
Result<std::unique_ptr<Store>> OpenSqliteStore(std::string_view path, const OpenOptions& options,
                                               bool take_lock = true);

// The lock that keeps `ldn restore` away from a database in use: flock(2) on PATH + ".lock"
// (created 0600). Every file store holds it shared; a restore holds it exclusively. Released when
// the object is destroyed (or the process ends, even by SIGKILL).
class DatabaseLock {
 public:
  enum class Kind { kShared, kExclusive };
  // Never waits. kUnavailable when the other kind is held: for kShared "a restore is running",
  // for kExclusive "the database is in use". With `optional` (read-only opens) the lock file is
  // never created: when it is missing or unreadable the result holds no lock (null).
  static Result<std::unique_ptr<DatabaseLock>> Acquire(const std::string& db_path, Kind kind, bool optional = false);
  ~DatabaseLock();
  DatabaseLock(const DatabaseLock&) = delete;
  DatabaseLock& operator=(const DatabaseLock&) = delete;

 private:
  explicit DatabaseLock(int fd) : fd_(fd) {}
  int fd_;
};

// fsync of the directory that holds `file`: makes a rename or a creation in it durable.
void SyncDirectory(const std::string& file);

// Creates `path` empty with mode 0600 when it does not exist (so that SQLite, which gives the
// -wal and -shm files the mode of the database, makes them 0600 too). OK when it exists.
Status CreatePrivateFile(const std::string& path);

}  // namespace ldn::store::internal

#endif  // LDN_STORE_SQLITE_SQLITE_CONNECTION_H_
