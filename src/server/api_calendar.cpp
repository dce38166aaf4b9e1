// The patient's calendar subscription (issue 15 item 2a; docs/api.md "Calendar", docs/web.md
// "Reminders in the phone's calendar").
//
//   POST   P/calendar-token   {"language"?} a new secret link (replacing the one before) -> 201 {"url",
//                             "webcal_url", "path", "created_at"}; the token is shown this once; with a
//                             language other than English the link ends in ?lang=<code> and the
//                             feed's texts are in that language
//   GET    P/calendar-token   whether a link exists {"exists", "created_at", "created_by_role"}
//   DELETE P/calendar-token   revokes it (the feed then answers 404); 404 when there is none
//   GET    /api/v1/calendar/{token}.ics[?lang=da|nb|en]   the feed (text/calendar), with no other
//                             credential
//
// The patient and their clinicians may make and revoke the link (a clinician helps at the visit).
// Only the token's SHA-256 is stored. Every read of the feed is audited against the patient, with
// the object "calendar feed" (never the token, which is in the path).
#include <fmt/format.h>

#include "core/message.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/auth.h"
#include "server/calendar_feed.h"
#include "server/course_plans.h"
#include "server/inbox.h"
#include "server/trials.h"

namespace ldn::server {
namespace {

using store::CourseStatus;
using store::Role;

constexpr std::string_view kFeedPrefix = "/api/v1/calendar/";

Result<ApiReply> CreateCalendarToken(Api& api, RequestContext& ctx) {
  std::string language = "en";
  if (!ctx.request.body.empty()) {
    nlohmann::json holder;
    LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
    LDN_ASSIGN_OR_RETURN(std::optional<std::string> l, o.OptionalString("language"));
    LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
    if (l && !Catalogs::Known(*l)) {
      return Status::InvalidArgument("language", fmt::format("'{}' is not a language of ldn (en, da, nb)", *l));
    }
    if (l) language = *l;
  }
  const std::string token = NewToken();
  store::CalendarToken t;
  t.patient_id = ctx.patient();
  t.token_hash = TokenHash(token);
  t.created_by = ctx.caller().user_id;
  t.created_at = ctx.now;
  LDN_RETURN_IF_ERROR(ctx.store().PutCalendarToken(t));
  const std::string path =
      fmt::format("{}{}.ics{}", kFeedPrefix, token, language == "en" ? std::string() : "?lang=" + language);
  const std::string origin = RequestOrigin(api, ctx);
  // webcal:// asks the phone to subscribe (Apple, Google via the browser); it is fetched over
  // https or http as the server is served.
  const std::string webcal = "webcal" + origin.substr(origin.find("://")) + path;
  return Reply({{"url", origin + path}, {"webcal_url", webcal}, {"path", path}, {"created_at", InstantText(ctx.now)}},
               201);
}

Result<ApiReply> GetCalendarToken(Api&, RequestContext& ctx) {
  auto t = ctx.store().GetCalendarTokenOfPatient(ctx.patient());
  if (!t.ok() && t.status().code() != Code::kNotFound) return t.status();
  if (!t.ok()) return Reply({{"exists", false}, {"created_at", nullptr}, {"created_by_role", nullptr}});
  std::string role;
  if (auto u = ctx.store().GetUser(t->created_by); u.ok()) role = std::string(store::RoleName(u->role));
  return Reply({{"exists", true},
                {"created_at", InstantText(t->created_at)},
                {"created_by_role", role.empty() ? nlohmann::json() : nlohmann::json(role)}});
}

Result<ApiReply> DeleteCalendarToken(Api&, RequestContext& ctx) {
  const Status s = ctx.store().DeleteCalendarToken(ctx.patient());
  if (s.code() == Code::kNotFound) {
    return Status::NotFound("there is no calendar link to stop")
        .WithText({N_("There is no calendar link to stop (it may have been stopped already).")});
  }
  LDN_RETURN_IF_ERROR(s);
  return Reply({{"revoked", true}});
}

// The newest course that reminds: active (with its dose steps), else paused (diary only), else the
// newest planned one (steps from its first dose on).
Result<ApiReply> CalendarFeedOf(Api& api, RequestContext& ctx) {
  std::string token = ctx.params.at("token");
  if (token.size() > 4 && token.ends_with(".ics")) token.resize(token.size() - 4);
  auto found = ctx.store().FindCalendarToken(TokenHash(token));
  if (!found.ok() && found.status().code() == Code::kNotFound) {
    return Status::NotFound("no such calendar link (it may have been stopped)");
  }
  LDN_RETURN_IF_ERROR(found.status());
  ctx.audit_patient_id = found->patient_id;
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(found->patient_id));
  LDN_ASSIGN_OR_RETURN(std::vector<store::Course> courses, ctx.store().ListCourses(patient.id));

