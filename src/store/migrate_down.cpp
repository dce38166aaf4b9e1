// Down migrations (Store::MigrateDown): undo applied migrations newest first, each with its down
// script and the removal of its schema_migrations row, all in one transaction.
#include <string>

#include <fmt/format.h>

#include "store/sql_store.h"

namespace ldn::store::internal {
namespace {

// The same advisory lock as the up migrations (sql_store.cpp, "ldnmigra").
constexpr const char* kMigrationLockSql = "SELECT pg_advisory_xact_lock(7810420874227926881)";

const Migration* Find(std::span<const Migration> list, int version) {
  for (const Migration& m : list) {
    if (m.version == version) return &m;
  }
  return nullptr;
}

}  // namespace

Status MigrateDown(Connection& conn, std::span<const Migration> up, std::span<const Migration> down,
                   int target_version) {
  if (target_version < 1) {
    return Status::InvalidArgument("version", "must be 1 or more (version 1 is the first schema)");
  }
  LDN_ASSIGN_OR_RETURN(int current, ReadSchemaVersion(conn));
  // Every step must be possible before the first is taken: a half-undone database would be worse.
  for (int v = current; v > target_version; --v) {
    const Migration* d = Find(down, v);
    const Migration* u = Find(up, v);
    if (d == nullptr || u == nullptr || d->name != u->name) {
      return Status::Conflict(fmt::format("migration {} ({}) has no down path: the database stays at version {}", v,
                                          u != nullptr ? std::string(u->name) : std::string("unknown"), current));
    }
  }
  // All the steps in one transaction: a step refused by its guard (records it would lose) takes the
  // steps before it back too, so the database stays at the version it had, never half-way.
  const bool sqlite = conn.dialect() == Dialect::kSqlite;
  LDN_RETURN_IF_ERROR(conn.Exec(sqlite ? "BEGIN IMMEDIATE" : "BEGIN").status());
  Status steps = [&]() -> Status {
    if (!sqlite) LDN_RETURN_IF_ERROR(conn.Exec(kMigrationLockSql).status());
    LDN_ASSIGN_OR_RETURN(int version, ReadSchemaVersion(conn));
    for (; version > target_version; --version) {
      const Migration* d = Find(down, version);
      if (d == nullptr) return Status::Conflict(fmt::format("migration {} has no down path", version));
      LDN_RETURN_IF_ERROR(conn.ExecScript(d->sql));
      LDN_RETURN_IF_ERROR(conn.Exec("DELETE FROM schema_migrations WHERE version = $1", {version}).status());
    }
    return Status::Ok();
  }();
  if (!steps.ok()) {
    (void)conn.Exec("ROLLBACK");
    return steps;
  }
  return conn.Exec("COMMIT").status();
}

}  // namespace ldn::store::internal
