// Issue 12 on a real server: the diary items are served from data/diary_items.json; a diary write
// must say its scale version and a scale-1 mood is stored converted; the analysis of a stored
// record carries each item's direction and what its change is, uses an off-plan dose as taken and
// reports it, says when the evaluation opens, and explains a record it cannot read in plain words.
// Run twice: ldn_server_tests (SQLite) and ctest server_postgres (PostgreSQL, under
// pg_virtualenv; LDN_TEST_SERVER_DB=postgresql, tests/server/server_fixture.h).
#include <gtest/gtest.h>

#include "analysis/diary.h"
#include "server/course_plans.h"
#include "server_fixture.h"

namespace ldn::testing {
namespace {

using J = nlohmann::json;

// The store of the test: SQLite in memory, or a fresh schema of the PostgreSQL under pg_virtualenv.
std::string DirectionStoreUrl() {
  return "";
}

class DirectionApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_ = std::make_unique<ServerFixture>(server::ApiOptions{}, server::HttpServerOptions{}, nullptr,
                                         DirectionStoreUrl());
    const ServerFixture::CareTeamSeed seed = f_->SeedCareTeam("Direction Patient");
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    pat_ = seed.pat;
    ASSERT_FALSE(doc_.empty() || pat_.empty());
    auto users = f_->store().GetUserByUsername("doc");
    ASSERT_TRUE(users.ok());
    doc_id_ = users->id;
  }
  std::string P(const std::string& rest = "") const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }

  // An active ldnrt-standard course from `start`, stored directly (as any earlier version of the
  // server may have stored it): the analysis must cope with whatever is in the store.
  store::Course StoreCourse(const std::string& start) {
    auto plan =
        server::BuildCoursePlan(J{{"protocol", "ldnrt-standard"}, {"start", start}}, J::array(), std::nullopt, "");
    EXPECT_TRUE(plan.ok()) << plan.status().ToString();
    store::Course c;
    c.patient_id = patient_;
    c.protocol = plan->protocol;
    c.plan_json = plan->plan_json;
    c.status = store::CourseStatus::kActive;
    c.start_date = plan->start;
    c.recorded_by = doc_id_;
    c.recorded_at = f_->clock().Now();
    auto stored = f_->store().CreateCourse(c);
    EXPECT_TRUE(stored.ok()) << stored.status().ToString();
    return stored.ok() ? *stored : c;
  }

  void StoreDose(const store::Course& course, LocalDate d, int64_t ug) {
    store::DoseLogEntry e;
    e.patient_id = patient_;
    e.course_id = course.id;
    e.local_date = d;
    e.dose_micrograms_hcl = ug;
    e.taken = true;
    e.recorded_by = doc_id_;
    e.recorded_at = f_->clock().Now();
    ASSERT_TRUE(f_->store().AddDoseLogEntry(e).ok());
  }

  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0;
  store::Id doc_id_ = 0;
  std::string doc_, pat_;
};

TEST_F(DirectionApiTest, DiaryItemsAreServedFromTheDataWithoutLogin) {
  const TestResponse r = f_->Send("GET", "/api/v1/diary-items");
  ASSERT_EQ(r.status, 200) << r.body;
  const J j = r.Json();
  EXPECT_EQ(j["file"], "data/diary_items.json");
  EXPECT_EQ(j["scale_version"], analysis::CurrentScaleVersion());
  ASSERT_EQ(j["entries"].size(), static_cast<size_t>(analysis::kItemCount));
  for (int i = 0; i < analysis::kItemCount; ++i) {
    const analysis::Item item = analysis::kAllItems[i];
    const J& e = j["entries"][i];
    EXPECT_EQ(e["id"], analysis::ItemName(item));
    EXPECT_EQ(e["higher_is"], analysis::ItemHigherIs(item));  // what the web shows is what the analysis reads
    EXPECT_EQ(e["anchor_0"], analysis::ItemDefinition(item).anchor_0);
    EXPECT_EQ(e["label"], analysis::ItemLabel(item));
  }
  EXPECT_EQ(j["entries"][3]["question"], "How low or down did you feel today?");
}

