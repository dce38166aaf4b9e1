// The PostgreSQL backend: a Connection over libpqxx 6.4, and the function that opens a PostgreSQL
// store. Internal to ldn_store; callers use OpenStore("postgresql://...").
//
// Each connection sets client_min_messages=warning (no NOTICE chatter on stderr), DateStyle=ISO
// (dates come back as YYYY-MM-DD) and TimeZone=UTC. Transactions are READ COMMITTED; the SQL in
// sql_store.cpp locks what it must (diary rows FOR UPDATE, an advisory lock for audit appends).
#ifndef LDN_STORE_POSTGRES_POSTGRES_CONNECTION_H_
#define LDN_STORE_POSTGRES_POSTGRES_CONNECTION_H_

#include <memory>
#include <string_view>

#include "store/store.h"

namespace ldn::store::internal {

// Connects to `url` (a libpq URI), applies or checks migrations as options.migrate says, and
// returns the store. kUnavailable when the server cannot be reached; kConflict for a newer schema.
Result<std::unique_ptr<Store>> OpenPostgresStore(std::string_view url, const OpenOptions& options);

}  // namespace ldn::store::internal

#endif  // LDN_STORE_POSTGRES_POSTGRES_CONNECTION_H_
