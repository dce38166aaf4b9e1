#include "analysis/diary.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ldn::analysis {
namespace {

// A small valid document; tests mutate it to produce each error.
nlohmann::json ValidDoc() {
  return nlohmann::json::parse(R"({
    "scale_version": 2,
    "patient": {"id": "p-001", "time_zone": "Europe/Oslo"},
    "course": {"steps": [{"start": "2026-01-15", "dose_mg": 1.5}, {"start": "2026-01-22", "dose_mg": 3}]},
    "doses": [
      {"date": "2026-01-15", "taken": true, "dose_mg": 1.5, "time": "22:00"},
      {"date": "2026-01-16", "taken": false},
      {"date": "2026-01-22", "taken": true, "dose_mg": 3}
    ],
    "diary": [
      {"date": "2026-01-14", "pain": 7, "fatigue": 6, "sleep": 3, "mood": 4, "anxiety": 5, "cognition": 5,
       "stiffness": 6, "sensitivity": 5, "stress": 4, "note": "bad day"},
      {"date": "2026-01-15", "pain": 6},
      {"date": "2026-01-17", "side_effects": [{"name": "vivid_dreams", "severity": 2}],
       "rescue_medication": ["paracetamol 1 g"]}
    ],
    "instruments": [
      {"date": "2026-01-14", "kind": "fiqr", "answers": {"function": [1, 2]}},
      {"date": "2026-01-14", "kind": "pgic", "answers": {"score": 4}}
    ]
  })");
}

Status ParseStatus(const nlohmann::json& j) {
  return ParseDiaryJson(j.dump()).status();
}

void ExpectField(const nlohmann::json& j, const std::string& field) {
  Status s = ParseStatus(j);
  ASSERT_FALSE(s.ok()) << "expected an error at " << field;
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.field(), field) << s.ToString();
}

TEST(DiaryParseTest, ParsesAValidDocument) {
  auto d = ParseDiaryJson(ValidDoc().dump());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->patient_id, "p-001");
  EXPECT_EQ(d->time_zone.name(), "Europe/Oslo");
  ASSERT_EQ(d->steps.size(), 2u);
  EXPECT_EQ(d->steps[1].dose.micrograms_hcl(), 3000);
  ASSERT_EQ(d->doses.size(), 3u);
  EXPECT_FALSE(d->doses[1].taken);
  EXPECT_FALSE(d->doses[1].dose.has_value());
  EXPECT_EQ(d->doses[0].time->minutes, 22 * 60);
  ASSERT_EQ(d->days.size(), 3u);
  EXPECT_EQ(d->days[0].Get(Item::kStress), 4);
  EXPECT_EQ(d->days[1].Get(Item::kPain), 6);
  EXPECT_FALSE(d->days[1].Get(Item::kFatigue).has_value());
  ASSERT_EQ(d->days[2].side_effects.size(), 1u);
  EXPECT_EQ(d->days[2].side_effects[0].severity, 2);
  EXPECT_EQ(d->days[2].rescue_medication[0], "paracetamol 1 g");
  EXPECT_EQ(*d->days[0].note, "bad day");
  ASSERT_EQ(d->instruments.size(), 2u);
  EXPECT_EQ(d->instruments[1].kind, "pgic");
  EXPECT_EQ(d->StepOn(*ParseDate("2026-01-21", "x")), &d->steps[0]);
  EXPECT_EQ(d->StepOn(*ParseDate("2026-01-22", "x")), &d->steps[1]);
  EXPECT_EQ(d->StepOn(*ParseDate("2026-01-14", "x")), nullptr);
}

TEST(DiaryParseTest, NotJson) {
  Status s = ParseDiaryJson("{\"patient\": ").status();
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.field(), "");
  EXPECT_FALSE(ParseDiaryJson("[]").ok());
}

TEST(DiaryParseTest, UnsortedDiaryDates) {
  auto j = ValidDoc();
  j["diary"][2]["date"] = "2026-01-13";
  ExpectField(j, "diary[2].date");
}

TEST(DiaryParseTest, DuplicateDiaryDates) {
  auto j = ValidDoc();
  j["diary"][1]["date"] = "2026-01-14";
  ExpectField(j, "diary[1].date");
  EXPECT_NE(ParseStatus(j).message().find("duplicate"), std::string::npos);
}

