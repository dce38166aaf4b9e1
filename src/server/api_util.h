// Helpers shared by the API handler files (api_*.cpp): reading path parameters and bodies, and
// turning stored rows into the JSON the API returns. Internal to the server layer.
#ifndef LDN_SERVER_API_UTIL_H_
#define LDN_SERVER_API_UTIL_H_

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/json_reader.h"
#include "core/result.h"
#include "server/api.h"
#include "server/router.h"
#include "store/store.h"

namespace ldn::server {

// A positive decimal id (1..2^63-1, digits only). kInvalidArgument naming `field` otherwise.
Result<store::Id> ParseId(std::string_view text, std::string_view field);

// The path parameter `name` of ctx as an id (kInvalidArgument naming it when malformed).
Result<store::Id> PathId(const RequestContext& ctx, const std::string& name);
// The path parameter `name` as a YYYY-MM-DD date.
Result<LocalDate> PathDate(const RequestContext& ctx, const std::string& name);
// The optional query parameter `name` as a date.
Result<std::optional<LocalDate>> QueryDate(const RequestContext& ctx, const std::string& name);

// The request body as a JSON object reader. `holder` keeps the parsed document alive. Fails with
// kInvalidArgument (field "body") when the body is not a JSON object.
Result<JsonObject> BodyObject(const RequestContext& ctx, nlohmann::json& holder);

// An optional id in a body (a positive whole number), or nullopt when absent or null.
Result<std::optional<store::Id>> OptionalId(JsonObject& o, std::string_view key);

// If-Match: "3" or 3, the version the client last read (0 = never saved); nullopt when absent.
// kInvalidArgument naming If-Match otherwise, saying it must be `noun`'s number (e.g. "the entry's
// revision").
Result<std::optional<int>> IfMatchVersion(const RequestContext& ctx, std::string_view noun);

// The server's origin as the client reached it: https behind TLS (secure cookies), else http, and
// the Host header when it is a plain host[:port] (a link made from it goes only to the caller who
// asked).
std::string RequestOrigin(const Api& api, const RequestContext& ctx);

// A reply with `body` and status.
ApiReply Reply(nlohmann::json body, int status = 200);

// JSON text that the server itself stored, as a value (null if it is somehow not JSON).
nlohmann::json StoredJson(const std::string& text);

// UTC instant text.
std::string InstantText(store::Instant t);

// The patient's local calendar date at `now` (UTC when the stored zone is unknown).
LocalDate PatientToday(const store::Patient& patient, store::Instant now);

// Ok when `date` is not after `today` (the patient's: PatientToday); else kInvalidArgument naming
// `field` ("is in the future (in the patient's time zone)"), with the words the app shows the
// patient in their language (Status::text).
Status CheckNotFuture(LocalDate date, LocalDate today, std::string_view field);

// Reads an optional client-generated id: 1-64 characters of [A-Za-z0-9._:-].
Result<std::optional<std::string>> OptionalClientId(JsonObject& o, std::string_view key);

// JSON of stored rows (docs/api.md lists the fields).
nlohmann::json ToJson(const store::User& u);
nlohmann::json ToJson(const store::Patient& p);
nlohmann::json ToJson(const store::CareTeam& t);
nlohmann::json ToJson(const store::Medication& m);
nlohmann::json ToJson(const store::Condition& c);
nlohmann::json ToJson(const store::Screening& s);
nlohmann::json ToJson(const store::Course& c);
nlohmann::json ToJson(const store::PlanAdjustment& a);
nlohmann::json ToJson(const store::Prescription& p);
nlohmann::json ToJson(const store::DoseLogEntry& d);
nlohmann::json ToJson(const store::DiaryEntry& e);
nlohmann::json ToJson(const store::InstrumentResponse& r);
nlohmann::json ToJson(const store::AdverseEvent& e);
nlohmann::json ToJson(const store::AuditEvent& e);

// JSON array of ToJson of every element.
template <typename T>
nlohmann::json ToJsonArray(const std::vector<T>& rows) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& r : rows) a.push_back(ToJson(r));
  return a;
}

// Access descriptors, for the route tables.
Access Public();
Access Authenticated(std::set<store::Role> roles, std::string audit_action = "");
Access PatientScoped(std::set<store::Role> roles, std::string audit_action);
// `access` with audit_apart set: for a handler that hashes a password (Argon2id would hold the
// database's writer) or that stores nothing.
Access AuditApart(Access access);

}  // namespace ldn::server

#endif  // LDN_SERVER_API_UTIL_H_
