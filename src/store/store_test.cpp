// Unit tests of the store's pieces that need no database: names of enumerations, the audit
// hash (against Python's hashlib as an independent oracle), URL parsing, the migration tables.
#include "store/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/migrations.h"
#include "store/validation.h"

namespace ldn::store {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(StoreNamesTest, EveryEnumeratorRoundTrips) {
  for (Role r : {Role::kPatient, Role::kClinician, Role::kPharmacist, Role::kResearcher, Role::kAdmin}) {
    EXPECT_EQ(*ParseRole(RoleName(r), "role"), r);
  }
  for (CourseStatus s : {CourseStatus::kPlanned, CourseStatus::kActive, CourseStatus::kPaused, CourseStatus::kCompleted,
                         CourseStatus::kStopped}) {
    EXPECT_EQ(*ParseCourseStatus(CourseStatusName(s), "status"), s);
  }
  for (PrescriptionStatus s : {PrescriptionStatus::kIssued, PrescriptionStatus::kVerified,
                               PrescriptionStatus::kDispensed, PrescriptionStatus::kCancelled}) {
    EXPECT_EQ(*ParsePrescriptionStatus(PrescriptionStatusName(s), "status"), s);
  }
  for (Severity s : {Severity::kMild, Severity::kModerate, Severity::kSevere, Severity::kLifeThreatening}) {
    EXPECT_EQ(*ParseSeverity(SeverityName(s), "severity"), s);
  }
  EXPECT_EQ(RoleName(Role::kPharmacist), "pharmacist");
  EXPECT_EQ(SeverityName(Severity::kLifeThreatening), "life_threatening");
}

TEST(StoreNamesTest, UnknownNamesAreRefusedNamingTheField) {
  Result<Role> r = ParseRole("doctor", "--role");
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "--role");
  EXPECT_THAT(r.status().message(), HasSubstr("clinician"));
  EXPECT_EQ(ParseCourseStatus("Active", "status").status().field(), "status");
}

AuditEvent Example() {
  AuditEvent e;
  e.seq = 1;
  e.at = Instant(std::chrono::seconds(1795348800));  // 2026-11-22T12:00:00Z
  e.actor_user_id = 7;
  e.role = "clinician";
  e.action = "diary.read";
  e.object = "diary/2026-11-01";
  e.outcome = "ok";
  e.detail = "caf\xC3\xA9 \"q\"";
  return e;
}

TEST(AuditHashTest, CanonicalFormIsFixed) {
  EXPECT_EQ(CanonicalAuditEvent(Example()),
            "{\"seq\":1,\"at\":\"2026-11-22T12:00:00Z\",\"actor_user_id\":7,\"role\":\"clinician\","
            "\"patient_id\":null,\"action\":\"diary.read\",\"object\":\"diary/2026-11-01\",\"outcome\":\"ok\","
            "\"detail\":\"caf\xC3\xA9 \\\"q\\\"\"}");
}

TEST(AuditHashTest, MatchesAnIndependentSha256) {
  // python3 -c "import hashlib; print(hashlib.sha256(('0'*64 + CANONICAL).encode()).hexdigest())"
  // with CANONICAL the string of CanonicalFormIsFixed.
  EXPECT_EQ(AuditHash(kAuditGenesisHash, Example()),
            "bed53ab373f2d97ba277b2bb6172c22391a14c8d618167f02a438344b0e8ada0");
}

TEST(AuditHashTest, EveryFieldIsCovered) {
  const std::string base = AuditHash(kAuditGenesisHash, Example());
  auto changed = [&](auto mutate) {
    AuditEvent e = Example();
    mutate(e);
    return AuditHash(kAuditGenesisHash, e);
  };
  EXPECT_NE(changed([](AuditEvent& e) { e.seq = 2; }), base);
  EXPECT_NE(changed([](AuditEvent& e) { e.at += std::chrono::seconds(1); }), base);
  EXPECT_NE(changed([](AuditEvent& e) { e.actor_user_id.reset(); }), base);
  EXPECT_NE(changed([](AuditEvent& e) { e.role = "admin"; }), base);
  EXPECT_NE(changed([](AuditEvent& e) { e.patient_id = 1; }), base);
  EXPECT_NE(changed([](AuditEvent& e) { e.action = "diary.write"; }), base);
  EXPECT_NE(changed([](AuditEvent& e) { e.object = "diary/2026-11-02"; }), base);
  EXPECT_NE(changed([](AuditEvent& e) { e.outcome = "denied"; }), base);
  EXPECT_NE(changed([](AuditEvent& e) { e.detail = ""; }), base);
  EXPECT_NE(AuditHash(std::string(64, '1'), Example()), base);
  // The stored hash fields themselves are not part of the hashed text.
  EXPECT_EQ(changed([](AuditEvent& e) {
              e.hash = "x";
              e.prev_hash = "y";
            }),
            base);
}

