#include "clinical/instruments/diary_definitions.h"

#include <set>

#include <gtest/gtest.h>

namespace ldn::clinical {
namespace {

TEST(DiaryDefinitionsTest, LoadsTheNineProductItems) {
  auto items = LoadDiaryItems();
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  std::set<std::string> ids;
  for (const auto& i : *items) {
    ids.insert(i.id);
    EXPECT_FALSE(i.anchor_0.empty());
    EXPECT_FALSE(i.anchor_10.empty());
    EXPECT_FALSE(i.source.empty());
  }
  // product.md section 4.
  EXPECT_EQ(ids, (std::set<std::string>{"pain", "fatigue", "sleep", "mood", "anxiety", "cognition", "stiffness",
                                        "sensitivity", "stress"}));
  for (const auto& i : *items) {
    // The direction rule (issue 12): every item runs 0 = best, 10 = worst, as the FIQR symptom
    // items do (Bennett 2009).
    EXPECT_EQ(i.direction, ScaleDirection::kHigherIsWorse) << i.id;
    if (i.id == "sleep") {
      EXPECT_EQ(i.anchor_0, "awoke well rested");  // FIQR anchor, clinical-facts section 3
    }
  }
}

// The diary's first screen (issue 15, item 1): pain, fatigue and waking unrefreshed, the three
// symptoms of the fibromyalgia core domains that every patient rates daily; the others are one
// tap away.
TEST(DiaryDefinitionsTest, CoreItemsArePainFatigueAndSleep) {
  auto items = LoadDiaryItems();
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  std::vector<std::string> core;
  for (const auto& i : *items) {
    if (i.core) core.push_back(i.id);
  }
  EXPECT_EQ(core, (std::vector<std::string>{"pain", "fatigue", "sleep"}));
  auto not_bool = ParseDiaryItems(
      R"({"version":"1","description":"d","scale_version":1,"entries":[{"id":"pain","label":"P","question":"Q",
      "anchor_0":"a","anchor_10":"b","higher_is":"worse","source":"s","core":"yes"}]})");
  ASSERT_FALSE(not_bool.ok());
  EXPECT_EQ(not_bool.status().field(), "entries[0].core");
}

// Lifestyle factors (issue 15, item 1): hours of sleep, minutes of activity, relaxation yes/no.
TEST(DiaryDefinitionsTest, LifestyleFactors) {
  const auto& set = LoadDiaryItemSet();
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->lifestyle.size(), 3u);
  const LifestyleFactor& sleep = set->lifestyle[0];
  EXPECT_EQ(sleep.id, "sleep_hours");
  EXPECT_EQ(sleep.kind, LifestyleKind::kNumber);
  EXPECT_EQ(sleep.unit, "hours");
  EXPECT_TRUE(sleep.Allows(0));
  EXPECT_TRUE(sleep.Allows(7.5));
  EXPECT_TRUE(sleep.Allows(24));
  EXPECT_FALSE(sleep.Allows(7.25));
  EXPECT_FALSE(sleep.Allows(24.5));
  EXPECT_FALSE(sleep.Allows(-0.5));
  EXPECT_EQ(set->lifestyle[1].id, "activity_minutes");
  EXPECT_FALSE(set->lifestyle[1].Allows(30.5));
  EXPECT_EQ(set->lifestyle[2].id, "relaxation");
  EXPECT_EQ(set->lifestyle[2].kind, LifestyleKind::kYesNo);
  EXPECT_FALSE(set->lifestyle[2].Allows(1));
  for (const auto& f : set->lifestyle) EXPECT_FALSE(f.source.empty()) << f.id;

  const std::string head = R"({"version":"1","description":"d","scale_version":1,"entries":[{"id":"pain","label":"P",
      "question":"Q","anchor_0":"a","anchor_10":"b","higher_is":"worse","source":"s"}],"lifestyle_description":"l",
      "lifestyle":[)";
  auto field_of = [&](const std::string& factor) {
    auto r = ParseDiaryItemSet(head + factor + "]}");
    return r.ok() ? std::string("ok") : r.status().field();
  };
  EXPECT_EQ(field_of(R"({"id":"x","label":"X","question":"Q","kind":"scale","source":"s"})"), "lifestyle[0].kind");
  EXPECT_EQ(field_of(R"({"id":"x","label":"X","question":"Q","kind":"number","unit":"u","min":0,"max":10,"step":0,
      "source":"s"})"),
            "lifestyle[0].step");
  EXPECT_EQ(field_of(R"({"id":"x","label":"X","question":"Q","kind":"number","unit":"u","min":0,"max":10,"step":3,
      "source":"s"})"),
            "lifestyle[0].step");
  EXPECT_EQ(field_of(R"({"id":"x","label":"X","question":"Q","kind":"number","min":0,"max":10,"step":1,
      "source":"s"})"),
            "lifestyle[0].unit");
  EXPECT_EQ(field_of(R"({"id":"x","label":"X","question":"Q","kind":"yes_no","unit":"u","source":"s"})"),
            "lifestyle[0].unit");
  EXPECT_EQ(field_of(R"({"id":"x","label":"X","question":"Q","kind":"yes_no","source":"s"})"), "ok");
}

