// The schema migrations of each backend, embedded from src/store/{sqlite,postgres}/migrations/*.sql
// by embed_migrations.cmake. Internal to ldn_store.
#ifndef LDN_STORE_MIGRATIONS_H_
#define LDN_STORE_MIGRATIONS_H_

#include <span>
#include <string_view>

namespace ldn::store::internal {

// One migration: the schema version it produces (1, 2, ...), its file name without ".sql", and its
// SQL (one or more statements, no parameters). Applied in version order, each in one transaction.
struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Sorted by version; versions are 1, 2, ... with no gaps (checked by store_test.cpp).
std::span<const Migration> SqliteMigrations();
std::span<const Migration> PostgresMigrations();

// Down paths, from src/store/{sqlite,postgres}/migrations/down/NNNN_name.sql: each undoes the
// migration of the same version and name (`version` is the version it undoes). Sorted by version;
// a migration without one cannot be undone. Both backends have the same set (store_test.cpp).
std::span<const Migration> SqliteDownMigrations();
std::span<const Migration> PostgresDownMigrations();

}  // namespace ldn::store::internal

#endif  // LDN_STORE_MIGRATIONS_H_
