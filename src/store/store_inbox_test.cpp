// The store's part of the clinician's inbox (issue 13; docs/clinic.md "Tasks"): how each task was
// settled, on every backend (ldn_store_tests: SQLite; ctest store_contract_postgres: PostgreSQL).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store_test_support.h"

namespace ldn::store::testing {
namespace {

class StoreInboxTest : public StoreTestBase {
 protected:
  void SetUp() override {
    StoreTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Seed();
  }

  TaskResolution Resolution(std::string key, std::string resolution, std::string note) {
    TaskResolution t;
    t.patient_id = patient1_.id;
    t.task_key = std::move(key);
    t.kind = "message";
    t.resolution = std::move(resolution);
    t.note = std::move(note);
    t.recorded_by = clinician_.id;
    t.recorded_at = At(30);
    return t;
  }
};

TEST_P(StoreInboxTest, ResolutionsAreKeptPerPatientAndTheFirstWordStands) {
  auto done = store_->CreateTaskResolution(Resolution("message.7", "done", ""));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_GT(done->id, 0);
  TaskResolution dismissed = Resolution("diary.missing.2026-12-01", "dismissed", "On holiday, told us by phone.");
  dismissed.kind = "diary_missing";
  ASSERT_TRUE(store_->CreateTaskResolution(dismissed).ok());

  // The same task again: refused, the first record is unchanged.
  const auto again = store_->CreateTaskResolution(Resolution("message.7", "dismissed", "Changed my mind"));
  EXPECT_EQ(again.status().code(), Code::kConflict);
  EXPECT_THAT(again.status().message(), ::testing::HasSubstr("task_key"));
  // Another patient's task of the same key is another task.
  TaskResolution other = Resolution("message.7", "done", "");
  other.patient_id = patient2_.id;
  ASSERT_TRUE(store_->CreateTaskResolution(other).ok());

  auto listed = store_->ListTaskResolutions(patient1_.id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ(listed->at(0).task_key, "message.7");
  EXPECT_EQ(listed->at(0).resolution, "done");
  EXPECT_EQ(listed->at(0).note, "");
  EXPECT_EQ(listed->at(0).recorded_by, clinician_.id);
  EXPECT_EQ(listed->at(0).recorded_at, At(30));
  EXPECT_EQ(listed->at(1).kind, "diary_missing");
  EXPECT_EQ(listed->at(1).note, "On holiday, told us by phone.");
  EXPECT_EQ(store_->ListTaskResolutions(patient2_.id)->size(), 1u);
}

TEST_P(StoreInboxTest, BadResolutionsAreRefusedNamingTheField) {
  EXPECT_EQ(store_->CreateTaskResolution(Resolution("message.1", "dismissed", "")).status().field(), "note");
  EXPECT_EQ(store_->CreateTaskResolution(Resolution("message.1", "ignored", "x")).status().field(), "resolution");
  EXPECT_EQ(store_->CreateTaskResolution(Resolution("", "done", "")).status().field(), "task_key");
  EXPECT_EQ(store_->CreateTaskResolution(Resolution(std::string(201, 'k'), "done", "")).status().field(), "task_key");
  TaskResolution kind = Resolution("message.1", "done", "");
  kind.kind = "reminder";
  EXPECT_EQ(store_->CreateTaskResolution(kind).status().field(), "kind");
  TaskResolution note = Resolution("message.1", "done", std::string(2001, 'n'));
  EXPECT_EQ(store_->CreateTaskResolution(note).status().field(), "note");
  TaskResolution patient = Resolution("message.1", "done", "");
  patient.patient_id = 999999;
  EXPECT_EQ(store_->CreateTaskResolution(patient).status().code(), Code::kNotFound);
  TaskResolution user = Resolution("message.1", "done", "");
  user.recorded_by = 999999;
  EXPECT_EQ(store_->CreateTaskResolution(user).status().code(), Code::kNotFound);
  EXPECT_TRUE(store_->ListTaskResolutions(patient1_.id)->empty());
}

TEST_P(StoreInboxTest, ResolutionsAreNeverChanged) {
  if (IsMemory()) GTEST_SKIP() << "raw SQL needs a second connection";
  ASSERT_TRUE(store_->CreateTaskResolution(Resolution("message.3", "done", "Phoned")).ok());
  EXPECT_ANY_THROW(RawSql("UPDATE task_resolutions SET note = 'rewritten'"));
  EXPECT_EQ(store_->ListTaskResolutions(patient1_.id)->at(0).note, "Phoned");
}

// Migration 0006's down path: refused while a resolution exists; reversible while none does.
TEST_P(StoreInboxTest, DownPathKeepsResolutionsAndIsReversibleWhenEmpty) {
  if (IsMemory()) GTEST_SKIP() << "needs to reopen the same database";
  ASSERT_TRUE(store_->CreateTaskResolution(Resolution("message.3", "done", "")).ok());
  const Status refused = store_->MigrateDown(5);
  EXPECT_FALSE(refused.ok());
  EXPECT_THAT(refused.message(), ::testing::HasSubstr("task resolutions exist"));
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(store_->ListTaskResolutions(patient1_.id)->size(), 1u);

  RawSql("DELETE FROM task_resolutions");
  ASSERT_TRUE(store_->MigrateDown(5).ok());
  EXPECT_EQ(*store_->SchemaVersion(), 5);
  EXPECT_ANY_THROW(RawSql("SELECT count(*) FROM task_resolutions"));
  Reopen();
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  EXPECT_TRUE(store_->CreateTaskResolution(Resolution("message.3", "done", "")).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreInboxTest, LDN_STORE_TEST_BACKENDS, BackendName);

}  // namespace
}  // namespace ldn::store::testing
