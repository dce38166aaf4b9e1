#include "analysis/diary_settings.h"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ldn::analysis {
namespace {

void ExpectField(const nlohmann::json& j, const std::string& field) {
  auto s = ParseDiarySettings(j.dump());
  ASSERT_FALSE(s.ok()) << "expected an error at " << field;
  EXPECT_EQ(s.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(s.status().field(), field) << s.status().ToString();
}

nlohmann::json Valid() {
  return {{"tracked", {"stress", "mood"}},
          {"custom",
           {{{"key", "headache"}, {"label", "Headache"}, {"kind", "scale"}},
            {{"key", "flare"}, {"label", "Flare day"}, {"kind", "yes_no"}, {"retired", true}},
            {{"key", "water"}, {"label", "Glasses of water"}, {"kind", "number"}, {"unit", "glasses"}}}}};
}

TEST(DiarySettingsTest, CoreItemsAreNotPartOfTheChoice) {
  // data/diary_items.json marks pain, fatigue and sleep core (issue 15 item 1); the default
  // asks the six others.
  EXPECT_TRUE(IsCoreItem(Item::kPain));
  EXPECT_TRUE(IsCoreItem(Item::kFatigue));
  EXPECT_TRUE(IsCoreItem(Item::kSleep));
  EXPECT_FALSE(IsCoreItem(Item::kMood));
  const DiarySettings d = DefaultDiarySettings();
  ASSERT_EQ(d.tracked.size(), 6u);
  EXPECT_EQ(d.tracked.front(), Item::kMood);
  EXPECT_EQ(d.tracked.back(), Item::kStress);
  EXPECT_TRUE(d.custom.empty());
}

TEST(DiarySettingsTest, ParsesSortsTrackedAndRoundTrips) {
  auto s = ParseDiarySettings(Valid().dump());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->tracked.size(), 2u);
  EXPECT_EQ(s->tracked[0], Item::kMood);  // Item order, not input order
  EXPECT_EQ(s->tracked[1], Item::kStress);
  ASSERT_EQ(s->custom.size(), 3u);
  EXPECT_EQ(s->custom[0].kind, CustomKind::kScale);
  EXPECT_FALSE(s->custom[0].retired);
  EXPECT_TRUE(s->custom[1].retired);
  EXPECT_EQ(s->custom[2].unit, "glasses");
  const std::string json = DiarySettingsToJson(*s);
  EXPECT_EQ(json.substr(0, 31), R"({"tracked":["mood","stress"],"c)");
  auto again = ParseDiarySettings(json);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(DiarySettingsToJson(*again), json);
}

TEST(DiarySettingsTest, RefusesEachBadFieldByName) {
  auto j = Valid();
  j["tracked"][0] = "pain";
  ExpectField(j, "tracked[0]");
  j = Valid();
  j["tracked"][1] = "joy";
  ExpectField(j, "tracked[1]");
  j = Valid();
  j["tracked"] = {"mood", "mood"};
  ExpectField(j, "tracked[1]");
  j = Valid();
  j.erase("tracked");
  ExpectField(j, "tracked");
  j = Valid();
  j["extra"] = 1;
  ExpectField(j, "extra");
  j = Valid();
  j["custom"][0]["key"] = "Headache";
  ExpectField(j, "custom[0].key");
  j = Valid();
  j["custom"][0]["key"] = "1st";
  ExpectField(j, "custom[0].key");
  j = Valid();
  j["custom"][0]["key"] = std::string(33, 'a');
  ExpectField(j, "custom[0].key");
  j = Valid();
  j["custom"][1]["key"] = "headache";
  ExpectField(j, "custom[1].key");
  j = Valid();
  j["custom"][1]["label"] = "HEADACHE";
  ExpectField(j, "custom[1].label");
  j = Valid();
  j["custom"][0]["label"] = "";
  ExpectField(j, "custom[0].label");
  j = Valid();
  j["custom"][0]["label"] = "two\nlines";
  ExpectField(j, "custom[0].label");
  j = Valid();
  j["custom"][0]["label"] = std::string(61, 'x');
  ExpectField(j, "custom[0].label");
  j = Valid();
  j["custom"][0]["kind"] = "slider";
  ExpectField(j, "custom[0].kind");
  j = Valid();
  j["custom"][0]["unit"] = "mg";
  ExpectField(j, "custom[0].unit");
  j = Valid();
  j["custom"][2]["unit"] = std::string(21, 'g');
  ExpectField(j, "custom[2].unit");
  j = Valid();
  j["custom"][0]["colour"] = "red";
  ExpectField(j, "custom[0].colour");
  j = Valid();
  j["custom"] = nlohmann::json::array();
  for (int i = 0; i < 21; ++i) {
    j["custom"].push_back({{"key", "k" + std::to_string(i)}, {"label", "L" + std::to_string(i)}, {"kind", "scale"}});
  }
  ExpectField(j, "custom");
  EXPECT_EQ(ParseDiarySettings("[]").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseDiarySettings("{").status().code(), Code::kInvalidArgument);
}

TEST(DiarySettingsTest, OwnItemsAreRetiredNeverRemovedOrRetyped) {
  const DiarySettings before = *ParseDiarySettings(Valid().dump());
  auto j = Valid();
  j["custom"][0]["retired"] = true;
  j["custom"][0]["label"] = "Head pain";  // a new name is fine
  j["tracked"] = nlohmann::json::array();
  EXPECT_TRUE(CheckSettingsChange(before, *ParseDiarySettings(j.dump())).ok());
  j = Valid();
  j["custom"].erase(1);
  Status s = CheckSettingsChange(before, *ParseDiarySettings(j.dump()));
  EXPECT_EQ(s.field(), "custom");
  EXPECT_NE(s.message().find("retired"), std::string::npos) << s.message();
  j = Valid();
  j["custom"][2]["kind"] = "scale";
  j["custom"][2].erase("unit");
  s = CheckSettingsChange(before, *ParseDiarySettings(j.dump()));
  EXPECT_EQ(s.field(), "custom[2].kind");
  // From nothing, anything goes.
  EXPECT_TRUE(CheckSettingsChange(DefaultDiarySettings(), before).ok());
}

TEST(DiarySettingsTest, DayValuesAreCheckedAgainstTheSettings) {
  const DiarySettings s = *ParseDiarySettings(Valid().dump());
  auto check = [&](std::vector<CustomValue> v) { return CheckCustomValues(s, v, "items.custom"); };
  EXPECT_TRUE(check({{"headache", false, 6}, {"flare", true, 1}, {"water", false, 2.5}}).ok());
  EXPECT_TRUE(check({}).ok());
  EXPECT_EQ(check({{"nausea", false, 3}}).field(), "items.custom.nausea");
  EXPECT_EQ(check({{"headache", false, 6.5}}).field(), "items.custom.headache");
  EXPECT_EQ(check({{"headache", false, 11}}).field(), "items.custom.headache");
  EXPECT_EQ(check({{"headache", true, 1}}).field(), "items.custom.headache");
  EXPECT_EQ(check({{"flare", false, 1}}).field(), "items.custom.flare");  // retired, still checked by kind
  EXPECT_EQ(check({{"water", true, 0}}).field(), "items.custom.water");
}

}  // namespace
}  // namespace ldn::analysis