TEST(DiaryParseTest, UnsortedOrDuplicateDoseAndStepDates) {
  auto j = ValidDoc();
  j["doses"][2]["date"] = "2026-01-16";
  ExpectField(j, "doses[2].date");
  j = ValidDoc();
  j["course"]["steps"][1]["start"] = "2026-01-10";
  ExpectField(j, "course.steps[1].start");
  j = ValidDoc();
  j["instruments"][1]["kind"] = "fiqr";
  ExpectField(j, "instruments[1].date");
  j = ValidDoc();
  j["instruments"][1]["date"] = "2026-01-01";
  ExpectField(j, "instruments[1].date");
}

TEST(DiaryParseTest, ItemsOutOfRange) {
  for (const char* item :
       {"pain", "fatigue", "sleep", "mood", "anxiety", "cognition", "stiffness", "sensitivity", "stress"}) {
    auto j = ValidDoc();
    j["diary"][0][item] = 11;
    ExpectField(j, std::string("diary[0].") + item);
    j["diary"][0][item] = -1;
    ExpectField(j, std::string("diary[0].") + item);
    j["diary"][0][item] = 4.5;  // the NRS is whole numbers
    ExpectField(j, std::string("diary[0].") + item);
  }
  auto j = ValidDoc();
  j["diary"][2]["side_effects"][0]["severity"] = 4;
  ExpectField(j, "diary[2].side_effects[0].severity");
  j["diary"][2]["side_effects"][0]["severity"] = 0;
  ExpectField(j, "diary[2].side_effects[0].severity");
  j = ValidDoc();
  j["diary"][2]["side_effects"][0]["name"] = "Vivid Dreams";
  ExpectField(j, "diary[2].side_effects[0].name");
  j = ValidDoc();
  j["diary"][2]["rescue_medication"][0] = 3;
  ExpectField(j, "diary[2].rescue_medication[0]");
}

// Lifestyle factors (issue 15, item 1; data/diary_items.json "lifestyle"): kept in the file's
// order whatever the input's; each checked against its range, step and kind; an unknown one named.
TEST(DiaryParseTest, LifestyleFactors) {
  auto j = ValidDoc();
  j["diary"][1]["lifestyle"] = {{"relaxation", true}, {"activity_minutes", 45}, {"sleep_hours", 6.5}};
  auto d = ParseDiaryJson(j.dump());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const auto& life = d->days[1].lifestyle;
  ASSERT_EQ(life.size(), 3u);
  EXPECT_EQ(life[0].id, "sleep_hours");
  EXPECT_DOUBLE_EQ(life[0].value, 6.5);
  EXPECT_EQ(life[1].id, "activity_minutes");
  EXPECT_DOUBLE_EQ(life[1].value, 45);
  EXPECT_EQ(life[2].id, "relaxation");
  EXPECT_DOUBLE_EQ(life[2].value, 1);
  EXPECT_TRUE(d->days[0].lifestyle.empty());
  j["diary"][1]["lifestyle"] = {{"relaxation", false}};
  d = ParseDiaryJson(j.dump());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->days[1].lifestyle.size(), 1u);
  EXPECT_DOUBLE_EQ(d->days[1].lifestyle[0].value, 0);
  // The limits: 0-24 hours in half hours, 0-1440 whole minutes, relaxation true or false.
  for (const auto& [key, bad] : std::vector<std::pair<std::string, nlohmann::json>>{{"sleep_hours", 24.5},
                                                                                    {"sleep_hours", -0.5},
                                                                                    {"sleep_hours", 7.25},
                                                                                    {"sleep_hours", "7"},
                                                                                    {"activity_minutes", 1441},
                                                                                    {"activity_minutes", 30.5},
                                                                                    {"relaxation", 1},
                                                                                    {"relaxation", "yes"}}) {
    j = ValidDoc();
    j["diary"][0]["lifestyle"] = {{key, bad}};
    ExpectField(j, "diary[0].lifestyle." + key);
  }
  j = ValidDoc();
  j["diary"][0]["lifestyle"] = {{"steps", 9000}};
  ExpectField(j, "diary[0].lifestyle.steps");
  j = ValidDoc();
  j["diary"][0]["lifestyle"] = nlohmann::json::array({7});
  ExpectField(j, "diary[0].lifestyle");
  // The ends of each range are allowed.
  j = ValidDoc();
  j["diary"][0]["lifestyle"] = {{"sleep_hours", 24}, {"activity_minutes", 0}};
  EXPECT_TRUE(ParseDiaryJson(j.dump()).ok());
  EXPECT_EQ(ParseStatus(j).ToString(), Status::Ok().ToString());
}

