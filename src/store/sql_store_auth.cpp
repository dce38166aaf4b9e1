// The authentication part of the Store contract (schema 4): sessions of one user, login
// throttling, TOTP state, recovery codes and instance settings, in SQL shared by both backends.
// Kept apart from sql_store.cpp; it reaches the pool through SqlStore::RunWrite / RunRead.
#include <algorithm>
#include <charconv>
#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "store/sql_helpers.h"
#include "store/sql_store.h"
#include "store/validation.h"

namespace ldn::store::internal {
namespace {

Instant FromSecs(int64_t s) {
  return Instant(std::chrono::seconds(s));
}

// A stored integer; kInternal when the database holds something else.
Result<int64_t> IntOf(const Cell& c) {
  if (!c) return Status::Internal("unexpected NULL");
  int64_t v = 0;
  const char* end = c->data() + c->size();
  auto [p, ec] = std::from_chars(c->data(), end, v);
  if (ec != std::errc() || p != end) return Status::Internal("stored value is not an integer: " + *c);
  return v;
}

Result<bool> BoolOf(const Cell& c) {
  if (c == "1" || c == "t" || c == "true") return true;
  if (c == "0" || c == "f" || c == "false") return false;
  return Status::Internal("stored value is not a boolean");
}

// A macro, so that statements are joined at compile time (g++ 12 warns falsely about runtime
// concatenations of such strings).
#define LDN_THROTTLE_COLS "key, failures, first_failure_at, last_failure_at, next_attempt_at, locked"

#define LDN_RESTART "login_throttle.last_failure_at < $3"
#define LDN_UPSERT(FALSE)                                                                             \
  "INSERT INTO login_throttle (" LDN_THROTTLE_COLS ") VALUES ($1, 1, $2, $2, $2, " FALSE              \
  ") ON CONFLICT (key) DO UPDATE SET "                                                                \
  "failures = CASE WHEN " LDN_RESTART                                                                 \
  " THEN 1 ELSE login_throttle.failures + 1 END, "                                                    \
  "first_failure_at = CASE WHEN " LDN_RESTART                                                         \
  " THEN $2 ELSE login_throttle.first_failure_at END, "                                               \
  "last_failure_at = $2 "                                                                             \
  "WHERE login_throttle.locked = " FALSE " AND (login_throttle.next_attempt_at <= $2 OR " LDN_RESTART \
  ") RETURNING " LDN_THROTTLE_COLS
// CountLoginAttempt's one statement ($1 key, $2 now, $3 forget_before), per dialect (booleans).
constexpr std::string_view kUpsertSqlite = LDN_UPSERT("0");
constexpr std::string_view kUpsertPostgres = LDN_UPSERT("false");
#undef LDN_UPSERT
#undef LDN_RESTART

Result<LoginThrottle> ReadThrottle(const Row& row) {
  if (row.size() != 6 || !row[0]) return Status::Internal("login_throttle: unexpected row");
  LoginThrottle t;
  t.key = *row[0];
  LDN_ASSIGN_OR_RETURN(t.failures, IntOf(row[1]));
  LDN_ASSIGN_OR_RETURN(int64_t first, IntOf(row[2]));
  LDN_ASSIGN_OR_RETURN(int64_t last, IntOf(row[3]));
  LDN_ASSIGN_OR_RETURN(int64_t next, IntOf(row[4]));
  LDN_ASSIGN_OR_RETURN(t.locked, BoolOf(row[5]));
  t.first_failure_at = FromSecs(first);
  t.last_failure_at = FromSecs(last);
  t.next_attempt_at = FromSecs(next);
  return t;
}

Status UserExists(Connection& c, Id user_id) {
  LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("SELECT 1 FROM users WHERE id = $1", {user_id}));
  if (rows.rows.empty()) return Status::NotFound("user " + std::to_string(user_id) + " does not exist");
  return Status::Ok();
}

Status CheckSecret(const std::string& s) {
  return CheckText(s, "secret", 1, 200);
}

}  // namespace

// ---- Sessions of one user ------------------------------------------------------------------------

Result<int64_t> SqlStore::DeleteOtherSessionsOfUser(Id user_id, std::string_view keep_token_hash) {
  int64_t n = 0;
  LDN_RETURN_IF_ERROR(RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(
        Rows rows, c.Exec("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", {user_id, keep_token_hash}));
    n = rows.affected;
    return Status::Ok();
  }));
  return n;
}

Result<int64_t> SqlStore::TrimSessionsOfUser(Id user_id, int keep) {
  if (keep < 0 || keep > 1000) return Status::InvalidArgument("keep", "must be 0-1000");
  int64_t n = 0;
  LDN_RETURN_IF_ERROR(RunWrite([&](Connection& c) -> Status {
    // The newest `keep` sessions stay; ties on created_at are broken by the token hash so that
    // both backends delete the same rows.
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("DELETE FROM sessions WHERE user_id = $1 AND token_hash NOT IN ("
                                           "SELECT token_hash FROM sessions WHERE user_id = $1 "
                                           "ORDER BY created_at DESC, token_hash DESC LIMIT $2)",
                                           {user_id, static_cast<int64_t>(keep)}));
    n = rows.affected;
    return Status::Ok();
  }));
  return n;
}

