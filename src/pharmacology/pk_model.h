// Closed-form naltrexone / 6beta-naltrexol concentrations and effect-site concentration for one patient on
// a regimen of equal doses every 24 h.
//
// Model (pharmacology-facts.md A2, A4; equations numbered as in docs/pharmacology.md):
//   (1) naltrexone, one compartment, first-order absorption (Bateman function; Gibaldi & Perrier,
//       Pharmacokinetics 2nd ed. 1982, eq. 1.57):  C1(t) = D ka / V1 * (e^-k1 t - e^-ka t) / (ka - k1)
//   (2) 6beta-naltrexol formed presystemically with the same ka:  C2(t) = D ka / V2 * (e^-k2 t - e^-ka t)/(ka - k2)
//   (3) effect compartment (Sheiner et al., Clin Pharmacol Ther 1979;25:358):  dCe/dt = ke0 (C1 - Ce),
//       whose solution is the convolution of exponentials  Ce(t) = D ka ke0 / V1 * sum_i e^-r_i t / prod_j!=i (r_j -
//       r_i) over the rates r = {ka, k1, ke0} (the hypoexponential density).
//   (4) repeated doses every tau: superposition of n doses; at s hours after the last dose every term
//       e^-r s is multiplied by (1 - e^-n r tau) / (1 - e^-r tau).
// D is in mg HCl, V in L, concentrations in ng/mL (mg/L * 1000).
#ifndef LDN_PHARMACOLOGY_PK_MODEL_H_
#define LDN_PHARMACOLOGY_PK_MODEL_H_

#include <array>
#include <cstdint>
#include <random>

#include "core/dose.h"
#include "pharmacology/pk_parameters.h"

namespace ldn::pharmacology {

// One patient's parameters (1/h, L, ng/mL). Value type.
struct IndividualParameters {
  double ka = 0;              // absorption rate, parent and metabolite
  double k_naltrexone = 0;    // CL/F / V/F
  double v_naltrexone_l = 0;  // V/F
  double k_naltrexol = 0;
  double v_naltrexol_l = 0;
  double ke0 = 0;                // effect-compartment equilibration rate
  double ec50_direct_ng_ml = 0;  // EC50 on plasma naltrexone
  double ec50_effect_ng_ml = 0;  // EC50 on the effect-site concentration
};

// The typical patient: all random effects zero. ec50_effect_ng_ml is calibrated as documented in
// data/pk_parameters.json (peak effect-site occupancy 50% after a single ec50_calibration_dose_mg dose).
IndividualParameters TypicalIndividual(const PkParameters& p);

// Concentrations at one instant (ng/mL).
struct Concentrations {
  double naltrexone = 0;
  double naltrexol = 0;
  double effect_site = 0;  // effect-compartment concentration (ng/mL plasma-equivalent)
};

// Occupancy (%) of an Emax model with Emax 100% and Hill 1: 100 C / (C + EC50). REQUIRES: ec50 > 0, c >= 0.
double EmaxOccupancyPct(double concentration, double ec50);

// Troestheim 2022 dose-based peak mu-blockade (%), valid within 8 h of a dose: 100 D / (D + ED50).
double TrostheimBlockPct(double dose_mg_hcl, double ed50_mg);

// A sum of up to three decaying exponentials  sum_i coef[i] * e^(-rate[i] * s).
struct ExponentialSum {
  int terms = 0;
  std::array<double, 3> coef{};
  std::array<double, 3> rate{};
  double At(double s) const;
  // Integral from 0 to `s`.
  double IntegralTo(double s) const;
};

// The closed-form profile of one patient on `days` daily doses (interval 24 h), evaluated at times
// since the LAST dose. Immutable after construction; thread-safe.
class PatientModel {
 public:
  static constexpr double kDosingIntervalH = 24.0;

  // REQUIRES: all rates and volumes > 0, days >= 1. Rates closer than 1e-6 relative are separated by that
  // amount (the closed form divides by rate differences; the change in concentration is < 1e-5 relative).
  PatientModel(const IndividualParameters& ip, Dose dose, int days);

  // Concentrations at s >= 0 hours after the last dose (s may exceed 24 h: no further dose is given).
  Concentrations At(double s) const;

  const ExponentialSum& naltrexone() const { return naltrexone_; }
  const ExponentialSum& naltrexol() const { return naltrexol_; }
  const ExponentialSum& effect_site() const { return effect_site_; }
  const IndividualParameters& parameters() const { return ip_; }

 private:
  IndividualParameters ip_;
  ExponentialSum naltrexone_;
  ExponentialSum naltrexol_;
  ExponentialSum effect_site_;
};

// Deterministic standard normal variates: std::mt19937_64 with the Box-Muller transform written here
// (std::normal_distribution's output differs between standard libraries). Not thread-safe.
class NormalSource {
 public:
  explicit NormalSource(uint64_t seed) : engine_(seed) {}
  double Next();

 private:
  std::mt19937_64 engine_;
  bool has_spare_ = false;
  double spare_ = 0;
};

// One virtual patient: typical values times exp(omega * eta), omega^2 = ln(1 + CV^2) (log-normal, median =
// typical value), with eta drawn in this order: CL/F, V/F, 6beta-naltrexol CL/F, EC50. V/F of the
// metabolite, ka and ke0 have no variability (assumption, docs/pharmacology.md).
IndividualParameters SampleIndividual(const PkParameters& p, const IndividualParameters& typical, NormalSource& rng);

}  // namespace ldn::pharmacology

#endif  // LDN_PHARMACOLOGY_PK_MODEL_H_
