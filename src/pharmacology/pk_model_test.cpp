#include "pharmacology/pk_model.h"

#include <cmath>
#include <numbers>
#include <vector>

#include <gtest/gtest.h>

namespace ldn::pharmacology {
namespace {

PkParameters Params() {
  auto p = DefaultPkParameters();
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return *p;
}

Dose Mg(double mg) {
  return Dose::FromMicrogramsHcl(std::llround(mg * 1000));
}

TEST(PkModelTest, ZeroAtDoseTimeAndPositiveAfter) {
  const PatientModel m(TypicalIndividual(Params()), Mg(4.5), 1);
  const Concentrations c0 = m.At(0);
  EXPECT_NEAR(c0.naltrexone, 0.0, 1e-12);
  EXPECT_NEAR(c0.naltrexol, 0.0, 1e-12);
  EXPECT_NEAR(c0.effect_site, 0.0, 1e-12);
  const Concentrations c = m.At(2.0);
  EXPECT_GT(c.naltrexone, 0.5);
  EXPECT_GT(c.naltrexol, c.naltrexone);
  EXPECT_GT(c.effect_site, 0.0);
}

TEST(PkModelTest, BatemanClosedFormForTheParent) {
  const IndividualParameters ip = TypicalIndividual(Params());
  const PatientModel m(ip, Mg(50), 1);
  for (double t : {0.25, 1.0, 3.0, 10.0}) {
    // Gibaldi & Perrier eq. 1.57 written out independently of ChainResponse.
    const double expected = 50.0 * 1000.0 / ip.v_naltrexone_l * ip.ka / (ip.ka - ip.k_naltrexone) *
                            (std::exp(-ip.k_naltrexone * t) - std::exp(-ip.ka * t));
    EXPECT_NEAR(m.At(t).naltrexone, expected, 1e-12 * expected) << t;
  }
}

TEST(PkModelTest, SuperpositionOfDailyDoses) {
  const IndividualParameters ip = TypicalIndividual(Params());
  const PatientModel one(ip, Mg(3), 1);
  const PatientModel three(ip, Mg(3), 3);
  for (double s : {0.0, 1.0, 7.5, 23.0}) {
    const double expected = one.At(s).naltrexol + one.At(s + 24).naltrexol + one.At(s + 48).naltrexol;
    EXPECT_NEAR(three.At(s).naltrexol, expected, 1e-12 * expected + 1e-15) << s;
    const double expected_e = one.At(s).effect_site + one.At(s + 24).effect_site + one.At(s + 48).effect_site;
    EXPECT_NEAR(three.At(s).effect_site, expected_e, 1e-12 * expected_e + 1e-15) << s;
  }
}

TEST(PkModelTest, LinearInDose) {
  const IndividualParameters ip = TypicalIndividual(Params());
  const PatientModel a(ip, Mg(0.5), 1), b(ip, Mg(5), 1);
  EXPECT_NEAR(b.At(3).naltrexone, 10 * a.At(3).naltrexone, 1e-12);
  EXPECT_NEAR(b.At(3).effect_site, 10 * a.At(3).effect_site, 1e-12);
}

TEST(PkModelTest, EffectSiteSatisfiesItsDifferentialEquation) {
  const IndividualParameters ip = TypicalIndividual(Params());
  const PatientModel m(ip, Mg(4.5), 2);
  for (double t : {0.5, 2.0, 6.0, 20.0}) {
    const double h = 1e-5;
    const double derivative = (m.At(t + h).effect_site - m.At(t - h).effect_site) / (2 * h);
    const Concentrations c = m.At(t);
    EXPECT_NEAR(derivative, m.parameters().ke0 * (c.naltrexone - c.effect_site), 1e-7) << t;
  }
}

TEST(PkModelTest, CoincidentRatesStayFiniteAndContinuous) {
  IndividualParameters ip = TypicalIndividual(Params());
  ip.ke0 = ip.k_naltrexone;  // a natural choice (t1/2 ke0 = 4 h) that makes the closed form divide by zero
  const PatientModel equal(ip, Mg(4.5), 1);
  ip.ke0 = ip.k_naltrexone * 1.001;
  const PatientModel near(ip, Mg(4.5), 1);
  for (double t : {1.0, 8.0, 24.0}) {
    const double a = equal.At(t).effect_site, b = near.At(t).effect_site;
    EXPECT_TRUE(std::isfinite(a));
    EXPECT_NEAR(a, b, 2e-3 * b) << t;
  }
  IndividualParameters flip = TypicalIndividual(Params());
  flip.k_naltrexone = flip.ka;
  EXPECT_TRUE(std::isfinite(PatientModel(flip, Mg(4.5), 1).At(2).naltrexone));
}

TEST(PkModelTest, IntegralMatchesSimpsonRule) {
  const PatientModel m(TypicalIndividual(Params()), Mg(4.5), 5);
  const int n = 2400;
  const double h = 24.0 / n;
  double simpson = 0;
  for (int i = 0; i <= n; ++i) {
    const double w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
    simpson += w * m.At(i * h).naltrexol;
  }
  simpson *= h / 3;
  EXPECT_NEAR(m.naltrexol().IntegralTo(24), simpson, 1e-8 * simpson);
}

TEST(PkModelTest, SingleDoseAucEqualsDoseOverClearance) {
  const PkParameters p = Params();
  const PatientModel m(TypicalIndividual(p), Mg(50), 1);
  // AUC_0-inf = F D / CL (ng h/mL with D in mg, CL in L/h: x1000).
  EXPECT_NEAR(m.naltrexone().IntegralTo(1e4), 50.0 * 1000 / p.naltrexone_cl_f_l_h(), 1e-6);
  EXPECT_NEAR(m.naltrexol().IntegralTo(1e4), 50.0 * 1000 / p.naltrexol_cl_f_l_h(), 1e-6);
  // A2 check: AUC ratio metabolite/parent ~24, inside the reported 10-30x.
  EXPECT_NEAR(m.naltrexol().IntegralTo(1e4) / m.naltrexone().IntegralTo(1e4), 24, 1.0);
}

TEST(PkModelTest, EffectEc50CalibratedToFiftyPercentAtTheCalibrationDose) {
  const PkParameters p = Params();
  const IndividualParameters ip = TypicalIndividual(p);
  const PatientModel m(ip, Mg(p.ec50_calibration_dose_mg), 1);
  double peak = 0;
  for (int i = 0; i <= 48000; ++i) peak = std::max(peak, m.At(i * 0.001).effect_site);
  EXPECT_NEAR(EmaxOccupancyPct(peak, ip.ec50_effect_ng_ml), 50.0, 1e-6);
  EXPECT_LT(ip.ec50_effect_ng_ml, ip.ec50_direct_ng_ml);  // the effect site lags and peaks lower
}

TEST(PkModelTest, OccupancyFormulas) {
  EXPECT_DOUBLE_EQ(EmaxOccupancyPct(1.5, 1.5), 50.0);
  EXPECT_DOUBLE_EQ(EmaxOccupancyPct(0, 1.5), 0.0);
  EXPECT_DOUBLE_EQ(TrostheimBlockPct(5.59, 5.59), 50.0);
}

TEST(NormalSourceTest, DeterministicWithStandardMoments) {
  NormalSource a(42), b(42), c(43);
  double sum = 0, sum_sq = 0;
  const int n = 200000;
  bool differs = false;
  for (int i = 0; i < n; ++i) {
    const double x = a.Next();
    ASSERT_EQ(x, b.Next());
    if (c.Next() != x) differs = true;
    sum += x;
    sum_sq += x * x;
  }
  EXPECT_TRUE(differs);
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum_sq / n, 1.0, 0.015);
}

TEST(SampleIndividualTest, LogNormalWithTheConfiguredCv) {
  const PkParameters p = Params();
  const IndividualParameters typical = TypicalIndividual(p);
  NormalSource rng(7);
  std::vector<double> log_cl;
  for (int i = 0; i < 20000; ++i) {
    const IndividualParameters ip = SampleIndividual(p, typical, rng);
    log_cl.push_back(std::log(ip.k_naltrexone * ip.v_naltrexone_l / (typical.k_naltrexone * typical.v_naltrexone_l)));
    ASSERT_DOUBLE_EQ(ip.ka, typical.ka);
    ASSERT_DOUBLE_EQ(ip.ec50_effect_ng_ml / typical.ec50_effect_ng_ml,
                     ip.ec50_direct_ng_ml / typical.ec50_direct_ng_ml);
  }
  double mean = 0, var = 0;
  for (double x : log_cl) mean += x;
  mean /= log_cl.size();
  for (double x : log_cl) var += (x - mean) * (x - mean);
  var /= log_cl.size() - 1;
  EXPECT_NEAR(mean, 0.0, 0.02);  // median CL/F = typical
  EXPECT_NEAR(var, std::log1p(p.iiv_cl_f_cv * p.iiv_cl_f_cv), 0.01);
}

}  // namespace
}  // namespace ldn::pharmacology
