#include "core/message.h"

#include <fmt/format.h>

namespace ldn {

std::string ValueText(const nlohmann::json& v, char decimal) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("item")) return v.value("label", v.value("item", ""));
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  const bool fixed = v.is_object() && v.contains("number") && v["number"].is_number();
  if (!v.is_number_float() && !fixed) return v.dump();
  // Shortest round trip; a fixed number with its digits.
  std::string s = fixed ? fmt::format("{:.{}f}", v["number"].get<double>(), v.value("digits", 0))
                        : fmt::format("{}", v.get<double>());
  if (decimal != '.') {
    for (char& c : s) {
      if (c == '.') c = decimal;
    }
  }
  return s;
}

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
    out += it == m.vars.end() ? m.key.substr(open, close - open + 1)
           : it->is_object() && it->contains("key")
               ? Fill({it->value("key", ""), it->value("vars", nlohmann::json::object())})
               : ValueText(*it);
    i = close + 1;
  }
  return out;
}

nlohmann::json Fixed(double x, int digits) {
  // Read back from the text fmt writes, so that the number sent is the one the English shows.
  return {{"number", std::stod(fmt::format("{:.{}f}", x, digits))}, {"digits", digits}};
}

nlohmann::json ItemRef(std::string_view id, std::string_view label, std::string_view field) {
  nlohmann::json j = {{"item", id}, {"label", label}};
  if (!field.empty()) j["field"] = field;
  return j;
}

nlohmann::json Nested(const Message& m) {
  return {{"key", m.key}, {"vars", m.vars.is_object() ? m.vars : nlohmann::json::object()}};
}

nlohmann::json MessageToJson(const Message& m) {
  return {{"key", m.key}, {"vars", m.vars.is_object() ? m.vars : nlohmann::json::object()}, {"text", Fill(m)}};
}

}  // namespace ldn
