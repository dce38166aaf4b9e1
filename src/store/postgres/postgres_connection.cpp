#include "store/postgres/postgres_connection.h"

#include <string>
#include <unordered_map>

#include <pqxx/pqxx>

#include "store/connection.h"
#include "store/migrations.h"
#include "store/sql_store.h"

namespace ldn::store::internal {
namespace {

class PostgresConnection final : public Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const std::string& url, bool read_only) {
    try {
      auto conn = std::unique_ptr<PostgresConnection>(new PostgresConnection(url));
      LDN_RETURN_IF_ERROR(
          conn->ExecScript("SET client_min_messages TO warning; SET DateStyle TO ISO; SET TimeZone TO 'UTC'"));
      // OpenOptions::read_only: every transaction of this session is READ ONLY.
      if (read_only) LDN_RETURN_IF_ERROR(conn->ExecScript("SET default_transaction_read_only TO on"));
      return std::unique_ptr<Connection>(std::move(conn));
    } catch (const std::exception& e) {
      // libpq's message names the host and the reason, never the password.
      return Status::Unavailable(std::string("cannot connect to PostgreSQL: ") + e.what());
    }
  }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Result<Rows> Exec(std::string_view sql, std::span<const Param> params) override {
    // libpq takes every parameter as text (or NULL); the server infers its type from the SQL.
    std::vector<std::string> numbers;
    numbers.reserve(params.size());
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const Param& p : params) {
      const Param::Value& v = p.value();
      if (std::holds_alternative<std::monostate>(v)) {
        values.push_back(nullptr);
      } else if (const int64_t* n = std::get_if<int64_t>(&v)) {
        numbers.push_back(std::to_string(*n));
        values.push_back(numbers.back().c_str());
      } else if (const bool* b = std::get_if<bool>(&v)) {
        values.push_back(*b ? "true" : "false");
      } else {
        values.push_back(std::get<std::string>(v).c_str());
      }
    }
    return Guard([&]() -> Result<Rows> {
      // Prepared once per connection and statement text: the server parses and plans it once, not
      // at every call (a third of the cost of the small queries that authenticate and audit).
      // Transaction control (BEGIN, COMMIT, SAVEPOINT ...) runs unnamed, as always.
      if (IsTransactionControl(sql)) {
        pqxx::nontransaction w(*conn_);
        const pqxx::result r = w.exec_params(std::string(sql), pqxx::prepare::make_dynamic_params(values));
        w.commit();
        return ToRows(r);
      }
      std::string key(sql);
      auto it = prepared_.find(key);
      if (it == prepared_.end()) {
        std::string name = "ldn_" + std::to_string(prepared_.size() + 1);
        conn_->prepare(name, key);
        it = prepared_.emplace(std::move(key), std::move(name)).first;
      }
      pqxx::nontransaction w(*conn_);
      const pqxx::result r = w.exec_prepared(it->second, pqxx::prepare::make_dynamic_params(values));
      w.commit();
      return ToRows(r);
    });
  }

  static bool IsTransactionControl(std::string_view sql) {
    for (std::string_view p : {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET "}) {
      if (sql.starts_with(p)) return true;
    }
    return false;
  }

  static Rows ToRows(const pqxx::result& r) {
    {
      Rows out;
      out.affected = static_cast<int64_t>(r.affected_rows());
      out.rows.reserve(r.size());
      for (const pqxx::row& row : r) {
        Row cells;
        cells.reserve(row.size());
        for (const pqxx::field& f : row) {
          if (f.is_null()) {
            cells.emplace_back(std::nullopt);
          } else {
            cells.emplace_back(std::string(f.c_str(), f.size()));
          }
        }
        out.rows.push_back(std::move(cells));
      }
      return out;
    }
  }

  Status ExecScript(std::string_view sql) override {
    Result<Rows> r = Guard([&]() -> Result<Rows> {
      pqxx::nontransaction w(*conn_);
      w.exec(std::string(sql));
      w.commit();
      return Rows{};
    });
    return r.status();
  }

  bool broken() const override { return broken_ || !conn_->is_open(); }

 private:
  explicit PostgresConnection(const std::string& url) : conn_(std::make_unique<pqxx::connection>(url)) {}

  // Runs `fn`, turning libpqxx's exceptions into Status (connection.h has the mapping).
  template <typename F>
  Result<Rows> Guard(F&& fn) {
    try {
      return fn();
    } catch (const pqxx::broken_connection& e) {
      broken_ = true;
      return Status::Unavailable(std::string("PostgreSQL connection lost: ") + e.what());
    } catch (const pqxx::sql_error& e) {
      return MapSqlError(e.sqlstate(), e.what());
    } catch (const pqxx::in_doubt_error& e) {
      broken_ = true;
      return Status::Unavailable(std::string("PostgreSQL: commit outcome unknown: ") + e.what());
    } catch (const std::exception& e) {
      return Status::Internal(std::string("PostgreSQL: ") + e.what());
    }
  }

  Status MapSqlError(const std::string& state, const std::string& message) {
    if (state == "23505") return Status::Conflict(message);
    if (state == "23503") return Status::NotFound("a row this one refers to does not exist (" + message + ")");
    if (state == "23000") return Status::Conflict(message);  // ldn_refuse_change(): append-only tables
    if (state == "23514" || state == "23502" || state.starts_with("22")) return Status::InvalidArgument("", message);
    if (state.starts_with("08") || state.starts_with("57P")) {
      broken_ = true;
      return Status::Unavailable("PostgreSQL: " + message);
    }
    // 25006: a write in a read-only session (OpenOptions::read_only, a hot standby).
    if (state == "40001" || state == "40P01" || state == "55P03" || state == "25006" || state.starts_with("53")) {
      return Status::Unavailable("PostgreSQL: " + message);
    }
    return Status::Internal("PostgreSQL (" + state + "): " + message);
  }

  std::unique_ptr<pqxx::connection> conn_;
  bool broken_ = false;
  std::unordered_map<std::string, std::string> prepared_;  // SQL text -> prepared statement name
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(std::string_view url, const OpenOptions& options) {
  const std::string conninfo(url);
  const bool read_only = options.read_only;
  ConnectionPool::Factory factory = [conninfo, read_only]() { return PostgresConnection::Open(conninfo, read_only); };
  LDN_ASSIGN_OR_RETURN(std::unique_ptr<Connection> first, factory());
  if (options.migrate || options.check_schema) {
    LDN_RETURN_IF_ERROR(Migrate(*first, PostgresMigrations(), options.migrate && !read_only));
  }
  auto pool = std::make_unique<ConnectionPool>(factory, std::move(first), options.pool_size);
  return std::unique_ptr<Store>(std::make_unique<SqlStore>(Dialect::kPostgres, std::move(pool), PostgresMigrations(),
                                                           /*serialise_writers=*/false));
}

}  // namespace ldn::store::internal