// ---- Calendar subscriptions (schema 10) -----------------------------------------------------------

namespace {

Result<CalendarToken> ReadCalendarToken(const Row& row) {
  if (row.size() != 4) return Status::Internal("calendar_tokens: unexpected row");
  CalendarToken t;
  LDN_ASSIGN_OR_RETURN(t.patient_id, IntOf(row[0]));
  if (!row[1]) return Status::Internal("calendar_tokens: NULL token_hash");
  t.token_hash = *row[1];
  LDN_ASSIGN_OR_RETURN(t.created_by, IntOf(row[2]));
  LDN_ASSIGN_OR_RETURN(int64_t at, IntOf(row[3]));
  t.created_at = FromSecs(at);
  return t;
}

bool IsSha256Hex(std::string_view s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

Status SqlStore::PutCalendarToken(const CalendarToken& token) {
  if (!IsSha256Hex(token.token_hash)) {
    return Status::InvalidArgument("token_hash", "must be 64 lower-case hex characters");
  }
  return RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows patient, c.Exec("SELECT 1 FROM patients WHERE id = $1", {token.patient_id}));
    if (patient.rows.empty())
      return Status::NotFound("patient " + std::to_string(token.patient_id) + " does not exist");
    LDN_RETURN_IF_ERROR(UserExists(c, token.created_by));
    LDN_ASSIGN_OR_RETURN(Rows other, c.Exec("SELECT patient_id FROM calendar_tokens WHERE token_hash = $1 AND "
                                            "patient_id <> $2",
                                            {token.token_hash, token.patient_id}));
    if (!other.rows.empty()) return Status::Conflict("another patient's calendar token has this hash");
    return c
        .Exec(
            "INSERT INTO calendar_tokens (patient_id, token_hash, created_by, created_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (patient_id) DO UPDATE SET token_hash = excluded.token_hash, "
            "created_by = excluded.created_by, created_at = excluded.created_at",
            {token.patient_id, token.token_hash, token.created_by, Secs(token.created_at)})
        .status();
  });
}

Result<CalendarToken> SqlStore::FindCalendarToken(std::string_view token_hash) {
  Result<CalendarToken> out = Status::NotFound("no such calendar link");
  LDN_RETURN_IF_ERROR(RunRead([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("SELECT patient_id, token_hash, created_by, created_at FROM calendar_tokens "
                                           "WHERE token_hash = $1",
                                           {token_hash}));
    if (!rows.rows.empty()) out = ReadCalendarToken(rows.rows.front());
    return Status::Ok();
  }));
  return out;
}

Result<CalendarToken> SqlStore::GetCalendarTokenOfPatient(Id patient_id) {
  Result<CalendarToken> out = Status::NotFound("the patient has no calendar link");
  LDN_RETURN_IF_ERROR(RunRead([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("SELECT patient_id, token_hash, created_by, created_at FROM calendar_tokens "
                                           "WHERE patient_id = $1",
                                           {patient_id}));
    if (!rows.rows.empty()) out = ReadCalendarToken(rows.rows.front());
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::DeleteCalendarToken(Id patient_id) {
  return RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("DELETE FROM calendar_tokens WHERE patient_id = $1", {patient_id}));
    if (rows.affected == 0) return Status::NotFound("the patient has no calendar link");
    return Status::Ok();
  });
}

// ---- Diary settings (schema 11) ---------------------------------------------------------------------

namespace {

Result<DiarySettingsRecord> ReadDiarySettings(const Row& row) {
  if (row.size() != 5 || !row[1]) return Status::Internal("diary_settings: unexpected row");
  DiarySettingsRecord r;
  LDN_ASSIGN_OR_RETURN(r.patient_id, IntOf(row[0]));
  r.settings_json = *row[1];
  LDN_ASSIGN_OR_RETURN(int64_t version, IntOf(row[2]));
  r.version = static_cast<int>(version);
  LDN_ASSIGN_OR_RETURN(r.updated_by, IntOf(row[3]));
  LDN_ASSIGN_OR_RETURN(int64_t at, IntOf(row[4]));
  r.updated_at = FromSecs(at);
  return r;
}

constexpr std::string_view kDiarySettingsCols = "patient_id, settings_json, version, updated_by, updated_at";

}  // namespace

