#include "server/json_log.h"

#include <chrono>
#include <string>

#include <date/date.h>

namespace ldn::server {

void JsonLog::Write(std::string_view level, std::string_view msg, const nlohmann::json& fields) {
  if (out_ == nullptr) return;
  // Log timestamps are operational, not clinical: the wall clock with milliseconds, in UTC.
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  nlohmann::ordered_json line;
  line["ts"] = date::format("%FT%TZ", now);
  line["level"] = level;
  line["msg"] = msg;
  if (fields.is_object()) {
    for (const auto& [k, v] : fields.items()) line[k] = v;
  }
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(text.data(), 1, text.size(), out_);
  std::fflush(out_);
}

}  // namespace ldn::server
