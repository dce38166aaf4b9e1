#include "clinical/safety/red_flags.h"

#include <gtest/gtest.h>

#include "clinical/safety/interlock_rules.h"

namespace ldn::clinical {
namespace {

TEST(RedFlagSentencesTest, SplitsFoldsAndJoinsApostrophes) {
  const auto s = RedFlagSentences("My HEART's racing!  Can't sleep; eyes\nstress");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0], (std::vector<std::string>{"my", "heart", "racing"}));  // "heart's" -> "hearts" -> "heart"
  EXPECT_EQ(s[1], (std::vector<std::string>{"cant", "sleep"}));
  EXPECT_EQ(s[2], (std::vector<std::string>{"eye"}));
  EXPECT_EQ(s[3], (std::vector<std::string>{"stress"}));  // "ss" keeps its s
  EXPECT_TRUE(RedFlagSentences("").empty());
  EXPECT_TRUE(RedFlagSentences(" . ! ").empty());
}

TEST(RedFlagSentencesTest, KeepsNonAsciiLettersInsideWords) {
  const auto s = RedFlagSentences("brystsmerter, hjertebank på natten");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0][2], "på");
}

TEST(RedFlagVocabularyTest, EmbeddedFileLoadsWithEveryGuidance) {
  const auto& v = LoadRedFlagVocabulary();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  for (const char* id : {"emergency", "contact_clinician", "stop_ldn", "crisis_support"}) {
    ASSERT_NE(v->Guidance(id), nullptr) << id;
    EXPECT_FALSE(v->Guidance(id)->source.empty()) << id;
  }
  EXPECT_GE(v->terms.size(), 10u);
  for (const auto& t : v->terms) {
    EXPECT_FALSE(t.source.empty()) << t.id;
    EXPECT_TRUE(t.terms.count("en")) << t.id;
  }
  EXPECT_EQ(v->side_effect_labels.at("headache"), "Headache");
}

TEST(RedFlagVocabularyTest, RejectsBadDocuments) {
  const std::string guidance =
      R"({"kind":"guidance","id":"emergency","title":"t","text":"x","source":"s"},
         {"kind":"guidance","id":"contact_clinician","title":"t","text":"x","source":"s"},
         {"kind":"guidance","id":"stop_ldn","title":"t","text":"x","source":"s"},
         {"kind":"guidance","id":"crisis_support","title":"t","text":"x","source":"s"})";
  auto parse = [&](const std::string& terms) {
    return ParseRedFlagVocabulary(R"({"version":"1","description":"d","entries":[)" + guidance + terms + "]}");
  };
  EXPECT_TRUE(
      parse(R"(,{"kind":"term","id":"a","label":"a","level":"urgent","terms":{"en":["x y"]},"source":"s"})").ok());
  EXPECT_EQ(parse(R"(,{"kind":"term","id":"a","label":"a","level":"soon","terms":{"en":["x"]},"source":"s"})")
                .status()
                .field(),
            "entries[4].level");
  EXPECT_EQ(parse(R"(,{"kind":"term","id":"a","label":"a","level":"urgent","terms":{"en":[]},"source":"s"})")
                .status()
                .field(),
            "entries[4].terms.en");
  EXPECT_EQ(parse(R"(,{"kind":"term","id":"a","label":"a","level":"urgent","terms":{"en":["x. y"]},"source":"s"})")
                .status()
                .field(),
            "entries[4].terms.en[0]");
  EXPECT_EQ(parse(R"(,{"kind":"term","id":"a","label":"a","level":"urgent","terms":{"en":["x"]},"source":"s","x":1})")
                .status()
                .field(),
            "entries[4].x");
  EXPECT_FALSE(parse("").ok());  // no terms
  // A guidance's translation needs its title, text and source.
  auto with_translation = [&](const std::string& tr) {
    return ParseRedFlagVocabulary(
        R"({"version":"1","description":"d","entries":[{"kind":"guidance","id":"emergency","title":"t","text":"x",)"
        R"("source":"s","translations":{"da":)" +
        tr + "}}," + guidance.substr(guidance.find("{\"kind\":\"guidance\",\"id\":\"contact")) +
        R"(,{"kind":"term","id":"a","label":"a","level":"urgent","terms":{"en":["x"]},"source":"s"}]})");
  };
  EXPECT_TRUE(with_translation(R"({"title":"t","text":"x","source":"s"})").ok());
  EXPECT_EQ(with_translation(R"({"title":"t","source":"s"})").status().field(), "entries[0].translations.da.text");
  EXPECT_EQ(with_translation(R"({"title":"t","text":"","source":"s"})").status().field(),
            "entries[0].translations.da.text");
  EXPECT_EQ(with_translation(R"({"title":"t","text":"x","source":"s","y":1})").status().field(),
            "entries[0].translations.da.y");
  EXPECT_FALSE(ParseRedFlagVocabulary(R"({"version":"1","description":"d","entries":[]})").ok());
}

