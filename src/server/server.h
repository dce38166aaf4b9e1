// The whole server as one call: open the store, optionally seed the demo, serve the API and the
// web front end until SIGTERM or SIGINT, then shut down gracefully and close the store.
// Configuration (flags and environment) is documented in docs/operations.md.
#ifndef LDN_SERVER_SERVER_H_
#define LDN_SERVER_SERVER_H_

#include <chrono>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "server/api.h"
#include "server/http_server.h"
#include "server/json_log.h"

namespace ldn::server {

struct ServerConfig {
  std::string db_url;  // sqlite:PATH or postgresql://...; empty: store::DefaultStoreUrl()
  bool demo = false;   // seed the demo accounts and records (demo.h) before serving
  // A read-only PostgreSQL URL (a streaming replica) for the research summary; empty: db_url.
  std::string research_db_url;
  // How often the audit chain's head is written to the log when it moved (an anchor outside the
  // database for `ldn audit verify --anchor`); also at start and at shutdown.
  std::chrono::seconds audit_head_interval{60};
  // How often the due Web Push reminders are sent (push_service.h); 0: never (api.push_enabled off).
  std::chrono::seconds push_check_interval{60};
  HttpServerOptions http;  // bind address, port, threads, limits, timeouts
  ApiOptions api;          // web root, sessions, login throttling
  // The file holding the key that seals TOTP secrets (totp.h). Empty: beside an SQLite database
  // (PATH.key), else ./ldn-totp.key; sqlite::memory: uses a key for this process only.
  std::string key_file;
  // Served behind HTTPS: Secure __Host- cookies and HSTS. nullopt: yes exactly when a trusted
  // proxy is configured (a TLS-terminating proxy in front, docs/operations.md).
  std::optional<bool> behind_https;
};

// Reads the LDN_* environment variables into `config` (each overrides the default it names;
// command-line flags, applied afterwards by the caller, override them in turn):
//   LDN_DB, LDN_PORT, LDN_BIND, LDN_WEB, LDN_THREADS, LDN_SESSION_TTL, LDN_PATIENT_SESSION_TTL,
//   LDN_SESSION_MAX (seconds), LDN_SECURE_COOKIES (1/0), LDN_BEHIND_HTTPS (1/0),
//   LDN_TRUSTED_PROXY (comma-separated addresses or networks), LDN_CLIENT_IP_HEADER,
//   LDN_KEY_FILE, LDN_PASSWORD_WORKERS, LDN_BODY_LIMIT (bytes), LDN_SHUTDOWN_GRACE (seconds),
//   LDN_RESEARCH_DB, LDN_AUDIT_HEAD_INTERVAL (seconds).
// Fails with kInvalidArgument naming the variable when a value is malformed.
Status ApplyEnvironment(ServerConfig& config);

// Serves until a signal; returns OK after a clean shutdown. Prints the URL (and with demo the
// logins) to `out` once the port is open. Fails with kInvalidArgument / kUnavailable when the
// store cannot be opened or the port cannot be bound (nothing is served then).
Status RunServer(const ServerConfig& config, const Clock& clock, std::ostream& out, JsonLog& log);

// The web front end's directory when none is configured: ./web when it exists (a source checkout,
// `make run`), else share/ldn/web beside the binary's bin/ (an installed package:
// /usr/bin/ldn -> /usr/share/ldn/web), else ./web.
std::filesystem::path DefaultWebRoot();

}  // namespace ldn::server

#endif  // LDN_SERVER_SERVER_H_
