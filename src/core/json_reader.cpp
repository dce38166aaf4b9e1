#include "core/json_reader.h"

#include <cmath>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "core/text.h"

namespace ldn {

namespace {

using json = nlohmann::json;

// Builds the document like nlohmann's own DOM parser, and refuses a key repeated within one
// object and nesting deeper than kMaxJsonDepth. The first problem is kept and parsing stops.
class StrictSax {
 public:
  explicit StrictSax(json& root) : root_(root) {}

  bool null() { return Add(json(nullptr)); }
  bool boolean(bool v) { return Add(json(v)); }
  bool number_integer(json::number_integer_t v) { return Add(json(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return Add(json(v)); }
  bool number_float(json::number_float_t v, const json::string_t&) { return Add(json(v)); }
  bool string(json::string_t& v) { return Add(json(std::move(v))); }
  bool binary(json::binary_t& v) { return Add(json::binary(std::move(v))); }

  bool start_object(std::size_t) { return Open(json::object()); }
  bool start_array(std::size_t) { return Open(json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(json::string_t& k) {
    json& object = *stack_.back().value;
    if (object.contains(k)) {
      error_ = Status::InvalidArgument(PathTo(k), fmt::format("the key \"{}\" appears more than once in this object", k));
      return false;
    }
    stack_.back().key = k;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    std::string_view what = e.what();
    const size_t colon = what.find(": ");
    if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
    if (e.id == 406) {  // out_of_range: a number beyond a double
      error_ = Status::InvalidArgument("", fmt::format("a number is too large (byte {})", position));
    } else {
      error_ = Status::InvalidArgument("", fmt::format("the input is not valid JSON (byte {}): {}", position, what));
    }
    return false;
  }

  const std::optional<Status>& error() const { return error_; }

 private:
  struct Level {
    json* value;
    std::string key;  // objects: the key of the value being read
  };

  // Places `v` where the parser is: the root, the next array element or the current key's value.
  json* Place(json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    json& parent = *stack_.back().value;
    if (parent.is_array()) {
      parent.push_back(std::move(v));
      return &parent.back();
    }
    json& slot = parent[stack_.back().key];
    slot = std::move(v);
    return &slot;
  }

  bool Add(json&& v) {
    Place(std::move(v));
    return true;
  }

  bool Open(json&& container) {
    if (stack_.size() >= kMaxJsonDepth) {
      error_ = Status::InvalidArgument("", fmt::format("the input nests arrays and objects deeper than {} levels",
                                                       kMaxJsonDepth));
      return false;
    }
    json* placed = Place(std::move(container));
    stack_.push_back({placed, ""});
    return true;
  }

  bool Close() {
    stack_.pop_back();
    return true;
  }

  // The path of `key` in the object at the top of the stack: "entries[2].items.note".
  std::string PathTo(const std::string& key) const {
    std::string path;
    for (size_t i = 0; i + 1 < stack_.size(); ++i) {
      const json& v = *stack_[i].value;
      if (v.is_array()) {
        path += fmt::format("[{}]", v.size() - 1);
      } else {
        path += (path.empty() ? "" : ".") + stack_[i].key;
      }
    }
    return path + (path.empty() ? "" : ".") + key;
  }

  json& root_;
  std::vector<Level> stack_;
  std::optional<Status> error_;
};

}  // namespace

Result<nlohmann::json> ParseJson(std::string_view text) {
  bool blank = true;
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
      blank = false;
      break;
    }
  }
  if (blank) return Status::InvalidArgument("", "the input is empty; expected a JSON document");
  json root;
  StrictSax sax(root);
  // With a SAX handler nlohmann reports errors through parse_error() instead of throwing; the
  // catch is for anything else it might throw (bad_alloc aside), at the library boundary.
  try {
    const bool ok = json::sax_parse(text.begin(), text.end(), &sax, json::input_format_t::json, /*strict=*/true);
    if (!ok || sax.error()) {
      if (sax.error()) return *sax.error();
      return Status::InvalidArgument("", "the input is not valid JSON");
    }
  } catch (const json::exception& e) {
    return Status::InvalidArgument("", fmt::format("the input is not valid JSON: {}", e.what()));
  }
  return root;
}

std::string JsonTypeName(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: return "a number";
    default: return "an unsupported value";
  }
}

namespace {
// 10 -> "10", 0.5 -> "0.5": ranges in messages without trailing zeros.
std::string FormatRange(double v) {
  std::string s = fmt::format("{:.6f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}
}  // namespace

std::string IndexPath(std::string_view path, size_t i) {
  return fmt::format("{}[{}]", path, i);
}

Result<int64_t> ReadInteger(const nlohmann::json& j, std::string_view path, int64_t min, int64_t max) {
  if (!j.is_number()) {
    return Status::InvalidArgument(std::string(path), fmt::format("expected a whole number, got {}", JsonTypeName(j)));
  }
  const double d = j.get<double>();
  if (!std::isfinite(d) || std::floor(d) != d) {
    return Status::InvalidArgument(std::string(path), fmt::format("expected a whole number, got {}", j.dump()));
  }
  if (d < static_cast<double>(min) || d > static_cast<double>(max)) {
    return Status::InvalidArgument(std::string(path),
                                   fmt::format("{} is out of range (allowed {} to {})", j.dump(), min, max));
  }
  return static_cast<int64_t>(d);
}

Result<double> ReadNumber(const nlohmann::json& j, std::string_view path, double min, double max) {
  if (!j.is_number()) {
    return Status::InvalidArgument(std::string(path), fmt::format("expected a number, got {}", JsonTypeName(j)));
  }
  const double d = j.get<double>();
  if (!std::isfinite(d)) return Status::InvalidArgument(std::string(path), "expected a finite number");
  if (d < min || d > max) {
    return Status::InvalidArgument(std::string(path), fmt::format("{} is out of range (allowed {} to {})", j.dump(),
                                                                  FormatRange(min), FormatRange(max)));
  }
  return d;
}

Result<std::string> ReadString(const nlohmann::json& j, std::string_view path) {
  if (!j.is_string()) {
    return Status::InvalidArgument(std::string(path), fmt::format("expected a string, got {}", JsonTypeName(j)));
  }
  return j.get<std::string>();
}

Result<std::string> ReadLine(const nlohmann::json& j, std::string_view path, size_t max_chars) {
  LDN_ASSIGN_OR_RETURN(std::string s, ReadString(j, path));
  LDN_RETURN_IF_ERROR(CheckLine(s, path, max_chars));
  return s;
}

Status CheckArraySize(const nlohmann::json& j, std::string_view path, size_t max_items) {
  if (j.is_array() && j.size() > max_items) {
    return Status::InvalidArgument(std::string(path),
                                   fmt::format("holds {} items; at most {} are allowed", j.size(), max_items));
  }
  return Status::Ok();
}

Result<JsonObject> JsonObject::Of(const nlohmann::json& j, std::string path) {
  if (!j.is_object()) {
    return Status::InvalidArgument(path.empty() ? "input" : path,
                                   fmt::format("expected a JSON object, got {}", JsonTypeName(j)));
  }
  return JsonObject(&j, std::move(path));
}

std::string JsonObject::PathOf(std::string_view key) const {
  if (path_.empty()) return std::string(key);
  return fmt::format("{}.{}", path_, key);
}

bool JsonObject::Has(std::string_view key) const {
  return j_->contains(key);
}

bool JsonObject::HasNonNull(std::string_view key) const {
  auto it = j_->find(key);
  return it != j_->end() && !it->is_null();
}

const nlohmann::json* JsonObject::Get(std::string_view key) {
  consumed_.emplace(key);
  auto it = j_->find(key);
  if (it == j_->end()) return nullptr;
  return &*it;
}

void JsonObject::Consume(std::string_view key) {
  consumed_.emplace(key);
}

namespace {
Status Missing(const std::string& path) {
  return Status::InvalidArgument(path, "is required");
}
}  // namespace

Result<std::string> JsonObject::String(std::string_view key) {
  const auto* v = Get(key);
  if (v == nullptr || v->is_null()) return Missing(PathOf(key));
  return ReadString(*v, PathOf(key));
}

Result<bool> JsonObject::Bool(std::string_view key) {
  const auto* v = Get(key);
  if (v == nullptr || v->is_null()) return Missing(PathOf(key));
  if (!v->is_boolean()) {
    return Status::InvalidArgument(PathOf(key), fmt::format("expected true or false, got {}", JsonTypeName(*v)));
  }
  return v->get<bool>();
}

Result<int64_t> JsonObject::Integer(std::string_view key, int64_t min, int64_t max) {
  const auto* v = Get(key);
  if (v == nullptr || v->is_null()) return Missing(PathOf(key));
  return ReadInteger(*v, PathOf(key), min, max);
}

Result<double> JsonObject::Number(std::string_view key, double min, double max) {
  const auto* v = Get(key);
  if (v == nullptr || v->is_null()) return Missing(PathOf(key));
  return ReadNumber(*v, PathOf(key), min, max);
}

Result<LocalDate> JsonObject::Date(std::string_view key) {
  LDN_ASSIGN_OR_RETURN(std::string s, String(key));
  return ParseDate(s, PathOf(key));
}

Result<JsonObject> JsonObject::Object(std::string_view key) {
  const auto* v = Get(key);
  if (v == nullptr || v->is_null()) return Missing(PathOf(key));
  return JsonObject::Of(*v, PathOf(key));
}

Result<const nlohmann::json*> JsonObject::Array(std::string_view key, size_t max_items) {
  const auto* v = Get(key);
  if (v == nullptr || v->is_null()) return Missing(PathOf(key));
  if (!v->is_array()) {
    return Status::InvalidArgument(PathOf(key), fmt::format("expected an array, got {}", JsonTypeName(*v)));
  }
  LDN_RETURN_IF_ERROR(CheckArraySize(*v, PathOf(key), max_items));
  return v;
}

Result<std::string> JsonObject::Line(std::string_view key, size_t max_chars) {
  LDN_ASSIGN_OR_RETURN(std::string s, String(key));
  LDN_RETURN_IF_ERROR(CheckLine(s, PathOf(key), max_chars));
  return s;
}

Result<std::string> JsonObject::Text(std::string_view key, size_t min_chars, size_t max_chars) {
  LDN_ASSIGN_OR_RETURN(std::string s, String(key));
  LDN_RETURN_IF_ERROR(CheckText(s, PathOf(key), min_chars, max_chars));
  return s;
}

Result<std::optional<std::string>> JsonObject::OptionalLine(std::string_view key, size_t max_chars) {
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> s, OptionalString(key));
  if (s) LDN_RETURN_IF_ERROR(CheckLine(*s, PathOf(key), max_chars));
  return s;
}

Result<std::optional<std::string>> JsonObject::OptionalText(std::string_view key, size_t max_chars) {
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> s, OptionalString(key));
  if (s) LDN_RETURN_IF_ERROR(CheckText(*s, PathOf(key), 0, max_chars));
  return s;
}

Result<std::optional<std::string>> JsonObject::OptionalString(std::string_view key) {
  const auto* v = Get(key);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  LDN_ASSIGN_OR_RETURN(std::string s, ReadString(*v, PathOf(key)));
  return std::optional<std::string>(std::move(s));
}

Result<std::optional<bool>> JsonObject::OptionalBool(std::string_view key) {
  if (!HasNonNull(key)) {
    Consume(key);
    return std::optional<bool>();
  }
  LDN_ASSIGN_OR_RETURN(bool b, Bool(key));
  return std::optional<bool>(b);
}

Result<std::optional<int64_t>> JsonObject::OptionalInteger(std::string_view key, int64_t min, int64_t max) {
  const auto* v = Get(key);
  if (v == nullptr || v->is_null()) return std::optional<int64_t>();
  LDN_ASSIGN_OR_RETURN(int64_t i, ReadInteger(*v, PathOf(key), min, max));
  return std::optional<int64_t>(i);
}

Result<std::optional<double>> JsonObject::OptionalNumber(std::string_view key, double min, double max) {
  const auto* v = Get(key);
  if (v == nullptr || v->is_null()) return std::optional<double>();
  LDN_ASSIGN_OR_RETURN(double d, ReadNumber(*v, PathOf(key), min, max));
  return std::optional<double>(d);
}

Result<std::optional<LocalDate>> JsonObject::OptionalDate(std::string_view key) {
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> s, OptionalString(key));
  if (!s) return std::optional<LocalDate>();
  LDN_ASSIGN_OR_RETURN(LocalDate d, ParseDate(*s, PathOf(key)));
  return std::optional<LocalDate>(d);
}

Result<const nlohmann::json*> JsonObject::OptionalArray(std::string_view key, size_t max_items) {
  const auto* v = Get(key);
  if (v == nullptr || v->is_null()) return static_cast<const nlohmann::json*>(nullptr);
  if (!v->is_array()) {
    return Status::InvalidArgument(PathOf(key), fmt::format("expected an array, got {}", JsonTypeName(*v)));
  }
  LDN_RETURN_IF_ERROR(CheckArraySize(*v, PathOf(key), max_items));
  return v;
}

Status JsonObject::RejectUnknownKeys() const {
  for (const auto& [key, value] : j_->items()) {
    if (consumed_.find(key) != consumed_.end()) continue;
    std::string known;
    for (const auto& k : consumed_) known += (known.empty() ? "" : ", ") + k;
    return Status::InvalidArgument(PathOf(key), fmt::format("unknown field (this object accepts: {})", known));
  }
  return Status::Ok();
}

}  // namespace ldn
