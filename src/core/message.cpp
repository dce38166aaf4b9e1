#include "core/message.h"

#include <fmt/format.h>

namespace ldn {

namespace {

std::string ValueText(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object()) {
    if (v.contains("key")) return Fill({v.value("key", ""), v.value("vars", nlohmann::json::object())});
    if (v.contains("item")) return v.value("label", v.value("item", ""));
    if (v.contains("number") && v["number"].is_number()) {
      return fmt::format("{:.{}f}", v["number"].get<double>(), v.value("digits", 0));
    }
  }
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

nlohmann::json Fixed(double x, int digits) {
  // Read back from the text fmt writes, so that the number sent is the one the English shows.
  return {{"number", std::stod(fmt::format("{:.{}f}", x, digits))}, {"digits", digits}};
}

nlohmann::json ItemRef(std::string_view id, std::string_view label) {
  return {{"item", id}, {"label", label}};
}

nlohmann::json Nested(const Message& m) {
  return {{"key", m.key}, {"vars", m.vars.is_object() ? m.vars : nlohmann::json::object()}};
}

nlohmann::json MessageToJson(const Message& m) {
  return {{"key", m.key}, {"vars", m.vars.is_object() ? m.vars : nlohmann::json::object()}, {"text", Fill(m)}};
}

}  // namespace ldn
