#include "core/message.h"

#include <fmt/format.h>

namespace ldn {

namespace {

std::string ValueText(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_float()) return fmt::format("{}", v.get<double>());  // shortest round trip
  return v.dump();
}

}  // namespace

std::string Fill(const Message& m) {
  std::string out;
  out.reserve(m.key.size() + 16);
  size_t i = 0;
  while (i < m.key.size()) {
    const size_t open = m.key.find('{', i);
    const size_t close = open == std::string::npos ? std::string::npos : m.key.find('}', open);
    if (close == std::string::npos) {
      out.append(m.key, i, std::string::npos);
      break;
    }
    out.append(m.key, i, open - i);
    const std::string name = m.key.substr(open + 1, close - open - 1);
    const auto it = m.vars.is_object() ? m.vars.find(name) : m.vars.end();
    out += it != m.vars.end() ? ValueText(*it) : m.key.substr(open, close - open + 1);
    i = close + 1;
  }
  return out;
}

nlohmann::json MessageToJson(const Message& m) {
  return {{"key", m.key}, {"vars", m.vars.is_object() ? m.vars : nlohmann::json::object()}, {"text", Fill(m)}};
}

}  // namespace ldn
