#include "store/sqlite/sqlite_connection.h"

#include <fcntl.h>
#include <system_error>
#include <unistd.h>

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

// Makes a rename durable: fsync of the directory that holds the new name.
void SyncDirectory(const std::filesystem::path& file) {
  std::filesystem::path dir = file.parent_path();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    (void)::fsync(fd);
    ::close(fd);
  }
}

class SqliteConnection final : public Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, int busy_timeout_ms) {
    try {
      auto conn = std::unique_ptr<SqliteConnection>(new SqliteConnection(path, busy_timeout_ms));
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

  Status RestoreFrom(const std::string& path, int latest_version) override {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return Status::NotFound("path: no backup file '" + path + "'");
    }
    try {
      SQLite::Database src(path, SQLite::OPEN_READONLY);
      try {
        SQLite::Statement check(src, "PRAGMA quick_check");
        if (!check.executeStep() || check.getColumn(0).getString() != "ok") {
          return Status::InvalidArgument("path", "'" + path + "' is a damaged SQLite database");
        }
        SQLite::Statement has_table(src,
                                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
        if (!has_table.executeStep()) {
          return Status::InvalidArgument("path", "'" + path + "' is not an ldn database (no schema_migrations)");
        }
        SQLite::Statement version(src, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
        version.executeStep();
        const int v = version.getColumn(0).getInt();
        if (v > latest_version) {
          return Status::Conflict("the backup has schema version " + std::to_string(v) + ", newer than this ldn (" +
                                  std::to_string(latest_version) + ")");
        }
      } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() == SQLITE_NOTADB || e.getErrorCode() == SQLITE_CORRUPT) {
          return Status::InvalidArgument("path", "'" + path + "' is not an SQLite database");
        }
        throw;
      }
      SQLite::Backup backup(db_, src);
      const int rc = backup.executeStep(-1);
      if (rc != SQLITE_DONE) {
        return Status::Unavailable("restore did not complete (SQLite code " + std::to_string(rc) + "); retry");
      }
      // The copied header may carry the backup's journal mode; put the live database back in WAL.
      LDN_RETURN_IF_ERROR(Configure(db_.getFilename().empty() || db_.getFilename() == ":memory:"));
      return Status::Ok();
    } catch (const SQLite::Exception& e) {
      return MapError(e);
    }
  }

 private:
  SqliteConnection(const std::string& path, int busy_timeout_ms)
      : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX, busy_timeout_ms) {}

  Status Configure(bool memory) {
    try {
      db_.exec("PRAGMA foreign_keys = ON");
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

  SQLite::Database db_;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cache_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(std::string_view path, const OpenOptions& options) {
  const std::string file(path);
  const bool memory = file == ":memory:";
  const int timeout = options.busy_timeout_ms;
  std::error_code ec;
  if (!memory && !options.create && !std::filesystem::exists(file, ec)) {
    return Status::NotFound("url: no SQLite database file '" + file + "'");
  }
  ConnectionPool::Factory factory = [file, timeout]() { return SqliteConnection::Open(file, timeout); };
  LDN_ASSIGN_OR_RETURN(std::unique_ptr<Connection> first, factory());
  if (options.migrate || options.check_schema) {
    LDN_RETURN_IF_ERROR(Migrate(*first, SqliteMigrations(), options.migrate));
  }
  auto pool = std::make_unique<ConnectionPool>(factory, std::move(first), memory ? 1 : options.pool_size);
  return std::unique_ptr<Store>(
      std::make_unique<SqlStore>(Dialect::kSqlite, std::move(pool), SqliteMigrations(), /*serialise_writers=*/true));
}

}  // namespace ldn::store::internal
