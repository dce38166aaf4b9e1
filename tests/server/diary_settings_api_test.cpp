// What each patient's diary asks, through the API (issue 15 item 1; api_diary_settings.cpp): the
// defaults before anything is saved, the clinician choosing the non-core items, the patient adding
// and retiring their own items but not changing the clinician's choice, own items never removed
// or retyped, stale versions refused, every read and write audited, and a diary day's own items
// checked against the settings at every write and kept in the exports.
#include <gtest/gtest.h>

#include "server_fixture.h"

namespace ldn::testing {
namespace {

using J = nlohmann::json;

class DiarySettingsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    f_ = std::make_unique<ServerFixture>();
    const ServerFixture::CourseSeed seed = f_->SeedCareTeamWithCourse("Settings Patient");
    ASSERT_NE(seed.course_id, 0);
    patient_ = seed.patient_id;
    doc_ = seed.doc;
    pharm_ = seed.pharm;
    pat_ = seed.pat;
  }
  std::string P(const std::string& rest) const { return "/api/v1/patients/" + std::to_string(patient_) + rest; }
  TestResponse Put(const J& body, const std::string& token, int if_match = -1) {
    std::vector<std::pair<std::string, std::string>> h;
    if (if_match >= 0) h.emplace_back("If-Match", "\"" + std::to_string(if_match) + "\"");
    return f_->Send("PUT", P("/diary-settings"), body.dump(), token, h);
  }
  TestResponse Day(const std::string& date, const J& items, const std::string& client_id) {
    return f_->Send("PUT", P("/diary/" + date),
                    J{{"client_id", client_id}, {"scale_version", 2}, {"items", items}}.dump(), pat_);
  }

  std::unique_ptr<ServerFixture> f_;
  store::Id patient_ = 0;
  std::string doc_, pharm_, pat_;
};

const J kHeadache = {{"key", "headache"}, {"label", "Headache"}, {"kind", "scale"}, {"unit", ""}, {"retired", false}};
const J kWater = {
    {"key", "water"}, {"label", "Glasses of water"}, {"kind", "number"}, {"unit", "glasses"}, {"retired", false}};

TEST_F(DiarySettingsApiTest, TheClinicianChoosesTheItemsAndThePatientAddsTheirOwn) {
  // Never saved: every non-core item, no own items; the core is the data file's.
  J got = f_->Send("GET", P("/diary-settings"), "", pat_).Json();
  EXPECT_EQ(got["version"], 0);
  EXPECT_EQ(got["core"], J::array({"pain", "fatigue", "sleep"}));
  EXPECT_EQ(got["tracked"], J::array({"mood", "anxiety", "cognition", "stiffness", "sensitivity", "stress"}));
  EXPECT_EQ(got["custom"], J::array());
  EXPECT_TRUE(got["updated_at"].is_null());

  // The clinician asks fewer questions (any order in, the file's order out).
  TestResponse r = Put({{"tracked", {"stress", "mood", "stiffness"}}, {"custom", J::array()}}, doc_, 0);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["version"], 1);
  EXPECT_EQ(r.Json()["tracked"], J::array({"mood", "stiffness", "stress"}));
  EXPECT_EQ(r.Json()["updated_by_role"], "clinician");
  EXPECT_EQ(r.Header("etag"), "\"1\"");

  // The patient may not change that choice, and nothing is written when they try.
  r = Put({{"tracked", {"mood"}}, {"custom", J::array()}}, pat_, 1);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "tracked");
  EXPECT_NE(r.Json()["error"]["message"].get<std::string>().find("clinician"), std::string::npos);
  EXPECT_EQ(f_->Send("GET", P("/diary-settings"), "", pat_).Json()["version"], 1);

  // They add their own items, sending the clinician's choice back as read.
  r = Put({{"tracked", {"mood", "stiffness", "stress"}}, {"custom", {kHeadache, kWater}}}, pat_, 1);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Json()["version"], 2);
  EXPECT_EQ(r.Json()["custom"], J::array({kHeadache, kWater}));
  EXPECT_EQ(r.Json()["updated_by_role"], "patient");
  got = f_->Send("GET", P("/diary-settings"), "", doc_).Json();
  EXPECT_EQ(got["custom"], J::array({kHeadache, kWater}));
  EXPECT_EQ(got["version"], 2);

  // A stale version (the clinician's screen from before) is refused, and says to reload.
  r = Put({{"tracked", J::array()}, {"custom", {kHeadache, kWater}}}, doc_, 1);
  EXPECT_EQ(r.status, 409) << r.body;
  // An own item cannot be removed or retyped, only retired.
  r = Put({{"tracked", {"mood", "stiffness", "stress"}}, {"custom", {kWater}}}, pat_, 2);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "custom");
  J retyped = kHeadache;
  retyped["kind"] = "yes_no";
  r = Put({{"tracked", {"mood", "stiffness", "stress"}}, {"custom", {retyped, kWater}}}, pat_, 2);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "custom[0].kind");
  // Bad bodies are named by field.
  for (const auto& [bad, field] : std::vector<std::pair<J, std::string>>{
           {{{"tracked", {"pain"}}, {"custom", J::array()}}, "tracked[0]"},
           {{{"tracked", {"joy"}}, {"custom", J::array()}}, "tracked[0]"},
           {{{"custom", J::array()}}, "tracked"},
           {{{"tracked", J::array()}, {"custom", {{{"key", "Head"}, {"label", "H"}, {"kind", "scale"}}}}},
            "custom[0].key"},
           {{{"tracked", J::array()}, {"custom", {{{"key", "h"}, {"label", "H"}, {"kind", "slider"}}}}},
            "custom[0].kind"}}) {
    r = Put(bad, doc_);
    EXPECT_EQ(r.status, 400) << bad.dump() << r.body;
    EXPECT_EQ(r.Json()["error"]["field"], field) << r.body;
  }
  EXPECT_EQ(f_->Send("GET", P("/diary-settings"), "", pat_).Json()["version"], 2);
  // Not the pharmacist's to read.
  EXPECT_EQ(f_->Send("GET", P("/diary-settings"), "", pharm_).status, 403);

  // Audited: each read and write against the patient.
  store::AuditQuery q;
  q.limit = 1000;
  auto events = f_->store().ListAudit(q);
  ASSERT_TRUE(events.ok());
  int reads = 0, writes = 0;
  for (const auto& e : *events) {
    if (e.action == "diary_settings.read" && e.outcome == "ok") ++reads;
    if (e.action == "diary_settings.write" && e.outcome == "ok") {
      ++writes;
      EXPECT_EQ(e.patient_id, std::optional<store::Id>(patient_));
    }
  }
  EXPECT_EQ(reads, 4);  // the pharmacist's refused read is audited as a refusal
  EXPECT_EQ(writes, 2);
}

