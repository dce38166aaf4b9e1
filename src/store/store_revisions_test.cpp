// Migration 0008: each patient's record revision, moved by triggers on every change of the record
// (store.h, ListPatientRevisions), on every backend. The panel's flag cache (server/flag_cache.h)
// trusts it, so a table of the record without the triggers would show stale flags: the schema
// test below fails for any table with a patient_id column that does not move the revision.
#include <map>
#include <set>
#include <string>

#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include "store/store_test_support.h"

namespace ldn::store::testing {
namespace {

class StoreRevisionsTest : public StoreTestBase {
 protected:
  void SetUp() override {
    StoreTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Seed();
    if (HasFatalFailure()) return;
    const Result<CareTeam> team = store_->CreateCareTeam({0, "Team", T0()});
    ASSERT_TRUE(team.ok()) << team.status().ToString();
    ASSERT_TRUE(store_->AddCareTeamMember(team->id, clinician_.id, T0()).ok());
    ASSERT_TRUE(store_->AddCareTeamPatient(team->id, patient1_.id, T0()).ok());
    ASSERT_TRUE(store_->AddCareTeamPatient(team->id, patient2_.id, T0()).ok());
  }

  std::map<Id, int64_t> Revisions() {
    const auto r = store_->ListPatientRevisions(clinician_.id);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::map<Id, int64_t>(r->begin(), r->end()) : std::map<Id, int64_t>{};
  }

  // Rows of a one-column query, behind the store's back.
  std::set<std::string> Strings(const std::string& sql) {
    std::set<std::string> out;
    if (IsPostgres()) {
      pqxx::connection c(url_);
      pqxx::nontransaction w(c);
      for (const auto& row : w.exec(sql)) out.insert(row[0].as<std::string>());
    } else {
      SQLite::Database db(url_.substr(7), SQLite::OPEN_READONLY);
      SQLite::Statement q(db, sql);
      while (q.executeStep()) out.insert(q.getColumn(0).getString());
    }
    return out;
  }
};

TEST_P(StoreRevisionsTest, EveryChangeOfOnePatientsRecordMovesOnlyTheirRevision) {
  std::map<Id, int64_t> before = Revisions();
  ASSERT_EQ(before.size(), 2u);
  ASSERT_TRUE(store_->UpsertDiary(Diary(*ParseDate("2026-11-01", "d"), "c1", R"({"pain":5})")).ok());
  std::map<Id, int64_t> after = Revisions();
  EXPECT_GT(after[patient1_.id], before[patient1_.id]);
  EXPECT_EQ(after[patient2_.id], before[patient2_.id]);

  // An adverse event, then a change of it; a change of the patient's own row.
  before = after;
  AdverseEvent e;
  e.patient_id = patient1_.id;
  e.onset_date = *ParseDate("2026-11-02", "d");
  e.description = "vivid dreams";
  e.severity = Severity::kMild;
  e.recorded_by = clinician_.id;
  e.recorded_at = T0();
  Result<AdverseEvent> made = store_->CreateAdverseEvent(e);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  after = Revisions();
  EXPECT_GT(after[patient1_.id], before[patient1_.id]);
  before = after;
  made->severity = Severity::kSevere;
  ASSERT_TRUE(store_->UpdateAdverseEvent(*made).ok());
  after = Revisions();
  EXPECT_GT(after[patient1_.id], before[patient1_.id]);
  before = after;
  Patient p2 = patient2_;
  p2.time_zone = "Europe/London";
  ASSERT_TRUE(store_->UpdatePatient(p2).ok());
  after = Revisions();
  EXPECT_EQ(after[patient1_.id], before[patient1_.id]);
  EXPECT_GT(after[patient2_.id], before[patient2_.id]);
  // A read moves nothing.
  before = after;
  ASSERT_TRUE(store_->ListDiary(patient1_.id, *ParseDate("2026-10-01", "d"), *ParseDate("2026-12-01", "d")).ok());
  EXPECT_EQ(Revisions(), before);
}

TEST_P(StoreRevisionsTest, OnlyThePatientsTheCallerMaySeeAreListed) {
  EXPECT_TRUE(store_->ListPatientRevisions(patient_user_.id).ok());
  EXPECT_EQ(store_->ListPatientRevisions(patient_user_.id)->size(), 1u);
  EXPECT_EQ(store_->ListPatientRevisions(patient_user_.id)->front().first, patient1_.id);
  EXPECT_EQ(store_->ListPatientRevisions(987654).status().code(), Code::kNotFound);
}

// Every table with a patient_id column moves the revision on insert, update and delete; the audit
// log alone does not (every read is audited; it is not the record).
TEST_P(StoreRevisionsTest, EveryTableOfTheRecordHasTheTriggers) {
  if (IsMemory()) GTEST_SKIP() << "reads the schema through a second connection";
  std::set<std::string> tables, moving;
  if (IsPostgres()) {
    tables = Strings(
        "SELECT c.table_name FROM information_schema.columns c JOIN information_schema.tables t ON "
        "t.table_schema = c.table_schema AND t.table_name = c.table_name WHERE c.table_schema = current_schema() "
        "AND c.column_name = 'patient_id' AND t.table_type = 'BASE TABLE'");
    // One trigger per table, on all three operations.
    moving = Strings(
        "SELECT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_proc p ON p.oid = g.tgfoid "
        "WHERE p.proname = 'ldn_bump_patient_revision' AND (g.tgtype & 28) = 28");
  } else {
    tables = Strings(
        "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = "
        "'patient_id'");
    for (const std::string& t : Strings("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE "
                                        "'%\\_revision\\_ins' ESCAPE '\\'")) {
      const auto all =
          Strings("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '" + t + "' AND name IN ('" +
                  t + "_revision_ins', '" + t + "_revision_upd', '" + t + "_revision_del')");
      if (all.size() == 3) moving.insert(t);
    }
  }
  ASSERT_GT(tables.size(), 20u);
  tables.erase("audit_events");
  tables.erase("patient_revisions");
  for (const std::string& t : tables) EXPECT_TRUE(moving.count(t)) << t << " does not move the patient's revision";
  EXPECT_TRUE(moving.count("patients")) << "patients does not move the revision";
  EXPECT_FALSE(moving.count("audit_events"));
}

TEST_P(StoreRevisionsTest, DownPathRemovesTheCountersAndUpComesBack) {
  if (IsMemory()) GTEST_SKIP() << "needs to reopen the same database";
  ASSERT_TRUE(store_->MigrateDown(7).ok());
  EXPECT_EQ(*store_->SchemaVersion(), 7);
  EXPECT_ANY_THROW(RawSql("SELECT count(*) FROM patient_revisions"));
  Reopen();
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  const auto r = Revisions();
  EXPECT_EQ(r.size(), 2u);
  ASSERT_TRUE(store_->UpsertDiary(Diary(*ParseDate("2026-11-03", "d"), "c9", R"({"pain":4})")).ok());
  EXPECT_GT(Revisions()[patient1_.id], r.at(patient1_.id));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreRevisionsTest, LDN_STORE_TEST_BACKENDS, BackendName);

}  // namespace
}  // namespace ldn::store::testing
