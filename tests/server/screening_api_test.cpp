// The screening route and the jurisdiction (issue 11): the request's jurisdiction, else the clinic's
// setting (ApiOptions::jurisdiction, `ldn serve --jurisdiction`), else the most restrictive label
// rule; the stored result keeps the fields courses are gated on. And a plan adjustment after a gap
// with opioids: held until a screening recorded since the gap allows a restart.
#include <gtest/gtest.h>

#include "server_fixture.h"

namespace ldn::testing {
namespace {

using J = nlohmann::json;

class ScreeningApiTest : public ::testing::Test {
 protected:
  void Start(std::optional<std::string> clinic_jurisdiction) {
    server::ApiOptions options;
    options.jurisdiction = std::move(clinic_jurisdiction);
    f_ = std::make_unique<ServerFixture>(options);
    const ServerFixture::CareTeamSeed seed = f_->SeedCareTeam("Screened Patient");
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    ASSERT_FALSE(doc_.empty());
  }
  std::string P(const std::string& rest = "") const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }
  J Screen(const J& body, int expect_status = 201) {
    const TestResponse r = f_->Send("POST", P("/screenings"), body.dump(), doc_);
    EXPECT_EQ(r.status, expect_status) << r.body;
    return r.Json();
  }

  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0;
  std::string doc_;
};

TEST_F(ScreeningApiTest, WithoutAClinicSettingTheMostRestrictiveLabelApplies) {
  Start(std::nullopt);
  J j = Screen({{"medications", J::array()}, {"conditions", {"eGFR 25"}}});
  EXPECT_EQ(j["verdict"], "not_eligible");
  EXPECT_TRUE(j["result"]["jurisdiction"]["code"].is_null());
  const J& f = j["result"]["findings"][0];
  EXPECT_EQ(f["rule"], "condition.severe_renal_impairment");
  EXPECT_TRUE(f["labels"]["most_restrictive"].get<bool>());
  EXPECT_TRUE(f["labels"]["by_kind"].contains("contraindication"));
  EXPECT_TRUE(f["labels"]["by_kind"].contains("precaution"));
  // The request names one.
  j = Screen({{"medications", J::array()}, {"conditions", {"eGFR 25"}}, {"jurisdiction", "us"}});
  EXPECT_EQ(j["verdict"], "review");
  EXPECT_EQ(j["input"]["jurisdiction"], "us");
  // An unknown one is a 400 naming the field; nothing is stored.
  const TestResponse bad =
      f_->Send("POST", P("/screenings"), J{{"conditions", J::array()}, {"jurisdiction", "atlantis"}}.dump(), doc_);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.Json()["error"]["field"], "jurisdiction");
  EXPECT_EQ(f_->Send("GET", P("/screenings"), "", doc_).Json()["screenings"].size(), 2u);
}

TEST_F(ScreeningApiTest, TheClinicSettingAppliesWhenTheRequestNamesNone) {
  Start(std::string("us"));
  J j = Screen({{"medications", J::array()}, {"conditions", {"Child-Pugh C"}}});
  EXPECT_EQ(j["verdict"], "review");
  EXPECT_EQ(j["result"]["jurisdiction"]["code"], "us");
  j = Screen({{"medications", J::array()}, {"conditions", {"Child-Pugh C"}}, {"jurisdiction", "uk"}});
  EXPECT_EQ(j["verdict"], "not_eligible");
  EXPECT_EQ(j["result"]["jurisdiction"]["code"], "uk");
}

TEST_F(ScreeningApiTest, TheStoredResultKeepsTheFieldsOthersReadAndReadsTheRecord) {
  Start(std::nullopt);
  ASSERT_EQ(f_->Send("POST", P("/medications"),
                     J{{"name", "Tylenol #3"}, {"active", false}, {"last_taken", "2026-11-19"}}.dump(), doc_)
                .status,
            201);
  ASSERT_EQ(
      f_->Send("POST", P("/medications"), J{{"name", "Hydrocodone/APAP 5/325"}, {"active", true}}.dump(), doc_).status,
      201);
  const J j = Screen(J::object());
  EXPECT_EQ(j["verdict"], "not_eligible");
  const J& r = j["result"];
  EXPECT_EQ(r["verdict"], "not_eligible");
  EXPECT_EQ(r["earliest_start"], "2026-11-29");  // Tylenol #3 (codeine) on 2026-11-19 + 10 days
  EXPECT_TRUE(r["knowledge_base"]["drugs"].is_string());
  EXPECT_TRUE(r["knowledge_base"]["conditions"].is_string());
  for (const J& f : r["findings"]) {
    for (const char* key : {"rule", "severity", "subject", "message", "source"}) EXPECT_TRUE(f[key].is_string()) << key;
  }
}

TEST_F(ScreeningApiTest, AGapWithOpioidsIsHeldUntilANewScreening) {
  Start(std::nullopt);
  // A course that started before ldn gated courses (issue 12): both checks overridden with a reason.
  const J overrides = {{{"code", "screening.missing"}, {"reason", "Screened on paper before ldn was used here."}},
                       {{"code", "start.before_baseline"}, {"reason", "Baseline kept on paper before ldn was used."}}};
  TestResponse r =
      f_->Send("POST", P("/courses"),
               J{{"protocol", "ldnrt-standard"}, {"start", "2026-11-01"}, {"overrides", overrides}}.dump(), doc_);
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string adjust = P("/courses/" + std::to_string(r.Json()["id"].get<int64_t>()) + "/adjustments");
  const J gap = {{"type", "gap"}, {"from", "2026-11-15"}, {"days", 5}, {"opioids_taken", true}};
  r = f_->Send("POST", adjust, J{{"reason", "took codeine"}, {"titration", "easy"}, {"events", {gap}}}.dump(), doc_);
  ASSERT_EQ(r.status, 201) << r.body;
  J plan = r.Json()["plan"]["plan"];
  EXPECT_EQ(plan["changes"][0]["type"], "hold");
  EXPECT_EQ(plan["findings"][0]["rule"], "gap.opioids_need_screen");
  for (const J& s : plan["steps"]) EXPECT_LT(s["start"].get<std::string>(), "2026-11-15");
  // A screening recorded since the gap (today, 2026-11-22: eligible) lets it resume today.
  Screen({{"medications", J::array()}, {"conditions", J::array()}});
  r = f_->Send("POST", adjust, J{{"reason", "screened again"}, {"titration", "easy"}, {"events", {gap}}}.dump(), doc_);
  ASSERT_EQ(r.status, 201) << r.body;
  plan = r.Json()["plan"]["plan"];
  EXPECT_EQ(plan["changes"][0]["type"], "resume");
  EXPECT_EQ(plan["findings"][0]["rule"], "gap.rescreened");
  EXPECT_NE(plan["changes"][0]["change"].get<std::string>().find("resume on 2026-11-22"), std::string::npos)
      << plan["changes"][0].dump();
}

}  // namespace
}  // namespace ldn::testing
