// The web app's message catalogs (web/locales/{en,da,nb}.json, written by scripts/locales.mjs from
// web/locales/src), read by the server for the texts it writes outside the app in the patient's
// language: the calendar feed a phone's calendar shows, and the PDF reports, whose texts are in
// web/locales/server/{en,da,nb}.json (texts the app itself never shows). One source for every text
// a patient reads, whichever door shows it.
//
// A text is a core::Message (core/message.h): its key is the English text with {name}
// placeholders. Text() looks the key up in the language's catalog and fills in the values:
//   - a number with the language's decimal separator ("1,5" in Danish and Norwegian; CLDR);
//   - a "YYYY-MM-DD" date in the language's short date (CLDR: da and nb "31.12.2026"; English
//     keeps "2026-12-31", which no reader takes for month/day);
//   - a diary item or side effect ({"item": id, "label", "field"}, core/message.h ItemRef): its
//     label (or `field`: anchor_0, anchor_10) in the language, from the translations of the
//     embedded data/diary_items.json and data/side_effects.json; else the English `label`;
//   - other text as it is.
// A plural entry ({"one", "other"}) takes "one" when the value `n` is 1 (the rule English, Danish
// and Norwegian share for whole numbers; CLDR), else "other". A key missing from the catalog (or a
// language without one) gives the English text, filled in the same way.
#ifndef LDN_SERVER_CATALOGS_H_
#define LDN_SERVER_CATALOGS_H_

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/message.h"

namespace ldn::server {

class Catalogs {
 public:
  // The languages ldn has catalogs for (web/js/i18n.js LANGUAGES).
  static constexpr std::string_view kLanguages[] = {"en", "da", "nb"};

  // Reads <dir>/<code>.json and <dir>/server/<code>.json (merged; the server's texts win a key
  // both hold) for each of kLanguages. A missing or unreadable <dir>/<code>.json leaves that
  // language out (logged by the caller from missing()); never fails.
  static Catalogs Load(const std::filesystem::path& dir);
  // From catalogs already parsed ({"da": {...}}), for tests.
  static Catalogs FromJson(std::map<std::string, nlohmann::json> catalogs);

  // Whether `lang` is one of kLanguages (whether or not its catalog was read).
  static bool Known(std::string_view lang);
  // How `lang` writes numbers and dates (CLDR): Danish and Norwegian Bokmal "1,5" and
  // "31.12.2026"; English "1.5" and ISO 8601 "2026-12-31". An unknown `lang` is English. The one
  // place these conventions are decided, for the catalogs' values and the reports alike.
  static char DecimalSeparator(std::string_view lang);
  static bool DayFirst(std::string_view lang);
  // The kLanguages whose catalog could not be read, comma-separated; empty when all were.
  std::string missing() const;

  // `m` in `lang` (see the file comment). An unknown `lang` is English.
  std::string Text(std::string_view lang, const Message& m) const;

 private:
  // The data files' translations: language -> item id -> field -> text.
  void LoadDataLabels();
  std::string DataText(std::string_view lang, const nlohmann::json& ref) const;

  std::map<std::string, nlohmann::json, std::less<>> catalogs_;
  std::map<std::string, std::map<std::string, std::map<std::string, std::string>>, std::less<>> labels_;
};

}  // namespace ldn::server

#endif  // LDN_SERVER_CATALOGS_H_
