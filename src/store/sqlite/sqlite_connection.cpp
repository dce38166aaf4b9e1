#include "store/sqlite/sqlite_connection.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <unordered_map>

#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include "store/connection.h"
#include "store/migrations.h"
#include "store/sql_store.h"

namespace ldn::store::internal {
namespace {

Status MapError(const SQLite::Exception& e) {
  const std::string message = e.what();
  switch (e.getExtendedErrorCode()) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_TRIGGER: return Status::Conflict(message);
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return Status::NotFound("a row this one refers to does not exist (" + message + ")");
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL: return Status::InvalidArgument("", message);
    default: break;
  }
  switch (e.getErrorCode()) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_NOMEM:
    case SQLITE_PROTOCOL:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_PERM: return Status::Unavailable("SQLite: " + message);
    default: return Status::Internal("SQLite: " + message);
  }
}

// "file:" URI of a path for SQLite (RFC 3986 percent-encoding of what a URI path may not hold).
std::string FileUri(const std::string& path) {
  std::string uri = "file:";
  for (unsigned char c : path) {
    if (std::isalnum(c) || std::strchr("/-._~", c) != nullptr) {
      uri.push_back(static_cast<char>(c));
    } else {
      static constexpr char kHex[] = "0123456789ABCDEF";
      uri += {'%', kHex[c >> 4], kHex[c & 0xF]};
    }
  }
  return uri;
}

// How a connection opens its file.
enum class OpenMode {
  kReadWrite,  // created when missing (OpenSqliteStore creates it 0600 first)
  kReadOnly,   // SQLITE_OPEN_READONLY: never writes the database
  kImmutable,  // read-only and lock-free (immutable=1): a cleanly closed WAL database whose
               // directory we may not write, so that SQLite cannot create its -shm file
};

