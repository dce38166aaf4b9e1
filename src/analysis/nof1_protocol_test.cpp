#include "analysis/nof1_protocol.h"

#include <random>
#include <string>

#include <gtest/gtest.h>

namespace ldn::analysis {
namespace {

TEST(Nof1ProtocolTest, DefaultsAreTheIssuesAndValid) {
  const TrialProtocol p;
  EXPECT_TRUE(ValidateProtocol(p).ok());
  EXPECT_EQ(p.pairs, 3);
  EXPECT_EQ(p.period_days, 28);
  EXPECT_EQ(p.run_in_days, 14);
  EXPECT_EQ(p.primary_outcome, "pain");
  EXPECT_DOUBLE_EQ(p.mcid, 1.0);
  EXPECT_DOUBLE_EQ(p.rule.continue_probability, 0.8);
  EXPECT_DOUBLE_EQ(p.rule.stop_probability, 0.5);
  EXPECT_EQ(p.model, Nof1Model::kAr1);
}

TEST(Nof1ProtocolTest, CanonicalFormIsSortedCompactAndCarriesTheDirections) {
  const std::string c = CanonicalProtocolJson(TrialProtocol{});
  EXPECT_EQ(c,
            "{\"decision_rule\":{\"continue_probability\":0.8,\"stop_probability\":0.5},\"format\":\"ldn-nof1-protocol/"
            "1\",\"higher_is_better\":{\"fatigue\":false,\"pain\":false,\"sleep\":false},\"mcid\":1.0,"
            "\"model\":\"ar1\",\"pairs\":3,\"period_days\":28,\"primary_outcome\":\"pain\",\"run_in_days\":14,"
            "\"secondary_outcomes\":[\"fatigue\",\"sleep\"]}");
  EXPECT_EQ(ProtocolSha256(TrialProtocol{}), Sha256Hex(c));
  // python3 -c "import hashlib; print(hashlib.sha256(CANONICAL.encode()).hexdigest())"
  EXPECT_EQ(ProtocolSha256(TrialProtocol{}), "f4f16b1e54050221778a71077462db642289169b665b8c4ea998e69bf303485c");
  EXPECT_EQ(ProtocolSha256(TrialProtocol{}).size(), 64u);
}

TEST(Nof1ProtocolTest, Sha256MatchesFips180Vectors) {
  // FIPS 180-2 appendix B.1 and the empty string.
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Nof1ProtocolTest, AnyChangeChangesTheHashAndEqualProtocolsHashEqually) {
  const std::string base = ProtocolSha256(TrialProtocol{});
  TrialProtocol p;
  EXPECT_EQ(ProtocolSha256(p), base);
  p.mcid = 1.5;
  EXPECT_NE(ProtocolSha256(p), base);
  p = TrialProtocol{};
  p.rule.continue_probability = 0.9;
  EXPECT_NE(ProtocolSha256(p), base);
  p = TrialProtocol{};
  p.secondary_outcomes = {"sleep", "fatigue"};  // order is part of the protocol
  EXPECT_NE(ProtocolSha256(p), base);
}

TEST(Nof1ProtocolTest, CanonicalFormParsesBackToTheSameProtocol) {
  TrialProtocol p;
  p.pairs = 5;
  p.primary_outcome = "mood";
  p.secondary_outcomes = {"pain"};
  p.model = Nof1Model::kLag;
  p.mcid = 1.25;
  auto back = ParseProtocolJson(CanonicalProtocolJson(p));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(CanonicalProtocolJson(*back), CanonicalProtocolJson(p));
  // Scale version 2 (data/diary_items.json): mood is asked as low mood, 0 = best, like every item.
  EXPECT_NE(CanonicalProtocolJson(p).find("\"mood\":false"), std::string::npos);
}

TEST(Nof1ProtocolTest, ParsingIsStrictAndNamesTheKey) {
  EXPECT_EQ(ParseProtocolJson("{\"pairs\": 3, \"colour\": 1}").status().field(), "colour");
  EXPECT_EQ(ParseProtocolJson("{\"pairs\": 0}").status().field(), "pairs");
  EXPECT_EQ(ParseProtocolJson("{\"pairs\": \"3\"}").status().field(), "pairs");
  EXPECT_EQ(ParseProtocolJson("{\"decision_rule\": {\"stop_probability\": 0.9}}").status().field(),
            "decision_rule.stop_probability");
  EXPECT_EQ(ParseProtocolJson("{\"decision_rule\": {\"stop\": 0.4}}").status().field(), "decision_rule.stop");
  EXPECT_EQ(ParseProtocolJson("{\"model\": \"arima\"}").status().field(), "model");
  EXPECT_EQ(ParseProtocolJson("{\"format\": \"other/2\"}").status().field(), "format");
  EXPECT_EQ(ParseProtocolJson("{\"secondary_outcomes\": [\"fatigue\", 3]}").status().field(), "secondary_outcomes[1]");
  // A frozen direction that no longer matches the knowledge base is refused.
  auto flipped = ParseProtocolJson(
      "{\"primary_outcome\": \"pain\", \"secondary_outcomes\": [], \"higher_is_better\": {\"pain\": true}}");
  EXPECT_EQ(flipped.status().field(), "higher_is_better.pain");
  EXPECT_EQ(ParseProtocolJson("{\"secondary_outcomes\": [], \"higher_is_better\": {}}").status().field(),
            "higher_is_better.pain");
  EXPECT_TRUE(ParseProtocolJson("{}").ok());
}

TEST(Nof1ProtocolTest, ValidationNamesTheField) {
  auto field_of = [](auto change) {
    TrialProtocol p;
    change(p);
    return ValidateProtocol(p).field();
  };
  EXPECT_EQ(field_of([](TrialProtocol& p) { p.pairs = 13; }), "pairs");
  EXPECT_EQ(field_of([](TrialProtocol& p) { p.period_days = 6; }), "period_days");
  EXPECT_EQ(field_of([](TrialProtocol& p) { p.run_in_days = 22; }), "run_in_days");  // 6 analysed days
  EXPECT_EQ(field_of([](TrialProtocol& p) { p.run_in_days = -1; }), "run_in_days");
  EXPECT_EQ(field_of([](TrialProtocol& p) { p.primary_outcome = "happiness"; }), "primary_outcome");
  EXPECT_EQ(field_of([](TrialProtocol& p) { p.secondary_outcomes = {"fatigue", "fatigue"}; }), "secondary_outcomes[1]");
  EXPECT_EQ(field_of([](TrialProtocol& p) { p.secondary_outcomes = {"pain"}; }), "secondary_outcomes[0]");
  EXPECT_EQ(field_of([](TrialProtocol& p) { p.mcid = 0; }), "mcid");
  EXPECT_EQ(field_of([](TrialProtocol& p) { p.rule.continue_probability = 1; }), "decision_rule.continue_probability");
  EXPECT_EQ(field_of([](TrialProtocol& p) { p.rule.stop_probability = 0; }), "decision_rule.stop_probability");
  EXPECT_EQ(field_of([](TrialProtocol& p) { p.rule.stop_probability = 0.8; }), "decision_rule.stop_probability");
  TrialProtocol ok;
  ok.run_in_days = 21;  // exactly 7 analysed days
  EXPECT_TRUE(ValidateProtocol(ok).ok());
}

TEST(Nof1ProtocolTest, ConsequencesSayWhatEachChoiceAllows) {
  TrialProtocol p;
  DesignConsequences c = ConsequencesOf(p);
  EXPECT_EQ(c.allocations, 8);
  EXPECT_DOUBLE_EQ(c.smallest_p_two_sided, 0.25);
  EXPECT_DOUBLE_EQ(c.smallest_p_one_sided, 0.125);
  EXPECT_FALSE(c.two_sided_can_reach_005);
  EXPECT_FALSE(c.one_sided_can_reach_005);
  EXPECT_EQ(c.analysed_days_per_period, 14);
  EXPECT_EQ(c.total_days, 168);
  EXPECT_EQ(c.paired_t_degrees_of_freedom, 2);
  p.pairs = 5;
  c = ConsequencesOf(p);
  EXPECT_TRUE(c.one_sided_can_reach_005);
  EXPECT_FALSE(c.two_sided_can_reach_005);
  p.pairs = 6;
  c = ConsequencesOf(p);
  EXPECT_TRUE(c.two_sided_can_reach_005);
  EXPECT_DOUBLE_EQ(c.smallest_p_two_sided, 2.0 / 64);
  p.pairs = 1;
  c = ConsequencesOf(p);
  EXPECT_DOUBLE_EQ(c.smallest_p_two_sided, 1.0);
}

TEST(Nof1ProtocolTest, DecisionFollowsTheRuleAtItsBoundaries) {
  const DecisionRule r;
  EXPECT_EQ(Decide(r, 0.8, 0.95), TrialDecision::kContinue);
  EXPECT_EQ(Decide(r, 0.7999, 0.95), TrialDecision::kUncertain);
  EXPECT_EQ(Decide(r, 0.1, 0.5), TrialDecision::kUncertain);
  EXPECT_EQ(Decide(r, 0.1, 0.4999), TrialDecision::kStop);
  EXPECT_NE(TrialDecisionMeaning(TrialDecision::kContinue, r, 1).find("by 1 point or more"), std::string::npos);
  EXPECT_NE(TrialDecisionMeaning(TrialDecision::kStop, r, 1).find("less than 50%"), std::string::npos);
}

TEST(Nof1ProtocolTest, AllocationTakesOneBitPerPairFromTheCallersBytes) {
  TrialProtocol p;
  p.pairs = 4;
  auto a = DrawAllocation(p, [](uint8_t* buf, size_t n) {
    const uint8_t bytes[] = {0x00, 0x01, 0xFE, 0xFF};
    ASSERT_EQ(n, 4u);
    for (size_t i = 0; i < n; ++i) buf[i] = bytes[i];
  });
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->ToString(), "AB,BA,AB,BA");
  EXPECT_EQ(a->ArmOfPeriod(1), TrialArm::kPlacebo);
  EXPECT_EQ(a->ArmOfPeriod(2), TrialArm::kLdn);
  EXPECT_EQ(a->ArmOfPeriod(3), TrialArm::kLdn);
  EXPECT_EQ(a->ArmOfPeriod(4), TrialArm::kPlacebo);
}

TEST(Nof1ProtocolTest, AllocationIsBalancedOverManyDraws) {
  // With a uniform byte source each pair is BA half the time (binomial SD 0.005 at 10,000 draws).
  std::mt19937_64 rng(7);
  TrialProtocol p;
  int ba[3] = {0, 0, 0};
  const int draws = 10'000;
  for (int i = 0; i < draws; ++i) {
    auto a = DrawAllocation(p, [&](uint8_t* buf, size_t n) {
      for (size_t k = 0; k < n; ++k) buf[k] = static_cast<uint8_t>(rng());
    });
    for (int k = 0; k < 3; ++k) ba[k] += a->pairs[k] == PairOrder::kBA;
  }
  for (int k = 0; k < 3; ++k) EXPECT_NEAR(ba[k] / static_cast<double>(draws), 0.5, 0.025);
}

TEST(Nof1ProtocolTest, ParsesAllocations) {
  auto a = ParseAllocation("AB, BA ,AB", 3, "allocation");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->ToString(), "AB,BA,AB");
  EXPECT_EQ(ParseAllocation("AB,AA,BA", 3, "allocation").status().field(), "allocation");
  EXPECT_NE(ParseAllocation("AB,BA", 3, "allocation").status().message().find("2 pairs"), std::string::npos);
}

TEST(Nof1ProtocolTest, CalendarPutsThePeriodsOnDates) {
  TrialProtocol p;
  const Allocation a = *ParseAllocation("BA,AB,BA", 3, "a");
  const auto cal = TrialCalendar(p, a, *ParseDate("2026-03-02", "start"));
  ASSERT_EQ(cal.size(), 6u);
  EXPECT_EQ(FormatDate(cal[0].first), "2026-03-02");
  EXPECT_EQ(FormatDate(cal[0].analysed_first), "2026-03-16");
  EXPECT_EQ(FormatDate(cal[0].last), "2026-03-29");
  EXPECT_EQ(cal[0].arm, TrialArm::kLdn);
  EXPECT_EQ(cal[1].first_trial_day, 29);
  EXPECT_EQ(cal[1].analysed_first_trial_day, 43);
  EXPECT_EQ(cal[5].last_trial_day, 168);
  EXPECT_EQ(FormatDate(cal[5].last), "2026-08-16");
}

}  // namespace
}  // namespace ldn::analysis
