// Web Push reminders (issue 15, item 2b; docs/api.md "Push reminders").
//
//   GET    /api/v1/push/public-key                {"public_key"}: the VAPID key (applicationServerKey)
//   POST   P/push-subscriptions                    PushSubscription JSON -> 201 {"id", ...}
//   GET    P/push-subscriptions                    {"subscriptions": [...]}, newest first
//   DELETE P/push-subscriptions/{subscription_id}  stops one ("turned off")
//   POST   P/push-subscriptions/{subscription_id}/test  {} -> {"status", "delivered"}: a test message now
//
// The reminders themselves are sent by the server on its own (push_service.h, `ldn serve
// --push-check-seconds`). A subscription's endpoint is where the server will POST: only the
// browsers' push services over HTTPS, or an origin the operator allowed (ApiOptions).
#include <fmt/format.h>

#include "core/message.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/push_service.h"
#include "server/web_push.h"

namespace ldn::server {
namespace {

using store::Role;

// The push services of the browsers a patient may use (their endpoints' hosts, HTTPS only):
// Chrome, Edge and other Chromium browsers (Firebase Cloud Messaging), Firefox (Mozilla autopush),
// Safari (Apple Push Notification service for the web) and the Windows notification service.
// Sources: the endpoint each browser's PushSubscription gives (MDN "PushSubscription.endpoint";
// Apple, "Sending web push notifications in web apps and browsers", 2023; Microsoft, "Windows Push
// Notification Services overview"). A host matches itself or any subdomain of it.
constexpr std::string_view kPushServiceHosts[] = {"fcm.googleapis.com", "updates.push.services.mozilla.com",
                                                  "push.apple.com", "notify.windows.com"};

Status CheckEndpoint(const Api& api, std::string_view endpoint) {
  LDN_ASSIGN_OR_RETURN(std::string origin, webpush::EndpointOrigin(endpoint));
  for (const std::string& allowed : api.options().push_extra_origins) {
    if (origin == allowed) return Status::Ok();
  }
  if (origin.starts_with("https://")) {
    std::string host = origin.substr(8);
    if (auto colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) {
      host.resize(colon);
    }
    for (std::string_view h : kPushServiceHosts) {
      if (host == h || (host.size() > h.size() && host.ends_with(h) && host[host.size() - h.size() - 1] == '.')) {
        return Status::Ok();
      }
    }
  }
  return Status::InvalidArgument(
             "endpoint", fmt::format("{} is not a browser push service this server sends to (it sends to the push "
                                     "services of Chrome, Edge, Firefox and Safari over HTTPS)",
                                     origin))
      .WithText({N_("This browser's reminder service is not one ldn can send to. Reminders work in Chrome, Edge, "
                    "Firefox and Safari; the calendar link works everywhere.")});
}

nlohmann::json SubscriptionJson(const store::PushSubscription& s, bool with_endpoint) {
  auto origin = webpush::EndpointOrigin(s.endpoint);
  nlohmann::json j = {{"id", s.id},
                      {"service", origin.ok() ? origin->substr(origin->find("://") + 3) : std::string()},
                      {"created_at", InstantText(s.created_at)},
                      {"live", !s.revoked_at.has_value()},
                      {"revoked_at", s.revoked_at ? nlohmann::json(InstantText(*s.revoked_at)) : nlohmann::json()},
                      {"revoke_reason", s.revoke_reason.empty() ? nlohmann::json() : nlohmann::json(s.revoke_reason)}};
  // The endpoint lets the patient's own app recognise "this device"; the care team does not need it.
  if (with_endpoint) j["endpoint"] = s.endpoint;
  return j;
}

Status NoSuchDevice() {
  return Status::NotFound("no such device with reminders")
      .WithText({N_("That device has no reminders from ldn (they may have been turned off already).")});
}

Result<PushService*> Service(Api& api) {
  if (api.push() == nullptr) {
    return Status::Unavailable("reminders on this device are not available on this server (see its log)")
        .WithText({N_("Reminders on this device are not available on this server. The calendar link works "
                      "instead; tell your clinic.")});
  }
  return api.push();
}

Result<ApiReply> PublicKey(Api& api, RequestContext&) {
  LDN_ASSIGN_OR_RETURN(PushService * push, Service(api));
  return Reply({{"public_key", push->public_key()}});
}

Result<ApiReply> Subscribe(Api& api, RequestContext& ctx) {
  LDN_RETURN_IF_ERROR(Service(api).status());
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string endpoint, o.String("endpoint"));
  LDN_ASSIGN_OR_RETURN(JsonObject keys, o.Object("keys"));
  LDN_ASSIGN_OR_RETURN(std::string p256dh, keys.String("p256dh"));
  LDN_ASSIGN_OR_RETURN(std::string auth, keys.String("auth"));
  LDN_RETURN_IF_ERROR(keys.RejectUnknownKeys());
  // PushSubscription.toJSON() sends it (null, or when the browser will renew the subscription).
  LDN_ASSIGN_OR_RETURN(auto expires, o.OptionalNumber("expirationTime", 0, 1e16));
  (void)expires;
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_RETURN_IF_ERROR(CheckEndpoint(api, endpoint));
  LDN_RETURN_IF_ERROR(webpush::CheckSubscriptionKeys(p256dh, auth));
  // Stored in one spelling (base64url without padding) so that subscribing again is recognised.
  LDN_ASSIGN_OR_RETURN(auto p256dh_bytes, webpush::FromBase64Url(p256dh, "keys.p256dh"));
  LDN_ASSIGN_OR_RETURN(auto auth_bytes, webpush::FromBase64Url(auth, "keys.auth"));
  store::PushSubscription sub;
  sub.patient_id = ctx.patient();
  sub.endpoint = endpoint;
  sub.p256dh = webpush::Base64Url(p256dh_bytes);
  sub.auth = webpush::Base64Url(auth_bytes);
  sub.created_by = ctx.caller().user_id;
  sub.created_at = ctx.now;
  LDN_ASSIGN_OR_RETURN(store::PushSubscription saved, ctx.store().AddPushSubscription(sub));
  ctx.audit_detail = fmt::format("push subscription {}", saved.id);
  return Reply(SubscriptionJson(saved, true), 201);
}

Result<ApiReply> ListSubscriptions(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(std::vector<store::PushSubscription> subs, ctx.store().ListPushSubscriptions(ctx.patient()));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : subs) out.push_back(SubscriptionJson(s, ctx.caller().role == Role::kPatient));
  return Reply({{"subscriptions", std::move(out)}});
}

