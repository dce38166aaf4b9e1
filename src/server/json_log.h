// Structured logs: one JSON object per line (JSON Lines) on a stream, stderr by default.
//
// What is logged is decided by the callers and documented in docs/operations.md. The rule they
// follow: a log line may hold a method, a route template, a status, a duration, a user id, a
// count or an error code and message of our own -- never a request or response body, a diary
// value, a note, a password, a token or a cookie.
#ifndef LDN_SERVER_JSON_LOG_H_
#define LDN_SERVER_JSON_LOG_H_

#include <cstdio>
#include <mutex>
#include <string_view>

#include <nlohmann/json.hpp>

namespace ldn::server {

// Thread-safe: lines from concurrent writers never interleave.
class JsonLog {
 public:
  // Writes to `out`, which must outlive the log; nullptr discards every line.
  explicit JsonLog(std::FILE* out = stderr) : out_(out) {}

  // Writes {"ts": "<UTC instant with milliseconds>", "level": level, "msg": msg, ...fields} as one
  // line and flushes. `fields` must be an object (or null); its keys follow "msg".
  void Write(std::string_view level, std::string_view msg, const nlohmann::json& fields = nullptr);

  void Info(std::string_view msg, const nlohmann::json& fields = nullptr) { Write("info", msg, fields); }
  void Warn(std::string_view msg, const nlohmann::json& fields = nullptr) { Write("warn", msg, fields); }
  void Error(std::string_view msg, const nlohmann::json& fields = nullptr) { Write("error", msg, fields); }

 private:
  std::FILE* out_;
  std::mutex mu_;
};

}  // namespace ldn::server

#endif  // LDN_SERVER_JSON_LOG_H_
