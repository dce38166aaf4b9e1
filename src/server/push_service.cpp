#include "server/push_service.h"

#include <map>

#include <fmt/format.h>
#include <httplib.h>

#include "clinical/titration/plan.h"
#include "server/api_util.h"
#include "server/course_plans.h"
#include "server/inbox.h"
#include "server/trials.h"

namespace ldn::server {

namespace {

constexpr std::string_view kVapidKeyName = "vapid";
// The server's own secrets are sealed as user 0 (no user has that id): the seal binds the secret
// to what it belongs to, as a TOTP secret is bound to its user (totp.h).
constexpr store::Id kServerSealId = 0;

class HttpPushTransport : public PushTransport {
 public:
  explicit HttpPushTransport(std::chrono::seconds timeout) : timeout_(timeout) {}
  Result<int> Post(const std::string& endpoint, const std::vector<std::pair<std::string, std::string>>& headers,
                   const std::string& body) override {
    LDN_ASSIGN_OR_RETURN(std::string origin, webpush::EndpointOrigin(endpoint));
    // The path and query as the endpoint spells them (its origin may be spelled differently:
    // EndpointOrigin lower-cases it and drops a default port); no fragment goes on the wire.
    const size_t authority = endpoint.find("://") + 3;
    const size_t slash = endpoint.find_first_of("/?#", authority);
    std::string path = slash == std::string::npos ? "/" : endpoint.substr(slash);
    path = path.substr(0, path.find('#'));
    if (path.empty() || path.front() != '/') path.insert(0, "/");
    try {
      httplib::Client client(origin);
      client.set_connection_timeout(timeout_);
      client.set_read_timeout(timeout_);
      client.set_write_timeout(timeout_);
      client.set_follow_location(false);  // a push service does not redirect (RFC 8030 §5)
      httplib::Headers h;
      std::string content_type = "application/octet-stream";
      for (const auto& [k, v] : headers) {
        if (k == "Content-Type") {
          content_type = v;
        } else {
          h.emplace(k, v);
        }
      }
      auto res = client.Post(path, h, body, content_type);
      if (!res) {
        return Status::Unavailable(
            fmt::format("the push service at {} was not reached ({})", origin, httplib::to_string(res.error())));
      }
      return res->status;
    } catch (const std::exception& e) {  // the library's, at the layer boundary
      return Status::Unavailable(fmt::format("the push service at {} was not reached ({})", origin, e.what()));
    }
  }