Result<DiarySettingsRecord> SqlStore::GetDiarySettings(Id patient_id) {
  Result<DiarySettingsRecord> out = Status::NotFound("the patient's diary settings were never saved");
  LDN_RETURN_IF_ERROR(RunRead([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec(fmt::format("SELECT {} FROM diary_settings WHERE patient_id = $1", kDiarySettingsCols), {patient_id}));
    if (!rows.rows.empty()) out = ReadDiarySettings(rows.rows.front());
    return Status::Ok();
  }));
  return out;
}

Result<DiarySettingsRecord> SqlStore::PutDiarySettings(const DiarySettingsRecord& record,
                                                       std::optional<int> expected_version) {
  if (record.settings_json.size() > kMaxDiarySettingsBytes) {
    return Status::InvalidArgument("settings_json", fmt::format("is longer than {} bytes", kMaxDiarySettingsBytes));
  }
  const auto parsed = nlohmann::json::parse(record.settings_json, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object()) return Status::InvalidArgument("settings_json", "must be a JSON object");
  if (expected_version && *expected_version < 0) {
    return Status::InvalidArgument("expected_version", "must not be negative");
  }
  Result<DiarySettingsRecord> out = Status::Internal("diary_settings: not written");
  LDN_RETURN_IF_ERROR(RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows patient, c.Exec("SELECT 1 FROM patients WHERE id = $1", {record.patient_id}));
    if (patient.rows.empty()) {
      return Status::NotFound("patient " + std::to_string(record.patient_id) + " does not exist");
    }
    LDN_RETURN_IF_ERROR(UserExists(c, record.updated_by));
    LDN_ASSIGN_OR_RETURN(Rows current,
                         c.Exec("SELECT version FROM diary_settings WHERE patient_id = $1", {record.patient_id}));
    int64_t version = 0;
    if (!current.rows.empty()) {
      LDN_ASSIGN_OR_RETURN(version, IntOf(current.rows.front()[0]));
    }
    if (expected_version && *expected_version != version) {
      return Status::Conflict(fmt::format("the diary settings changed meanwhile (version {}, not {}): reload them",
                                          version, *expected_version))
          .WithFieldPrefix("expected_version");
    }
    LDN_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec(fmt::format("INSERT INTO diary_settings ({}) VALUES ($1, $2, $3, $4, $5) "
                           "ON CONFLICT (patient_id) DO UPDATE SET settings_json = excluded.settings_json, "
                           "version = excluded.version, updated_by = excluded.updated_by, "
                           "updated_at = excluded.updated_at RETURNING {}",
                           kDiarySettingsCols, kDiarySettingsCols),
               {record.patient_id, record.settings_json, version + 1, record.updated_by, Secs(record.updated_at)}));
    if (rows.rows.empty()) return Status::Internal("diary_settings: nothing returned");
    out = ReadDiarySettings(rows.rows.front());
    return out.status();
  }));
  return out;
}

// ---- Plan acknowledgments (schema 12) ---------------------------------------------------------------

Result<PlanAcknowledgment> SqlStore::GetPlanAcknowledgment(Id patient_id) {
  Result<PlanAcknowledgment> out = Status::NotFound("the patient has not acknowledged a plan");
  LDN_RETURN_IF_ERROR(RunRead([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("SELECT patient_id, snapshot_id, snapshot_json, acknowledged_by, "
                                           "acknowledged_at FROM plan_acknowledgments WHERE patient_id = $1",
                                           {patient_id}));
    if (rows.rows.empty()) return Status::Ok();
    const Row& row = rows.rows.front();
    if (row.size() != 5 || !row[1] || !row[2]) return Status::Internal("plan_acknowledgments: unexpected row");
    PlanAcknowledgment a;
    LDN_ASSIGN_OR_RETURN(a.patient_id, IntOf(row[0]));
    a.snapshot_id = *row[1];
    a.snapshot_json = *row[2];
    LDN_ASSIGN_OR_RETURN(a.acknowledged_by, IntOf(row[3]));
    LDN_ASSIGN_OR_RETURN(int64_t at, IntOf(row[4]));
    a.acknowledged_at = FromSecs(at);
    out = std::move(a);
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::PutPlanAcknowledgment(const PlanAcknowledgment& ack) {
  if (!IsSha256Hex(ack.snapshot_id)) {
    return Status::InvalidArgument("snapshot_id", "must be 64 lower-case hex characters");
  }
  if (ack.snapshot_json.size() > kMaxDiarySettingsBytes ||
      !nlohmann::json::parse(ack.snapshot_json, nullptr, /*allow_exceptions=*/false).is_object()) {
    return Status::InvalidArgument("snapshot_json",
                                   fmt::format("must be a JSON object of at most {} bytes", kMaxDiarySettingsBytes));
  }
  return RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows patient, c.Exec("SELECT 1 FROM patients WHERE id = $1", {ack.patient_id}));
    if (patient.rows.empty()) return Status::NotFound("patient " + std::to_string(ack.patient_id) + " does not exist");
    LDN_RETURN_IF_ERROR(UserExists(c, ack.acknowledged_by));
    return c
        .Exec(
            "INSERT INTO plan_acknowledgments (patient_id, snapshot_id, snapshot_json, acknowledged_by, "
            "acknowledged_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (patient_id) DO UPDATE SET "
            "snapshot_id = excluded.snapshot_id, snapshot_json = excluded.snapshot_json, "
            "acknowledged_by = excluded.acknowledged_by, acknowledged_at = excluded.acknowledged_at",
            {ack.patient_id, ack.snapshot_id, ack.snapshot_json, ack.acknowledged_by, Secs(ack.acknowledged_at)})
        .status();
  });
}

