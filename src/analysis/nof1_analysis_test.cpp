#include "analysis/nof1_analysis.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "analysis/diary.h"

namespace ldn::analysis {
namespace {

std::string Golden(const std::string& name) {
  std::ifstream in(std::filesystem::path(LDN_SOURCE_DIR) / "tests/golden/nof1" / name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(Nof1RandomizationTest, EnumeratesEveryAllocation) {
  // Three pairs all favouring B (lower is better): only the observed allocation and its mirror
  // are as extreme, so p = 2/8; one-sided, only the observed one is as low: 1/8.
  const RandomizationTest t = ExactRandomizationTest({-1.0, -2.0, -0.5}, false);
  EXPECT_EQ(t.allocations, 8);
  EXPECT_EQ(t.pairs, 3);
  EXPECT_DOUBLE_EQ(t.statistic, -3.5 / 3);
  EXPECT_DOUBLE_EQ(t.p_two_sided, 0.25);
  EXPECT_DOUBLE_EQ(t.p_one_sided_b_better, 0.125);
  EXPECT_DOUBLE_EQ(t.smallest_possible_p_two_sided, 0.25);
  // With higher is better the same differences favour A: one-sided p for B is 8/8.
  EXPECT_DOUBLE_EQ(ExactRandomizationTest({-1.0, -2.0, -0.5}, true).p_one_sided_b_better, 1.0);
  // Mixed signs: T = (-1 + 2 - 0.5) / 3 = 1/6, and every sum +/-1 +/-2 +/-0.5 is at least 0.5 in
  // absolute value, so all 8 allocations are as extreme: p = 1.
  EXPECT_DOUBLE_EQ(ExactRandomizationTest({-1.0, 2.0, -0.5}, false).p_two_sided, 1.0);
  // Six pairs in the same direction reach 2/64.
  EXPECT_DOUBLE_EQ(ExactRandomizationTest({-1, -1.1, -0.9, -1.2, -0.8, -1.3}, false).p_two_sided, 2.0 / 64);
}

TEST(Nof1PairedTTest, MatchesR) {
  // R 4.2: t.test(c(-1, -2, -0.5)).
  auto t = PairedTTest({-1.0, -2.0, -0.5});
  ASSERT_TRUE(t.has_value());
  EXPECT_NEAR(t->mean, -1.166666666667, 1e-12);
  EXPECT_NEAR(t->sd, 0.763762615826, 1e-12);
  EXPECT_NEAR(t->lower, -3.063958183465, 1e-9);
  EXPECT_NEAR(t->upper, 0.730624850132, 1e-9);
  EXPECT_NEAR(t->p_value, 0.118082896312, 1e-9);
  EXPECT_EQ(t->degrees_of_freedom, 2);
  // t.test(c(-1.25, 0.5, -2, -0.75)).
  auto t2 = PairedTTest({-1.25, 0.5, -2, -0.75});
  EXPECT_NEAR(t2->lower, -2.547046708875, 1e-9);
  EXPECT_NEAR(t2->upper, 0.797046708875, 1e-9);
  EXPECT_NEAR(t2->p_value, 0.194420909934, 1e-9);
  EXPECT_FALSE(PairedTTest({-1.0}).has_value());
}

TEST(Nof1BlindingTest, BangIndexPerArm) {
  std::vector<PeriodSummary> p(6);
  const TrialArm arms[] = {TrialArm::kLdn,     TrialArm::kPlacebo, TrialArm::kLdn,
                           TrialArm::kPlacebo, TrialArm::kLdn,     TrialArm::kPlacebo};
  const std::optional<BlindingGuess> guesses[] = {BlindingGuess::kLdn,     BlindingGuess::kLdn,
                                                  BlindingGuess::kLdn,     BlindingGuess::kDontKnow,
                                                  BlindingGuess::kPlacebo, std::nullopt};
  for (int i = 0; i < 6; ++i) {
    p[i].arm = arms[i];
    p[i].guess = guesses[i];
  }
  const Blinding b = BangBlindingIndex(p);
  // LDN periods: 2 correct, 1 incorrect of 3: BI = 1/3; SE = sqrt((2/9 + 2/9 + 4/9) / 3).
  EXPECT_EQ(b.ldn.answered, 3);
  EXPECT_EQ(b.ldn.correct, 2);
  EXPECT_NEAR(*b.ldn.index, 1.0 / 3, 1e-15);
  EXPECT_NEAR(*b.ldn.se, std::sqrt((2.0 / 9 + 2.0 / 9 + 4.0 / 9) / 3), 1e-15);
  // Placebo periods: 1 incorrect (guessed LDN), 1 don't know: BI = -1/2.
  EXPECT_EQ(b.placebo.answered, 2);
  EXPECT_EQ(b.placebo.dont_know, 1);
  EXPECT_NEAR(*b.placebo.index, -0.5, 1e-15);
  EXPECT_EQ(b.periods_without_guess, 1);
}

TEST(Nof1AnalysisTest, AnalysesAGoldenTrialEndToEnd) {
  auto data = ParseTrialCsv(Golden("clear_effect.csv"));
  ASSERT_TRUE(data.ok());
  TrialAnalysisOptions o;
  auto a = AnalyzeTrial(*data, o);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->pairs, 3);
  EXPECT_EQ(a->complete_pairs, 3);
  EXPECT_EQ(a->rated_days, 84);
  EXPECT_EQ(a->bayes.model, Nof1Model::kAr1);
  ASSERT_TRUE(a->mean_model.has_value());
  EXPECT_LT(a->bayes.diff.mean, -1.5);
  EXPECT_GT(a->bayes.p_b_better, 0.999);
  EXPECT_EQ(a->decision, TrialDecision::kContinue);
  ASSERT_TRUE(a->randomization.has_value());
  EXPECT_DOUBLE_EQ(a->randomization->p_two_sided, 0.25);  // 3 pairs, all in one direction
  ASSERT_TRUE(a->paired_t.has_value());
  ASSERT_TRUE(a->ar1_interval.has_value());
  EXPECT_NEAR(a->ar1_interval->difference, a->paired_t->mean, 1e-12);  // equal period lengths, no gaps
  EXPECT_FALSE(a->blinding.has_value());

  const nlohmann::json j = TrialAnalysisToJson(*a);
  for (const char* key :
       {"model", "diff", "p_b_better", "p_b_better_by_mcid", "p_a_better_by_mcid", "randomization_test", "paired_t",
        "decision", "decision_meaning", "mean_model", "category_probabilities", "ar1_interval", "periods", "notes"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  for (const char* key : {"mean", "sd", "q025", "median", "q975"}) EXPECT_TRUE(j["diff"].contains(key)) << key;
  for (const char* key : {"p_two_sided", "p_one_sided_b_better", "allocations"}) {
    EXPECT_TRUE(j["randomization_test"].contains(key)) << key;
  }
  for (const char* key : {"mean", "lower", "upper", "p_value"}) EXPECT_TRUE(j["paired_t"].contains(key)) << key;
  EXPECT_EQ(j["decision"], "continue");
  EXPECT_EQ(j["randomization_test"]["allocations"], 8);
}

TEST(Nof1AnalysisTest, DirectionFlipsTheProbabilities) {
  auto data = ParseTrialCsv(Golden("continuous_mood.csv"));
  ASSERT_TRUE(data.ok());
  TrialAnalysisOptions lower;
  lower.with_mean_model = false;
  TrialAnalysisOptions higher = lower;
  higher.higher_is_better = true;
  auto a = AnalyzeTrial(*data, lower);
  auto b = AnalyzeTrial(*data, higher);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_DOUBLE_EQ(a->bayes.diff.mean, b->bayes.diff.mean);
  EXPECT_NEAR(a->bayes.p_b_better + b->bayes.p_b_better, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(a->bayes.p_b_better_by_mcid, b->bayes.p_a_better_by_mcid);
  // Mood rose on LDN: better when higher is better, worse when lower is better.
  EXPECT_GT(b->bayes.p_b_better, 0.95);
  EXPECT_NE(b->decision, TrialDecision::kStop);
  EXPECT_EQ(a->decision, TrialDecision::kStop);
}

TEST(Nof1AnalysisTest, ReportsBlindingWhenGuessesAreGiven) {
  auto data = ParseTrialCsv(Golden("missing_days.csv"));
  ASSERT_TRUE(data.ok());
  auto a = AnalyzeTrial(*data, TrialAnalysisOptions{});
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(a->blinding.has_value());
  EXPECT_EQ(a->blinding->ldn.answered + a->blinding->placebo.answered + a->blinding->periods_without_guess, 6);
  EXPECT_EQ(a->blinding->ldn.dont_know + a->blinding->placebo.dont_know, 1);
}

TEST(Nof1AnalysisTest, LagDecisionReadsTheLongRunDifference) {
  auto data = ParseTrialCsv(Golden("clear_effect.csv"));
  TrialAnalysisOptions o;
  o.model = Nof1Model::kLag;
  auto a = AnalyzeTrial(*data, o);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->decision_basis, "long_run_diff");
  ASSERT_TRUE(a->bayes.long_run_diff.has_value());
  EXPECT_EQ(TrialAnalysisToJson(*a)["long_run_diff"].contains("p_b_better_by_mcid"), true);
}

TEST(Nof1AnalysisTest, IncompletePairsAreNotedNotFatal) {
  auto data = ParseTrialCsv(
      "day,period,treatment,outcome\n1,1,A,6\n2,1,A,7\n3,1,A,6\n4,2,B,4\n5,2,B,5\n6,2,B,4\n7,3,B,5\n8,3,B,3\n");
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  auto a = AnalyzeTrial(*data, TrialAnalysisOptions{});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->pairs, 2);
  EXPECT_EQ(a->complete_pairs, 1);
  EXPECT_FALSE(a->paired_t.has_value());
  ASSERT_TRUE(a->randomization.has_value());
  EXPECT_EQ(a->randomization->allocations, 2);
  EXPECT_DOUBLE_EQ(a->randomization->p_two_sided, 1.0);
}

TEST(Nof1AnalysisTest, RejectsBadOptions) {
  auto data = ParseTrialCsv(Golden("short_trial.csv"));
  TrialAnalysisOptions o;
  o.mcid = 0;
  EXPECT_EQ(AnalyzeTrial(*data, o).status().field(), "mcid");
  o = {};
  o.rule.stop_probability = 0.9;
  EXPECT_EQ(AnalyzeTrial(*data, o).status().field(), "decision_rule.stop_probability");
  o = {};
  o.score_range = -1;
  EXPECT_EQ(AnalyzeTrial(*data, o).status().field(), "score_range");
}

TEST(Nof1AnalysisTest, ProtocolOptionsTakeTheDirectionFromTheKnowledgeBase) {
  TrialProtocol p;
  p.primary_outcome = "mood";
  p.secondary_outcomes = {};
  // Scale version 2 of data/diary_items.json: mood is "low mood", higher is worse, like every item.
  EXPECT_EQ(AnalysisOptionsFor(p).higher_is_better, HigherIsBetter(Item::kMood));
  EXPECT_FALSE(AnalysisOptionsFor(p).higher_is_better);
  p.primary_outcome = "pain";
  EXPECT_FALSE(AnalysisOptionsFor(p).higher_is_better);
}

}  // namespace
}  // namespace ldn::analysis