 private:
  std::chrono::seconds timeout_;
};

std::optional<const pharmacy::OrderStep*> StepOn(const std::vector<pharmacy::OrderStep>& steps, LocalDate day) {
  for (const pharmacy::OrderStep& s : steps) {
    if (s.start <= day && (!s.end || day <= *s.end)) return &s;
  }
  return std::nullopt;
}

}  // namespace

std::unique_ptr<PushTransport> NewHttpPushTransport(std::chrono::seconds timeout) {
  return std::make_unique<HttpPushTransport>(timeout);
}

Result<std::unique_ptr<PushService>> PushService::Open(store::Store& store, const SecretSealer& sealer,
                                                       PushOptions options, std::unique_ptr<PushTransport> transport,
                                                       store::Instant now) {
  const webpush::KeyPair fresh = webpush::NewKeyPair();
  store::ServerKey candidate;
  candidate.name = std::string(kVapidKeyName);
  candidate.public_key = webpush::Base64Url(fresh.public_key);
  candidate.sealed_secret = sealer.Seal(fresh.private_key, kServerSealId);
  candidate.created_at = now;
  LDN_ASSIGN_OR_RETURN(store::ServerKey stored, store.GetOrCreateServerKey(candidate));
  auto secret = sealer.Open(stored.sealed_secret, kServerSealId);
  if (!secret.ok()) {
    return Status::Internal(
        "the stored VAPID key was sealed with another key file: push reminders are off on this server");
  }
  LDN_ASSIGN_OR_RETURN(webpush::KeyPair vapid, webpush::KeyPairFromPrivate(*secret));
  if (webpush::Base64Url(vapid.public_key) != stored.public_key) {
    return Status::Internal("the stored VAPID key pair does not match: push reminders are off on this server");
  }
  return std::unique_ptr<PushService>(
      new PushService(store, std::move(options), std::move(transport), std::move(vapid)));
}

PushService::PushService(store::Store& store, PushOptions options, std::unique_ptr<PushTransport> transport,
                         webpush::KeyPair vapid)
    : store_(store),
      options_(std::move(options)),
      transport_(std::move(transport)),
      vapid_(std::move(vapid)),
      public_key_b64_(webpush::Base64Url(vapid_.public_key)) {}

Result<PushService::Sent> PushService::Send(const store::PushSubscription& sub, const Reminder& r, store::Instant now) {
  auto ua_public = webpush::FromBase64Url(sub.p256dh, "keys.p256dh");
  auto auth = webpush::FromBase64Url(sub.auth, "keys.auth");
  if (!ua_public.ok() || !auth.ok()) return Status::Internal("a stored push subscription's keys do not decode");
  const std::string payload = r.Payload().dump();
  auto body = webpush::Encrypt(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(payload.data()), payload.size()), *ua_public, *auth);
  if (!body.ok()) return Status::Internal("a push message did not encrypt: " + body.status().ToString());
  const int64_t unix_now = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  LDN_ASSIGN_OR_RETURN(std::string authorization,
                       webpush::VapidAuthorization(sub.endpoint, vapid_, options_.subject, unix_now));
  // RFC 8030 §5.2 TTL, §5.3 Urgency, §5.4 Topic (a newer message of the same kind replaces one the
  // push service still holds); RFC 8291 §4 / RFC 8188 the content coding; RFC 8292 §3 the header.
  const std::vector<std::pair<std::string, std::string>> headers = {{"TTL", std::to_string(r.ttl_seconds)},
                                                                    {"Urgency", r.urgency},
                                                                    {"Topic", "ldn-" + r.kind},
                                                                    {"Content-Encoding", "aes128gcm"},
                                                                    {"Content-Type", "application/octet-stream"},
                                                                    {"Authorization", authorization}};
  Sent sent;
  auto status = transport_->Post(sub.endpoint, headers, std::string(body->begin(), body->end()));
  if (!status.ok()) {
    sent.status = -1;
    return sent;
  }
  sent.status = *status;
  if (*status == 404 || *status == 410) {
    sent.gone = true;
    const Status revoked =
        store_.RevokePushSubscription(sub.patient_id, sub.id, now, fmt::format("gone ({})", *status));
    if (!revoked.ok() && revoked.code() != Code::kConflict) return revoked;
  }
  return sent;
}

Result<PushService::Round> PushService::RunOnce(store::Instant now) {
  std::lock_guard<std::mutex> lock(round_mutex_);
  Round round;
  LDN_ASSIGN_OR_RETURN(std::vector<store::PushSubscription> live, store_.ListLivePushSubscriptions());
  std::map<store::Id, std::vector<store::PushSubscription>> by_patient;
  for (auto& s : live) by_patient[s.patient_id].push_back(std::move(s));
  auto note = [&round](const Status& s) {
    if (round.errors++ == 0) round.first_error = s.ToString();
  };
  for (const auto& [patient_id, subs] : by_patient) {
    round.subscriptions += static_cast<int>(subs.size());
    auto patient = store_.GetPatient(patient_id);
    auto state = patient.ok() ? GatherReminderState(store_, *patient, now) : Result<ReminderState>(patient.status());
    if (!state.ok()) {
      note(state.status());
      continue;  // one patient's unreadable record does not stop the others' reminders
    }
    const std::vector<Reminder> due = DueReminders(*state);
    for (const store::PushSubscription& sub : subs) {
      for (const Reminder& r : due) {
        // Claimed before sending: a failure is not retried (a late reminder is worse than none for
        // a dose; the calendar feed is the fallback), and never sent twice.
        auto claimed = store_.ClaimPushDelivery(sub.id, r.kind, r.occasion, now);
        if (!claimed.ok()) {
          note(claimed.status());
          continue;
        }
        if (!*claimed) continue;
        auto sent = Send(sub, r, now);
        if (!sent.ok()) {
          note(sent.status());
          ++round.failed;
          continue;
        }
        if (Status recorded = store_.SetPushDeliveryStatus(sub.id, r.kind, r.occasion, sent->status); !recorded.ok()) {
          note(recorded);
        }
        if (sent->gone) {
          ++round.gone;
          break;  // no more for a subscription the push service has forgotten
        }
        if (sent->status >= 200 && sent->status < 300) {
          ++round.sent;
        } else {
          ++round.failed;
        }
      }
    }
  }
  return round;
}