// The patient's own items (issue 15, item 1): the file checks their shape; which keys are the
// patient's and their kinds are CheckCustomValues' (diary_settings_test.cpp).
TEST(DiaryParseTest, OwnItemsAreKeptSortedAndShapeChecked) {
  auto j = ValidDoc();
  j["diary"][1]["custom"] = {{"water", 2.5}, {"flare", true}, {"headache", 6}};
  auto d = ParseDiaryJson(j.dump());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  const auto& own = d->days[1].custom;
  ASSERT_EQ(own.size(), 3u);
  EXPECT_EQ(own[0].key, "flare");
  EXPECT_TRUE(own[0].yes_no);
  EXPECT_DOUBLE_EQ(own[0].value, 1);
  EXPECT_EQ(own[1].key, "headache");
  EXPECT_FALSE(own[1].yes_no);
  EXPECT_DOUBLE_EQ(own[2].value, 2.5);
  EXPECT_TRUE(d->days[0].custom.empty());
  for (const auto& [key, bad] : std::vector<std::pair<std::string, nlohmann::json>>{{"headache", -1},
                                                                                    {"headache", 1000001},
                                                                                    {"headache", "6"},
                                                                                    {"headache", nullptr},
                                                                                    {"Headache", 6},
                                                                                    {"2nd", 1},
                                                                                    {std::string(33, 'a'), 1}}) {
    j = ValidDoc();
    j["diary"][0]["custom"] = {{key, bad}};
    ExpectField(j, "diary[0].custom." + key);
  }
  j = ValidDoc();
  j["diary"][0]["custom"] = nlohmann::json::array({6});
  ExpectField(j, "diary[0].custom");
  j = ValidDoc();
  j["diary"][0]["custom"] = nlohmann::json::object();
  for (int i = 0; i < 21; ++i) j["diary"][0]["custom"]["k" + std::to_string(i)] = i;
  ExpectField(j, "diary[0].custom");
  EXPECT_TRUE(IsCustomKey("glasses_of_water"));
  EXPECT_FALSE(IsCustomKey(""));
  EXPECT_FALSE(IsCustomKey("_x"));
  EXPECT_FALSE(IsCustomKey("a-b"));
}

TEST(DiaryParseTest, UnknownTimeZone) {
  auto j = ValidDoc();
  j["patient"]["time_zone"] = "Mars/Olympus_Mons";
  ExpectField(j, "patient.time_zone");
}

TEST(DiaryParseTest, OffPlanDoseIsKeptAsTaken) {
  // What was taken is a fact of the record: kept as logged (the analysis reports it as a
  // deviation, issue 12), never refused nor "corrected" to the plan.
  auto j = ValidDoc();
  j["doses"][2]["dose_mg"] = 1.5;  // the step from 2026-01-22 is 3 mg
  j["doses"][0]["dose_mg"] = 45;   // ten times the intended 4.5 mg (or 1.5 mg here)
  auto d = ParseDiaryJson(j.dump());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->doses[2].dose->micrograms_hcl(), 1500);
  EXPECT_EQ(d->doses[0].dose->micrograms_hcl(), 45000);
  // Above the 50 mg tablet it is no LDN dose at all: an error naming the field.
  j["doses"][0]["dose_mg"] = 450;
  ExpectField(j, "doses[0].dose_mg");
}