// ---- Share links (schema 13) --------------------------------------------------------------------------

namespace {

constexpr std::string_view kShareCols = "id, patient_id, token_hash, created_by, created_at, expires_at, revoked_at";

Result<ShareLink> ReadShareLink(const Row& row) {
  if (row.size() != 7 || !row[2]) return Status::Internal("share_links: unexpected row");
  ShareLink l;
  LDN_ASSIGN_OR_RETURN(l.id, IntOf(row[0]));
  LDN_ASSIGN_OR_RETURN(l.patient_id, IntOf(row[1]));
  l.token_hash = *row[2];
  LDN_ASSIGN_OR_RETURN(l.created_by, IntOf(row[3]));
  LDN_ASSIGN_OR_RETURN(int64_t created, IntOf(row[4]));
  LDN_ASSIGN_OR_RETURN(int64_t expires, IntOf(row[5]));
  l.created_at = FromSecs(created);
  l.expires_at = FromSecs(expires);
  if (row[6]) {
    LDN_ASSIGN_OR_RETURN(int64_t revoked, IntOf(row[6]));
    l.revoked_at = FromSecs(revoked);
  }
  return l;
}

}  // namespace

Result<ShareLink> SqlStore::CreateShareLink(const ShareLink& link) {
  if (!IsSha256Hex(link.token_hash))
    return Status::InvalidArgument("token_hash", "must be 64 lower-case hex characters");
  if (Secs(link.expires_at) <= Secs(link.created_at)) {
    return Status::InvalidArgument("expires_at", "must be after created_at");
  }
  Result<ShareLink> out = Status::Internal("share_links: not written");
  LDN_RETURN_IF_ERROR(RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows patient, c.Exec("SELECT 1 FROM patients WHERE id = $1", {link.patient_id}));
    if (patient.rows.empty()) return Status::NotFound("patient " + std::to_string(link.patient_id) + " does not exist");
    LDN_RETURN_IF_ERROR(UserExists(c, link.created_by));
    LDN_ASSIGN_OR_RETURN(Rows same, c.Exec("SELECT 1 FROM share_links WHERE token_hash = $1", {link.token_hash}));
    if (!same.rows.empty()) return Status::Conflict("a share link has this hash");
    LDN_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec(fmt::format("INSERT INTO share_links (patient_id, token_hash, created_by, created_at, "
                           "expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING {}",
                           kShareCols),
               {link.patient_id, link.token_hash, link.created_by, Secs(link.created_at), Secs(link.expires_at)}));
    if (rows.rows.empty()) return Status::Internal("share_links: nothing returned");
    out = ReadShareLink(rows.rows.front());
    return out.status();
  }));
  return out;
}