Result<ReminderState> GatherReminderState(store::Store& store, const store::Patient& patient, store::Instant now) {
  auto zone = TimeZone::Named(patient.time_zone, "time_zone");
  const TimeZone tz = zone.ok() ? *zone : TimeZone::Utc();
  const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(now);
  ReminderState s;
  s.today = tz.LocalDateAt(secs);
  s.now = tz.LocalTimeAt(secs);
  LDN_ASSIGN_OR_RETURN(std::vector<store::Course> courses, store.ListCourses(patient.id));
  const std::optional<store::Course> course = RemindingCourse(courses);
  if (course) {
    s.diary_reminders = true;
    auto steps = PlanSteps(*course);
    if (steps.ok() && !steps->empty()) {
      // The diary reminds until the plan's last day (as the calendar feed does).
      if (steps->back().end && s.today > *steps->back().end) s.diary_reminders = false;
      if (course->status == store::CourseStatus::kActive) {
        if (auto step = StepOn(*steps, s.today); step && (*step)->dose.micrograms_hcl() > 0) {
          s.dose_ug = (*step)->dose.micrograms_hcl();
          auto when = clinical::ParseDoseTime((*step)->time, "time");
          s.dose_time = clinical::ClockTimeOf(when.ok() ? *when : clinical::DoseTime::kBedtime);
        }
      }
    }
  }
  auto diary = store.GetDiary(patient.id, s.today);
  if (diary.ok()) {
    s.diary_done_today = true;
  } else if (diary.status().code() != Code::kNotFound) {
    return diary.status();
  }
  LDN_ASSIGN_OR_RETURN(nlohmann::json schedule, QuestionnaireScheduleJson(store, patient, now));
  for (const auto& [id, title] :
       {std::pair<std::string, std::string>{"fiqr", "FIQR questionnaire"},
        std::pair<std::string, std::string>{"pgic", "questionnaire on how you have changed"}}) {
    const nlohmann::json& q = schedule[id];
    if (!q.value("due", false) || !q["due_since"].is_string()) continue;
    auto since = ParseDate(q["due_since"].get<std::string>(), "due_since");
    if (since.ok()) s.due.push_back({id, title, *since});
  }
  LDN_ASSIGN_OR_RETURN(PlanNotice notice, BuildPlanNotice(store, patient, now));
  if (!notice.changes.empty()) s.plan_changed = notice.current.Id();
  LDN_ASSIGN_OR_RETURN(std::optional<store::Trial> trial, RunningTrial(store, patient.id));
  if (trial) {
    LDN_ASSIGN_OR_RETURN(auto periods, TrialPackSchedule(store, *trial));
    for (const TrialPackPeriod& p : periods) {
      if (p.first == s.today && p.pack_code) s.trial_pack_from_today = *p.pack_code;
    }
  }
  return s;
}

}  // namespace ldn::server