TEST(OpenStoreTest, RefusesUnknownSchemesWithoutEchoingSecrets) {
  Result<std::unique_ptr<Store>> r = OpenStore("mysql://admin:hunter2@db/ldn");
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.status().field(), "url");
  EXPECT_THAT(r.status().message(), HasSubstr("mysql"));
  EXPECT_THAT(r.status().message(), Not(HasSubstr("hunter2")));
  EXPECT_EQ(OpenStore("ldn.db").status().field(), "url");
  EXPECT_EQ(OpenStore("sqlite:").status().field(), "url");
  OpenOptions bad;
  bad.pool_size = 0;
  EXPECT_EQ(OpenStore("sqlite::memory:", bad).status().field(), "pool_size");
}

TEST(OpenStoreTest, UnreachableDatabasesAreUnavailable) {
  EXPECT_EQ(OpenStore("sqlite:/nonexistent-dir/ldn.db").status().code(), Code::kUnavailable);
  // Port 1 on loopback: nothing listens; libpq fails at once.
  EXPECT_EQ(OpenStore("postgresql://ldn@127.0.0.1:1/ldn?connect_timeout=2").status().code(), Code::kUnavailable);
}

TEST(MigrationsTest, AreNumberedFromOneWithoutGapsAndAlikeForBothBackends) {
  const auto sqlite = internal::SqliteMigrations();
  const auto postgres = internal::PostgresMigrations();
  ASSERT_FALSE(sqlite.empty());
  ASSERT_EQ(sqlite.size(), postgres.size());
  for (size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(sqlite[i].version, static_cast<int>(i) + 1);
    EXPECT_EQ(postgres[i].version, static_cast<int>(i) + 1);
    EXPECT_EQ(sqlite[i].name, postgres[i].name);
    EXPECT_FALSE(sqlite[i].sql.empty());
  }
  EXPECT_EQ(LatestSchemaVersion(), static_cast<int>(sqlite.size()));
}

TEST(MigrationsTest, DownPathsUndoAnUpMigrationOfTheSameNameAlikeForBothBackends) {
  const auto sqlite = internal::SqliteDownMigrations();
  const auto postgres = internal::PostgresDownMigrations();
  ASSERT_EQ(sqlite.size(), postgres.size());
  for (size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(sqlite[i].version, postgres[i].version);
    EXPECT_EQ(sqlite[i].name, postgres[i].name);
    EXPECT_FALSE(sqlite[i].sql.empty());
    ASSERT_GE(sqlite[i].version, 2) << "version 1 is the first schema: there is nothing below it";
    ASSERT_LE(sqlite[i].version, LatestSchemaVersion());
    EXPECT_EQ(internal::SqliteMigrations()[sqlite[i].version - 1].name, sqlite[i].name);
  }
  // The diary scale migration (issue 12) is reversible.
  bool scale = false;
  for (const auto& m : sqlite) scale = scale || m.name.ends_with("_diary_scale_v2");
  EXPECT_TRUE(scale);
}

TEST(MigrationsTest, EveryPatientOwnedTableCarriesPatientId) {
  // Patient-owned tables (docs/storage.md): the Citus distribution key must be there.
  for (const char* table :
       {"medications", "conditions", "screenings", "courses", "plan_adjustments", "prescriptions", "dose_log",
        "diary_entries", "diary_revisions", "instrument_responses", "adverse_events", "care_team_patients"}) {
    for (auto migrations : {internal::SqliteMigrations(), internal::PostgresMigrations()}) {
      const std::string sql(migrations[0].sql);
      const size_t at = sql.find(std::string("CREATE TABLE ") + table + " (");
      ASSERT_NE(at, std::string::npos) << table;
      const std::string body = sql.substr(at, sql.find(");", at) - at);
      EXPECT_TRUE(body.find("patient_id BIGINT NOT NULL") != std::string::npos ||
                  body.find("patient_id INTEGER NOT NULL") != std::string::npos)
          << table;
    }
  }
}

TEST(ValidationTest, TextMustBeUtf8WithinLimits) {
  EXPECT_TRUE(internal::CheckText("caf\xC3\xA9", "name", 1, 4).ok());  // 4 characters, 5 bytes
  EXPECT_EQ(internal::CheckText("caf\xC3", "name", 1, 10).field(), "name");
  EXPECT_EQ(internal::CheckText(std::string("a\0b", 3), "name", 1, 10).field(), "name");
  EXPECT_EQ(internal::CheckText("\xC0\xAF", "name", 1, 10).field(), "name");  // overlong '/'
  EXPECT_EQ(internal::CheckText("", "name", 1, 10).message(), "must not be empty");
  EXPECT_EQ(internal::CheckText("abcdef", "name", 1, 5).field(), "name");
  EXPECT_TRUE(internal::CheckJson("[1, {\"a\": null}]", "items_json").ok());
  EXPECT_EQ(internal::CheckJson("{\"a\":1} trailing", "items_json").field(), "items_json");
  EXPECT_TRUE(internal::JsonEqual(R"({"a":1,"b":[2]})", R"({ "b": [2], "a": 1 })"));
  EXPECT_FALSE(internal::JsonEqual(R"({"a":1})", R"({"a":2})"));
}

}  // namespace
}  // namespace ldn::store