class SqliteConnection final : public Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, int busy_timeout_ms,
                                                  OpenMode mode = OpenMode::kReadWrite) {
    try {
      auto conn = std::unique_ptr<SqliteConnection>(new SqliteConnection(path, busy_timeout_ms, mode));
      LDN_RETURN_IF_ERROR(conn->Configure(path == ":memory:"));
      return std::unique_ptr<Connection>(std::move(conn));
    } catch (const SQLite::Exception& e) {
      return Status::Unavailable("cannot open SQLite database '" + path + "': " + e.what());
    }
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<Rows> Exec(std::string_view sql, std::span<const Param> params) override {
    SQLite::Statement* st = nullptr;
    try {
      st = &Prepare(sql);
      for (size_t i = 0; i < params.size(); ++i) {
        const std::string name = "$" + std::to_string(i + 1);
        const int index = st->getIndex(name.c_str());
        if (index == 0) continue;  // this statement does not use the parameter
        const Param::Value& v = params[i].value();
        if (std::holds_alternative<std::monostate>(v)) {
          st->bind(index);
        } else if (const int64_t* n = std::get_if<int64_t>(&v)) {
          st->bind(index, *n);
        } else if (const bool* b = std::get_if<bool>(&v)) {
          st->bind(index, static_cast<int64_t>(*b ? 1 : 0));
        } else {
          st->bindNoCopy(index, std::get<std::string>(v));
        }
      }
      Rows out;
      const int columns = st->getColumnCount();
      while (st->executeStep()) {
        Row row;
        row.reserve(static_cast<size_t>(columns));
        for (int c = 0; c < columns; ++c) {
          SQLite::Column col = st->getColumn(c);
          if (col.isNull()) {
            row.emplace_back(std::nullopt);
          } else {
            row.emplace_back(col.getString());
          }
        }
        out.rows.push_back(std::move(row));
      }
      out.affected = db_.getChanges();
      st->reset();
      st->clearBindings();
      return out;
    } catch (const SQLite::Exception& e) {
      if (st != nullptr) {
        (void)st->tryReset();
        try {
          st->clearBindings();
        } catch (const SQLite::Exception&) {
        }
      }
      return MapError(e);
    }
  }

  Status ExecScript(std::string_view sql) override {
    try {
      db_.exec(std::string(sql));
      return Status::Ok();
    } catch (const SQLite::Exception& e) {
      return MapError(e);
    }
  }

  Status BackupTo(const std::string& path) override {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (path.empty()) return Status::InvalidArgument("path", "must not be empty");
    if (fs::exists(path, ec)) return Status::Conflict("path: '" + path + "' exists; choose a new file");
    const std::string tmp = path + ".tmp";
    fs::remove(tmp, ec);
    // Health data: the copy is 0600 like the database, whatever the umask (SQLite would create it
    // 0644 & ~umask, and its journal takes the file's mode).
    if (Status created = CreatePrivateFile(tmp); !created.ok()) {
      return Status::Unavailable("path: cannot write the backup '" + path + "': " + created.message());
    }
    try {
      {
        SQLite::Database dest(tmp, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        dest.exec("PRAGMA synchronous = FULL");
        SQLite::Backup backup(dest, db_);
        const int rc = backup.executeStep(-1);
        if (rc != SQLITE_DONE) {
          fs::remove(tmp, ec);
          return Status::Unavailable("backup did not complete (SQLite code " + std::to_string(rc) + "); retry");
        }
        // A backup of a WAL database is itself in WAL mode; leave it as one self-contained file.
        dest.exec("PRAGMA journal_mode = DELETE");
      }
      fs::rename(tmp, path);
      SyncDirectory(path);
      return Status::Ok();
    } catch (const SQLite::Exception& e) {
      fs::remove(tmp, ec);
      return Status::Unavailable("path: cannot write the backup '" + path + "': " + e.what());
    } catch (const fs::filesystem_error& e) {
      fs::remove(tmp, ec);
      return Status::Unavailable("path: cannot write the backup '" + path + "': " + e.what());
    }
  }

 private:
  SqliteConnection(const std::string& path, int busy_timeout_ms, OpenMode mode)
      : read_only_(mode != OpenMode::kReadWrite),
        db_(mode == OpenMode::kImmutable ? FileUri(path) + "?immutable=1" : path,
            (mode == OpenMode::kReadWrite ? SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE : SQLite::OPEN_READONLY) |
                SQLite::OPEN_NOMUTEX | (mode == OpenMode::kImmutable ? SQLITE_OPEN_URI : 0),
            busy_timeout_ms) {}

  Status Configure(bool memory) {
    try {
      db_.exec("PRAGMA foreign_keys = ON");
      if (read_only_) {
        // Nothing that could write: no journal mode change, and every statement read-only. The
        // first read also tells whether SQLite could open the WAL index (-shm).
        db_.exec("PRAGMA query_only = 1");
        db_.exec("SELECT count(*) FROM sqlite_master");
        return Status::Ok();
      }
      if (!memory) {
        SQLite::Statement mode(db_, "PRAGMA journal_mode = WAL");
        if (!mode.executeStep() || mode.getColumn(0).getString() != "wal") {
          return Status::Unavailable("SQLite refused WAL mode for '" + db_.getFilename() + "'");
        }
      }
      // FULL also syncs the WAL on every commit: an acknowledged write survives power loss.
      db_.exec("PRAGMA synchronous = FULL");
      return Status::Ok();
    } catch (const SQLite::Exception& e) {
      return MapError(e);
    }
  }

  SQLite::Statement& Prepare(std::string_view sql) {
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) return *it->second;
    auto st = std::make_unique<SQLite::Statement>(db_, std::string(sql));
    SQLite::Statement& ref = *st;
    cache_.emplace(std::string(sql), std::move(st));
    return ref;
  }

  bool read_only_;
  SQLite::Database db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cache_;
};

}  // namespace

Result<std::unique_ptr<DatabaseLock>> DatabaseLock::Acquire(const std::string& db_path, Kind kind, bool optional) {
  const std::string path = db_path + ".lock";
  // An optional lock (a read-only open) never creates the file: a reader must not write beside
  // what it reads. No lock file means no server has ever had the database open.
  int fd =
      optional ? ::open(path.c_str(), O_RDONLY | O_CLOEXEC) : ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (optional) return std::unique_ptr<DatabaseLock>();
    return Status::Unavailable("cannot open the lock file '" + path + "': " + std::strerror(errno));
  }
  if (::flock(fd, (kind == Kind::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    const int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) {
      return Status::Unavailable(kind == Kind::kShared
                                     ? "'" + db_path + "' is being restored (ldn restore holds " + path +
                                           "); try again when the restore has finished"
                                     : "'" + db_path + "' is in use: a server (ldn serve) or another ldn command has " +
                                           "it open (" + path + " is locked); stop it first");
    }
    return Status::Unavailable("cannot lock '" + path + "': " + std::strerror(err));
  }
  return std::unique_ptr<DatabaseLock>(new DatabaseLock(fd));
}