TEST(DiaryDefinitionsTest, ScaleVersionTwoReversedMoodOnly) {
  const auto& set = LoadDiaryItemSet();
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  EXPECT_EQ(set->scale_version, 2);
  std::set<std::string> reversed;
  for (const auto& i : set->items) {
    if (i.DirectionOn(1) != i.DirectionOn(2)) reversed.insert(i.id);
    EXPECT_EQ(i.DirectionOn(2), i.direction);
  }
  // Scale 1 asked mood as 0 = very low, 10 = very good; scale 2 as 0 = not at all low.
  EXPECT_EQ(reversed, std::set<std::string>{"mood"});
  for (const auto& i : set->items) {
    if (i.id != "mood") continue;
    ASSERT_EQ(i.history.size(), 1u);
    EXPECT_EQ(i.history[0].anchor_10, "very good");
    EXPECT_EQ(i.anchor_10, "extremely low");
  }
}

TEST(DiaryDefinitionsTest, LoadsTheSideEffectChecklist) {
  auto c = LoadSideEffectChecklist();
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->severity_scale.size(), 3u);
  EXPECT_EQ(c->severity_scale[0].label, "mild");
  EXPECT_EQ(c->severity_scale[2].label, "severe");
  std::set<std::string> ids;
  for (const auto& e : c->items) {
    ids.insert(e.id);
    if (e.id == "vivid_dreams") {
      ASSERT_EQ(e.trial_rates.size(), 1u);
      EXPECT_DOUBLE_EQ(e.trial_rates[0].ldn_percent, 37);  // Younger 2013
      EXPECT_DOUBLE_EQ(e.trial_rates[0].placebo_percent, 13);
    }
    if (e.id == "headache") {
      ASSERT_EQ(e.trial_rates.size(), 1u);
      EXPECT_DOUBLE_EQ(e.trial_rates[0].ldn_percent, 16);
      EXPECT_DOUBLE_EQ(e.trial_rates[0].placebo_percent, 3);
    }
  }
  EXPECT_EQ(ids, (std::set<std::string>{"vivid_dreams", "insomnia", "headache", "nausea", "gi_upset", "symptom_flare",
                                        "other"}));
}