TEST_F(DirectionApiTest, AWriteMustSayItsScaleAndAScaleOneMoodIsStoredConverted) {
  // An app from before scale version 2: refused, and nothing stored.
  TestResponse r =
      f_->Send("PUT", P("/diary/2026-11-20"), J{{"client_id", "old-1"}, {"items", {{"mood", 8}}}}.dump(), pat_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Json()["error"]["field"], "scale_version");
  EXPECT_NE(r.Json()["error"]["message"].get<std::string>().find("mood ran 0 = very low, depressed, 10 = very good"),
            std::string::npos)
      << r.body;
  EXPECT_EQ(f_->Send("GET", P("/diary/2026-11-20"), "", pat_).status, 404);
  EXPECT_EQ(f_->Send("PUT", P("/diary/2026-11-20"),
                     J{{"client_id", "old-2"}, {"scale_version", 3}, {"items", {{"mood", 8}}}}.dump(), pat_)
                .status,
            400);

  // Scale 1, said so: mood 8 ("very good") is 2 ("not low") on scale 2; other items as given.
  r = f_->Send(
      "PUT", P("/diary/2026-11-20"),
      J{{"client_id", "v1-1"}, {"scale_version", 1}, {"items", {{"pain", 6}, {"sleep", 7}, {"mood", 8}}}}.dump(), pat_);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["items"], J({{"pain", 6}, {"sleep", 7}, {"mood", 2}}));
  EXPECT_EQ(r.Json()["converted_from_scale_version"], 1);
  EXPECT_EQ(r.Json()["scale_version"], 2);
  EXPECT_EQ(f_->Send("GET", P("/diary/2026-11-20"), "", doc_).Json()["items"]["mood"], 2);
  // A retry of the same write (lost answer) is a replay, not a second conversion.
  r = f_->Send(
      "PUT", P("/diary/2026-11-20"),
      J{{"client_id", "v1-1"}, {"scale_version", 1}, {"items", {{"pain", 6}, {"sleep", 7}, {"mood", 8}}}}.dump(), pat_);
  EXPECT_EQ(r.Json()["outcome"], "replayed") << r.body;
  EXPECT_EQ(r.Json()["items"]["mood"], 2);

  // Scale 2: stored as given, no conversion reported.
  r = f_->Send("PUT", P("/diary/2026-11-21"),
               J{{"client_id", "v2-1"}, {"scale_version", 2}, {"items", {{"mood", 8}}}}.dump(), pat_);
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.Json()["items"]["mood"], 8);
  EXPECT_FALSE(r.Json().contains("converted_from_scale_version"));

  // The batch: per entry.
  const J batch = {{"entries",
                    {{{"date", "2026-11-18"}, {"client_id", "b1"}, {"scale_version", 1}, {"items", {{"mood", 10}}}},
                     {{"date", "2026-11-19"}, {"client_id", "b2"}, {"scale_version", 2}, {"items", {{"mood", 10}}}}}}};
  r = f_->Send("POST", P("/diary:batch"), batch.dump(), pat_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["results"][0]["converted_from_scale_version"], 1);
  EXPECT_EQ(f_->Send("GET", P("/diary/2026-11-18"), "", pat_).Json()["items"]["mood"], 0);
  EXPECT_EQ(f_->Send("GET", P("/diary/2026-11-19"), "", pat_).Json()["items"]["mood"], 10);
}

