#include "server/catalogs.h"

#include <fstream>

#include <fmt/format.h>

#include "core/calendar.h"
#include "core/knowledge_files.h"

namespace ldn::server {
namespace {

// A value as `lang` writes it (catalogs.h), but for a nested message (Catalogs::Text).
std::string ValueText(std::string_view lang, const nlohmann::json& v) {
  if (v.is_string() && v.get<std::string>().size() == 10) {
    if (auto d = ParseDate(v.get<std::string>(), "date"); d.ok()) {
      const std::string iso = FormatDate(*d);  // YYYY-MM-DD
      return Catalogs::DayFirst(lang) ? fmt::format("{}.{}.{}", iso.substr(8, 2), iso.substr(5, 2), iso.substr(0, 4))
                                      : iso;
    }
  }
  return ldn::ValueText(v, Catalogs::DecimalSeparator(lang));
}

// CLDR number and date patterns of each language of kLanguages (decimal symbol; short date
// "dd.MM.y" in da and nb). English keeps ISO 8601 dates, which no reader takes for month/day.
struct LanguageForms {
  std::string_view lang;
  char decimal;
  bool day_first;
};
constexpr LanguageForms kForms[] = {{"en", '.', false}, {"da", ',', true}, {"nb", ',', true}};

const LanguageForms& FormsOf(std::string_view lang) {
  for (const LanguageForms& f : kForms) {
    if (f.lang == lang) return f;
  }
  return kForms[0];
}

}  // namespace

char Catalogs::DecimalSeparator(std::string_view lang) {
  return FormsOf(lang).decimal;
}
bool Catalogs::DayFirst(std::string_view lang) {
  return FormsOf(lang).day_first;
}

namespace {

// The JSON object in `path`, or null when it cannot be read.
nlohmann::json ReadObject(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return nullptr;
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    return j.is_object() ? j : nlohmann::json(nullptr);
  } catch (const nlohmann::json::exception&) {
    return nullptr;  // unreadable: left out, and missing() says so
  }
}

}  // namespace

Catalogs Catalogs::Load(const std::filesystem::path& dir) {
  std::map<std::string, nlohmann::json> read;
  for (std::string_view lang : kLanguages) {
    nlohmann::json j = ReadObject(dir / (std::string(lang) + ".json"));
    if (j.is_null()) continue;
    if (nlohmann::json server = ReadObject(dir / "server" / (std::string(lang) + ".json")); !server.is_null()) {
      j.update(server);
    }
    read.emplace(std::string(lang), std::move(j));
  }
  return FromJson(std::move(read));
}

Catalogs Catalogs::FromJson(std::map<std::string, nlohmann::json> catalogs) {
  Catalogs c;
  for (auto& [lang, j] : catalogs) c.catalogs_.emplace(lang, std::move(j));
  c.LoadDataLabels();
  return c;
}

void Catalogs::LoadDataLabels() {
  // The embedded files are the build's own (a parse failure is a build defect the data tests
  // catch); here an entry without translations simply keeps its English.
  for (std::string_view file : {"diary_items.json", "side_effects.json"}) {
    auto text = KnowledgeFileText(file);
    if (!text.ok()) continue;
    const nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
    if (!doc.is_object()) continue;
    for (const char* list : {"entries", "lifestyle"}) {
      if (!doc.contains(list) || !doc[list].is_array()) continue;
      for (const nlohmann::json& e : doc[list]) {
        if (!e.is_object() || !e.contains("translations") || !e["translations"].is_object()) continue;
        const std::string id = e.value("id", "");
        for (const auto& [lang, fields] : e["translations"].items()) {
          if (!fields.is_object()) continue;
          for (const auto& [field, value] : fields.items()) {
            if (value.is_string()) labels_[lang][id][field] = value.get<std::string>();
          }
        }
      }
    }
  }
}

std::string Catalogs::DataText(std::string_view lang, const nlohmann::json& ref) const {
  const std::string id = ref.value("item", "");
  const std::string field = ref.value("field", "label");
  if (auto l = labels_.find(lang); l != labels_.end()) {
    if (auto i = l->second.find(id); i != l->second.end()) {
      if (auto f = i->second.find(field); f != i->second.end()) return f->second;
    }
  }
  return ref.value("label", id);
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
                   : v.is_object() && v.contains("item") ? DataText(lang, v)
                                                         : ValueText(lang, v);
    }
  }
  return Fill({text, std::move(vars)});
}

}  // namespace ldn::server
