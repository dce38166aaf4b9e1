// The strict JSON reader (core/json_reader.h): ParseJson on any bytes, then every accessor of
// JsonObject on what it accepts. Properties: an error is kInvalidArgument with a message; what is
// accepted is what nlohmann's own parser reads from the same text, and its dump parses back to
// the same value; accessors never throw; after every key has been read nothing is unknown.
#include <nlohmann/json.hpp>

#include "core/json_reader.h"
#include "fuzz_support.h"

namespace {

using ldn::JsonObject;

void Walk(const nlohmann::json& j, const std::string& path, int depth) {
  if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) Walk(j[i], ldn::IndexPath(path, i), depth + 1);
    return;
  }
  if (!j.is_object()) return;
  auto o = JsonObject::Of(j, path);
  LDN_FUZZ_CHECK(o.ok(), o.status().ToString());
  for (const auto& [key, value] : j.items()) {
    // Each accessor either reads the value or says why not; none may throw.
    (void)o->String(key);
    (void)o->Bool(key);
    (void)o->Integer(key, -1000, 1000);
    (void)o->Number(key, -1e6, 1e6);
    (void)o->Date(key);
    (void)o->Line(key, 200);
    (void)o->Text(key, 1, 2000);
    (void)o->Array(key, 3);
    (void)o->OptionalString(key);
    (void)o->OptionalBool(key);
    (void)o->OptionalInteger(key, 0, 10);
    (void)o->OptionalNumber(key, 0, 10);
    (void)o->OptionalDate(key);
    (void)o->OptionalLine(key, 20);
    (void)o->OptionalText(key, 20);
    (void)o->OptionalArray(key, 2);
    auto inner = o->Object(key);
    if (inner.ok()) Walk(value, o->PathOf(key), depth + 1);
  }
  const ldn::Status rest = o->RejectUnknownKeys();
  LDN_FUZZ_CHECK(rest.ok(), "every key was read, yet: " + rest.ToString());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text = ldn::fuzz::AsText(data, size);
  auto parsed = ldn::ParseJson(text);
  if (!parsed.ok()) {
    ldn::fuzz::CheckInputError(parsed.status(), "ParseJson");
    return 0;
  }
  const nlohmann::json dom = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  LDN_FUZZ_CHECK(!dom.is_discarded(), "ParseJson accepted what nlohmann's parser refuses");
  LDN_FUZZ_CHECK(dom == *parsed, "ParseJson read another value than nlohmann's parser");
  const std::string dumped = parsed->dump();
  auto again = ldn::ParseJson(dumped);
  LDN_FUZZ_CHECK(again.ok() && *again == *parsed, "the dump does not parse back: " + dumped.substr(0, 200));
  Walk(*parsed, "", 0);
  return 0;
}
