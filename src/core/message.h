// A text for a patient, kept as a message-catalog key and its values, so each door shows it in
// the reader's language: the web app looks the key up in /locales/{lang}.json (web/locales,
// scripts/locales.mjs) and fills in the values; the CLI, the logs and clinicians read the English
// text Fill() makes. Pure.
//
// The key is the English text itself with {name} placeholders, as in the catalogs ("Your dose
// rises by {step} mg every {days} days."). A value is a JSON number (the web app writes it with
// the language's decimal comma), a calendar date as "YYYY-MM-DD" (written as the language writes
// dates) or other text (written as it is).
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
// text that reads back the same, "4.5", "12"; a date or text as it is). A placeholder without a
// value stays as it is; a value without a placeholder is ignored.
std::string Fill(const Message& m);

// {"key", "vars", "text"}: the key and values for the web app, and Fill()'s English text.
nlohmann::json MessageToJson(const Message& m);

}  // namespace ldn

#endif  // LDN_CORE_MESSAGE_H_