TEST(RedFlagMatchTest, UnknownLanguageMatchesNothing) {
  const auto& v = LoadRedFlagVocabulary();
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(MatchRedFlags("chest pain", *v, "en").empty());
  EXPECT_TRUE(MatchRedFlags("chest pain", *v, "xx").empty());
}

// Danish and Norwegian (issue 15, item 6): every term and every guidance has both; a note is
// matched against every language by default, whatever the app's language, and only against the
// named one when a language is given; Latin-1 capitals fold (ÅNDENØD is åndenød).
TEST(RedFlagVocabularyTest, DanishAndNorwegianTermsAndGuidanceWithTheirCountrysNumbers) {
  const auto& v = LoadRedFlagVocabulary();
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  for (const auto& t : v->terms) {
    EXPECT_TRUE(t.terms.count("da") && t.terms.count("nb")) << t.id;
  }
  for (const auto& g : v->guidance) {
    for (const char* lang : {"da", "nb"}) {
      ASSERT_TRUE(g.translations.count(lang)) << g.id << " " << lang;
      EXPECT_FALSE(g.translations.at(lang).source.empty()) << g.id << " " << lang;
    }
  }
  // The emergency numbers: 112 in Denmark, 113 (medical) in Norway.
  EXPECT_NE(v->Guidance("emergency")->translations.at("da").text.find("112"), std::string::npos);
  EXPECT_NE(v->Guidance("emergency")->translations.at("nb").text.find("113"), std::string::npos);
  EXPECT_NE(v->Guidance("crisis_support")->translations.at("da").text.find("70 201 201"), std::string::npos);
  EXPECT_NE(v->Guidance("crisis_support")->translations.at("nb").text.find("116 123"), std::string::npos);
  const nlohmann::json j = SafetyAssessmentToJson(AssessReport({{}, "brystsmerter", {}, false}, *v), *v);
  EXPECT_EQ(j["guidance"][0]["translations"]["nb"]["title"], "Ring 113 nå");
}