Result<ApiReply> Unsubscribe(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "subscription_id"));
  const Status s = ctx.store().RevokePushSubscription(ctx.patient(), id, ctx.now, "turned off");
  if (s.code() == Code::kNotFound) return NoSuchDevice();
  LDN_RETURN_IF_ERROR(s);
  ctx.audit_detail = fmt::format("push subscription {} turned off", id);
  return Reply({{"id", id}, {"live", false}});
}

// Runs on the worker pool and outside a transaction: it waits for a push service on the network.
Result<ApiReply> SendTest(Api& api, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(PushService * push, Service(api));
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "subscription_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_ASSIGN_OR_RETURN(std::vector<store::PushSubscription> subs, ctx.store().ListPushSubscriptions(ctx.patient()));
  const store::PushSubscription* sub = nullptr;
  for (const auto& s : subs) {
    if (s.id == id) sub = &s;
  }
  if (sub == nullptr) return NoSuchDevice();
  if (sub->revoked_at) {
    return Status::Conflict("reminders on that device are off: turn them on again first")
        .WithText({N_("Reminders on that device are off: turn them on again first.")});
  }
  LDN_ASSIGN_OR_RETURN(PushService::Sent sent, push->Send(*sub, TestReminder(InstantText(ctx.now)), ctx.now));
  ctx.audit_detail = fmt::format("test reminder to push subscription {}: {}", id, sent.status);
  const bool delivered = sent.status >= 200 && sent.status < 300;
  nlohmann::json body = {{"status", sent.status}, {"delivered", delivered}, {"gone", sent.gone}};
  if (!delivered) {
    body["message"] = sent.gone         ? "this device's browser no longer accepts reminders: turn them on again"
                      : sent.status < 0 ? "the browser's push service could not be reached: try again later"
                                        : "the browser's push service refused the reminder";
  }
  return Reply(body);
}

constexpr const char* kSubscriptionSchema =
    R"js({"type":"object","additionalProperties":false,"required":["endpoint","keys"],"properties":{
"endpoint":{"type":"string","maxLength":2048,"description":"the browser's push service URL (PushSubscription.endpoint)"},
"expirationTime":{"type":["number","null"]},
"keys":{"type":"object","additionalProperties":false,"required":["p256dh","auth"],"properties":{
"p256dh":{"type":"string","description":"base64url of the browser's P-256 public key (65 bytes)"},
"auth":{"type":"string","description":"base64url of the 16-byte authentication secret"}}}}})js";

}  // namespace

void AddPushRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::string p = "/api/v1/patients/{patient_id}";
  routes.Add({"GET",
              "/api/v1/push/public-key",
              Authenticated({Role::kPatient, Role::kClinician}),
              h(PublicKey),
              "The server's VAPID public key (RFC 8292), base64url: the applicationServerKey a browser subscribes "
              "with. 503 when push reminders are off on this server.",
              "",
              {}});
  routes.Add({"POST",
              p + "/push-subscriptions",
              PatientScoped({Role::kPatient}, "push_subscription.create"),
              h(Subscribe),
              "Turn on reminders on this device: the browser's PushSubscription JSON. Subscribing again with the same "
              "endpoint and keys returns the same subscription; another one at that endpoint is replaced.",
              kSubscriptionSchema,
              {}});
  routes.Add({"GET",
              p + "/push-subscriptions",
              PatientScoped({Role::kPatient, Role::kClinician}, "push_subscription.read"),
              h(ListSubscriptions),
              "The devices with reminders, live and stopped, newest first (the endpoint for the patient only).",
              "",
              {}});
  routes.Add({"DELETE",
              p + "/push-subscriptions/{subscription_id}",
              PatientScoped({Role::kPatient, Role::kClinician}, "push_subscription.revoke"),
              h(Unsubscribe),
              "Turn off reminders on one device.",
              "",
              {}});
  Access test = AuditApart(PatientScoped({Role::kPatient}, "push_subscription.test"));
  test.on_worker_pool = true;
  routes.Add({"POST",
              p + "/push-subscriptions/{subscription_id}/test",
              test,
              h(SendTest),
              "Send a test reminder to one device now; says whether its push service took it.",
              R"js({"type":"object","additionalProperties":false,"properties":{}})js",
              {}});
}

}  // namespace ldn::server
