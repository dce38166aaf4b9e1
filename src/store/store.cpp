#include "store/store.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdlib>

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include "store/migrations.h"
#include "store/postgres/postgres_connection.h"
#include "store/sqlite/sqlite_connection.h"

namespace ldn::store {
namespace {

template <typename E, size_t N>
Result<E> ParseName(std::string_view text, std::string_view field, const std::array<std::string_view, N>& names,
                    std::string_view what) {
  for (size_t i = 0; i < N; ++i) {
    if (text == names[i]) return static_cast<E>(i);
  }
  std::string allowed;
  for (size_t i = 0; i < N; ++i) allowed += (i ? ", " : "") + std::string(names[i]);
  return Status::InvalidArgument(
      std::string(field), "unknown " + std::string(what) + " '" + std::string(text) + "' (one of: " + allowed + ")");
}

constexpr std::array<std::string_view, 5> kRoleNames = {"patient", "clinician", "pharmacist", "researcher", "admin"};
constexpr std::array<std::string_view, 5> kCourseStatusNames = {"planned", "active", "paused", "completed", "stopped"};
constexpr std::array<std::string_view, 4> kPrescriptionStatusNames = {"issued", "verified", "dispensed", "cancelled"};
constexpr std::array<std::string_view, 4> kSeverityNames = {"mild", "moderate", "severe", "life_threatening"};
constexpr std::array<std::string_view, 4> kTrialStatusNames = {"designed", "started", "ended", "cancelled"};

}  // namespace

std::string_view RoleName(Role role) {
  return kRoleNames[static_cast<size_t>(role)];
}
Result<Role> ParseRole(std::string_view text, std::string_view field) {
  return ParseName<Role>(text, field, kRoleNames, "role");
}
std::string_view CourseStatusName(CourseStatus status) {
  return kCourseStatusNames[static_cast<size_t>(status)];
}
Result<CourseStatus> ParseCourseStatus(std::string_view text, std::string_view field) {
  return ParseName<CourseStatus>(text, field, kCourseStatusNames, "course status");
}
std::string_view PrescriptionStatusName(PrescriptionStatus status) {
  return kPrescriptionStatusNames[static_cast<size_t>(status)];
}
Result<PrescriptionStatus> ParsePrescriptionStatus(std::string_view text, std::string_view field) {
  return ParseName<PrescriptionStatus>(text, field, kPrescriptionStatusNames, "prescription status");
}
std::string_view SeverityName(Severity severity) {
  return kSeverityNames[static_cast<size_t>(severity)];
}
Result<Severity> ParseSeverity(std::string_view text, std::string_view field) {
  return ParseName<Severity>(text, field, kSeverityNames, "severity");
}
std::string_view TrialStatusName(TrialStatus status) {
  return kTrialStatusNames[static_cast<size_t>(status)];
}
Result<TrialStatus> ParseTrialStatus(std::string_view text) {
  return ParseName<TrialStatus>(text, "status", kTrialStatusNames, "trial status");
}
std::string_view BatchStatusName(BatchStatus status) {
  switch (status) {
    case BatchStatus::kPrepared: return "prepared";
    case BatchStatus::kReleased: return "released";
    case BatchStatus::kRejected: return "rejected";
  }
  return "prepared";
}
std::string_view AccountCodePurposeName(AccountCodePurpose purpose) {
  return purpose == AccountCodePurpose::kInvitation ? "invitation" : "password";
}

std::string CanonicalAuditEvent(const AuditEvent& event) {
  nlohmann::ordered_json j;
  j["seq"] = event.seq;
  j["at"] = FormatUtcInstant(event.at);
  j["actor_user_id"] = event.actor_user_id ? nlohmann::ordered_json(*event.actor_user_id) : nullptr;
  j["role"] = event.role;
  j["patient_id"] = event.patient_id ? nlohmann::ordered_json(*event.patient_id) : nullptr;
  j["action"] = event.action;
  j["object"] = event.object;
  j["outcome"] = event.outcome;
  j["detail"] = event.detail;
  // replace: a tampered row with invalid UTF-8 must hash (to a mismatch), not throw.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string AuditHash(std::string_view prev_hash, const AuditEvent& event) {
  const std::string canonical = CanonicalAuditEvent(event);
  std::string input;
  input.reserve(prev_hash.size() + canonical.size());
  input.append(prev_hash);
  input.append(canonical);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  const int ok = EVP_Digest(input.data(), input.size(), digest, &digest_len, EVP_sha256(), nullptr);
  assert(ok == 1 && digest_len == 32);
  (void)ok;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * digest_len);
  for (unsigned int i = 0; i < digest_len; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

std::string DefaultStoreUrl() {
  const char* env = std::getenv("LDN_DB");
  return env != nullptr && *env != '\0' ? std::string(env) : std::string("sqlite:ldn.db");
}

int LatestSchemaVersion() {
  const auto migrations = internal::SqliteMigrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

Result<std::unique_ptr<Store>> OpenStore(std::string_view url, const OpenOptions& requested) {
  OpenOptions options = requested;
  if (options.read_only) {
    options.migrate = false;
    options.create = false;
  }
  if (options.pool_size < 1 || options.pool_size > 64) {
    return Status::InvalidArgument("pool_size", "must be 1 to 64");
  }
  if (options.busy_timeout_ms < 0) return Status::InvalidArgument("busy_timeout_ms", "must not be negative");
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    const std::string_view path = url.substr(kSqlite.size());
    if (path.empty()) return Status::InvalidArgument("url", "sqlite: needs a path, e.g. sqlite:ldn.db");
    return internal::OpenSqliteStore(path, options);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return internal::OpenPostgresStore(url, options);
  }
  // Only the scheme is echoed: a mistyped PostgreSQL URL may carry a password.
  const size_t colon = url.find(':');
  const std::string scheme =
      colon == std::string_view::npos ? "" : std::string(url.substr(0, std::min<size_t>(colon, 32)));
  return Status::InvalidArgument("url",
                                 (scheme.empty() ? std::string("no URL scheme") : "unknown scheme '" + scheme + ":'") +
                                     ": use sqlite:PATH, sqlite::memory: or postgresql://...");
}

}  // namespace ldn::store