  CalendarFeedInput in;
  in.catalogs = &api.catalogs();
  if (auto l = ctx.query.find("lang"); l != ctx.query.end()) {
    if (!Catalogs::Known(l->second)) {
      return Status::InvalidArgument("lang", fmt::format("'{}' is not a language of ldn (en, da, nb)", l->second));
    }
    in.language = l->second;
  }
  in.now = std::chrono::time_point_cast<std::chrono::seconds>(ctx.now);
  std::string host = RequestOrigin(api, ctx);
  host = host.substr(host.find("://") + 3);
  in.uid_prefix = fmt::format("p{}.{}", patient.id, host);
  const std::optional<store::Course> course = RemindingCourse(courses);
  if (course) {
    in.course_id = course->id;
    const LocalDate created = PatientToday(patient, course->recorded_at);
    in.diary_from = created;
    if (course->status != CourseStatus::kPaused) {
      auto steps = PlanSteps(*course);
      if (steps.ok()) {
        for (const auto& s : *steps) {
          if (s.dose.micrograms_hcl() <= 0) continue;  // a stop step reminds of nothing
          in.steps.push_back({s.start, s.end, s.dose.micrograms_hcl(), s.time});
        }
        if (!steps->empty() && steps->back().end) in.diary_to = *steps->back().end;
      }
    }
  }
  // The questionnaires: today for one that is due, else the day the next one falls due.
  const LocalDate today = PatientToday(patient, ctx.now);
  LDN_ASSIGN_OR_RETURN(nlohmann::json schedule, QuestionnaireScheduleJson(ctx.store(), patient, ctx.now));
  const int interval = schedule.value("interval_days", 28);
  for (const auto& [id, title] :
       {std::pair<std::string, std::string>{"fiqr", "FIQR questionnaire"},  // catalog keys (catalogs.h)
        std::pair<std::string, std::string>{"pgic", "PGIC question (how you have changed)"}}) {
    const nlohmann::json& q = schedule[id];
    std::optional<LocalDate> due;
    if (q.value("due", false) && q["due_since"].is_string()) {
      auto d = ParseDate(q["due_since"].get<std::string>(), "due_since");
      if (d.ok()) due = *d;
    } else if (q["last"].is_string() && schedule.value("in_treatment", false)) {
      auto d = ParseDate(q["last"].get<std::string>(), "last");
      if (d.ok()) due = AddDays(*d, interval);
    }
    // One already due (or overdue) is put on today, so that its alarm still rings.
    if (due && *due < today) due = today;
    if (due) in.questionnaires.push_back({id, title, *due});
  }
  // A running blinded trial: a reminder on the first day of each period still to come (today's too).
  LDN_ASSIGN_OR_RETURN(std::optional<store::Trial> trial, RunningTrial(ctx.store(), patient.id));
  if (trial) {
    LDN_ASSIGN_OR_RETURN(auto periods, TrialPackSchedule(ctx.store(), *trial));
    in.trial_id = trial->id;
    for (const TrialPackPeriod& p : periods) {
      if (p.first < today || !p.pack_code) continue;
      in.trial_periods.push_back({p.period, static_cast<int>(periods.size()), *p.pack_code, p.first});
    }
  }
  ApiReply r;
  r.content_type = "text/calendar; charset=utf-8";
  r.raw_body = CalendarFeed(in);
  r.headers.push_back({"Cache-Control", "no-store"});
  return r;
}

}  // namespace

void AddCalendarRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::string p = "/api/v1/patients/{patient_id}";
  const std::set<Role> patient_or_clinician = {Role::kPatient, Role::kClinician};
  routes.Add(
      {"POST",
       p + "/calendar-token",
       PatientScoped(patient_or_clinician, "calendar_token.create"),
       h(CreateCalendarToken),
       "A secret link to the patient's reminders as a calendar feed (replaces the one before; shown once), "
       "its texts in `language` (en, the default; da; nb).",
       R"js({"type":"object","additionalProperties":false,"properties":{"language":{"type":"string","enum":["en","da","nb"]}}})js",
       {}});
  routes.Add({"GET",
              p + "/calendar-token",
              PatientScoped(patient_or_clinician, "calendar_token.read"),
              h(GetCalendarToken),
              "Whether the patient has a calendar link, and since when (never the link itself).",
              "",
              {}});
  routes.Add({"DELETE",
              p + "/calendar-token",
              PatientScoped(patient_or_clinician, "calendar_token.revoke"),
              h(DeleteCalendarToken),
              "Stop the patient's calendar link: the feed answers 404 from now on.",
              "",
              {}});
  Access feed = Public();
  feed.audit_action = "calendar.read";
  feed.audit_object = "calendar feed";
  routes.Add({"GET",
              std::string(kFeedPrefix) + "{token}",
              feed,
              h(CalendarFeedOf),
              "The patient's reminders (dose steps, diary, questionnaires) as an iCalendar feed with alarms "
              "(RFC 5545; the secret link of POST P/calendar-token, ending in .ics), in the language `lang`.",
              "",
              {"lang"}});
}

}  // namespace ldn::server
