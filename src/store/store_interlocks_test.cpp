// The store's part of the safety interlocks (issue 12; docs/safety.md): course decisions, dose
// deviations and flag acknowledgements, on every backend (ldn_store_tests: SQLite;
// ctest store_contract_postgres: PostgreSQL under pg_virtualenv).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/store_test_support.h"

namespace ldn::store::testing {
namespace {

class StoreInterlocksTest : public StoreTestBase {
 protected:
  void SetUp() override {
    StoreTestBase::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Seed();
    Course c;
    c.patient_id = patient1_.id;
    c.protocol = "ldnrt-standard";
    c.plan_json = R"({"plan":{"steps":[]}})";
    c.recorded_by = clinician_.id;
    c.recorded_at = T0();
    auto course = store_->CreateCourse(c);
    ASSERT_TRUE(course.ok()) << course.status().ToString();
    course_ = *course;
    Screening s;
    s.patient_id = patient1_.id;
    s.input_json = "{}";
    s.result_json = R"({"verdict":"wait","earliest_start":"2026-12-13","findings":[]})";
    s.verdict = "wait";
    s.recorded_by = clinician_.id;
    s.recorded_at = T0();
    auto screening = store_->CreateScreening(s);
    ASSERT_TRUE(screening.ok()) << screening.status().ToString();
    screening_ = *screening;
  }

  CourseDecision Decision(std::string action) {
    CourseDecision d;
    d.patient_id = patient1_.id;
    d.course_id = course_.id;
    d.action = std::move(action);
    d.screening_id = screening_.id;
    d.evaluation_json = R"({"allowed":true})";
    d.overrides_json = R"([{"code":"start.before_earliest","reason":"Naloxone challenge negative."}])";
    d.recorded_by = clinician_.id;
    d.recorded_at = At(60);
    return d;
  }

  Course course_;
  Screening screening_;
};

TEST_P(StoreInterlocksTest, CourseDecisionsAreKeptAsWritten) {
  auto created = store_->CreateCourseDecision(Decision("create"));
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_GT(created->id, 0);
  CourseDecision discard = Decision("discard");
  discard.screening_id.reset();
  discard.overrides_json = "[]";
  discard.reason = "The patient chose to wait until after surgery.";
  ASSERT_TRUE(store_->CreateCourseDecision(discard).ok());
  auto listed = store_->ListCourseDecisions(patient1_.id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].action, "create");
  EXPECT_EQ((*listed)[0].screening_id, screening_.id);
  EXPECT_EQ((*listed)[0].overrides_json, Decision("create").overrides_json);  // text exactly as written
  EXPECT_EQ((*listed)[0].recorded_at, At(60));
  EXPECT_EQ((*listed)[1].reason, "The patient chose to wait until after surgery.");
  EXPECT_FALSE((*listed)[1].screening_id);
  EXPECT_TRUE(store_->ListCourseDecisions(patient2_.id)->empty());
}

TEST_P(StoreInterlocksTest, CourseDecisionsRefuseBadInputAndOtherPatientsRows) {
  CourseDecision d = Decision("start");
  EXPECT_EQ(store_->CreateCourseDecision(d).status().field(), "action");
  d = Decision("create");
  d.evaluation_json = "{";
  EXPECT_EQ(store_->CreateCourseDecision(d).status().field(), "evaluation_json");
  d = Decision("create");
  d.patient_id = patient2_.id;  // the course is patient1's
  EXPECT_EQ(store_->CreateCourseDecision(d).status().code(), Code::kNotFound);
  d = Decision("create");
  d.screening_id = screening_.id + 100;
  EXPECT_EQ(store_->CreateCourseDecision(d).status().code(), Code::kNotFound);
  d = Decision("create");
  d.reason = std::string(2001, 'x');
  EXPECT_EQ(store_->CreateCourseDecision(d).status().field(), "reason");
  EXPECT_TRUE(store_->ListCourseDecisions(patient1_.id)->empty());
}

TEST_P(StoreInterlocksTest, DoseDeviationsAreOnePerDose) {
  DoseLogEntry dose;
  dose.patient_id = patient1_.id;
  dose.course_id = course_.id;
  dose.local_date = Day(2026, 11, 20);
  dose.dose_micrograms_hcl = 4000;
  dose.recorded_by = patient_user_.id;
  dose.recorded_at = T0();
  auto stored = store_->AddDoseLogEntry(dose);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  DoseDeviation dev;
  dev.patient_id = patient1_.id;
  dev.dose_id = stored->id;
  dev.planned_micrograms_hcl = 4500;
  dev.reason = "felt sick, took less";
  dev.recorded_by = patient_user_.id;
  dev.recorded_at = At(5);
  auto first = store_->RecordDoseDeviation(dev);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->planned_micrograms_hcl, 4500);
  DoseDeviation again = dev;
  again.reason = "something else";
  auto second = store_->RecordDoseDeviation(again);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->reason, "felt sick, took less");  // the first confirmation stands
  auto listed = store_->ListDoseDeviations(patient1_.id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].dose_id, stored->id);
  DoseDeviation other = dev;
  other.patient_id = patient2_.id;
  EXPECT_EQ(store_->RecordDoseDeviation(other).status().code(), Code::kNotFound);
  DoseDeviation empty = dev;
  empty.reason = "";
  EXPECT_EQ(store_->RecordDoseDeviation(empty).status().field(), "reason");
  DoseDeviation none = dev;
  none.planned_micrograms_hcl.reset();
  none.dose_id = stored->id + 1000;
  EXPECT_EQ(store_->RecordDoseDeviation(none).status().code(), Code::kNotFound);
}

