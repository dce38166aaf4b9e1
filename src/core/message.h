// A text for a patient, kept as a message-catalog key and its values, so each door shows it in
// the reader's language: the web app looks the key up in /locales/{lang}.json (web/locales,
// scripts/locales.mjs) and fills in the values; the CLI, the logs and clinicians read the English
// text Fill() makes. Pure.
//
// The key is the English text itself with {name} placeholders, as in the catalogs ("Your dose
// rises by {step} mg every {days} days."). A value is one of:
//   - a JSON number (the web app writes it with the language's decimal comma);
//   - {"number": x, "digits": d}: a number written with exactly d decimals ("1.0"), x already
//     rounded by the writer so that every door shows the same digits (Fixed());
//   - a calendar date as "YYYY-MM-DD" (written as the language writes dates);
//   - {"item": id, "label": "Pain"}: a diary item (or a side effect, data/side_effects.json), shown
//     by its label in the reader's language (the data file's translations; English: `label`)
//     (ItemRef()); with "field": "anchor_0" it stands for that field of the item instead of its
//     label (the server's reports; the web app shows only labels);
//   - {"key", "vars"}: another message, translated and filled in the same way (Nested());
//   - other text (written as it is).
#ifndef LDN_CORE_MESSAGE_H_
#define LDN_CORE_MESSAGE_H_

#include <string>

#include <nlohmann/json.hpp>

namespace ldn {

struct Message {
  std::string key;
  nlohmann::json vars = nlohmann::json::object();  // {"name": number or string}

  bool operator==(const Message&) const = default;
};

// The English text: the key with each {name} replaced by its value (a number as the shortest
// text that reads back the same, "4.5", "12"; a fixed number with its digits; an item by its
// label; a nested message filled in turn; a date or text as it is). A placeholder without a value
// stays as it is; a value without a placeholder is ignored.
std::string Fill(const Message& m);

// One value as text, but for a nested message (its caller fills that in its own language): a
// number shortest (a fixed one with its digits) with `decimal` as the decimal separator, an item
// by its label, a date or other text as it is. Fill() and server/catalogs.h use it.
std::string ValueText(const nlohmann::json& v, char decimal = '.');

// The values of the file comment's kinds.
nlohmann::json Fixed(double x, int digits);  // x rounded to `digits` decimals as fmt writes it
nlohmann::json ItemRef(std::string_view id, std::string_view label, std::string_view field = {});
nlohmann::json Nested(const Message& m);

// Marks a catalog key that the code looks up later rather than where it is written (a table of
// keys), so that scripts/locales.mjs finds it; returns it unchanged.
constexpr const char* N_(const char* key) {
  return key;
}

// {"key", "vars", "text"}: the key and values for the web app, and Fill()'s English text.
nlohmann::json MessageToJson(const Message& m);

}  // namespace ldn

#endif  // LDN_CORE_MESSAGE_H_
