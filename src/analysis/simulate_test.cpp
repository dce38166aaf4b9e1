#include "analysis/simulate.h"

#include <array>
#include <cmath>
#include <fstream>
#include <iostream>
#include <numbers>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "analysis/diary_csv.h"
#include "analysis/response.h"
#include "core/knowledge_files.h"

namespace ldn::analysis {
namespace {

// Statistical checks accept a realised value within kZ sampling SDs of its expectation: with
// z = 4 a correct model fails a check with probability 6e-5 for a random seed (and, the seeds
// being fixed, the outcome is reproducible), while a wrong rate, mean or coefficient of the size
// that matters is far outside.
constexpr double kZ = 4.0;

std::string ReadFile(const std::string& relative) {
  std::ifstream in(std::string(LDN_SOURCE_DIR) + "/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << relative;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const SimulationParameters& Params() {
  const auto& p = LoadSimulationParameters();
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return *p;
}

double Phi(double z) {
  return 0.5 * std::erfc(-z / std::numbers::sqrt2);
}
double PhiDensity(double z) {
  return std::exp(-0.5 * z * z) / std::sqrt(2 * std::numbers::pi);
}

// Mean of Normal(mu, sd^2) truncated to [lo, hi] (Johnson, Kotz & Balakrishnan, Continuous
// Univariate Distributions vol. 1, 2nd ed., section 10.1).
double TruncatedNormalMean(double mu, double sd, double lo, double hi) {
  const double a = (lo - mu) / sd;
  const double b = (hi - mu) / sd;
  return mu + sd * (PhiDensity(a) - PhiDensity(b)) / (Phi(b) - Phi(a));
}

// Realised share vs probability p over n trials, within kZ binomial SDs.
void ExpectShare(int hits, int n, double p, const std::string& what) {
  const double share = static_cast<double>(hits) / n;
  const double sd = std::sqrt(p * (1 - p) / n);
  EXPECT_NEAR(share, p, kZ * sd) << what << ": " << hits << " of " << n;
}

// One simulated cohort, shared by the statistical tests (simulation only; cheap).
const std::vector<SimulatedPatient>& Cohort() {
  static const auto* cohort = [] {
    auto* v = new std::vector<SimulatedPatient>();
    SimulationRequest request;
    request.seed = 20261122;
    for (int i = 0; i < 2000; ++i) {
      auto p = SimulatePatient(Params(), request, i);
      EXPECT_TRUE(p.ok()) << p.status().ToString();
      if (p.ok()) v->push_back(std::move(*p));
    }
    return v;
  }();
  return *cohort;
}

// --- Parameters ----------------------------------------------------------------------------------

TEST(SimulationParametersTest, EmbeddedFileLoadsWithTheTrialRates) {
  const SimulationParameters& p = Params();
  ASSERT_EQ(p.side_effects.size(), 2u);
  EXPECT_EQ(p.side_effects[0].name, "vivid_dreams");
  EXPECT_DOUBLE_EQ(p.side_effects[0].ldn_rate, 0.37);  // Younger 2013
  EXPECT_DOUBLE_EQ(p.side_effects[0].placebo_rate, 0.13);
  EXPECT_DOUBLE_EQ(p.side_effects[1].ldn_rate, 0.16);
  EXPECT_DOUBLE_EQ(p.side_effects[1].placebo_rate, 0.03);
  EXPECT_EQ(p.protocol, "ldnrt-standard");
  for (const SimulationParameterRecord& r : p.records) EXPECT_FALSE(r.source.empty()) << r.id;
}

class BrokenParametersTest : public testing::Test {
 protected:
  static nlohmann::json Doc() { return nlohmann::json::parse(*KnowledgeFileText("simulation.json")); }
  static size_t IndexOf(const nlohmann::json& doc, const std::string& id) {
    for (size_t i = 0; i < doc["entries"].size(); ++i) {
      if (doc["entries"][i]["id"] == id) return i;
    }
    ADD_FAILURE() << id;
    return 0;
  }
  static void ExpectError(const nlohmann::json& doc, const std::string& field, const std::string& part) {
    auto p = ParseSimulationParameters(doc.dump());
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(p.status().field(), field) << p.status().ToString();
    EXPECT_NE(p.status().message().find(part), std::string::npos) << p.status().ToString();
  }
};

TEST_F(BrokenParametersTest, ValueOutOfRange) {
  nlohmann::json doc = Doc();
  const size_t i = IndexOf(doc, "noise.ar1_phi");
  doc["entries"][i]["value"] = 1.5;
  ExpectError(doc, fmt::format("entries[{}].value", i), "");
}

TEST_F(BrokenParametersTest, UnknownDuplicateAndMissingIds) {
  nlohmann::json doc = Doc();
  doc["entries"].push_back({{"id", "noise.ar2"}, {"value", 1}, {"unit", ""}, {"assumption", true}, {"source", "x"}});
  ExpectError(doc, fmt::format("entries[{}].id", doc["entries"].size() - 1), "unknown id");

  doc = Doc();
  doc["entries"].push_back(doc["entries"][0]);
  ExpectError(doc, fmt::format("entries[{}].id", doc["entries"].size() - 1), "duplicate");

  doc = Doc();
  doc["entries"].erase(IndexOf(doc, "ldn.responder_share"));
  ExpectError(doc, "entries", "ldn.responder_share");
}

TEST_F(BrokenParametersTest, PlaceboRateAboveLdnRate) {
  nlohmann::json doc = Doc();
  const size_t i = IndexOf(doc, "side_effect.headache.placebo_rate");
  doc["entries"][i]["value"] = 0.2;
  ExpectError(doc, fmt::format("entries[{}].value", i), "LDN rate");
}

TEST_F(BrokenParametersTest, EntryWithoutSource) {
  nlohmann::json doc = Doc();
  doc["entries"][3]["source"] = "";
  ExpectError(doc, "entries[3].source", "empty");
}

TEST(SimulationRequestTest, DaysOutOfRangeNamesDays) {
  SimulationRequest r;
  r.days = 13;
  auto p = SimulatePatient(Params(), r, 0);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().field(), "days");
  r.days = 112;
  EXPECT_EQ(SimulatePatient(Params(), r, -1).status().field(), "index");
}

// --- Random variates ---------------------------------------------------------------------------------

TEST(SimulationRngTest, UniformAndNormalMoments) {
  SimulationRng rng(1, 2, 3);
  constexpr int kN = 200'000;
  double su = 0, suu = 0, sz = 0, szz = 0;
  int inside = 0;
  for (int i = 0; i < kN; ++i) {
    const double u = rng.Uniform();
    ASSERT_TRUE(u >= 0 && u < 1);
    su += u;
    suu += u * u;
    const double z = rng.Normal();
    sz += z;
    szz += z * z;
    inside += std::fabs(z) < 1.959963984540054 ? 1 : 0;
  }
  // Uniform: mean 1/2 (SD of the mean sqrt(1/12 / n)), variance 1/12 (SD of s^2 ~ sqrt(1/180 / n)).
  EXPECT_NEAR(su / kN, 0.5, kZ * std::sqrt(1.0 / 12 / kN));
  EXPECT_NEAR(suu / kN - 0.25, 1.0 / 12, kZ * std::sqrt(1.0 / 180 / kN));
  // Normal: mean 0 (SD 1/sqrt(n)), variance 1 (SD sqrt(2/n)), 95% within +-1.96.
  EXPECT_NEAR(sz / kN, 0.0, kZ / std::sqrt(kN));
  EXPECT_NEAR(szz / kN, 1.0, kZ * std::sqrt(2.0 / kN));
  ExpectShare(inside, kN, 0.95, "|z| < 1.96");
}

TEST(SimulationRngTest, UniformIntCoversItsRangeEvenly) {
  SimulationRng rng(9, 0, 0);
  std::array<int, 7> counts{};
  constexpr int kN = 70'000;
  for (int i = 0; i < kN; ++i) {
    const int v = rng.UniformInt(-3, 3);
    ASSERT_TRUE(v >= -3 && v <= 3);
    ++counts[v + 3];
  }
  for (int c : counts) ExpectShare(c, kN, 1.0 / 7, "UniformInt(-3, 3)");
}

TEST(SimulationRngTest, StreamsDiffer) {
  SimulationRng a(1, 0, 0), b(1, 0, 1), c(1, 1, 0), d(2, 0, 0), a2(1, 0, 0);
  const uint64_t first = a.Bits();
  EXPECT_NE(first, b.Bits());
  EXPECT_NE(first, c.Bits());
  EXPECT_NE(first, d.Bits());
  EXPECT_EQ(first, a2.Bits());
}

TEST(ExpectedRatingTest, MatchesDirectSummationAndLimits) {
  // Far from the ends the clamped, rounded rating is unbiased: E = mu (Sheppard; symmetric).
  EXPECT_NEAR(ExpectedRating(5.0, 1.0), 5.0, 1e-9);
  EXPECT_NEAR(ExpectedRating(5.5, 0.3), 5.5, 1e-3);  // sd 0.3 of a half-way mu: P(5) = P(6)
  // Clamping: E rises above mu near 0 and drops below it near 10.
  EXPECT_GT(ExpectedRating(0.2, 1.0), 0.2);
  EXPECT_LT(ExpectedRating(9.8, 1.0), 9.8);
  // Independent computation for mu 1.3, sd 0.8: sum of k P(rating = k).
  double e = 0;
  for (int k = 0; k <= 10; ++k) {
    const double lo = k == 0 ? -1e9 : (k - 0.5 - 1.3) / 0.8;
    const double hi = k == 10 ? 1e9 : (k + 0.5 - 1.3) / 0.8;
    e += k * (Phi(hi) - Phi(lo));
  }
  EXPECT_NEAR(ExpectedRating(1.3, 0.8), e, 1e-12);
}

// --- Determinism ---------------------------------------------------------------------------------

TEST(SimulateGoldenTest, FirstPatientOfSeed42) {
  SimulationRequest r;
  r.seed = 42;
  auto p = SimulatePatient(Params(), r, 0);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(DiaryToJson(p->diary), ReadFile("tests/golden/analysis/simulate_seed42_patient1.json"));
  EXPECT_EQ(DiaryToCsv(p->diary), ReadFile("tests/golden/analysis/simulate_seed42_patient1.csv"));
  EXPECT_EQ(GroundTruthToJson(p->truth).dump(2) + "\n",
            ReadFile("tests/golden/analysis/simulate_seed42_patient1.truth.json"));
}

TEST(SimulateTest, APatientDoesNotDependOnTheRecordLength) {
  SimulationRequest shorter;
  shorter.seed = 5;
  SimulationRequest longer = shorter;
  longer.days = 300;
  auto a = SimulatePatient(Params(), shorter, 3);
  auto b = SimulatePatient(Params(), longer, 3);
  ASSERT_TRUE(a.ok() && b.ok());
  // Same traits and the same days as far as the shorter record goes.
  EXPECT_EQ(a->truth.baseline_pain, b->truth.baseline_pain);
  EXPECT_EQ(a->truth.placebo_pct, b->truth.placebo_pct);
  ASSERT_LE(a->latent_pain.size(), b->latent_pain.size());
  for (size_t j = 0; j < a->latent_pain.size(); ++j) ASSERT_EQ(a->latent_pain[j], b->latent_pain[j]) << j;
  for (size_t j = 0; j < a->diary.days.size(); ++j) {
    ASSERT_EQ(a->diary.days[j].date, b->diary.days[j].date);
    ASSERT_EQ(a->diary.days[j].items, b->diary.days[j].items);
  }
}

// --- The diaries are valid input ------------------------------------------------------------------

TEST(SimulateTest, DiariesParseRoundTripAndAnalyse) {
  SimulationRequest r;
  r.seed = 7;
  // Parsing is the slow part (the CSV goes through the JSON reader); the 1000 diaries of the
  // end-to-end test below are analysed without the round trip.
  for (int i = 0; i < 80; ++i) {
    auto p = SimulatePatient(Params(), r, i);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    const std::string json = DiaryToJson(p->diary);
    auto parsed = ParseDiaryJson(json);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(DiaryToJson(*parsed), json);
    auto from_csv = ParseDiaryCsv(DiaryToCsv(p->diary));
    ASSERT_TRUE(from_csv.ok()) << from_csv.status().ToString();
    EXPECT_EQ(DiaryToJson(*from_csv), json);
    auto report = AnalyzeDiary(*parsed);
    ASSERT_TRUE(report.ok()) << p->truth.patient_id << ": " << report.status().ToString();
    EXPECT_EQ(report->first_dose, p->truth.first_dose);
    EXPECT_TRUE(report->pain_change_pct.has_value()) << p->truth.patient_id;
  }
}

// --- The realised cohort matches the parameters -------------------------------------------------------

TEST(SimulateStatisticsTest, SideEffectRatesMatchTheTrial) {
  const SimulationParameters& params = Params();
  const auto& cohort = Cohort();
  const int n = static_cast<int>(cohort.size());
  for (const auto& rate : params.side_effects) {
    int any = 0;
    int background = 0;
    for (const SimulatedPatient& p : cohort) {
      for (const SimulatedSideEffect& e : p.truth.side_effects) {
        if (e.name != rate.name) continue;
        ++any;
        background += e.attributable ? 0 : 1;
        EXPECT_GE(e.duration_days, params.side_effect_duration_min_days);
        EXPECT_LE(e.duration_days, params.side_effect_duration_max_days);
      }
    }
    ExpectShare(any, n, rate.ldn_rate, rate.name + " on LDN");
    ExpectShare(background, n, rate.placebo_rate, rate.name + " background (placebo rate)");
  }
}

TEST(SimulateStatisticsTest, SideEffectsAppearInTheDiaryOnRecordedEpisodeDays) {
  for (const SimulatedPatient& p : Cohort()) {
    for (const DiaryDay& d : p.diary.days) {
      const int t = DaysBetween(p.truth.first_dose, d.date);
      for (const SimulatedSideEffect& e : p.truth.side_effects) {
        const bool in_episode = t >= e.onset_day && t < e.onset_day + e.duration_days;
        const bool reported = std::any_of(d.side_effects.begin(), d.side_effects.end(),
                                          [&](const SideEffect& s) { return s.name == e.name; });
        ASSERT_EQ(in_episode, reported) << p.truth.patient_id << " day " << t << " " << e.name;
      }
    }
  }
}

TEST(SimulateStatisticsTest, ResponderShareAndThresholds) {
  const SimulationParameters& params = Params();
  const auto& cohort = Cohort();
  int responders = 0;
  int at_final_step = 0;
  for (const SimulatedPatient& p : cohort) {
    const GroundTruth& t = p.truth;
    if (!t.responder) {
      EXPECT_EQ(t.ldn_effect_pct, 0.0);
      EXPECT_FALSE(t.onset_day.has_value());
      continue;
    }
    ++responders;
    ASSERT_TRUE(t.threshold_dose_mg && t.onset_day && t.full_effect_day);
    EXPECT_LE(*t.threshold_dose_mg, t.final_dose.milligrams_hcl());
    EXPECT_GE(t.ldn_effect_pct, params.effect_min_pct);
    EXPECT_LE(t.ldn_effect_pct, params.effect_max_pct);
    EXPECT_GE(*t.full_effect_day - *t.onset_day, params.onset_min_days);
    EXPECT_LE(*t.full_effect_day - *t.onset_day, params.onset_max_days);
    // The onset is the start of the first step at or above the threshold.
    const CourseStep* step = p.diary.StepOn(AddDays(t.first_dose, *t.onset_day));
    ASSERT_NE(step, nullptr);
    EXPECT_GE(step->dose.milligrams_hcl(), *t.threshold_dose_mg);
    EXPECT_EQ(step->start, AddDays(t.first_dose, *t.onset_day));
    if (step->dose == t.final_dose) ++at_final_step;
  }
  ExpectShare(responders, static_cast<int>(cohort.size()), params.responder_share, "responders");
  // Log-normal threshold truncated at 4.5 mg: P(4 < T <= 4.5 | T <= 4.5), the step before the
  // final one being 4 mg (ldnrt-standard).
  const double s = params.ThresholdLogSd();
  auto cdf = [&](double mg) { return Phi(std::log(mg / params.threshold_median_mg) / s); };
  ExpectShare(at_final_step, responders, (cdf(4.5) - cdf(4.0)) / cdf(4.5), "onset on the 4.5 mg step");
}

TEST(SimulateStatisticsTest, PlaceboResponseMean) {
  const SimulationParameters& p = Params();
  const auto& cohort = Cohort();
  double sum = 0;
  for (const SimulatedPatient& s : cohort) sum += s.truth.placebo_pct;
  const double n = static_cast<double>(cohort.size());
  const double expected =
      TruncatedNormalMean(p.placebo_mean_pct, p.placebo_sd_pct, p.placebo_min_pct, p.placebo_max_pct);
  // The truncated SD is below the untruncated one, so sd/sqrt(n) is a conservative SD of the mean.
  EXPECT_NEAR(sum / n, expected, kZ * p.placebo_sd_pct / std::sqrt(n));
  EXPECT_NEAR(expected, p.placebo_mean_pct, 0.5);  // the truncation barely moves the mean
}

TEST(SimulateStatisticsTest, Ar1NoiseCoefficientAndSd) {
  const SimulationParameters& p = Params();
  // Conditional least squares on the pooled residuals (latent - expected), per patient series:
  // phi_hat = sum r_t r_{t-1} / sum r_{t-1}^2 with SD ~ sqrt((1 - phi^2) / M) (Box & Jenkins,
  // Time Series Analysis, 1976, section 7.2). The stationary variance sd^2 has an SD of about
  // sd^2 sqrt(2 (1 + phi^2) / ((1 - phi^2) M)) (Bartlett 1946).
  double sxy = 0, sxx = 0, ss = 0;
  double m = 0, total = 0;
  for (const SimulatedPatient& s : Cohort()) {
    for (size_t j = 0; j < s.latent_pain.size(); ++j) {
      const double r = s.latent_pain[j] - s.expected_pain[j];
      ss += r * r;
      ++total;
      if (j == 0) continue;
      const double prev = s.latent_pain[j - 1] - s.expected_pain[j - 1];
      sxy += r * prev;
      sxx += prev * prev;
      ++m;
    }
  }
  const double phi = p.noise_phi;
  EXPECT_NEAR(sxy / sxx, phi, kZ * std::sqrt((1 - phi * phi) / m));
  const double var = p.noise_sd * p.noise_sd;
  EXPECT_NEAR(ss / total, var, kZ * var * std::sqrt(2 * (1 + phi * phi) / ((1 - phi * phi) * total)));
}

TEST(SimulateStatisticsTest, MissingDaysAndDoseLogs) {
  const SimulationParameters& p = Params();
  const auto& cohort = Cohort();
  std::vector<double> shares;
  for (const SimulatedPatient& s : cohort) {
    const int total = p.baseline_days + 112;
    EXPECT_EQ(static_cast<int>(s.diary.days.size()) + s.truth.diary_days_missing, total);
    shares.push_back(static_cast<double>(s.truth.diary_days_missing) / total);
    // A dose log exactly on each recorded treatment day; taken logs match the plan (the parser
    // checks that too).
    int treatment_days_recorded = 0;
    for (const DiaryDay& d : s.diary.days) treatment_days_recorded += d.date >= s.truth.first_dose ? 1 : 0;
    EXPECT_EQ(static_cast<int>(s.diary.doses.size()), treatment_days_recorded);
    EXPECT_LE(s.truth.doses_taken, s.truth.doses_planned);
  }
  double mean = 0;
  for (double x : shares) mean += x;
  mean /= static_cast<double>(shares.size());
  double var = 0;
  for (double x : shares) var += (x - mean) * (x - mean);
  var /= static_cast<double>(shares.size() - 1);
  // Missing probability ~ U(0, max): mean max/2, on every day but the first-dose day.
  const double expected = p.missing_day_max / 2 * (p.baseline_days + 111.0) / (p.baseline_days + 112.0);
  EXPECT_NEAR(mean, expected, kZ * std::sqrt(var / static_cast<double>(shares.size())));
}

TEST(SimulateStatisticsTest, DiaryPainChangeMatchesTheTruth) {
  // The observed change (week-12 window minus the 14 baseline days, from the diary's own
  // ratings) scatters around the ground truth's expected change: mean difference within kZ
  // empirical SDs of the mean.
  std::vector<double> diffs;
  for (const SimulatedPatient& s : Cohort()) {
    double b = 0, w = 0;
    int nb = 0, nw = 0;
    for (const DiaryDay& d : s.diary.days) {
      const int t = DaysBetween(s.truth.first_dose, d.date);
      if (!d.Get(Item::kPain)) continue;
      if (t >= -14 && t <= -1) {
        b += *d.Get(Item::kPain);
        ++nb;
      }
      if (t >= 70 && t <= 83) {
        w += *d.Get(Item::kPain);
        ++nw;
      }
    }
    ASSERT_GT(nb, 0);
    ASSERT_GT(nw, 0);
    diffs.push_back((w / nw - b / nb) - *s.truth.true_change_week12);
  }
  double mean = 0;
  for (double x : diffs) mean += x;
  mean /= static_cast<double>(diffs.size());
  double var = 0;
  for (double x : diffs) var += (x - mean) * (x - mean);
  var /= static_cast<double>(diffs.size() - 1);
  EXPECT_NEAR(mean, 0.0, kZ * std::sqrt(var / static_cast<double>(diffs.size())));
}

TEST(SimulateStatisticsTest, EveryItemsObservedChangeMatchesItsTruth) {
  // As above for every item, on the diary's rating scale (data/diary_items.json direction): the
  // truth file's per-item expected change is what the diary shows, on average.
  for (int k = 0; k < kItemCount; ++k) {
    SCOPED_TRACE(std::string(ItemName(kAllItems[k])));
    std::vector<double> diffs;
    for (const SimulatedPatient& s : Cohort()) {
      double b = 0, w = 0;
      int nb = 0, nw = 0;
      for (const DiaryDay& d : s.diary.days) {
        const int t = DaysBetween(s.truth.first_dose, d.date);
        const auto v = d.items[k];
        if (!v) continue;
        if (t >= -14 && t <= -1) {
          b += *v;
          ++nb;
        }
        if (t >= 70 && t <= 83) {
          w += *v;
          ++nw;
        }
      }
      if (nb == 0 || nw == 0) continue;
      diffs.push_back((w / nw - b / nb) - *s.truth.items[k].true_change_week12);
    }
    ASSERT_GT(diffs.size(), 1900u);
    double mean = 0;
    for (double x : diffs) mean += x;
    mean /= static_cast<double>(diffs.size());
    double var = 0;
    for (double x : diffs) var += (x - mean) * (x - mean);
    var /= static_cast<double>(diffs.size() - 1);
    EXPECT_NEAR(mean, 0.0, kZ * std::sqrt(var / static_cast<double>(diffs.size())));
  }
  // The pain truth is the same number both ways.
  const GroundTruth& t = Cohort().front().truth;
  EXPECT_DOUBLE_EQ(*t.items[0].true_change_week12, *t.true_change_week12);
}

// --- End to end: what an open before/after analysis makes of the simulated patients ----------------

TEST(SimulateEndToEndTest, OpenAnalysisAgainstGroundTruth) {
  SimulationRequest r;
  r.seed = 1;
  int strong = 0, strong_called = 0;         // LDN effect >= 50%: called >= 30% (moderate or better)?
  int placebo_only = 0, placebo_called = 0;  // no LDN effect: called >= 30%?
  int classed = 0, class_agree = 0;          // IMMPACT class of the true change, >= 5 points from a boundary
  int covered = 0, with_interval = 0;        // analysis interval covers the true change (points)
  for (int i = 0; i < 1000; ++i) {
    auto p = SimulatePatient(Params(), r, i);
    ASSERT_TRUE(p.ok());
    auto report = AnalyzeDiary(p->diary);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    const GroundTruth& t = p->truth;
    ASSERT_TRUE(report->pain_change_pct && report->primary_window);
    const EvaluationWindow& w = report->windows[*report->primary_window];
    ASSERT_EQ(w.label, "week_12");
    const bool called = *report->pain_change_pct <= -30.0 + 1e-9;
    if (t.responder && t.ldn_effect_pct >= 50) {
      ++strong;
      strong_called += called ? 1 : 0;
    }
    if (!t.responder) {
      ++placebo_only;
      placebo_called += called ? 1 : 0;
    }
    const double true_reduction = -*t.true_change_pct_week12;
    const double margin =
        std::min({std::fabs(true_reduction - 10), std::fabs(true_reduction - 30), std::fabs(true_reduction - 50)});
    if (margin >= 5) {
      ++classed;
      class_agree += ClassifyPainReduction(true_reduction) == *report->responder_class ? 1 : 0;
    }
    if (const auto& interval = w.Get(Item::kPain).interval) {
      ++with_interval;
      covered += interval->lower <= *t.true_change_week12 && *t.true_change_week12 <= interval->upper ? 1 : 0;
    }
  }
  const std::string summary = fmt::format(
      "strong responders called >=30%: {}/{}; placebo-only patients called >=30%: {}/{}; IMMPACT class agrees "
      "(true change >= 5 points from a boundary): {}/{}; 95% interval covers the true change: {}/{}",
      strong_called, strong, placebo_called, placebo_only, class_agree, classed, covered, with_interval);
  RecordProperty("agreement", summary);
  std::cout << summary << "\n";
  // The interval is honest: it covers the true change about as often as it says (docs/analysis.md).
  EXPECT_GE(covered, 0.90 * with_interval);
  EXPECT_LE(covered, 0.98 * with_interval);
  EXPECT_GE(with_interval, 990);
  // Most strong responders are seen as responders...
  ASSERT_GT(strong, 30);
  EXPECT_GE(strong_called, 0.9 * strong);
  // ...most placebo-only patients are not, but a sizeable share is: the open comparison cannot
  // tell a placebo response from LDN (the FINAL placebo arm had 28% >=30% responders).
  EXPECT_GE(placebo_called, 0.1 * placebo_only);
  EXPECT_LE(placebo_called, 0.4 * placebo_only);
}

// Issue 12's acceptance: on 1000 simulated patients (seed 1), every item's change_is in the week-12
// window against the ground truth's true_change_is. A contradiction is a judgement against the
// sign of the true change: "improvement" where the truth is a worsening (or exactly none), or
// "worsening" where it is an improvement (or none). A 95% interval excludes 0 on the wrong side
// for up to 2.5% of items whose true change is 0, and for fewer the further the truth is from 0
// (about one SE, 0.6 points, is where that becomes rare); so the test requires no contradiction
// where the true change is at least kClear points, and the count, printed and recorded, to stay
// below 1.5% of the judged items. A reversed direction anywhere (the bug of issue 12: sleep read
// as higher-is-better) contradicts hundreds of items with true changes of 1-3 points.
// Seed 1: 3351 judged, 34 contradictions (1.0%), the largest true change among them 0.66 points
// (docs/analysis.md, "Direction").
TEST(SimulateEndToEndTest, ChangeIsAgreesWithTheTruthForEveryItem) {
  constexpr double kClear = 1.0;  // points: about 1.7 SE of a 14-day change at phi 0.6
  SimulationRequest r;
  r.seed = 1;
  int judged = 0, improvements = 0, worsenings = 0, contradictions = 0, clear_contradictions = 0;
  std::array<int, kItemCount> per_item{};
  std::string first;
  for (int i = 0; i < 1000; ++i) {
    auto p = SimulatePatient(Params(), r, i);
    ASSERT_TRUE(p.ok());
    auto report = AnalyzeDiary(p->diary);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    const EvaluationWindow& w = report->windows[*report->primary_window];
    ASSERT_EQ(w.label, "week_12");
    for (int k = 0; k < kItemCount; ++k) {
      const GroundTruth::ItemTruth& truth = p->truth.items[k];
      const ItemComparison& c = w.items[k];
      ASSERT_TRUE(truth.true_change_is && truth.true_change_week12);
      if (!c.change_is || *c.change_is == ChangeIs::kNone) continue;
      ++judged;
      const std::string said(ChangeIsName(*c.change_is));
      (said == "improvement" ? improvements : worsenings) += 1;
      if (said == *truth.true_change_is) continue;
      ++contradictions;
      ++per_item[k];
      if (std::fabs(*truth.true_change_week12) >= kClear) ++clear_contradictions;
      if (first.empty()) {
        first = fmt::format("{} {}: said {}, true change {:+.3f} ({})", p->truth.patient_id, ItemName(kAllItems[k]),
                            said, *truth.true_change_week12, *truth.true_change_is);
      }
    }
  }
  std::string by_item;
  for (int k = 0; k < kItemCount; ++k) by_item += fmt::format(" {} {}", ItemName(kAllItems[k]), per_item[k]);
  const std::string summary = fmt::format(
      "seed 1, 1000 patients x 9 items, week 12: {} judged (improvement {}, worsening {}), {} against the sign of the "
      "true change ({} with |true change| >= {} points); by item:{}{}",
      judged, improvements, worsenings, contradictions, clear_contradictions, kClear, by_item,
      first.empty() ? "" : "; first: " + first);
  RecordProperty("direction", summary);
  std::cout << summary << "\n";
  EXPECT_GT(judged, 3000);  // the check has something to check
  EXPECT_EQ(clear_contradictions, 0);
  EXPECT_LE(contradictions, 0.015 * judged);
}

// Issue 3's acceptance: 200 simulated patients with a fixed seed. The 95% interval for the
// week-12 pain change must cover the true change for 90-98% of them; the responder class is
// compared with the true class wherever the true reduction is >= 5 points of % from a boundary,
// both as the point class and as "the true class lies within the classes the interval allows"
// (AnalysisReport::responder_class_lowest/highest). The figures are printed and recorded.
TEST(SimulateEndToEndTest, RoundTrip200) {
  SimulationRequest r;
  r.seed = 20261130;
  int covered = 0, with_interval = 0, classed = 0, point_agree = 0, range_agree = 0;
  for (int i = 0; i < 200; ++i) {
    auto p = SimulatePatient(Params(), r, i);
    ASSERT_TRUE(p.ok());
    auto report = AnalyzeDiary(p->diary);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    const GroundTruth& t = p->truth;
    ASSERT_TRUE(report->primary_window && report->responder_class);
    const EvaluationWindow& w = report->windows[*report->primary_window];
    ASSERT_EQ(w.label, "week_12");
    if (const auto& interval = w.Get(Item::kPain).interval) {
      ++with_interval;
      covered += interval->lower <= *t.true_change_week12 && *t.true_change_week12 <= interval->upper ? 1 : 0;
    }
    const double true_reduction = -*t.true_change_pct_week12;
    const double margin =
        std::min({std::fabs(true_reduction - 10), std::fabs(true_reduction - 30), std::fabs(true_reduction - 50)});
    if (margin < 5) continue;
    ++classed;
    const ResponderClass truth = ClassifyPainReduction(true_reduction);
    point_agree += truth == *report->responder_class ? 1 : 0;
    if (report->responder_class_lowest && report->responder_class_highest) {
      range_agree += *report->responder_class_lowest <= truth && truth <= *report->responder_class_highest ? 1 : 0;
    }
  }
  const std::string summary = fmt::format(
      "seed 20261130, 200 patients: 95% interval covers the true week-12 pain change for {}/{} with an interval; "
      "true IMMPACT class (>= 5 points from a boundary, {} patients) equals the point class for {} and lies within "
      "the interval's class range for {}",
      covered, with_interval, classed, point_agree, range_agree);
  RecordProperty("round_trip", summary);
  std::cout << summary << "\n";
  EXPECT_GE(with_interval, 195);
  EXPECT_GE(covered, 0.90 * with_interval);
  EXPECT_LE(covered, 0.98 * with_interval);
  EXPECT_GE(range_agree, 0.90 * classed);
}

}  // namespace
}  // namespace ldn::analysis
