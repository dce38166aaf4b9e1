// What each patient's diary asks (issue 15, item 1; docs/api.md "What each patient tracks").
//
//   GET P/diary-settings   {"version", "core", "tracked", "custom", "updated_at", "updated_by_role"}
//   PUT P/diary-settings   {"tracked", "custom"} (If-Match: "<version>") -> the same, version + 1
//
// The core items are data/diary_items.json's and are not part of the settings. The non-core items
// asked are chosen with the clinician: a patient may add, rename and retire their own items but not
// change `tracked` (403 naming it). The domain (analysis/diary_settings.h) checks the body and that
// no own item is removed or changes kind; the store keeps the JSON, versioned.
#include <fmt/format.h>

#include "analysis/diary_settings.h"
#include "core/message.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/diary_assembly.h"

namespace ldn::server {
namespace {

using store::Role;

nlohmann::json SettingsBody(const analysis::DiarySettings& s, int version,
                            const std::optional<store::Instant>& updated_at, const std::string& updated_by_role) {
  nlohmann::json core = nlohmann::json::array();
  for (analysis::Item item : analysis::kAllItems) {
    if (analysis::IsCoreItem(item)) core.push_back(std::string(analysis::ItemName(item)));
  }
  nlohmann::json body = nlohmann::json::parse(analysis::DiarySettingsToJson(s));
  body["version"] = version;
  body["core"] = std::move(core);
  body["updated_at"] = updated_at ? nlohmann::json(InstantText(*updated_at)) : nlohmann::json();
  body["updated_by_role"] = updated_by_role.empty() ? nlohmann::json() : nlohmann::json(updated_by_role);
  return body;
}

std::string RoleOf(store::Store& store, store::Id user_id) {
  auto u = store.GetUser(user_id);
  return u.ok() ? std::string(store::RoleName(u->role)) : std::string();
}

Result<ApiReply> GetSettings(Api&, RequestContext& ctx) {
  auto rec = ctx.store().GetDiarySettings(ctx.patient());
  if (!rec.ok() && rec.status().code() == Code::kNotFound) {
    return Reply(SettingsBody(analysis::DefaultDiarySettings(), 0, std::nullopt, ""));
  }
  LDN_RETURN_IF_ERROR(rec.status());
  LDN_ASSIGN_OR_RETURN(analysis::DiarySettings s, StoredDiarySettings(*rec));
  ApiReply reply = Reply(SettingsBody(s, rec->version, rec->updated_at, RoleOf(ctx.store(), rec->updated_by)));
  reply.headers.emplace_back("ETag", fmt::format("\"{}\"", rec->version));
  return reply;
}

Result<ApiReply> PutSettings(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(std::optional<int> expected, IfMatchVersion(ctx, "the settings' version"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject body, BodyObject(ctx, holder));  // the door's checks of a JSON body
  (void)body;
  LDN_ASSIGN_OR_RETURN(analysis::DiarySettings after, analysis::ParseDiarySettings(holder.dump()));
  LDN_ASSIGN_OR_RETURN(analysis::DiarySettings before, PatientDiarySettings(ctx.store(), ctx.patient()));
  if (ctx.caller().role == Role::kPatient && after.tracked != before.tracked) {
    return Status::PermissionDenied(
               "the diary's questions are chosen with your clinician: ask them to change which are asked")
        .WithFieldPrefix("tracked")
        .WithText({N_("The diary's questions are chosen with your clinician: ask them to change which are asked.")});
  }
  LDN_RETURN_IF_ERROR(analysis::CheckSettingsChange(before, after));
  store::DiarySettingsRecord rec;
  rec.patient_id = ctx.patient();
  rec.settings_json = analysis::DiarySettingsToJson(after);
  rec.updated_by = ctx.caller().user_id;
  rec.updated_at = ctx.now;
  auto saved = ctx.store().PutDiarySettings(rec, expected);
  if (!saved.ok() && saved.status().code() == Code::kConflict) {
    return Status::Conflict(
               "the diary settings were changed meanwhile (by the patient or their clinician): "
               "reload them and try again")
        .WithText({N_("Your diary settings were changed meanwhile (by you on another device, or by your "
                      "clinician). Open the page again and try once more.")});
  }
  LDN_RETURN_IF_ERROR(saved.status());
  ctx.audit_detail = fmt::format("diary settings version {}", saved->version);
  ApiReply reply =
      Reply(SettingsBody(after, saved->version, saved->updated_at, std::string(store::RoleName(ctx.caller().role))));
  reply.headers.emplace_back("ETag", fmt::format("\"{}\"", saved->version));
  return reply;
}

constexpr const char* kSettingsSchema =
    R"js({"type":"object","additionalProperties":false,"required":["tracked","custom"],"properties":{
"tracked":{"type":"array","items":{"type":"string"},"description":"the non-core items of GET /api/v1/diary-items asked in 'More about today' (chosen with the clinician; a patient sends it back unchanged)"},
"custom":{"type":"array","maxItems":20,"items":{"type":"object","additionalProperties":false,"required":["key","label","kind"],"properties":{
"key":{"type":"string","pattern":"^[a-z][a-z0-9_]{0,31}$"},"label":{"type":"string","minLength":1,"maxLength":60},
"kind":{"enum":["scale","yes_no","number"]},"unit":{"type":"string","maxLength":20},"retired":{"type":"boolean"}}}}}})js";

}  // namespace

void AddDiarySettingsRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::string p = "/api/v1/patients/{patient_id}";
  const std::set<Role> patient_or_clinician = {Role::kPatient, Role::kClinician};
  routes.Add({"GET",
              p + "/diary-settings",
              PatientScoped(patient_or_clinician, "diary_settings.read"),
              h(GetSettings),
              "What the patient's diary asks: the core items, the other items chosen with the clinician, and the "
              "patient's own items (version 0 = never saved: the defaults).",
              "",
              {}});
  routes.Add({"PUT",
              p + "/diary-settings",
              PatientScoped(patient_or_clinician, "diary_settings.write"),
              h(PutSettings),
              "Save what the patient's diary asks (If-Match: \"<version>\"): a patient may change only their own "
              "items; an own item is retired, never removed, and keeps its kind.",
              kSettingsSchema,
              {}});
}

}  // namespace ldn::server
