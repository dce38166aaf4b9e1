#include "server/catalogs.h"

#include <fstream>

#include <fmt/format.h>

#include "core/calendar.h"

namespace ldn::server {
namespace {

// A value as `lang` writes it (catalogs.h), but for a nested message (Catalogs::Text).
std::string ValueText(std::string_view lang, const nlohmann::json& v) {
  const bool comma = lang == "da" || lang == "nb";  // CLDR: decimal separator ","
  if (v.is_object() && v.contains("item")) return v.value("label", v.value("item", ""));
  const bool fixed = v.is_object() && v.contains("number") && v["number"].is_number();
  if (v.is_number_float() || fixed) {
    // Shortest round trip, as core::Fill; a fixed number with its digits.
    std::string s = fixed ? fmt::format("{:.{}f}", v["number"].get<double>(), v.value("digits", 0))
                          : fmt::format("{}", v.get<double>());
    if (comma) {
      for (char& c : s) {
        if (c == '.') c = ',';
      }
    }
    return s;
  }
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (!v.is_string()) return v.dump();
  const std::string s = v.get<std::string>();
  if (auto d = ParseDate(s, "date"); d.ok() && s.size() == 10) {
    const std::string iso = FormatDate(*d);  // YYYY-MM-DD
    // CLDR short date of da and nb: "dd.MM.y". English keeps ISO 8601, which no reader takes for
    // month/day (en-GB's "05/01/2027" is 1 May to an American).
    return comma ? fmt::format("{}.{}.{}", iso.substr(8, 2), iso.substr(5, 2), iso.substr(0, 4)) : iso;
  }
  return s;
}

}  // namespace

Catalogs Catalogs::Load(const std::filesystem::path& dir) {
  std::map<std::string, nlohmann::json> read;
  for (std::string_view lang : kLanguages) {
    std::ifstream in(dir / (std::string(lang) + ".json"));
    if (!in) continue;
    try {
      nlohmann::json j = nlohmann::json::parse(in);
      if (j.is_object()) read.emplace(std::string(lang), std::move(j));
    } catch (const nlohmann::json::exception&) {
      // Unreadable: left out, and missing() says so.
    }
  }
  return FromJson(std::move(read));
}

Catalogs Catalogs::FromJson(std::map<std::string, nlohmann::json> catalogs) {
  Catalogs c;
  for (auto& [lang, j] : catalogs) c.catalogs_.emplace(lang, std::move(j));
  return c;
}

bool Catalogs::Known(std::string_view lang) {
  for (std::string_view l : kLanguages) {
    if (l == lang) return true;
  }
  return false;
}

std::string Catalogs::missing() const {
  std::string out;
  for (std::string_view lang : kLanguages) {
    if (catalogs_.contains(lang)) continue;
    if (!out.empty()) out += ", ";
    out += lang;
  }
  return out;
}

std::string Catalogs::Text(std::string_view lang, const Message& m) const {
  if (!Known(lang)) lang = "en";
  std::string text = m.key;
  if (auto c = catalogs_.find(lang); c != catalogs_.end()) {
    if (auto e = c->second.find(m.key); e != c->second.end()) {
      if (e->is_string()) {
        text = e->get<std::string>();
      } else if (e->is_object()) {
        const auto n = m.vars.is_object() ? m.vars.find("n") : m.vars.end();
        const bool one = n != m.vars.end() && n->is_number() && n->get<double>() == 1.0;
        text = e->value(one ? "one" : "other", e->value("other", m.key));
      }
    }
  }
  nlohmann::json vars = nlohmann::json::object();
  if (m.vars.is_object()) {
    for (const auto& [name, v] : m.vars.items()) {
      vars[name] = v.is_object() && v.contains("key")
                       ? Text(lang, {v.value("key", ""), v.value("vars", nlohmann::json::object())})
                       : ValueText(lang, v);
    }
  }
  return Fill({text, std::move(vars)});
}

}  // namespace ldn::server