DatabaseLock::~DatabaseLock() {
  ::close(fd_);  // releases the flock
}

void SyncDirectory(const std::string& file) {
  std::filesystem::path dir = std::filesystem::path(file).parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
}

Status CreatePrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Ok();
    return Status::Unavailable("cannot create '" + path + "': " + std::strerror(errno));
  }
  // The umask may have taken bits away, never added any: 0600 stands. fchmod anyway, in case a
  // default ACL of the directory granted more.
  (void)::fchmod(fd, 0600);
  ::close(fd);
  SyncDirectory(path);
  return Status::Ok();
}

Result<std::unique_ptr<Store>> OpenSqliteStore(std::string_view path, const OpenOptions& options, bool take_lock) {
  const std::string file(path);
  const bool memory = file == ":memory:";
  const int timeout = options.busy_timeout_ms;
  const bool read_only = options.read_only && !memory;
  std::error_code ec;
  if (!memory && (!options.create || read_only) && !std::filesystem::exists(file, ec)) {
    return Status::NotFound("url: no SQLite database file '" + file + "'");
  }
  // Held (shared) for the store's life by its connection factory: ldn restore cannot start while
  // the store is open, and the store cannot open while a restore runs.
  std::shared_ptr<DatabaseLock> lock;
  if (!memory) {
    if (take_lock) {
      LDN_ASSIGN_OR_RETURN(lock, DatabaseLock::Acquire(file, DatabaseLock::Kind::kShared, /*optional=*/read_only));
    }
    if (!read_only) LDN_RETURN_IF_ERROR(CreatePrivateFile(file));
  }
  OpenMode mode = read_only ? OpenMode::kReadOnly : OpenMode::kReadWrite;
  if (read_only && !std::filesystem::exists(file + "-wal", ec) && !std::filesystem::exists(file + "-shm", ec)) {
    // No -wal: nobody has the database open (SQLite keeps the -wal while any connection is open,
    // and a server keeps one open). A read-only WAL reader would create -wal and -shm files beside
    // it and leave them; opened immutable it reads the file as it is and creates nothing. (A
    // server starting meanwhile writes to its new -wal, not to this file, until a checkpoint.)
    mode = OpenMode::kImmutable;
  }
  ConnectionPool::Factory factory = [file, timeout, mode, lock]() {
    return SqliteConnection::Open(file, timeout, mode);
  };
  LDN_ASSIGN_OR_RETURN(std::unique_ptr<Connection> first, factory());
  if (read_only) {
    if (options.check_schema) {
      LDN_ASSIGN_OR_RETURN(int version, ReadSchemaVersion(*first));
      const auto migrations = SqliteMigrations();
      const int latest = migrations.empty() ? 0 : migrations.back().version;
      if (version > latest) {
        return Status::Conflict("the database has schema version " + std::to_string(version) +
                                ", newer than this ldn knows (" + std::to_string(latest) + "): upgrade ldn");
      }
      if (version < latest) {
        return Status::Unavailable("the database has schema version " + std::to_string(version) + ", this ldn needs " +
                                   std::to_string(latest) + ": run `ldn migrate`");
      }
    }
  } else if (options.migrate || options.check_schema) {
    LDN_RETURN_IF_ERROR(Migrate(*first, SqliteMigrations(), options.migrate));
  }
  auto pool = std::make_unique<ConnectionPool>(factory, std::move(first), memory ? 1 : options.pool_size);
  return std::unique_ptr<Store>(
      std::make_unique<SqlStore>(Dialect::kSqlite, std::move(pool), SqliteMigrations(), /*serialise_writers=*/true));
}

}  // namespace ldn::store::internal