TEST(DiaryDefinitionsTest, ParserRejectsMalformedEntries) {
  auto bad_dir = ParseDiaryItems(
      R"({"version":"1","description":"d","scale_version":1,"entries":[{"id":"pain","label":"P","question":"Q",
      "anchor_0":"a","anchor_10":"b","higher_is":"up","source":"s"}]})");
  ASSERT_FALSE(bad_dir.ok());
  EXPECT_EQ(bad_dir.status().field(), "entries[0].higher_is");
  auto unknown = ParseDiaryItems(
      R"({"version":"1","description":"d","scale_version":1,"entries":[{"id":"pain","label":"P","question":"Q",
      "anchor_0":"a","anchor_10":"b","higher_is":"worse","source":"s","colour":"red"}]})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().field(), "entries[0].colour");
  auto empty_source =
      ParseDiaryItems(R"({"version":"1","description":"d","scale_version":1,"entries":[{"id":"pain","label":"P",
      "question":"Q","anchor_0":"a","anchor_10":"b","higher_is":"worse","source":""}]})");
  ASSERT_FALSE(empty_source.ok());
  EXPECT_EQ(empty_source.status().field(), "entries[0].source");
  auto no_scale = ParseDiaryItems(R"({"version":"1","description":"d","entries":[{"id":"pain","label":"P",
      "question":"Q","anchor_0":"a","anchor_10":"b","higher_is":"worse","source":"s"}]})");
  ASSERT_FALSE(no_scale.ok());
  EXPECT_EQ(no_scale.status().field(), "scale_version");
  auto future_history = ParseDiaryItems(R"({"version":"1","description":"d","scale_version":2,"entries":[{"id":"mood",
      "label":"M","question":"Q","anchor_0":"a","anchor_10":"b","higher_is":"worse","source":"s","scale_history":[
      {"scale_version":2,"label":"M","question":"Q","anchor_0":"b","anchor_10":"a","higher_is":"better"}]}]})");
  ASSERT_FALSE(future_history.ok());
  EXPECT_EQ(future_history.status().field(), "entries[0].scale_history[0].scale_version");
  auto bad_rate = ParseSideEffectChecklist(R"({"version":"1","description":"d","severity_scale_source":"s",
      "severity_scale":[{"value":1,"label":"mild","description":"x"},{"value":2,"label":"moderate","description":"x"},
      {"value":3,"label":"severe","description":"x"}],
      "entries":[{"id":"nausea","label":"N","trial_rates":[{"study":"s","ldn_percent":120,"placebo_percent":1}],
      "source":"s"}]})");
  ASSERT_FALSE(bad_rate.ok());
  EXPECT_EQ(bad_rate.status().field(), "entries[0].trial_rates[0].ldn_percent");
}

// Translations of an entry's texts (issue 15, item 6): the web app shows them, the C++ side only
// checks that they are texts of the entry's own fields, not empty.
TEST(DiaryDefinitionsTest, TranslationsAreTheEntrysOwnTexts) {
  constexpr std::string_view kHead = R"({"version":"1","description":"d","scale_version":1,"entries":[{"id":"pain",
      "label":"P","question":"Q","anchor_0":"a","anchor_10":"b","higher_is":"worse","source":"s","translations":)";
  auto parse = [&](std::string_view translations) {
    return ParseDiaryItems(std::string(kHead) + std::string(translations) + "}]}");
  };
  auto good = parse(R"({"da":{"label":"Smerte","question":"Hvor?"},"nb":{"label":"Smerte"}})");
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  EXPECT_EQ((*good)[0].label, "P");
  auto misspelt = parse(R"({"da":{"lable":"Smerte"}})");
  ASSERT_FALSE(misspelt.ok());
  EXPECT_EQ(misspelt.status().field(), "entries[0].translations.da.lable");
  auto empty = parse(R"({"nb":{"anchor_0":""}})");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().field(), "entries[0].translations.nb.anchor_0");
  auto not_object = parse(R"({"da":"Smerte"})");
  ASSERT_FALSE(not_object.ok());
  EXPECT_EQ(not_object.status().field(), "entries[0].translations.da");
  auto side = ParseSideEffectChecklist(R"({"version":"1","description":"d","severity_scale_source":"s",
      "severity_scale":[{"value":1,"label":"mild","description":"x"},{"value":2,"label":"moderate","description":"x"},
      {"value":3,"label":"severe","description":"x"}],
      "entries":[{"id":"nausea","label":"N","trial_rates":[],"source":"s","translations":{"da":{"question":"Q"}}}]})");
  ASSERT_FALSE(side.ok());
  EXPECT_EQ(side.status().field(), "entries[0].translations.da.question");
}

}  // namespace
}  // namespace ldn::clinical
