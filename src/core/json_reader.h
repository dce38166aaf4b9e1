// Strict reading of JSON input with errors that name the field.
//
// Every input document (a screening, a score, a plan event) is read through JsonObject so that
// (1) a wrong type, a missing key or an out-of-range value yields kInvalidArgument whose field
// is the full path ("medications[2].last_taken"), and (2) a key the reader never asked for is
// an error too (RejectUnknownKeys): nothing in the input is ever silently ignored.
#ifndef LDN_CORE_JSON_READER_H_
#define LDN_CORE_JSON_READER_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/result.h"

namespace ldn {

// The deepest nesting of arrays and objects ParseJson accepts (the API allows less: api.h).
inline constexpr size_t kMaxJsonDepth = 64;

// Parses `text` as one JSON document. Fails with kInvalidArgument when the text is empty or not
// JSON (field empty; the message gives the byte offset), nests arrays and objects deeper than
// kMaxJsonDepth (field empty), or repeats a key within one object: then the field is the path of
// the repeated key ("items.pain", "entries[2].items.note") and the message names the key. (RFC
// 8259 leaves repeated keys to the parser; taking the last one silently would let two readers of
// the same text see different values.) Never throws.
Result<nlohmann::json> ParseJson(std::string_view text);

// The JSON type of `j` in words ("a string", "an array", "null") for error messages.
std::string JsonTypeName(const nlohmann::json& j);

// A read-only view of one JSON object with its path in the document. Holds a pointer to the
// json value: the value must outlive the reader. Not thread-safe (it records consumed keys).
class JsonObject {
 public:
  static constexpr size_t kUnbounded = static_cast<size_t>(-1);

  // Fails with kInvalidArgument naming `path` (or "input" when empty) when `j` is not an object.
  static Result<JsonObject> Of(const nlohmann::json& j, std::string path);

  const std::string& path() const { return path_; }
  // The path of `key` inside this object: "medications[2]" + "name" -> "medications[2].name".
  std::string PathOf(std::string_view key) const;
  bool Has(std::string_view key) const;         // present, even if null
  bool HasNonNull(std::string_view key) const;  // present and not null

  // Required values. Fail when absent, null, of the wrong type, or outside [min, max].
  Result<std::string> String(std::string_view key);
  Result<bool> Bool(std::string_view key);
  Result<int64_t> Integer(std::string_view key, int64_t min, int64_t max);
  Result<double> Number(std::string_view key, double min, double max);
  Result<LocalDate> Date(std::string_view key);
  // A required object or array; the returned view lives as long as this object's json.
  Result<JsonObject> Object(std::string_view key);
  // `max_items` bounds the array's length (kInvalidArgument "at most N items" beyond it).
  Result<const nlohmann::json*> Array(std::string_view key, size_t max_items = kUnbounded);
  // Text checked by core/text.h: a one-line name of 1..max_chars code points, or free text of
  // min_chars..max_chars code points.
  Result<std::string> Line(std::string_view key, size_t max_chars);
  Result<std::string> Text(std::string_view key, size_t min_chars, size_t max_chars);

  // Optional values: absent or null gives std::nullopt; present but wrong is an error.
  Result<std::optional<std::string>> OptionalString(std::string_view key);
  Result<std::optional<bool>> OptionalBool(std::string_view key);
  Result<std::optional<int64_t>> OptionalInteger(std::string_view key, int64_t min, int64_t max);
  Result<std::optional<double>> OptionalNumber(std::string_view key, double min, double max);
  Result<std::optional<LocalDate>> OptionalDate(std::string_view key);
  Result<std::optional<std::string>> OptionalLine(std::string_view key, size_t max_chars);
  Result<std::optional<std::string>> OptionalText(std::string_view key, size_t max_chars);  // 0..max_chars
  // Absent or null gives nullptr.
  Result<const nlohmann::json*> OptionalArray(std::string_view key, size_t max_items = kUnbounded);

  // Marks `key` as read without reading it (for keys handled elsewhere).
  void Consume(std::string_view key);
  // Fails with kInvalidArgument naming the first key (alphabetically) that no accessor read;
  // the message lists the keys this object accepts.
  Status RejectUnknownKeys() const;

 private:
  JsonObject(const nlohmann::json* j, std::string path) : j_(j), path_(std::move(path)) {}
  const nlohmann::json* Get(std::string_view key);  // marks consumed; nullptr when absent
  const nlohmann::json* j_;
  std::string path_;
  std::set<std::string, std::less<>> consumed_;
};

// Path of element i of the array at `path`: "medications" + 2 -> "medications[2]".
std::string IndexPath(std::string_view path, size_t i);

// Reads a whole number from `j` at `path`; accepts 3 and 3.0 but not 3.5 or "3".
Result<int64_t> ReadInteger(const nlohmann::json& j, std::string_view path, int64_t min, int64_t max);
// Reads a number from `j` at `path`; rejects strings, booleans and non-finite values.
Result<double> ReadNumber(const nlohmann::json& j, std::string_view path, double min, double max);
// Reads a string from `j` at `path`.
Result<std::string> ReadString(const nlohmann::json& j, std::string_view path);
// Reads a one-line name (core/text.h CheckLine) from `j` at `path`.
Result<std::string> ReadLine(const nlohmann::json& j, std::string_view path, size_t max_chars);
// Fails with kInvalidArgument naming `path` when the array `j` holds more than `max_items`.
Status CheckArraySize(const nlohmann::json& j, std::string_view path, size_t max_items);

}  // namespace ldn

#endif  // LDN_CORE_JSON_READER_H_