Result<ShareLink> SqlStore::FindShareLink(std::string_view token_hash) {
  Result<ShareLink> out = Status::NotFound("no such share link");
  LDN_RETURN_IF_ERROR(RunRead([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(
        Rows rows, c.Exec(fmt::format("SELECT {} FROM share_links WHERE token_hash = $1", kShareCols), {token_hash}));
    if (!rows.rows.empty()) out = ReadShareLink(rows.rows.front());
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<ShareLink>> SqlStore::ListShareLinks(Id patient_id) {
  std::vector<ShareLink> out;
  LDN_RETURN_IF_ERROR(RunRead([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(
        Rows rows, c.Exec(fmt::format("SELECT {} FROM share_links WHERE patient_id = $1 ORDER BY id DESC", kShareCols),
                          {patient_id}));
    for (const Row& row : rows.rows) {
      LDN_ASSIGN_OR_RETURN(ShareLink l, ReadShareLink(row));
      out.push_back(std::move(l));
    }
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::RevokeShareLink(Id patient_id, Id link_id, Instant at) {
  return RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("SELECT revoked_at, created_at FROM share_links WHERE patient_id = $1 AND id = $2",
                                {patient_id, link_id}));
    if (rows.rows.empty()) return Status::NotFound("the patient has no share link " + std::to_string(link_id));
    if (rows.rows.front()[0]) return Status::Conflict("the share link was already stopped");
    LDN_ASSIGN_OR_RETURN(int64_t created, IntOf(rows.rows.front()[1]));
    // A clock that went back must not break the row's check: never before its creation.
    const int64_t when = std::max(Secs(at), created);
    return c
        .Exec("UPDATE share_links SET revoked_at = $3 WHERE patient_id = $1 AND id = $2", {patient_id, link_id, when})
        .status();
  });
}

// ---- Push reminders (schema 14) ------------------------------------------------------------------------

namespace {

constexpr std::string_view kPushCols =
    "id, patient_id, endpoint, p256dh, auth, created_by, created_at, revoked_at, revoke_reason";

Result<PushSubscription> ReadPushSubscription(const Row& row) {
  if (row.size() != 9 || !row[2] || !row[3] || !row[4] || !row[8]) {
    return Status::Internal("push_subscriptions: unexpected row");
  }
  PushSubscription p;
  LDN_ASSIGN_OR_RETURN(p.id, IntOf(row[0]));
  LDN_ASSIGN_OR_RETURN(p.patient_id, IntOf(row[1]));
  p.endpoint = *row[2];
  p.p256dh = *row[3];
  p.auth = *row[4];
  LDN_ASSIGN_OR_RETURN(p.created_by, IntOf(row[5]));
  LDN_ASSIGN_OR_RETURN(int64_t created, IntOf(row[6]));
  p.created_at = FromSecs(created);
  if (row[7]) {
    LDN_ASSIGN_OR_RETURN(int64_t revoked, IntOf(row[7]));
    p.revoked_at = FromSecs(revoked);
  }
  p.revoke_reason = *row[8];
  return p;
}

Result<std::vector<PushSubscription>> ReadPushSubscriptions(const Rows& rows) {
  std::vector<PushSubscription> out;
  for (const Row& row : rows.rows) {
    LDN_ASSIGN_OR_RETURN(PushSubscription p, ReadPushSubscription(row));
    out.push_back(std::move(p));
  }
  return out;
}

Status CheckLength(std::string_view value, size_t min, size_t max, std::string_view field) {
  if (value.size() < min || value.size() > max) {
    return Status::InvalidArgument(std::string(field), fmt::format("must be {} to {} characters", min, max));
  }
  return Status::Ok();
}

}  // namespace

Result<PushSubscription> SqlStore::AddPushSubscription(const PushSubscription& sub) {
  LDN_RETURN_IF_ERROR(CheckLength(sub.endpoint, 8, 2048, "endpoint"));
  LDN_RETURN_IF_ERROR(CheckLength(sub.p256dh, 80, 100, "keys.p256dh"));
  LDN_RETURN_IF_ERROR(CheckLength(sub.auth, 20, 30, "keys.auth"));
  Result<PushSubscription> out = Status::Internal("push_subscriptions: not written");
  LDN_RETURN_IF_ERROR(RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows patient, c.Exec("SELECT 1 FROM patients WHERE id = $1", {sub.patient_id}));
    if (patient.rows.empty()) return Status::NotFound("patient " + std::to_string(sub.patient_id) + " does not exist");
    LDN_RETURN_IF_ERROR(UserExists(c, sub.created_by));
    LDN_ASSIGN_OR_RETURN(
        Rows live,
        c.Exec(fmt::format("SELECT {} FROM push_subscriptions WHERE endpoint = $1 AND revoked_at IS NULL", kPushCols),
               {sub.endpoint}));
    LDN_ASSIGN_OR_RETURN(std::vector<PushSubscription> same_endpoint, ReadPushSubscriptions(live));
    for (const PushSubscription& old : same_endpoint) {
      if (old.patient_id == sub.patient_id && old.p256dh == sub.p256dh && old.auth == sub.auth) {
        out = old;
        return Status::Ok();
      }
    }
    for (const PushSubscription& old : same_endpoint) {
      const int64_t when = std::max(Secs(sub.created_at), Secs(old.created_at));
      LDN_RETURN_IF_ERROR(
          c.Exec("UPDATE push_subscriptions SET revoked_at = $2, revoke_reason = 'replaced' WHERE id = $1",
                 {old.id, when})
              .status());
    }
    LDN_ASSIGN_OR_RETURN(
        Rows rows, c.Exec(fmt::format("INSERT INTO push_subscriptions (patient_id, endpoint, p256dh, auth, created_by, "
                                      "created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING {}",
                                      kPushCols),
                          {sub.patient_id, sub.endpoint, sub.p256dh, sub.auth, sub.created_by, Secs(sub.created_at)}));
    if (rows.rows.empty()) return Status::Internal("push_subscriptions: nothing returned");
    out = ReadPushSubscription(rows.rows.front());
    return out.status();
  }));
  return out;
}

Result<std::vector<PushSubscription>> SqlStore::ListPushSubscriptions(Id patient_id) {
  std::vector<PushSubscription> out;
  LDN_RETURN_IF_ERROR(RunRead([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec(fmt::format("SELECT {} FROM push_subscriptions WHERE patient_id = $1 ORDER BY id DESC", kPushCols),
               {patient_id}));
    LDN_ASSIGN_OR_RETURN(out, ReadPushSubscriptions(rows));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<PushSubscription>> SqlStore::ListLivePushSubscriptions() {
  std::vector<PushSubscription> out;
  LDN_RETURN_IF_ERROR(RunRead([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec(fmt::format("SELECT {} FROM push_subscriptions WHERE revoked_at IS NULL ORDER BY id", kPushCols), {}));
    LDN_ASSIGN_OR_RETURN(out, ReadPushSubscriptions(rows));
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::RevokePushSubscription(Id patient_id, Id id, Instant at, std::string_view reason) {
  LDN_RETURN_IF_ERROR(CheckLength(reason, 1, 80, "reason"));
  return RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(
        Rows rows, c.Exec("SELECT revoked_at, created_at FROM push_subscriptions WHERE patient_id = $1 AND id = $2",
                          {patient_id, id}));
    if (rows.rows.empty()) return Status::NotFound("the patient has no push subscription " + std::to_string(id));
    if (rows.rows.front()[0]) return Status::Conflict("the reminders on that device were already stopped");
    LDN_ASSIGN_OR_RETURN(int64_t created, IntOf(rows.rows.front()[1]));
    const int64_t when = std::max(Secs(at), created);  // a clock that went back never breaks the check
    return c
        .Exec("UPDATE push_subscriptions SET revoked_at = $3, revoke_reason = $4 WHERE patient_id = $1 AND id = $2",
              {patient_id, id, when, reason})
        .status();
  });
}

Result<bool> SqlStore::ClaimPushDelivery(Id subscription_id, std::string_view kind, std::string_view occasion,
                                         Instant at) {
  LDN_RETURN_IF_ERROR(CheckLength(kind, 1, 40, "kind"));
  LDN_RETURN_IF_ERROR(CheckLength(occasion, 1, 80, "occasion"));
  bool claimed = false;
  LDN_RETURN_IF_ERROR(RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows sub, c.Exec("SELECT 1 FROM push_subscriptions WHERE id = $1", {subscription_id}));
    if (sub.rows.empty()) return Status::NotFound("no push subscription " + std::to_string(subscription_id));
    // The primary key is the claim: of two servers inserting at once, one row is written.
    LDN_ASSIGN_OR_RETURN(Rows done, c.Exec("INSERT INTO push_deliveries (subscription_id, kind, occasion, claimed_at) "
                                           "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                                           {subscription_id, kind, occasion, Secs(at)}));
    claimed = done.affected == 1;
    return Status::Ok();
  }));
  return claimed;
}

Status SqlStore::SetPushDeliveryStatus(Id subscription_id, std::string_view kind, std::string_view occasion,
                                       int status) {
  return RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows done, c.Exec("UPDATE push_deliveries SET status = $4 WHERE subscription_id = $1 AND "
                                           "kind = $2 AND occasion = $3",
                                           {subscription_id, kind, occasion, status}));
    if (done.affected != 1) return Status::NotFound("that reminder was never claimed");
    return Status::Ok();
  });
}

Result<ServerKey> SqlStore::GetOrCreateServerKey(const ServerKey& candidate) {
  LDN_RETURN_IF_ERROR(CheckLength(candidate.name, 1, 40, "name"));
  Result<ServerKey> out = Status::Internal("server_keys: not read");
  LDN_RETURN_IF_ERROR(RunWrite([&](Connection& c) -> Status {
    LDN_RETURN_IF_ERROR(
        c.Exec("INSERT INTO server_keys (name, public_key, sealed_secret, created_at) VALUES ($1, $2, "
               "$3, $4) ON CONFLICT (name) DO NOTHING",
               {candidate.name, candidate.public_key, candidate.sealed_secret, Secs(candidate.created_at)})
            .status());
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("SELECT name, public_key, sealed_secret, created_at FROM server_keys WHERE name = $1",
                                {candidate.name}));
    if (rows.rows.size() != 1 || !rows.rows[0][0] || !rows.rows[0][1] || !rows.rows[0][2]) {
      return Status::Internal("server_keys: unexpected row");
    }
    ServerKey k;
    k.name = *rows.rows[0][0];
    k.public_key = *rows.rows[0][1];
    k.sealed_secret = *rows.rows[0][2];
    LDN_ASSIGN_OR_RETURN(int64_t created, IntOf(rows.rows[0][3]));
    k.created_at = FromSecs(created);
    out = std::move(k);
    return Status::Ok();
  }));
  return out;
}

// ---- Login throttling ------------------------------------------------------------------------------

Result<std::optional<LoginThrottle>> SqlStore::CountLoginAttempt(std::string_view key, Instant at,
                                                                 Instant forget_before) {
  LDN_RETURN_IF_ERROR(ValidateLoginKey(key));
  std::optional<LoginThrottle> out;
  LDN_RETURN_IF_ERROR(RunWrite([&](Connection& c) -> Status {
    // One statement: the check (the WHERE of the upsert) and the count cannot be split by a
    // concurrent attempt (SQLite has one writer; PostgreSQL locks the row for the upsert).
    const std::string_view sql = c.dialect() == Dialect::kSqlite ? kUpsertSqlite : kUpsertPostgres;
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec(sql, {key, Secs(at), Secs(forget_before)}));
    if (rows.rows.empty()) return Status::Ok();
    LDN_ASSIGN_OR_RETURN(LoginThrottle t, ReadThrottle(rows.rows.front()));
    out = std::move(t);
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::SetLoginThrottleState(std::string_view key, Instant next_attempt_at, bool locked) {
  return RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("UPDATE login_throttle SET next_attempt_at = $2, locked = $3 WHERE key = $1",
                                           {key, Secs(next_attempt_at), Param::Bool(locked)}));
    if (rows.affected == 0) return Status::NotFound("no login throttle for this key");
    return Status::Ok();
  });
}

Status SqlStore::UncountLoginAttempt(std::string_view key) {
  return RunWrite([&](Connection& c) -> Status {
    return c.Exec("UPDATE login_throttle SET failures = failures - 1 WHERE key = $1 AND failures > 0", {key}).status();
  });
}

Result<std::optional<LoginThrottle>> SqlStore::GetLoginThrottle(std::string_view key) {
  std::optional<LoginThrottle> out;
  LDN_RETURN_IF_ERROR(RunRead([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("SELECT " LDN_THROTTLE_COLS " FROM login_throttle WHERE key = $1", {key}));
    if (rows.rows.empty()) return Status::Ok();
    LDN_ASSIGN_OR_RETURN(LoginThrottle t, ReadThrottle(rows.rows.front()));
    out = std::move(t);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<LoginThrottle>> SqlStore::ListLockedLoginThrottles(std::string_view key_prefix) {
  std::vector<LoginThrottle> out;
  LDN_RETURN_IF_ERROR(RunRead([&](Connection& c) -> Status {
    // A prefix match without LIKE, whose wildcards the prefix might contain.
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("SELECT " LDN_THROTTLE_COLS " FROM login_throttle WHERE locked = $2 AND "
                                           "substr(key, 1, length(CAST($1 AS TEXT))) = CAST($1 AS TEXT) ORDER BY key",
                                           {key_prefix, Param::Bool(true)}));
    for (const Row& row : rows.rows) {
      LDN_ASSIGN_OR_RETURN(LoginThrottle t, ReadThrottle(row));
      out.push_back(std::move(t));
    }
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::ClearLoginThrottle(std::string_view key) {
  return RunWrite(
      [&](Connection& c) -> Status { return c.Exec("DELETE FROM login_throttle WHERE key = $1", {key}).status(); });
}

Result<int64_t> SqlStore::DeleteLoginThrottlesBefore(Instant before) {
  int64_t n = 0;
  LDN_RETURN_IF_ERROR(RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("DELETE FROM login_throttle WHERE last_failure_at < $1 AND locked = $2",
                                           {Secs(before), Param::Bool(false)}));
    n = rows.affected;
    return Status::Ok();
  }));
  return n;
}

// ---- TOTP and recovery codes -----------------------------------------------------------------------

Result<TotpState> SqlStore::GetTotp(Id user_id) {
  TotpState out;
  LDN_RETURN_IF_ERROR(RunRead([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("SELECT totp_secret, totp_pending_secret, totp_last_step FROM users "
                                           "WHERE id = $1",
                                           {user_id}));
    if (rows.rows.empty()) return Status::NotFound("user " + std::to_string(user_id) + " does not exist");
    const Row& row = rows.rows.front();
    if (row.size() != 3) return Status::Internal("GetTotp: unexpected row");
    out.secret = row[0];
    out.pending_secret = row[1];
    if (row[2]) {
      LDN_ASSIGN_OR_RETURN(int64_t step, IntOf(row[2]));
      out.last_step = step;
    }
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::SetPendingTotp(Id user_id, const std::optional<std::string>& sealed_secret) {
  if (sealed_secret) LDN_RETURN_IF_ERROR(CheckSecret(*sealed_secret));
  return RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows,
                         c.Exec("UPDATE users SET totp_pending_secret = $2 WHERE id = $1", {user_id, sealed_secret}));
    if (rows.affected == 0) return Status::NotFound("user " + std::to_string(user_id) + " does not exist");
    return Status::Ok();
  });
}

Status SqlStore::EnableTotp(Id user_id, Instant /*at*/, int64_t step) {
  return RunWrite([&](Connection& c) -> Status {
    LDN_RETURN_IF_ERROR(UserExists(c, user_id));
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("UPDATE users SET totp_secret = totp_pending_secret, "
                                           "totp_pending_secret = NULL, totp_last_step = $2 "
                                           "WHERE id = $1 AND totp_pending_secret IS NOT NULL",
                                           {user_id, step}));
    if (rows.affected == 0) return Status::Conflict("no TOTP enrolment is pending").WithFieldPrefix("code");
    return Status::Ok();
  });
}

Status SqlStore::DisableTotp(Id user_id) {
  return RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, "
                                           "totp_last_step = NULL WHERE id = $1",
                                           {user_id}));
    if (rows.affected == 0) return Status::NotFound("user " + std::to_string(user_id) + " does not exist");
    return c.Exec("DELETE FROM recovery_codes WHERE user_id = $1", {user_id}).status();
  });
}

