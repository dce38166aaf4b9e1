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
// kUnavailable when the file cannot be opened; kConflict for a newer schema.
Result<std::unique_ptr<Store>> OpenSqliteStore(std::string_view path, const OpenOptions& options);

}  // namespace ldn::store::internal

#endif  // LDN_STORE_SQLITE_SQLITE_CONNECTION_H_
