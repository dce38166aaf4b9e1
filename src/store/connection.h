// Connection: the small interface the SQL implementation of Store (sql_store.h) runs on, one
// implementation per backend (sqlite/, postgres/), and a pool of them. Internal to ldn_store.
//
// SQL is written once for both backends where the dialects agree: parameters are $1, $2, ...
// (SQLite binds them by name, PostgreSQL by position); booleans, integers and text are bound as
// typed values. Every value comes back as text (or null) and is parsed by the caller.
#ifndef LDN_STORE_CONNECTION_H_
#define LDN_STORE_CONNECTION_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace ldn::store::internal {

enum class Dialect { kSqlite, kPostgres };

// A value bound to a statement parameter. Constructors are explicit about the type: a bool is
// made with Param::Bool so that a pointer cannot silently become one.
class Param {
 public:
  using Value = std::variant<std::monostate, int64_t, bool, std::string>;
  Param(std::nullopt_t) {}                           // NOLINT: null
  Param(int64_t v) : v_(v) {}                        // NOLINT
  Param(int v) : v_(static_cast<int64_t>(v)) {}      // NOLINT
  Param(std::string v) : v_(std::move(v)) {}         // NOLINT
  Param(std::string_view v) : v_(std::string(v)) {}  // NOLINT
  Param(const char* v) : v_(std::string(v)) {}       // NOLINT
  Param(const std::optional<int64_t>& v) {           // NOLINT
    if (v) v_ = *v;
  }
  Param(const std::optional<std::string>& v) {  // NOLINT
    if (v) v_ = *v;
  }
  static Param Bool(bool b) {
    Param p(std::nullopt);
    p.v_ = b;
    return p;
  }
  const Value& value() const { return v_; }
  bool is_null() const { return std::holds_alternative<std::monostate>(v_); }

 private:
  Value v_;
};

using Cell = std::optional<std::string>;
using Row = std::vector<Cell>;

struct Rows {
  std::vector<Row> rows;
  int64_t affected = 0;  // rows changed by an INSERT/UPDATE/DELETE
};

// One open database connection. Not thread-safe: used by one thread at a time (the pool hands it
// out). Failures are mapped to Status: a uniqueness violation -> kConflict, a foreign-key
// violation -> kNotFound, a CHECK or NOT NULL violation -> kInvalidArgument, a lost connection,
// a lock timeout, a full disk or I/O error -> kUnavailable, anything else -> kInternal.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement with parameters $1..$n and returns every row.
  virtual Result<Rows> Exec(std::string_view sql, std::span<const Param> params) = 0;
  Result<Rows> Exec(std::string_view sql, std::initializer_list<Param> params = {}) {
    return Exec(sql, std::span<const Param>(params.begin(), params.size()));
  }
  // Runs a script of several statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
  // True when the connection can no longer be used (PostgreSQL connection lost); the pool then
  // replaces it.
  virtual bool broken() const { return false; }
  // Store::BackupTo for this backend (SQLite only; the default refuses).
  // REQUIRES: no transaction open on this connection.
  virtual Status BackupTo(const std::string& path);
};

// A fixed-size pool of connections made by a factory. Thread-safe.
class ConnectionPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<Connection>>()>;

  // A connection on loan; returned to the pool on destruction.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_) pool_->Return(std::move(conn_));
    }
    Connection& operator*() { return *conn_; }
    Connection* operator->() { return conn_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // `first` is an already open connection that joins the pool; up to `size` connections exist.
  ConnectionPool(Factory factory, std::unique_ptr<Connection> first, int size);

  // Blocks until a connection is free; makes a new one (or replaces a broken one) with the
  // factory, whose failure is returned.
  Result<Lease> Acquire();
  // The most connections the pool makes.
  int size() const { return size_; }

 private:
  void Return(std::unique_ptr<Connection> conn);

  Factory factory_;
  int size_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  int created_ = 0;                                // guarded by mu_
};

}  // namespace ldn::store::internal

#endif  // LDN_STORE_CONNECTION_H_
