// "Your plan changed" through the API (issue 15 item 2c; api_plan_notice.cpp): a plan nobody
// changed is no news; the clinician's adjustment is news to the patient, worded and dated, until
// the patient acknowledges exactly the plan they saw (a plan changed again meanwhile is 409); a
// pause is news; the clinician sees the notice but cannot acknowledge it for the patient; all
// audited. The pure differences are PlanNoticeTest's.
#include <gtest/gtest.h>

#include "server_fixture.h"

namespace ldn::testing {
namespace {

using J = nlohmann::json;

class PlanNoticeApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_ = std::make_unique<ServerFixture>();
    const ServerFixture::CourseSeed seed = f_->SeedCareTeamWithCourse("Notice Patient");
    ASSERT_NE(seed.course_id, 0);
    patient_ = seed.patient_id;
    course_ = seed.course_id;
    doc_ = seed.doc;
    pharm_ = seed.pharm;
    pat_ = seed.pat;
  }
  std::string P(const std::string& rest) const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }
  J Notice(const std::string& token) { return f_->Send("GET", P("/plan-notice"), "", token).Json(); }

  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0, course_ = 0;
  std::string doc_, pharm_, pat_;
};

TEST_F(PlanNoticeApiTest, AnAdjustmentIsNewsUntilThePatientAcknowledgesIt) {
  // As the clinic made it: nothing to tell.
  J n = Notice(pat_);
  EXPECT_EQ(n["changed"], false) << n.dump();
  EXPECT_EQ(n["changes"], J::array());
  EXPECT_EQ(n["plan"]["course_id"], course_);
  EXPECT_TRUE(n["acknowledged_at"].is_null());
  const std::string before = n["snapshot_id"];

  // The clinician halves the dose for a headache (the titration's rule, clinical/titration/adjust.h).
  const J event = {{"type", "side_effects"}, {"date", "2026-12-10"}, {"name", "headache"}, {"days_unsettled", 5}};
  TestResponse r = f_->Send("POST", P("/courses/" + std::to_string(course_) + "/adjustments"),
                            J{{"reason", "headache for 5 days"}, {"events", {event}}}.dump(), doc_);
  ASSERT_EQ(r.status, 201) << r.body;
  n = Notice(pat_);
  ASSERT_EQ(n["changed"], true) << n.dump();
  ASSERT_FALSE(n["changes"].empty());
  EXPECT_NE(n["snapshot_id"], before);
  for (const J& c : n["changes"]) {
    EXPECT_TRUE(c["kind"] == "dose" || c["kind"] == "stop") << c.dump();
    EXPECT_GE(c["from"].get<std::string>(), "2026-12-06") << c.dump();  // from today on
    EXPECT_NE(c["text"].get<std::string>().find(" mg"), std::string::npos) << c.dump();
  }
  // The clinician sees what the patient has yet to see, but cannot acknowledge it for them.
  EXPECT_EQ(Notice(doc_)["changed"], true);
  r = f_->Send("POST", P("/plan-notice/acknowledge"), J{{"snapshot_id", n["snapshot_id"]}}.dump(), doc_);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(f_->Send("GET", P("/plan-notice"), "", pharm_).status, 403);

  // A stale page (the plan as it was) is refused, and nothing is stored.
  r = f_->Send("POST", P("/plan-notice/acknowledge"), J{{"snapshot_id", before}}.dump(), pat_);
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "snapshot_id");
  r = f_->Send("POST", P("/plan-notice/acknowledge"), J{{"snapshot", "x"}}.dump(), pat_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Notice(pat_)["changed"], true);

  r = f_->Send("POST", P("/plan-notice/acknowledge"), J{{"snapshot_id", n["snapshot_id"]}}.dump(), pat_);
  ASSERT_EQ(r.status, 200) << r.body;
  n = Notice(pat_);
  EXPECT_EQ(n["changed"], false) << n.dump();
  EXPECT_FALSE(n["acknowledged_at"].is_null());

  // The planned course withdrawn: news again, once.
  r = f_->Send("POST", P("/courses/" + std::to_string(course_) + "/discard"),
               J{{"reason", "The patient decided to wait."}}.dump(), doc_);
  ASSERT_EQ(r.status, 200) << r.body;
  n = Notice(pat_);
  ASSERT_EQ(n["changed"], true) << n.dump();
  ASSERT_EQ(n["changes"].size(), 1u) << n.dump();
  EXPECT_EQ(n["changes"][0]["kind"], "status");
  EXPECT_EQ(n["changes"][0]["was"], "planned");
  EXPECT_EQ(n["plan"]["course_id"], 0);

  store::AuditQuery q;
  q.limit = 1000;
  auto events = f_->store().ListAudit(q);
  ASSERT_TRUE(events.ok());
  int acks = 0;
  for (const auto& e : *events) {
    if (e.action == "plan_notice.acknowledge" && e.outcome == "ok") {
      ++acks;
      EXPECT_EQ(e.patient_id, std::optional<store::Id>(patient_));
    }
  }
  EXPECT_EQ(acks, 1);
}

}  // namespace
}  // namespace ldn::testing
