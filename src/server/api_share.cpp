// A patient's time-limited, read-only links to their visit report, for an appointment elsewhere
// (issue 15 item 4; docs/api.md "Share links").
//
//   POST   P/share-links             {"days"} -> 201 {"id", "url", "path", "created_at", "expires_at"}
//   GET    P/share-links             {"links": [{"id", "created_at", "expires_at", "revoked_at", "live", ...}]}
//   DELETE P/share-links/{link_id}   stops the link at once
//   GET    /api/v1/shared/{token}.pdf   the visit report, with no other credential, while the link lives
//
// Only the patient makes a link (it is their record to show); they and their clinicians list and
// stop them. The token is shown once and only its SHA-256 is stored. Every read through a link is
// audited against the patient with the object "share link <id>" (never the token).
#include <fmt/format.h>

#include "core/message.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/auth.h"
#include "server/visit_report.h"

namespace ldn::server {
namespace {

using store::Role;

constexpr std::string_view kSharedPrefix = "/api/v1/shared/";
constexpr int64_t kDefaultDays = 7;
constexpr int64_t kMaxDays = 30;  // a link for one appointment, not a standing door into the record

nlohmann::json LinkJson(store::Store& store, const store::ShareLink& l, store::Instant now) {
  std::string role;
  if (auto u = store.GetUser(l.created_by); u.ok()) role = std::string(store::RoleName(u->role));
  return {{"id", l.id},
          {"created_at", InstantText(l.created_at)},
          {"expires_at", InstantText(l.expires_at)},
          {"revoked_at", l.revoked_at ? nlohmann::json(InstantText(*l.revoked_at)) : nlohmann::json()},
          {"live", l.LiveAt(now)},
          {"created_by_role", role.empty() ? nlohmann::json() : nlohmann::json(role)}};
}

Result<ApiReply> CreateLink(Api& api, RequestContext& ctx) {
  int64_t days = kDefaultDays;
  std::string language = "en";
  if (!ctx.request.body.empty()) {
    nlohmann::json holder;
    LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
    LDN_ASSIGN_OR_RETURN(std::optional<int64_t> d, o.OptionalInteger("days", 1, kMaxDays));
    if (d) days = *d;
    LDN_ASSIGN_OR_RETURN(std::optional<std::string> l, o.OptionalString("language"));
    LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
    if (l && !Catalogs::Known(*l)) {
      return Status::InvalidArgument("language", fmt::format("'{}' is not a language of ldn (en, da, nb)", *l));
    }
    if (l) language = *l;
  }
  // The report must exist before a link to it is handed out: no course yet, or too few days for
  // an analysis, is said to the patient now (409, in words), not to the doctor later.
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  auto report = VisitReportPdf(ctx.store(), patient, std::nullopt, report::Paper::kA4, ctx.now);
  if (!report.ok()) {
    if (report.status().code() != Code::kConflict) return report.status();
    const Status& why = report.status();
    return Status::Conflict("there is no report to share yet: " + why.message())
        .WithText({N_("There is no report to share yet. {why}"),
                   {{"why", why.text() != nullptr ? Nested(*why.text()) : nlohmann::json(why.message())}}});
  }
  const std::string token = NewToken();
  store::ShareLink l;
  l.patient_id = ctx.patient();
  l.token_hash = TokenHash(token);
  l.created_by = ctx.caller().user_id;
  l.created_at = ctx.now;
  l.expires_at = ctx.now + std::chrono::hours(24 * days);
  LDN_ASSIGN_OR_RETURN(store::ShareLink made, ctx.store().CreateShareLink(l));
  ctx.audit_detail = fmt::format("share link {} for {} days", made.id, days);
  // The report opens in the language the link was made in (the app's): the link says it.
  const std::string path =
      fmt::format("{}{}.pdf{}", kSharedPrefix, token, language == "en" ? std::string() : "?lang=" + language);
  nlohmann::json body = LinkJson(ctx.store(), made, ctx.now);
  body["path"] = path;
  body["url"] = RequestOrigin(api, ctx) + path;
  return Reply(body, 201);
}

Result<ApiReply> ListLinks(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(std::vector<store::ShareLink> links, ctx.store().ListShareLinks(ctx.patient()));
  nlohmann::json out = nlohmann::json::array();
  for (const store::ShareLink& l : links) out.push_back(LinkJson(ctx.store(), l, ctx.now));
  return Reply({{"links", std::move(out)}});
}

Result<ApiReply> RevokeLink(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, ParseId(ctx.params.at("link_id"), "link_id"));
  const Status s = ctx.store().RevokeShareLink(ctx.patient(), id, ctx.now);
  if (s.code() == Code::kNotFound) {
    return Status::NotFound("no such share link").WithText({N_("This link is not one of yours, or it is gone.")});
  }
  if (s.code() == Code::kConflict) {
    return Status::Conflict("this link was already stopped").WithText({N_("This link was already stopped.")});
  }
  LDN_RETURN_IF_ERROR(s);
  ctx.audit_detail = fmt::format("share link {} stopped", id);
  return Reply({{"revoked", true}});
}

Result<ApiReply> SharedReport(Api& api, RequestContext& ctx) {
  std::string token = ctx.params.at("token");
  if (token.size() > 4 && token.ends_with(".pdf")) token.resize(token.size() - 4);
  auto found = ctx.store().FindShareLink(TokenHash(token));
  // Unknown, expired and stopped links answer alike: the link says nothing about what it was.
  const Status gone = Status::NotFound("no such link: it may have expired or been stopped by the patient");
  if (!found.ok() && found.status().code() == Code::kNotFound) return gone;
  LDN_RETURN_IF_ERROR(found.status());
  ctx.audit_patient_id = found->patient_id;
  if (!found->LiveAt(ctx.now)) {
    ctx.audit_detail = fmt::format("share link {} no longer live", found->id);
    return gone;
  }
  report::Scope scope = report::Scope::kFull;
  if (auto it = ctx.query.find("scope"); it != ctx.query.end()) {
    LDN_ASSIGN_OR_RETURN(scope, report::ParseScope(it->second, "scope"));
  }
  LDN_ASSIGN_OR_RETURN(report::ReportLocale locale, ReportLocaleFromQuery(api.catalogs(), ctx));
  ctx.audit_detail =
      fmt::format("share link {}{}{}", found->id, scope == report::Scope::kSummary ? ", one-page summary" : "",
                  locale.language == "en" ? "" : ", in " + locale.language);
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(found->patient_id));
  LDN_ASSIGN_OR_RETURN(ApiReply reply,
                       VisitReportPdf(ctx.store(), patient, std::nullopt, report::Paper::kA4, ctx.now, scope, locale));
  reply.headers.push_back({"X-Robots-Tag", "noindex"});
  return reply;
}

}  // namespace

void AddShareRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::string p = "/api/v1/patients/{patient_id}";
  routes.Add(
      {"POST",
       p + "/share-links",
       PatientScoped({Role::kPatient}, "share_link.create"),
       h(CreateLink),
       "A read-only link to the patient's visit report for 1-30 days (default 7), its texts in `language` (en, the "
       "default; da; nb); the link is shown once.",
       R"js({"type":"object","additionalProperties":false,"properties":{"days":{"type":"integer","minimum":1,"maximum":30},"language":{"type":"string","enum":["en","da","nb"]}}})js",
       {}});
  routes.Add({"GET",
              p + "/share-links",
              PatientScoped({Role::kPatient, Role::kClinician}, "share_link.read"),
              h(ListLinks),
              "The patient's share links, newest first: when made, until when, whether stopped (never the link).",
              "",
              {}});
  routes.Add({"DELETE",
              p + "/share-links/{link_id}",
              PatientScoped({Role::kPatient, Role::kClinician}, "share_link.revoke"),
              h(RevokeLink),
              "Stop a share link at once.",
              "",
              {}});
  Access shared = Public();
  shared.audit_action = "share.read";
  shared.audit_object = "visit report (share link)";
  routes.Add({"GET",
              std::string(kSharedPrefix) + "{token}",
              shared,
              h(SharedReport),
              "The visit report through a patient's share link (no other credential), while the link lives "
              "(scope: full, the default, or summary, one page; lang: en, the default, da or nb).",
              "",
              {"scope", "lang"}});
}

}  // namespace ldn::server