Result<bool> SqlStore::ClaimTotpStep(Id user_id, int64_t step) {
  bool claimed = false;
  LDN_RETURN_IF_ERROR(RunWrite([&](Connection& c) -> Status {
    LDN_RETURN_IF_ERROR(UserExists(c, user_id));
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("UPDATE users SET totp_last_step = $2 WHERE id = $1 AND "
                                           "(totp_last_step IS NULL OR totp_last_step < $2)",
                                           {user_id, step}));
    claimed = rows.affected == 1;
    return Status::Ok();
  }));
  return claimed;
}

Status SqlStore::ReplaceRecoveryCodes(Id user_id, const std::vector<RecoveryCode>& codes) {
  for (size_t i = 0; i < codes.size(); ++i) {
    LDN_RETURN_IF_ERROR(CheckText(codes[i].lookup, "codes[" + std::to_string(i) + "].lookup", 1, 16));
    LDN_RETURN_IF_ERROR(CheckText(codes[i].code_hash, "codes[" + std::to_string(i) + "].code_hash", 1, 1000));
  }
  return RunWrite([&](Connection& c) -> Status {
    LDN_RETURN_IF_ERROR(UserExists(c, user_id));
    LDN_RETURN_IF_ERROR(c.Exec("DELETE FROM recovery_codes WHERE user_id = $1", {user_id}).status());
    for (const RecoveryCode& code : codes) {
      LDN_RETURN_IF_ERROR(c.Exec("INSERT INTO recovery_codes (user_id, lookup, code_hash, created_at, used_at) "
                                 "VALUES ($1, $2, $3, $4, NULL)",
                                 {user_id, code.lookup, code.code_hash, Secs(code.created_at)})
                              .status());
    }
    return Status::Ok();
  });
}

