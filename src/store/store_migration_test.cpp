// The diary scale migration 0002 (issue 12) on every durable backend: mood becomes 10 - v in every
// stored entry and revision going up, and back going down; each change is recorded in
// diary_scale_changes, which both directions keep; applying twice changes nothing; revisions stay
// append-only and none is lost. The items it converts are exactly those whose direction differs
// between scale versions 1 and 2 in data/diary_items.json.
#include <map>
#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clinical/instruments/diary_definitions.h"
#include "store/store.h"
#include "store/store_test_support.h"

namespace ldn::store {
namespace {

using ::ldn::store::testing::Day;
using ::ldn::store::testing::StoreTestBase;

class StoreMigrationTest : public StoreTestBase {
 protected:
  // A single integer from SQL run behind the store's back.
  int64_t Scalar(const std::string& sql) {
    if (IsPostgres()) {
      pqxx::connection c(url_);
      pqxx::nontransaction w(c);
      return w.exec1(sql)[0].as<int64_t>();
    }
    SQLite::Database db(url_.substr(7), SQLite::OPEN_READONLY);
    return db.execAndGet(sql).getInt64();
  }

  // Takes the fresh database down to scale version 1 (schema 1) and reopens it without migrating.
  void DownToVersion1() {
    const Status down = store_->MigrateDown(1);
    ASSERT_TRUE(down.ok()) << down.ToString();
    OpenOptions stay;
    stay.migrate = false;
    stay.check_schema = false;
    Reopen(stay);
    ASSERT_EQ(*store_->SchemaVersion(), 1);
  }

  nlohmann::json Current(LocalDate d) {
    Result<DiaryEntry> e = store_->GetDiary(patient1_.id, d);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? nlohmann::json::parse(e->items_json) : nlohmann::json();
  }

  std::vector<nlohmann::json> Revisions(LocalDate d) {
    std::vector<nlohmann::json> out;
    Result<std::vector<DiaryEntry>> r = store_->ListDiaryRevisions(patient1_.id, d);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) {
      for (const DiaryEntry& e : *r) out.push_back(nlohmann::json::parse(e.items_json));
    }
    return out;
  }

  bool RevisionUpdateRefused() {
    try {
      RawSql("UPDATE diary_revisions SET client_id = 'tampered'");
    } catch (const std::exception&) {
      return true;
    }
    return false;
  }
};

TEST_P(StoreMigrationTest, MoodIsReversedUpAndBackDownWithEveryChangeRecorded) {
  Seed();
  DownToVersion1();
  // Scale 1: mood 8 = good. Day 1 has two revisions; day 2 has no mood; day 3's note mentions mood.
  ASSERT_TRUE(store_->UpsertDiary(Diary(Day(2026, 3, 1), "c-1", R"({"pain":5,"mood":8,"note":"x"})")).ok());
  ASSERT_TRUE(store_->UpsertDiary(Diary(Day(2026, 3, 1), "c-2", R"({"pain":4,"mood":2})")).ok());
  ASSERT_TRUE(store_->UpsertDiary(Diary(Day(2026, 3, 2), "c-3", R"({"pain":3})")).ok());
  ASSERT_TRUE(store_->UpsertDiary(Diary(Day(2026, 3, 3), "c-4", R"({"mood":10,"note":"\"mood\":3"})")).ok());

  Reopen();  // migrates up to the newest version
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(Current(Day(2026, 3, 1)), nlohmann::json::parse(R"({"pain":4,"mood":8})"));
  const auto day1 = Revisions(Day(2026, 3, 1));
  ASSERT_EQ(day1.size(), 2u);  // history kept: both revisions, in order
  EXPECT_EQ(day1[0], nlohmann::json::parse(R"({"pain":5,"mood":2,"note":"x"})"));
  EXPECT_EQ(day1[1], nlohmann::json::parse(R"({"pain":4,"mood":8})"));
  EXPECT_EQ(Current(Day(2026, 3, 2)), nlohmann::json::parse(R"({"pain":3})"));
  EXPECT_EQ(Current(Day(2026, 3, 3)), nlohmann::json::parse(R"({"mood":0,"note":"\"mood\":3"})"));
  // The record: one row per stored revision with a mood.
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM diary_scale_changes WHERE from_scale = 1 AND to_scale = 2"), 3);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM diary_scale_changes WHERE item = 'mood' AND old_value = 8 AND new_value = 2 "
                   "AND revision = 1"),
            1);
  EXPECT_TRUE(RevisionUpdateRefused()) << "diary_revisions must stay append-only after the migration";

  // Applying again (another open) changes nothing.
  Reopen();
  EXPECT_EQ(Current(Day(2026, 3, 1)), nlohmann::json::parse(R"({"pain":4,"mood":8})"));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM diary_scale_changes"), 3);

  // A day written on scale 2, then the way down: every revision back on scale 1.
  ASSERT_TRUE(store_->UpsertDiary(Diary(Day(2026, 3, 4), "c-5", R"({"mood":6})")).ok());
  const Status down = store_->MigrateDown(1);
  ASSERT_TRUE(down.ok()) << down.ToString();
  EXPECT_EQ(*store_->SchemaVersion(), 1);
  EXPECT_EQ(Current(Day(2026, 3, 1)), nlohmann::json::parse(R"({"pain":4,"mood":2})"));
  EXPECT_EQ(Revisions(Day(2026, 3, 1))[0], nlohmann::json::parse(R"({"pain":5,"mood":8,"note":"x"})"));
  EXPECT_EQ(Current(Day(2026, 3, 4)), nlohmann::json::parse(R"({"mood":4})"));
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM diary_scale_changes WHERE from_scale = 2 AND to_scale = 1"), 4);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM diary_scale_changes"), 7);  // the way up is still recorded
  EXPECT_TRUE(RevisionUpdateRefused());
  // Down again is a no-op.
  ASSERT_TRUE(store_->MigrateDown(1).ok());
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM diary_scale_changes"), 7);

  // And up again.
  Reopen();
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(Current(Day(2026, 3, 4)), nlohmann::json::parse(R"({"mood":6})"));
  EXPECT_EQ(Revisions(Day(2026, 3, 1)).size(), 2u);
  EXPECT_EQ(Scalar("SELECT COUNT(*) FROM diary_scale_changes"), 11);
}

TEST_P(StoreMigrationTest, ConvertsExactlyTheItemsWhoseDirectionChangedInTheData) {
  Seed();
  DownToVersion1();
  const auto& set = clinical::LoadDiaryItemSet();
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  nlohmann::json items = nlohmann::json::object();
  int value = 1;
  for (const auto& i : set->items) items[i.id] = value++;  // 1..9, each distinct and not 5
  ASSERT_TRUE(store_->UpsertDiary(Diary(Day(2026, 3, 1), "c-1", items.dump())).ok());
  Reopen();
  const nlohmann::json after = Current(Day(2026, 3, 1));
  for (const auto& i : set->items) {
    const int before = items[i.id].get<int>();
    const int expected = i.DirectionOn(1) == i.DirectionOn(set->scale_version) ? before : 10 - before;
    EXPECT_EQ(after[i.id].get<int>(), expected) << i.id;
  }
}

TEST_P(StoreMigrationTest, DownBelowTheFirstVersionIsRefused) {
  const Status s = store_->MigrateDown(0);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.field(), "version");
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreMigrationTest, LDN_STORE_TEST_DURABLE_BACKENDS, testing::BackendName);

}  // namespace
}  // namespace ldn::store