TEST(RedFlagMatchTest, DanishAndNorwegianNotesInAnyAppLanguage) {
  const auto& v = LoadRedFlagVocabulary();
  ASSERT_TRUE(v.ok());
  auto ids = [&](std::string_view text, std::string_view language = {}) {
    std::vector<std::string> out;
    for (const auto& m : MatchRedFlags(text, *v, language)) out.push_back(m.id);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(ids("Jeg har haft brystsmerter i aftes."), V{"chest_pain"});
  EXPECT_EQ(ids("Jeg fik ondt i brystet efter dosis"), V{"chest_pain"});
  EXPECT_EQ(ids("ÅNDENØD hele natten"), V{"trouble_breathing"});
  EXPECT_EQ(ids("Hjertet HAMRER, og jeg besvimede i går"), (V{"fainting", "heart_racing"}));
  EXPECT_EQ(ids("Jeg har tenkt på å ta livet mitt"), V{"suicidal_thoughts"});
  EXPECT_EQ(ids("Huden er gul og urinen er mørk"), (V{"jaundice", "dark_urine"}));
  EXPECT_EQ(ids("chest pain and brystsmerter"), V{"chest_pain"}) << "once per term";
  EXPECT_TRUE(ids("brystsmerter", "en").empty()) << "a named language only";
  EXPECT_EQ(ids("brystsmerter", "nb"), V{"chest_pain"});
  EXPECT_TRUE(ids("Sov godt, lidt træt i dag").empty());
  EXPECT_EQ(AssessReport({{}, "Jeg har selvmordstanker", {}, false}, *v).level, RedFlagLevel::kEmergency);
}

TEST(AssessReportTest, SeverityAndSeriousness) {
  const auto& v = LoadRedFlagVocabulary();
  ASSERT_TRUE(v.ok());
  ReportToAssess mild;
  mild.side_effects = {{"headache", 2}, {"nausea", 1}};
  EXPECT_EQ(AssessReport(mild, *v).level, RedFlagLevel::kNone);
  EXPECT_TRUE(AssessReport(mild, *v).guidance.empty());

  ReportToAssess severe = mild;
  severe.side_effects.push_back({"vivid_dreams", 3});
  const SafetyAssessment a = AssessReport(severe, *v);
  EXPECT_EQ(a.level, RedFlagLevel::kUrgent);
  EXPECT_EQ(a.severe_side_effects, std::vector<std::string>{"vivid_dreams"});
  EXPECT_EQ(a.reasons.at(0), "Severe side effect: Vivid dreams or nightmares");
  EXPECT_EQ(a.guidance, (std::vector<std::string>{"contact_clinician", "stop_ldn", "emergency"}));

  ReportToAssess ae;
  ae.adverse_severity = "moderate";
  ae.note = "dizzy";
  EXPECT_EQ(AssessReport(ae, *v).level, RedFlagLevel::kNone);
  ae.serious = true;
  EXPECT_EQ(AssessReport(ae, *v).level, RedFlagLevel::kUrgent);
  ae.adverse_severity = "life_threatening";
  EXPECT_EQ(AssessReport(ae, *v).level, RedFlagLevel::kEmergency);
  EXPECT_EQ(AssessReport(ae, *v).guidance.front(), "emergency");

  ReportToAssess suicidal;
  suicidal.note = "I want to die";
  const SafetyAssessment s = AssessReport(suicidal, *v);
  EXPECT_EQ(s.level, RedFlagLevel::kEmergency);
  EXPECT_EQ(s.guidance, (std::vector<std::string>{"crisis_support", "emergency", "contact_clinician", "stop_ldn"}));
  const auto j = SafetyAssessmentToJson(s, *v);
  EXPECT_EQ(j["level"], "emergency");
  EXPECT_EQ(j["guidance"].size(), 4u);
  EXPECT_EQ(j["matches"][0]["id"], "suicidal_thoughts");
}

TEST(InterlockRulesTest, EmbeddedRulesLoadWithSources) {
  const auto& r = LoadInterlockRules();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->screening_max_age_days, 30);
  EXPECT_EQ(r->baseline_diary_days, 14);
  EXPECT_EQ(r->off_plan_refuse_factor, 2);
  for (const auto& [id, source] : r->sources) EXPECT_FALSE(source.empty()) << id;
}

TEST(InterlockRulesTest, RejectsUnknownAndMissingRules) {
  auto text = R"({"version":"1","description":"d","entries":[{"id":"nope","value":1,"source":"s","note":"n"}]})";
  EXPECT_EQ(ParseInterlockRules(text).status().field(), "entries[0].id");
  EXPECT_FALSE(ParseInterlockRules(R"({"version":"1","description":"d","entries":[]})").ok());
  auto range =
      R"({"version":"1","description":"d","entries":[{"id":"baseline_diary_days","value":0,"source":"s","note":"n"}]})";
  EXPECT_EQ(ParseInterlockRules(range).status().field(), "entries[0].value");
}

}  // namespace
}  // namespace ldn::clinical
