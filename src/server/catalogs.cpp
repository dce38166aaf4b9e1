#include "server/catalogs.h"

#include <fstream>

#include <fmt/format.h>

#include "core/calendar.h"

namespace ldn::server {
namespace {

// A value as `lang` writes it (catalogs.h), but for a nested message (Catalogs::Text).
std::string ValueText(std::string_view lang, const nlohmann::json& v) {
  const bool comma = lang == "da" || lang == "nb";  // CLDR: decimal separator ","
  if (v.is_string() && v.get<std::string>().size() == 10) {
    if (auto d = ParseDate(v.get<std::string>(), "date"); d.ok()) {
      const std::string iso = FormatDate(*d);  // YYYY-MM-DD
      // CLDR short date of da and nb: "dd.MM.y". English keeps ISO 8601, which no reader takes for
      // month/day (en-GB's "05/01/2027" is 1 May to an American).
      return comma ? fmt::format("{}.{}.{}", iso.substr(8, 2), iso.substr(5, 2), iso.substr(0, 4)) : iso;
    }
  }
  return ldn::ValueText(v, comma ? ',' : '.');
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
