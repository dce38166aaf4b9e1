#include "pharmacology/simulation.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pharmacology/pk_model.h"

namespace ldn::pharmacology {
namespace {

PkParameters Params() {
  auto p = DefaultPkParameters();
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return *p;
}

SimulationRequest Request(double mg, int days = 1, int dose_minutes = 22 * 60, int wake_minutes = 7 * 60) {
  SimulationRequest r;
  r.dose = Dose::FromMicrogramsHcl(std::llround(mg * 1000));
  r.dose_time = TimeOfDay{dose_minutes};
  r.wake_time = TimeOfDay{wake_minutes};
  r.days = days;
  return r;
}

// The notes say what the model cannot tell, in the web app's catalog keys (web/locales): the
// extrapolation note only below the studied doses, naming the studied minimum.
TEST(SimulationTest, ProfileNotesAreCatalogKeysAndNameTheExtrapolationOnlyWhenItApplies) {
  std::ifstream file(std::string(LDN_SOURCE_DIR) + "/web/locales/en.json");
  ASSERT_TRUE(file.good());
  const nlohmann::json catalog = nlohmann::json::parse(file);
  const PkParameters p = Params();
  auto low = SimulateTypical(p, Request(4.5));
  auto high = SimulateTypical(p, Request(50));
  ASSERT_TRUE(low.ok() && high.ok());
  const std::vector<Message> low_notes = ProfileNotes(p, *low), high_notes = ProfileNotes(p, *high);
  ASSERT_EQ(low_notes.size(), 4u);
  EXPECT_EQ(high_notes.size(), 3u);
  EXPECT_EQ(Fill(low_notes[0]).rfind("Concentrations below 50 mg are a linear extrapolation", 0), 0u)
      << Fill(low_notes[0]);
  for (const Message& m : low_notes) EXPECT_TRUE(catalog.contains(m.key)) << m.key;
}

TEST(SimulationTest, RejectsOutOfRangeRequests) {
  const PkParameters p = Params();
  EXPECT_EQ(SimulateTypical(p, Request(0)).status().field(), "dose");
  EXPECT_EQ(SimulateTypical(p, Request(50.001)).status().field(), "dose");
  EXPECT_TRUE(SimulateTypical(p, Request(50)).ok());
  EXPECT_EQ(SimulateTypical(p, Request(4.5, 0)).status().field(), "days");
  EXPECT_EQ(SimulateTypical(p, Request(4.5, 61)).status().field(), "days");
  PopulationOptions o;
  o.patients = 0;
  EXPECT_EQ(SimulatePopulation(p, Request(4.5), o).status().field(), "population");
  o.patients = kMaxPopulation + 1;
  EXPECT_EQ(SimulatePopulation(p, Request(4.5), o).status().code(), Code::kInvalidArgument);
}

TEST(SimulationTest, WakeHours) {
  EXPECT_DOUBLE_EQ(WakeHoursAfterDose(TimeOfDay{22 * 60}, TimeOfDay{7 * 60}), 9.0);
  EXPECT_DOUBLE_EQ(WakeHoursAfterDose(TimeOfDay{6 * 60}, TimeOfDay{7 * 60 + 30}), 1.5);
  EXPECT_DOUBLE_EQ(WakeHoursAfterDose(TimeOfDay{7 * 60}, TimeOfDay{7 * 60}), 24.0);
}

TEST(SimulationTest, SeriesIsTheClosedFormOnAFiveMinuteGrid) {
  const PkParameters p = Params();
  auto profile = SimulateTypical(p, Request(4.5, 3));
  ASSERT_TRUE(profile.ok());
  ASSERT_EQ(profile->series.size(), static_cast<size_t>(kGridPoints));
  const IndividualParameters ip = TypicalIndividual(p);
  const PatientModel m(ip, Dose::FromMicrogramsHcl(4500), 3);
  for (int j : {0, 1, 12, 100, 288}) {
    const TimePoint& tp = profile->series[j];
    EXPECT_DOUBLE_EQ(tp.t_h, j * 5.0 / 60.0);
    EXPECT_EQ(tp.clock_minutes, (22 * 60 + 5 * j) % 1440);
    const Concentrations c = m.At(tp.t_h);
    EXPECT_NEAR(tp.naltrexone_ng_ml, c.naltrexone, 1e-12 + 1e-11 * c.naltrexone);
    EXPECT_NEAR(tp.naltrexol_ng_ml, c.naltrexol, 1e-11 * c.naltrexol);
    EXPECT_NEAR(tp.occupancy_effect_pct, EmaxOccupancyPct(c.effect_site, ip.ec50_effect_ng_ml), 1e-9);
  }
  EXPECT_EQ(profile->series.back().clock_minutes, 22 * 60);
}

TEST(SimulationTest, SummaryAgreesWithTheSeries) {
  auto profile = SimulateTypical(Params(), Request(4.5));
  ASSERT_TRUE(profile.ok());
  const ProfileSummary& s = profile->summary;
  double cmax = 0, hours50 = 0, hours25 = 0;
  for (const TimePoint& tp : profile->series) cmax = std::max(cmax, tp.naltrexone_ng_ml);
  EXPECT_DOUBLE_EQ(s.cmax_ng_ml, cmax);
  EXPECT_NEAR(s.cmax_nm, cmax / 341.4 * 1000, 1e-12);
  EXPECT_DOUBLE_EQ(s.trough_ng_ml, profile->series.back().naltrexone_ng_ml);
  // At 4.5 mg direct occupancy never reaches 50% (Cmax 1.2 < EC50 1.5) but stays above 25% for hours.
  for (size_t i = 1; i < profile->series.size(); ++i) {
    hours50 += profile->series[i].occupancy_direct_pct >= 50 ? 5.0 / 60 : 0;
    hours25 += profile->series[i].occupancy_direct_pct >= 25 ? 5.0 / 60 : 0;
  }
  EXPECT_EQ(hours50, 0.0);
  EXPECT_EQ(s.occupancy_direct_hours_above_50, 0.0);
  EXPECT_NEAR(s.occupancy_direct_hours_above_25, hours25, 5.0 / 60);
  EXPECT_GT(s.occupancy_direct_hours_above_25, 5.0);
  // Bedtime 22:00, wake 07:00: 9 h after the dose.
  EXPECT_DOUBLE_EQ(profile->wake_h, 9.0);
  EXPECT_NEAR(s.occupancy_direct_at_wake_pct, profile->series[108].occupancy_direct_pct, 1e-9);
  EXPECT_LT(s.occupancy_direct_at_wake_pct, 0.5 * s.occupancy_direct_peak_pct);
  // The effect site lags plasma (hysteresis, Rabiner 2011).
  EXPECT_GT(s.occupancy_effect_peak_time_h, s.tmax_h + 2);
  EXPECT_TRUE(profile->extrapolated_below_studied_range);
  EXPECT_FALSE(SimulateTypical(Params(), Request(50))->extrapolated_below_studied_range);
}

TEST(SimulationTest, PercentilesAreRType7) {
  // R: quantile(1:10, c(.05, .5, .95)) = 1.45 5.50 9.55
  std::vector<double> v = {7, 3, 10, 1, 5, 9, 2, 8, 6, 4};
  const Percentiles p = ComputePercentiles(v);
  EXPECT_NEAR(p.p5, 1.45, 1e-12);
  EXPECT_NEAR(p.p50, 5.5, 1e-12);
  EXPECT_NEAR(p.p95, 9.55, 1e-12);
  std::vector<double> one = {2.5};
  const Percentiles q = ComputePercentiles(one);
  EXPECT_EQ(q.p5, 2.5);
  EXPECT_EQ(q.p95, 2.5);
  // R: quantile(c(0, 10, 20, 30, 40, 50, 60), c(.05, .5, .95)) = 3 30 57
  std::vector<double> w = {60, 0, 50, 10, 40, 20, 30};
  const Percentiles r = ComputePercentiles(w);
  EXPECT_NEAR(r.p5, 3, 1e-12);
  EXPECT_NEAR(r.p50, 30, 1e-12);
  EXPECT_NEAR(r.p95, 57, 1e-12);
}

// Large inputs take the sampled-bracket path; it must give exactly the sorted-array answer, ties included.
TEST(SimulationTest, LargePercentilesAreExact) {
  NormalSource rng(99);
  for (int variant = 0; variant < 3; ++variant) {
    std::vector<double> v(20011);
    for (double& x : v) {
      const double z = rng.Next();
      x = variant == 0 ? std::exp(z) : variant == 1 ? std::floor(3 * z) : (z > 1.5 ? 5.0 : 1.0);
    }
    std::vector<double> sorted = v;
    std::sort(sorted.begin(), sorted.end());
    auto type7 = [&](double p) {
      const double h = (sorted.size() - 1) * p;
      const size_t lo = static_cast<size_t>(std::floor(h));
      return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    };
    const Percentiles got = ComputePercentiles(v);
    EXPECT_EQ(got.p5, type7(0.05)) << variant;
    EXPECT_EQ(got.p50, type7(0.50)) << variant;
    EXPECT_EQ(got.p95, type7(0.95)) << variant;
  }
}

TEST(SimulationTest, PopulationIsDeterministicForASeed) {
  const PkParameters p = Params();
  PopulationOptions o;
  o.patients = 500;
  o.seed = 12345;
  auto a = SimulatePopulation(p, Request(3, 2), o);
  auto b = SimulatePopulation(p, Request(3, 2), o);
  o.seed = 12346;
  auto c = SimulatePopulation(p, Request(3, 2), o);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_EQ(a->bands.size(), static_cast<size_t>(kGridPoints));
  for (size_t j = 0; j < a->bands.size(); ++j) {
    ASSERT_EQ(a->bands[j].naltrexone_ng_ml.p50, b->bands[j].naltrexone_ng_ml.p50);
    ASSERT_EQ(a->bands[j].occupancy_effect_pct.p95, b->bands[j].occupancy_effect_pct.p95);
  }
  for (const SummaryField& f : SummaryFields()) EXPECT_EQ(a->p50.*f.member, b->p50.*f.member) << f.name;
  EXPECT_NE(a->p50.cmax_ng_ml, c->p50.cmax_ng_ml);
  // The thread count does not change a single number.
  o.seed = 12345;
  o.threads = 3;
  auto threaded = SimulatePopulation(p, Request(3, 2), o);
  ASSERT_TRUE(threaded.ok());
  for (size_t j = 0; j < a->bands.size(); ++j) {
    ASSERT_EQ(a->bands[j].naltrexol_ng_ml.p5, threaded->bands[j].naltrexol_ng_ml.p5);
    ASSERT_EQ(a->bands[j].occupancy_direct_pct.p95, threaded->bands[j].occupancy_direct_pct.p95);
    ASSERT_EQ(a->bands[j].clock_minutes, threaded->bands[j].clock_minutes);
  }
  for (const SummaryField& f : SummaryFields()) EXPECT_EQ(a->p95.*f.member, threaded->p95.*f.member) << f.name;
  // Different seeds give different but statistically similar populations.
  EXPECT_NEAR(a->p50.cmax_ng_ml / c->p50.cmax_ng_ml, 1.0, 0.1);
}

TEST(SimulationTest, PopulationBandsAreOrderedAndCentredOnTheTypicalPatient) {
  const PkParameters p = Params();
  PopulationOptions o;
  o.patients = 4000;
  o.seed = 3;
  auto pop = SimulatePopulation(p, Request(4.5), o);
  auto typical = SimulateTypical(p, Request(4.5));
  ASSERT_TRUE(pop.ok() && typical.ok());
  for (const BandPoint& b : pop->bands) {
    for (const Percentiles* q :
         {&b.naltrexone_ng_ml, &b.naltrexol_ng_ml, &b.occupancy_direct_pct, &b.occupancy_effect_pct}) {
      ASSERT_LE(q->p5, q->p50);
      ASSERT_LE(q->p50, q->p95);
    }
  }
  for (const SummaryField& f : SummaryFields()) {
    EXPECT_LE(pop->p5.*f.member, pop->p50.*f.member) << f.name;
    EXPECT_LE(pop->p50.*f.member, pop->p95.*f.member) << f.name;
  }
  // The median patient's Cmax is near the typical one (log-normal medians = typical values).
  EXPECT_NEAR(pop->p50.cmax_ng_ml, typical->summary.cmax_ng_ml, 0.1 * typical->summary.cmax_ng_ml);
  EXPECT_GT(pop->p95.cmax_ng_ml, 1.3 * pop->p5.cmax_ng_ml);
  o.bands = false;
  auto no_bands = SimulatePopulation(p, Request(4.5), o);
  ASSERT_TRUE(no_bands.ok());
  EXPECT_TRUE(no_bands->bands.empty());
  EXPECT_EQ(no_bands->p95.occupancy_effect_peak_pct, pop->p95.occupancy_effect_peak_pct);
}

}  // namespace
}  // namespace ldn::pharmacology
