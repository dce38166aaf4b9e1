// 24-hour simulations of the PK / occupancy model for `ldn pk`: the typical patient's profile on a 5-minute
// grid, and a population of virtual patients with percentile bands.
//
// The window is the 24-h dosing interval after the LAST of `days` daily doses (days = 1: a single dose;
// days >= 7: practically steady state for both naltrexone and 6beta-naltrexol). Times are hours after that
// dose. Concentrations ng/mL; occupancy % of mu-opioid receptors (Emax 100%, Hill 1), "direct" on plasma
// naltrexone, "effect" on the effect-compartment concentration (docs/pharmacology.md).
#ifndef LDN_PHARMACOLOGY_SIMULATION_H_
#define LDN_PHARMACOLOGY_SIMULATION_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/dose.h"
#include "core/message.h"
#include "core/result.h"
#include "pharmacology/pk_parameters.h"

namespace ldn::pharmacology {

inline constexpr double kGridStepH = 5.0 / 60.0;       // 5 minutes
inline constexpr int kGridPoints = 289;                // 0, 5 min, ..., 24 h inclusive
inline constexpr int64_t kMaxDoseMicrograms = 50'000;  // the 50 mg tablet: the top of the studied range
inline constexpr int kMaxDays = 60;
inline constexpr int kMaxPopulation = 100'000;

struct SimulationRequest {
  Dose dose = Dose::FromMicrogramsHcl(0);
  TimeOfDay dose_time;          // clock time of every daily dose
  TimeOfDay wake_time{7 * 60};  // for "occupancy at waking"
  int days = 1;                 // number of daily doses, 1..kMaxDays
};

// Checks the request. Fails with kInvalidArgument naming "dose" (not in 0 < dose <= 50 mg) or "days"
// (not in 1..60).
Status ValidateRequest(const SimulationRequest& request);

// Hours from the dose to the next wake time, in (0, 24]; equal clock times give 24 (just before the next dose).
double WakeHoursAfterDose(TimeOfDay dose_time, TimeOfDay wake_time);

struct TimePoint {
  double t_h = 0;         // hours after the last dose
  int clock_minutes = 0;  // local clock time, minutes after midnight
  double naltrexone_ng_ml = 0;
  double naltrexol_ng_ml = 0;
  double occupancy_direct_pct = 0;
  double occupancy_effect_pct = 0;
};

// Summary values of one 24-h window. Peaks and times are taken on the 5-minute grid; AUCs are exact
// integrals over the dosing interval (0-24 h after the last dose: AUC_tau, equal to AUC_0-inf of one dose
// at steady state); hours above a level interpolate linearly within a 5-minute step; wake values are exact.
struct ProfileSummary {
  double cmax_ng_ml = 0;
  double tmax_h = 0;
  double cmax_nm = 0;       // naltrexone base, nmol/L
  double trough_ng_ml = 0;  // 24 h after the last dose
  double auc_tau_ng_h_ml = 0;
  double naltrexol_cmax_ng_ml = 0;
  double naltrexol_tmax_h = 0;
  double naltrexol_auc_tau_ng_h_ml = 0;
  double occupancy_direct_peak_pct = 0;
  double occupancy_direct_hours_above_50 = 0;
  double occupancy_direct_hours_above_25 = 0;
  double occupancy_direct_at_wake_pct = 0;
  double occupancy_effect_peak_pct = 0;
  double occupancy_effect_peak_time_h = 0;
  double occupancy_effect_hours_above_50 = 0;
  double occupancy_effect_hours_above_25 = 0;
  double occupancy_effect_at_wake_pct = 0;
};

// The fields of ProfileSummary by name (the JSON keys of `ldn pk`), in declaration order.
struct SummaryField {
  std::string_view name;
  double ProfileSummary::*member;
};
const std::vector<SummaryField>& SummaryFields();

struct Profile {
  ProfileSummary summary;
  std::vector<TimePoint> series;                  // kGridPoints points
  double wake_h = 0;                              // hours after the dose at which wake values are taken
  double trostheim_peak_block_pct = 0;            // dose-based, valid < 8 h after a dose
  bool extrapolated_below_studied_range = false;  // dose < 50 mg: linearity assumed (Meyer 1984)
};

// The typical patient. Fails as ValidateRequest.
Result<Profile> SimulateTypical(const PkParameters& params, const SimulationRequest& request);

// What the model of `profile` cannot tell, for people (pharmacology-facts.md A2, A6; docs/
// pharmacology.md "What is extrapolated or assumed"), as message-catalog keys with values
// (core/message.h) so that the web app shows them in the reader's language: the extrapolation
// below the studied doses (only when it applies), the derived parameters, occupancy beyond 8 h,
// and the assumed between-subject variability. Fill() gives the English.
std::vector<Message> ProfileNotes(const PkParameters& params, const Profile& profile);

struct Percentiles {
  double p5 = 0, p50 = 0, p95 = 0;
};

// Percentiles of `values` with linear interpolation between order statistics (Hyndman & Fan 1996 type 7,
// R's default). Exact for any size (large inputs use a sampled-bracket selection). May reorder `values`.
// REQUIRES: !values.empty().
Percentiles ComputePercentiles(std::vector<double>& values);
Percentiles ComputePercentiles(double* begin, double* end);

struct BandPoint {
  double t_h = 0;
  int clock_minutes = 0;
  Percentiles naltrexone_ng_ml, naltrexol_ng_ml, occupancy_direct_pct, occupancy_effect_pct;
};

struct PopulationOptions {
  int patients = 1000;  // 1..kMaxPopulation
  uint64_t seed = 1;
  bool bands = true;  // compute percentile bands over time (the costly part)
  int threads = 1;    // worker threads (clamped to 1..16); the result is identical for any count
};

struct PopulationResult {
  int patients = 0;
  uint64_t seed = 0;
  ProfileSummary p5, p50, p95;   // percentiles of each summary value across patients
  std::vector<BandPoint> bands;  // kGridPoints points when options.bands
};

// N virtual patients (SampleIndividual, patients drawn in order from one NormalSource seeded with `seed`):
// the same request and seed always give the same result. Fails as ValidateRequest, or with
// kInvalidArgument naming "population" when patients is not in 1..100000.
Result<PopulationResult> SimulatePopulation(const PkParameters& params, const SimulationRequest& request,
                                            const PopulationOptions& options);

}  // namespace ldn::pharmacology

#endif  // LDN_PHARMACOLOGY_SIMULATION_H_