TEST(DiaryParseTest, ScaleVersionIsRequiredAndOldMoodIsConverted) {
  auto j = ValidDoc();
  j.erase("scale_version");
  ExpectField(j, "scale_version");
  EXPECT_NE(ParseStatus(j).message().find("mood ran 0 = very low, depressed, 10 = very good"), std::string::npos)
      << ParseStatus(j).message();
  j["scale_version"] = 3;
  ExpectField(j, "scale_version");
  j["scale_version"] = 0;
  ExpectField(j, "scale_version");
  j["scale_version"] = "2";
  ExpectField(j, "scale_version");
  // Scale 1: mood 4 meant fairly low on "0 = very low, 10 = very good"; on scale 2 it is 10 - 4.
  // Every other item kept its direction (data/diary_items.json) and is read as written.
  j["scale_version"] = 1;
  auto d = ParseDiaryJson(j.dump());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->input_scale_version, 1);
  EXPECT_EQ(d->days[0].Get(Item::kMood), 6);
  EXPECT_EQ(d->days[0].Get(Item::kSleep), 3);
  EXPECT_EQ(d->days[0].Get(Item::kPain), 7);
  j["scale_version"] = 2;
  d = ParseDiaryJson(j.dump());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->days[0].Get(Item::kMood), 4);
}

TEST(DiaryItemsTest, EveryItemRunsFromBestToWorstAndTheDataMatchesTheCode) {
  ASSERT_TRUE(CheckItemDefinitions().ok()) << CheckItemDefinitions().ToString();
  EXPECT_EQ(CurrentScaleVersion(), 2);
  for (Item item : kAllItems) {
    EXPECT_EQ(ItemDefinition(item).id, ItemName(item));
    // The direction rule of issue 12: 0 = best, 10 = worst for every item.
    EXPECT_FALSE(HigherIsBetter(item)) << ItemName(item);
    EXPECT_EQ(ItemHigherIs(item), "worse");
    for (int v = 0; v <= 10; ++v) EXPECT_EQ(ToCurrentScale(item, v, 2), v);
  }
  EXPECT_EQ(ItemLabel(Item::kMood), "Low mood");
  EXPECT_EQ(ToCurrentScale(Item::kMood, 8, 1), 2);
  EXPECT_EQ(ToCurrentScale(Item::kSleep, 8, 1), 8);  // sleep always ran 0 = awoke well rested
}

TEST(DiaryParseTest, DoseBeforeCourseAndTakenWithoutAmount) {
  auto j = ValidDoc();
  j["doses"][0]["date"] = "2026-01-10";
  ExpectField(j, "doses[0].date");
  j = ValidDoc();
  j["doses"][0].erase("dose_mg");
  ExpectField(j, "doses[0].dose_mg");
  j = ValidDoc();
  j["doses"][0]["time"] = "25:00";
  ExpectField(j, "doses[0].time");
}

TEST(DiaryParseTest, UnknownFields) {
  auto j = ValidDoc();
  j["extra"] = 1;
  ExpectField(j, "extra");
  j = ValidDoc();
  j["diary"][1]["painn"] = 3;
  ExpectField(j, "diary[1].painn");
  j = ValidDoc();
  j["patient"]["name"] = "x";
  ExpectField(j, "patient.name");
  j = ValidDoc();
  j["course"]["steps"][0]["unit"] = "mg";
  ExpectField(j, "course.steps[0].unit");
  j = ValidDoc();
  j["doses"][0]["site"] = "oral";
  ExpectField(j, "doses[0].site");
  j = ValidDoc();
  j["diary"][2]["side_effects"][0]["onset"] = "x";
  ExpectField(j, "diary[2].side_effects[0].onset");
  j = ValidDoc();
  j["instruments"][0]["kind"] = "sf36";
  ExpectField(j, "instruments[0].kind");
}

TEST(DiaryParseTest, MissingRequiredParts) {
  auto j = ValidDoc();
  j.erase("course");
  ExpectField(j, "course");
  j = ValidDoc();
  j["course"]["steps"] = nlohmann::json::array();
  ExpectField(j, "course.steps");
  j = ValidDoc();
  j["diary"][0].erase("date");
  ExpectField(j, "diary[0].date");
  j = ValidDoc();
  j["diary"][0]["date"] = "2026-02-30";
  ExpectField(j, "diary[0].date");
}

}  // namespace
}  // namespace ldn::analysis