Result<std::vector<RecoveryCode>> SqlStore::ListRecoveryCodes(Id user_id) {
  std::vector<RecoveryCode> out;
  LDN_RETURN_IF_ERROR(RunRead([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("SELECT lookup, code_hash, created_at, used_at FROM recovery_codes "
                                           "WHERE user_id = $1 ORDER BY lookup",
                                           {user_id}));
    for (const Row& row : rows.rows) {
      if (row.size() != 4 || !row[0] || !row[1]) return Status::Internal("recovery_codes: unexpected row");
      RecoveryCode code;
      code.lookup = *row[0];
      code.code_hash = *row[1];
      LDN_ASSIGN_OR_RETURN(int64_t created, IntOf(row[2]));
      code.created_at = FromSecs(created);
      if (row[3]) {
        LDN_ASSIGN_OR_RETURN(int64_t used, IntOf(row[3]));
        code.used_at = FromSecs(used);
      }
      out.push_back(std::move(code));
    }
    return Status::Ok();
  }));
  return out;
}

Result<bool> SqlStore::UseRecoveryCode(Id user_id, std::string_view lookup, Instant at) {
  bool used = false;
  LDN_RETURN_IF_ERROR(RunWrite([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND lookup = $2 "
                                           "AND used_at IS NULL",
                                           {user_id, lookup, Secs(at)}));
    used = rows.affected == 1;
    return Status::Ok();
  }));
  return used;
}

// ---- Instance settings -----------------------------------------------------------------------------

Result<std::optional<std::string>> SqlStore::GetSetting(std::string_view key) {
  LDN_RETURN_IF_ERROR(CheckText(key, "key", 1, 64));
  std::optional<std::string> out;
  LDN_RETURN_IF_ERROR(RunRead([&](Connection& c) -> Status {
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("SELECT value FROM instance_settings WHERE key = $1", {key}));
    if (!rows.rows.empty() && !rows.rows.front().empty()) out = rows.rows.front()[0];
    return Status::Ok();
  }));
  return out;
}

Status SqlStore::PutSetting(std::string_view key, std::string_view value) {
  LDN_RETURN_IF_ERROR(CheckText(key, "key", 1, 64));
  LDN_RETURN_IF_ERROR(CheckText(value, "value", 0, 1000));
  return RunWrite([&](Connection& c) -> Status {
    return c
        .Exec(
            "INSERT INTO instance_settings (key, value) VALUES ($1, $2) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            {key, value})
        .status();
  });
}

}  // namespace ldn::store::internal