// Lifestyle factors (issue 15, item 1): served from data/diary_items.json with the items, kept in
// an entry, refused by field when out of range (the stored entry untouched), and in the exports.
TEST_F(DirectionApiTest, LifestyleFactorsAreServedStoredRefusedByFieldAndExported) {
  const J items = f_->Send("GET", "/api/v1/diary-items").Json();
  ASSERT_EQ(items["lifestyle"].size(), analysis::LifestyleFactors().size());
  for (size_t i = 0; i < analysis::LifestyleFactors().size(); ++i) {
    EXPECT_EQ(items["lifestyle"][i]["id"], analysis::LifestyleFactors()[i].id);
  }
  StoreCourse("2026-11-01");
  const J life = {{"sleep_hours", 7.5}, {"activity_minutes", 30}, {"relaxation", true}};
  TestResponse r = f_->Send(
      "PUT", P("/diary/2026-11-20"),
      J{{"client_id", "life-1"}, {"scale_version", 2}, {"items", {{"pain", 4}, {"lifestyle", life}}}}.dump(), pat_);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["items"]["lifestyle"], life);
  for (const J& bad : {J{{"sleep_hours", 25}}, J{{"sleep_hours", 7.2}}, J{{"activity_minutes", -1}},
                       J{{"relaxation", "yes"}}, J{{"steps", 9000}}}) {
    r = f_->Send(
        "PUT", P("/diary/2026-11-20"),
        J{{"client_id", "life-bad"}, {"scale_version", 2}, {"items", {{"pain", 5}, {"lifestyle", bad}}}}.dump(), pat_);
    EXPECT_EQ(r.status, 400) << bad.dump();
    EXPECT_EQ(r.Json()["error"]["field"], "items.lifestyle." + bad.begin().key()) << r.body;
  }
  const J stored = f_->Send("GET", P("/diary/2026-11-20"), "", doc_).Json();
  EXPECT_EQ(stored["items"]["pain"], 4);
  EXPECT_EQ(stored["items"]["lifestyle"], life);
  const TestResponse csv = f_->Send("GET", P("/export?format=csv"), "", pat_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(csv.body.find(",lifestyle,custom\n"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find("2026-11-20,4,"), std::string::npos);
  EXPECT_NE(csv.body.find(",sleep_hours=7.5;activity_minutes=30;relaxation=yes,\n"), std::string::npos) << csv.body;
  const J json = J::parse(f_->Send("GET", P("/export?format=json"), "", pat_).body);
  bool found = false;
  for (const J& d : json["diary"]) {
    if (d["date"] == "2026-11-20") found = d["lifestyle"] == life;
  }
  EXPECT_TRUE(found) << json.dump();
}

TEST_F(DirectionApiTest, AnalysisJudgesEveryItemUsesOffPlanDosesAndSaysWhenEvaluationOpens) {
  const store::Course course = StoreCourse("2026-08-20");
  const LocalDate first = *ParseDate("2026-08-20", "d");
  J entries = J::array();
  for (LocalDate d = AddDays(first, -14); d <= *ParseDate("2026-11-21", "d"); d = AddDays(d, 1)) {
    const int day = DaysBetween(first, d);
    // Pain falls 7 -> 4; the patient wakes far more tired (2 -> 7): the issue's case.
    const int odd = day % 2 == 0 ? 0 : 1;
    const int pain = (day < 0 ? 7 : 4) - odd;
    const int sleep = (day < 0 ? 2 : 7) - odd;
    entries.push_back({{"date", FormatDate(d)},
                       {"client_id", "e-" + FormatDate(d)},
                       {"scale_version", 2},
                       {"items", {{"pain", pain}, {"sleep", sleep}, {"mood", 5 + odd}}}});
  }
  ASSERT_EQ(f_->Send("POST", P("/diary:batch"), J{{"entries", entries}}.dump(), pat_).status, 200);
  StoreDose(course, first, 1000);
  // Ten times the plan's 4.5 mg on day 40 ("4,5" read as 45): stored by an older server.
  StoreDose(course, AddDays(first, 40), 45000);

  const TestResponse a = f_->Send("GET", P("/analysis"), "", doc_);
  ASSERT_EQ(a.status, 200) << a.body;
  const J j = a.Json();
  EXPECT_EQ(j["primary_window"], "week_12");
  const J& sleep = j["items"]["sleep"]["week_12"];
  EXPECT_EQ(sleep["higher_is"], "worse");
  EXPECT_EQ(sleep["change_is"], "worsening");
  EXPECT_EQ(sleep["plain"].get<std::string>().find("better"), std::string::npos) << sleep["plain"];
  EXPECT_EQ(j["items"]["pain"]["week_12"]["change_is"], "improvement");
  EXPECT_EQ(j["items"]["mood"]["week_12"]["change_is"], "none");
  ASSERT_EQ(j["dose_deviations"].size(), 1u);
  EXPECT_EQ(j["dose_deviations"][0], J({{"date", "2026-09-29"}, {"day", 40}, {"planned_mg", 4.5}, {"taken_mg", 45.0}}));
  EXPECT_EQ(j["evaluation"]["opens_on"], "2026-10-15");
  EXPECT_EQ(j["evaluation"]["today"], "2026-11-22");
  EXPECT_EQ(j["evaluation"]["open"], true);
  EXPECT_EQ(a.body.find("higher_is_better"), std::string::npos);

  const TestResponse ev = f_->Send("GET", P("/evaluation"), "", pat_);
  ASSERT_EQ(ev.status, 200) << ev.body;
  EXPECT_EQ(ev.Json(), J({{"course_id", course.id},
                          {"first_dose", "2026-08-20"},
                          {"first_dose_taken", true},
                          {"opens_on", "2026-10-15"},
                          {"window", "week_8"},
                          {"today", "2026-11-22"},
                          {"open", true}}));
  const TestResponse pdf = f_->Send("GET", P("/report.pdf"), "", doc_);
  EXPECT_EQ(pdf.status, 200);
}

TEST_F(DirectionApiTest, BeforeTheWindowTheEvaluationIsClosedAndRefusalsAreInPlainWords) {
  EXPECT_EQ(f_->Send("GET", P("/evaluation"), "", pat_).status, 409);  // no course yet
  StoreCourse("2026-11-10");
  TestResponse ev = f_->Send("GET", P("/evaluation"), "", pat_);
  ASSERT_EQ(ev.status, 200) << ev.body;
  EXPECT_EQ(ev.Json()["opens_on"], "2027-01-05");
  EXPECT_EQ(ev.Json()["open"], false);
  EXPECT_EQ(ev.Json()["first_dose_taken"], false);

  // No baseline: 409 in words.
  TestResponse a = f_->Send("GET", P("/analysis"), "", pat_);
  ASSERT_EQ(a.status, 409);
  EXPECT_NE(a.Json()["error"]["message"].get<std::string>().find("days before the first dose"), std::string::npos);
  EXPECT_EQ(a.Json()["error"]["field"], "diary");

  // A stored day the parser cannot read (an older server stored pain 11): the message names the
  // day; the document path stays in `field`.
  store::DiaryEntry bad;
  bad.patient_id = patient_;
  bad.local_date = *ParseDate("2026-11-01", "d");
  bad.items_json = R"({"pain":11})";
  bad.client_id = "bad-1";
  bad.recorded_by = doc_id_;
  bad.recorded_at = f_->clock().Now();
  ASSERT_TRUE(f_->store().UpsertDiary(bad).ok());
  a = f_->Send("GET", P("/analysis"), "", doc_);
  ASSERT_EQ(a.status, 409);
  const std::string message = a.Json()["error"]["message"];
  EXPECT_NE(message.find("the diary entry of 2026-11-01"), std::string::npos) << message;
  EXPECT_EQ(message.find("diary["), std::string::npos) << message;
  EXPECT_EQ(a.Json()["error"]["field"], "diary[0].pain");
}

}  // namespace
}  // namespace ldn::testing