TEST_F(DiarySettingsApiTest, ADaysOwnItemsAreCheckedAgainstTheSettingsAndExported) {
  // Before the item exists, a value for it is refused by name.
  TestResponse r = Day("2026-11-20", {{"pain", 4}, {"custom", {{"headache", 6}}}}, "own-0");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "items.custom.headache");
  J flare = {{"key", "flare"}, {"label", "Flare"}, {"kind", "yes_no"}, {"unit", ""}, {"retired", false}};
  ASSERT_EQ(Put({{"tracked", {"mood"}}, {"custom", {kHeadache, kWater, flare}}}, doc_).status, 200);
  r = Day("2026-11-20", {{"pain", 4}, {"custom", {{"headache", 6}, {"water", 2.5}, {"flare", true}}}}, "own-1");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.Json()["items"]["custom"]["headache"], 6);
  for (const auto& [bad, key] : std::vector<std::pair<J, std::string>>{{{{"headache", 6.5}}, "headache"},
                                                                       {{{"headache", 11}}, "headache"},
                                                                       {{{"headache", true}}, "headache"},
                                                                       {{{"flare", 1}}, "flare"},
                                                                       {{{"water", -1}}, "water"},
                                                                       {{{"nausea", 2}}, "nausea"}}) {
    r = Day("2026-11-20", {{"pain", 5}, {"custom", bad}}, "own-bad");
    EXPECT_EQ(r.status, 400) << bad.dump();
    EXPECT_EQ(r.Json()["error"]["field"], "items.custom." + key) << r.body;
  }
  // Nothing stored was lost by the refusals.
  J stored = f_->Send("GET", P("/diary/2026-11-20"), "", doc_).Json();
  EXPECT_EQ(stored["items"]["pain"], 4);
  EXPECT_EQ(stored["items"]["custom"]["water"], 2.5);

  // Retired: no longer asked, but an old day can still be edited with it.
  J retired = kHeadache;
  retired["retired"] = true;
  ASSERT_EQ(Put({{"tracked", {"mood"}}, {"custom", {retired, kWater, flare}}}, pat_).status, 200);
  r = Day("2026-11-20", {{"pain", 3}, {"custom", {{"headache", 5}, {"water", 2.5}, {"flare", true}}}}, "own-2");
  EXPECT_EQ(r.status, 200) << r.body;
  // The batch form checks the same way.
  r = f_->Send("POST", P("/diary:batch"),
               J{{"entries", J::array({{{"date", "2026-11-21"},
                                        {"client_id", "own-b"},
                                        {"scale_version", 2},
                                        {"items", {{"pain", 2}, {"custom", {{"nausea", 1}}}}}}})}}
                   .dump(),
               pat_);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.Json()["error"]["field"], "entries[0].items.custom.nausea");

  const TestResponse csv = f_->Send("GET", P("/export?format=csv"), "", pat_);
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_NE(csv.body.find(",lifestyle,custom\n"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find(",flare=yes;headache=5;water=2.5\n"), std::string::npos) << csv.body;
  const J json = J::parse(f_->Send("GET", P("/export?format=json"), "", doc_).body);
  bool found = false;
  for (const J& d : json["diary"]) {
    if (d["date"] == "2026-11-20") found = d["custom"] == J{{"flare", true}, {"headache", 5}, {"water", 2.5}};
  }
  EXPECT_TRUE(found) << json.dump();
}

}  // namespace
}  // namespace ldn::testing