TEST_P(StoreInterlocksTest, FlagAcknowledgementsStickToOneCode) {
  FlagAcknowledgement a;
  a.patient_id = patient1_.id;
  a.code = "diary.2026-11-20.note.heart_racing";
  a.note = "Called the patient: palpitations after coffee; ECG normal.";
  a.recorded_by = clinician_.id;
  a.recorded_at = At(10);
  ASSERT_TRUE(store_->AcknowledgeFlag(a).ok());
  auto twice = store_->AcknowledgeFlag(a);
  EXPECT_EQ(twice.status().code(), Code::kConflict);
  FlagAcknowledgement b = a;
  b.code = "diary.2026-11-21.note.heart_racing";
  b.note = "";
  b.recorded_at = At(20);
  ASSERT_TRUE(store_->AcknowledgeFlag(b).ok());
  FlagAcknowledgement other = a;
  other.patient_id = patient2_.id;  // the same code of another patient is another occurrence
  ASSERT_TRUE(store_->AcknowledgeFlag(other).ok());
  auto listed = store_->ListFlagAcknowledgements(patient1_.id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].code, a.code);
  EXPECT_EQ((*listed)[0].note, a.note);
  EXPECT_EQ((*listed)[1].recorded_at, At(20));
  FlagAcknowledgement bad = a;
  bad.code = "";
  EXPECT_EQ(store_->AcknowledgeFlag(bad).status().field(), "code");
  bad = a;
  bad.recorded_by = 999999;
  bad.code = "x";
  EXPECT_EQ(store_->AcknowledgeFlag(bad).status().code(), Code::kNotFound);
}

TEST_P(StoreInterlocksTest, RecordsAreAppendOnlyInTheDatabase) {
  if (IsMemory()) GTEST_SKIP() << "needs raw SQL on the same database";
  ASSERT_TRUE(store_->CreateCourseDecision(Decision("create")).ok());
  FlagAcknowledgement a;
  a.patient_id = patient1_.id;
  a.code = "ae.1";
  a.recorded_by = clinician_.id;
  a.recorded_at = T0();
  ASSERT_TRUE(store_->AcknowledgeFlag(a).ok());
  EXPECT_ANY_THROW(RawSql("UPDATE course_decisions SET reason = 'changed'"));
  EXPECT_ANY_THROW(RawSql("UPDATE flag_acknowledgements SET note = 'changed'"));
  EXPECT_EQ(store_->ListCourseDecisions(patient1_.id)->at(0).reason, "");
}

TEST_P(StoreInterlocksTest, WrittenInOneTransactionWithTheCourseOrNotAtAll) {
  const Status failed = store_->RunInTransaction([&](Store& tx) -> Status {
    LDN_RETURN_IF_ERROR(tx.SetCourseStatus(patient1_.id, course_.id, CourseStatus::kActive, Day(2026, 12, 13), At(1)));
    LDN_RETURN_IF_ERROR(tx.CreateCourseDecision(Decision("activate")).status());
    return Status::Conflict("the audit event could not be written");
  });
  EXPECT_EQ(failed.code(), Code::kConflict);
  EXPECT_EQ(store_->GetCourse(patient1_.id, course_.id)->status, CourseStatus::kPlanned);
  EXPECT_TRUE(store_->ListCourseDecisions(patient1_.id)->empty());
}

// Migration 0003's down path (down/0003_interlocks.sql): refused while any interlock record exists,
// so no override, confirmation or acknowledgement is ever dropped; reversible while they are empty.
TEST_P(StoreInterlocksTest, DownPathKeepsRecordsAndIsReversibleWhenEmpty) {
  if (IsMemory()) GTEST_SKIP() << "needs to reopen the same database";
  ASSERT_TRUE(store_->CreateCourseDecision(Decision("create")).ok());
  const Status refused = store_->MigrateDown(2);
  EXPECT_FALSE(refused.ok());
  EXPECT_THAT(refused.message(), ::testing::HasSubstr("interlock records exist"));
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  ASSERT_EQ(store_->ListCourseDecisions(patient1_.id)->size(), 1u);
  EXPECT_EQ(store_->ListCourseDecisions(patient1_.id)->at(0).overrides_json,
            R"([{"code":"start.before_earliest","reason":"Naloxone challenge negative."}])");

  // Without records: down to version 2 (the tables are gone), then up again on the next open.
  RawSql("DELETE FROM course_decisions");
  ASSERT_TRUE(store_->MigrateDown(2).ok());
  EXPECT_EQ(*store_->SchemaVersion(), 2);
  EXPECT_ANY_THROW(RawSql("SELECT count(*) FROM flag_acknowledgements"));
  Reopen();
  EXPECT_EQ(*store_->SchemaVersion(), LatestSchemaVersion());
  EXPECT_TRUE(store_->CreateCourseDecision(Decision("create")).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreInterlocksTest, LDN_STORE_TEST_BACKENDS, BackendName);

}  // namespace
}  // namespace ldn::store::testing
