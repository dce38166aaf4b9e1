#include "pharmacology/pk_model.h"

#include <cassert>
#include <cmath>
#include <numbers>

namespace ldn::pharmacology {
namespace {

// The closed forms divide by differences of rates; a coincidence (e.g. ke0 chosen equal to k) would divide
// by zero. Moving a rate by 2e-6 relative changes concentrations by < 1e-5 relative over 60 days.
double SeparateFrom(double rate, double other) {
  while (std::fabs(rate - other) < 1e-6 * std::max(rate, other)) rate *= 1.0 + 2e-6;
  return rate;
}

// sum_i e^-r_i t / prod_{j != i} (r_j - r_i) times `scale`: the density of a sum of exponential delays
// (hypoexponential distribution), i.e. the response of a chain of first-order compartments to a unit bolus.
// Eq. (1)-(3) of docs/pharmacology.md. Multiplied per term by the superposition factor of eq. (4).
ExponentialSum ChainResponse(double scale, std::initializer_list<double> rates, int days, double tau) {
  ExponentialSum sum;
  const double* r = rates.begin();
  const int n = static_cast<int>(rates.size());
  assert(n >= 1 && n <= 3);
  sum.terms = n;
  for (int i = 0; i < n; ++i) {
    double denominator = 1.0;
    for (int j = 0; j < n; ++j) {
      if (j != i) denominator *= r[j] - r[i];
    }
    // (1 - e^-n r tau) / (1 - e^-r tau): geometric sum of the n doses' contributions (eq. 4).
    const double accumulation = std::expm1(-days * r[i] * tau) / std::expm1(-r[i] * tau);
    sum.coef[i] = scale / denominator * accumulation;
    sum.rate[i] = r[i];
  }
  return sum;
}

}  // namespace

double ExponentialSum::At(double s) const {
  double v = 0;
  for (int i = 0; i < terms; ++i) v += coef[i] * std::exp(-rate[i] * s);
  return v;
}

double ExponentialSum::IntegralTo(double s) const {
  double v = 0;
  for (int i = 0; i < terms; ++i) v += coef[i] * -std::expm1(-rate[i] * s) / rate[i];
  return v;
}

double EmaxOccupancyPct(double concentration, double ec50) {
  assert(ec50 > 0 && concentration >= 0);
  return 100.0 * concentration / (concentration + ec50);
}

double TrostheimBlockPct(double dose_mg_hcl, double ed50_mg) {
  // Troestheim et al. 2022 (doi 10.1038/s41386-022-01416-z), plantrexone app.R: Emax 100, Hill 1.
  return 100.0 * dose_mg_hcl / (dose_mg_hcl + ed50_mg);
}

PatientModel::PatientModel(const IndividualParameters& ip, Dose dose, int days) : ip_(ip) {
  assert(days >= 1);
  assert(ip.ka > 0 && ip.k_naltrexone > 0 && ip.k_naltrexol > 0 && ip.ke0 > 0);
  assert(ip.v_naltrexone_l > 0 && ip.v_naltrexol_l > 0);
  ip_.k_naltrexone = SeparateFrom(ip_.k_naltrexone, ip_.ka);
  ip_.k_naltrexol = SeparateFrom(ip_.k_naltrexol, ip_.ka);
  ip_.ke0 = SeparateFrom(SeparateFrom(ip_.ke0, ip_.ka), ip_.k_naltrexone);
  ip_.ke0 = SeparateFrom(ip_.ke0, ip_.ka);
  // mg / L = 1000 ng/mL. Doses and apparent volumes are both per mg HCl (data/pk_parameters.json).
  const double mg = dose.milligrams_hcl();
  const double tau = kDosingIntervalH;
  naltrexone_ = ChainResponse(mg * 1000.0 / ip_.v_naltrexone_l * ip_.ka, {ip_.ka, ip_.k_naltrexone}, days, tau);
  naltrexol_ = ChainResponse(mg * 1000.0 / ip_.v_naltrexol_l * ip_.ka, {ip_.ka, ip_.k_naltrexol}, days, tau);
  effect_site_ = ChainResponse(mg * 1000.0 / ip_.v_naltrexone_l * ip_.ka * ip_.ke0, {ip_.ka, ip_.k_naltrexone, ip_.ke0},
                               days, tau);
}

Concentrations PatientModel::At(double s) const {
  assert(s >= 0);
  // Rounding in the subtraction of nearly equal terms can leave a tiny negative value right at s = 0.
  return Concentrations{std::max(0.0, naltrexone_.At(s)), std::max(0.0, naltrexol_.At(s)),
                        std::max(0.0, effect_site_.At(s))};
}

IndividualParameters TypicalIndividual(const PkParameters& p) {
  IndividualParameters ip;
  ip.ka = p.ka_per_h;
  ip.k_naltrexone = std::numbers::ln2 / p.naltrexone_half_life_h;
  ip.v_naltrexone_l = p.naltrexone_v_f_l;
  ip.k_naltrexol = std::numbers::ln2 / p.naltrexol_half_life_h;
  ip.v_naltrexol_l = p.naltrexol_v_f_l;
  ip.ke0 = std::numbers::ln2 / p.ke0_half_life_h;
  ip.ec50_direct_ng_ml = p.ec50_direct_ng_ml;
  ip.ec50_effect_ng_ml = 1.0;  // placeholder for the calibration run below; not used by PatientModel
  // Calibration (data/pk_parameters.json "occupancy.ec50_effect_calibration"): EC50_effect = peak Ce after
  // one calibration dose, so that the typical peak effect-site occupancy there is exactly 50%. The peak
  // is where dCe/dt = ke0 (C1 - Ce) = 0, i.e. C1 = Ce; before it C1 > Ce, after it C1 < Ce: bisection.
  const int64_t cal_ug = std::llround(p.ec50_calibration_dose_mg * 1000.0);
  PatientModel model(ip, Dose::FromMicrogramsHcl(cal_ug), 1);
  double lo = 0.0, hi = 1000.0;
  for (int i = 0; i < 200 && hi - lo > 1e-12; ++i) {
    const double mid = 0.5 * (lo + hi);
    const Concentrations c = model.At(mid);
    (c.naltrexone > c.effect_site ? lo : hi) = mid;
  }
  ip.ec50_effect_ng_ml = model.At(0.5 * (lo + hi)).effect_site;
  return ip;
}

double NormalSource::Next() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  // Box-Muller (Box & Muller, Ann Math Stat 1958;29:610) on 53-bit uniforms; u1 in (0, 1] so log(u1) is finite.
  const double u1 = (static_cast<double>(engine_() >> 11) + 1.0) * 0x1.0p-53;
  const double u2 = static_cast<double>(engine_() >> 11) * 0x1.0p-53;
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = 2.0 * std::numbers::pi * u2;
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return radius * std::cos(angle);
}

IndividualParameters SampleIndividual(const PkParameters& p, const IndividualParameters& typical, NormalSource& rng) {
  // Log-normal: theta_i = theta * exp(omega * eta), omega^2 = ln(1 + CV^2), eta ~ N(0, 1).
  auto factor = [&rng](double cv) { return std::exp(std::sqrt(std::log1p(cv * cv)) * rng.Next()); };
  const double cl_factor = factor(p.iiv_cl_f_cv);
  const double v_factor = factor(p.iiv_v_f_cv);
  const double cl_m_factor = factor(p.iiv_naltrexol_cl_f_cv);
  const double ec50_factor = factor(p.iiv_ec50_cv);
  IndividualParameters ip = typical;
  ip.v_naltrexone_l = typical.v_naltrexone_l * v_factor;
  ip.k_naltrexone = typical.k_naltrexone * cl_factor / v_factor;  // k = CL/V
  ip.k_naltrexol = typical.k_naltrexol * cl_m_factor;             // V of the metabolite fixed
  ip.ec50_direct_ng_ml = typical.ec50_direct_ng_ml * ec50_factor;
  ip.ec50_effect_ng_ml = typical.ec50_effect_ng_ml * ec50_factor;
  return ip;
}

}  // namespace ldn::pharmacology
