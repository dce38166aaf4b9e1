#include "pharmacology/simulation.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <thread>

#include <fmt/format.h>

#include "pharmacology/pk_model.h"

namespace ldn::pharmacology {
namespace {

constexpr int kSeries = 4;  // naltrexone, naltrexol, occupancy direct, occupancy effect
constexpr int kChunk = 32;  // time points evaluated per patient before switching patient (cache use)
constexpr int kTerms = 7;   // 2 (naltrexone) + 2 (naltrexol) + 3 (effect site) exponentials

// Hours within one grid step during which a linearly interpolated value is at or above `level`.
double HoursAbove(double prev, double cur, double level) {
  const bool a = prev >= level, b = cur >= level;
  if (a && b) return kGridStepH;
  if (!a && !b) return 0.0;
  return kGridStepH * (a ? (prev - level) : (cur - level)) / std::fabs(cur - prev);
}

// One patient's grid evaluation state: every exponential term is advanced by multiplying with e^-r*step
// instead of calling exp() at each point (the values agree with PatientModel::At to ~1e-13 relative).
struct PatientState {
  std::array<double, kTerms> coef{};
  std::array<double, kTerms> cur{};
  std::array<double, kTerms> fac{};
  double ec50_direct = 0, ec50_effect = 0;
  double prev_occ_direct = 0, prev_occ_effect = 0;
  ProfileSummary s;
};

PatientState InitState(const PatientModel& m, double wake_h) {
  PatientState st;
  int t = 0;
  for (const ExponentialSum* sum : {&m.naltrexone(), &m.naltrexol(), &m.effect_site()}) {
    for (int i = 0; i < sum->terms; ++i, ++t) {
      st.coef[t] = sum->coef[i];
      st.cur[t] = 1.0;
      st.fac[t] = std::exp(-sum->rate[i] * kGridStepH);
    }
  }
  assert(t == kTerms);
  const IndividualParameters& ip = m.parameters();
  st.ec50_direct = ip.ec50_direct_ng_ml;
  st.ec50_effect = ip.ec50_effect_ng_ml;
  const double tau = PatientModel::kDosingIntervalH;
  st.s.auc_tau_ng_h_ml = m.naltrexone().IntegralTo(tau);
  st.s.naltrexol_auc_tau_ng_h_ml = m.naltrexol().IntegralTo(tau);
  const Concentrations wake = m.At(wake_h);
  st.s.occupancy_direct_at_wake_pct = EmaxOccupancyPct(wake.naltrexone, ip.ec50_direct_ng_ml);
  st.s.occupancy_effect_at_wake_pct = EmaxOccupancyPct(wake.effect_site, ip.ec50_effect_ng_ml);
  return st;
}

// Evaluates grid points [j0, j1) of one patient, updates its summary and, when `out` is not null, writes the
// four series values to out[series][(j - j0) * stride + column].
void Advance(PatientState& st, int j0, int j1, double* out, size_t stride, size_t column) {
  ProfileSummary& s = st.s;
  for (int j = j0; j < j1; ++j) {
    const double c1 = std::max(0.0, st.coef[0] * st.cur[0] + st.coef[1] * st.cur[1]);
    const double c2 = std::max(0.0, st.coef[2] * st.cur[2] + st.coef[3] * st.cur[3]);
    const double ce = std::max(0.0, st.coef[4] * st.cur[4] + st.coef[5] * st.cur[5] + st.coef[6] * st.cur[6]);
    const double od = 100.0 * c1 / (c1 + st.ec50_direct);
    const double oe = 100.0 * ce / (ce + st.ec50_effect);
    const double t = j * kGridStepH;
    if (c1 > s.cmax_ng_ml) s.cmax_ng_ml = c1, s.tmax_h = t;
    if (c2 > s.naltrexol_cmax_ng_ml) s.naltrexol_cmax_ng_ml = c2, s.naltrexol_tmax_h = t;
    if (od > s.occupancy_direct_peak_pct) s.occupancy_direct_peak_pct = od;
    if (oe > s.occupancy_effect_peak_pct) s.occupancy_effect_peak_pct = oe, s.occupancy_effect_peak_time_h = t;
    if (j > 0) {
      s.occupancy_direct_hours_above_50 += HoursAbove(st.prev_occ_direct, od, 50.0);
      s.occupancy_direct_hours_above_25 += HoursAbove(st.prev_occ_direct, od, 25.0);
      s.occupancy_effect_hours_above_50 += HoursAbove(st.prev_occ_effect, oe, 50.0);
      s.occupancy_effect_hours_above_25 += HoursAbove(st.prev_occ_effect, oe, 25.0);
    }
    if (j == kGridPoints - 1) s.trough_ng_ml = c1;
    st.prev_occ_direct = od;
    st.prev_occ_effect = oe;
    if (out != nullptr) {
      const size_t at = static_cast<size_t>(j - j0) * stride + column;
      const size_t series_size = stride * kChunk;
      out[at] = c1;
      out[series_size + at] = c2;
      out[2 * series_size + at] = od;
      out[3 * series_size + at] = oe;
    }
    for (int i = 0; i < kTerms; ++i) st.cur[i] *= st.fac[i];
  }
}

int ClockAt(TimeOfDay dose_time, int j) {
  return (dose_time.minutes + 5 * j) % (24 * 60);
}

}  // namespace

const std::vector<SummaryField>& SummaryFields() {
  static const auto* fields = new std::vector<SummaryField>{
      {"cmax_ng_ml", &ProfileSummary::cmax_ng_ml},
      {"tmax_h", &ProfileSummary::tmax_h},
      {"cmax_nm", &ProfileSummary::cmax_nm},
      {"trough_ng_ml", &ProfileSummary::trough_ng_ml},
      {"auc_tau_ng_h_ml", &ProfileSummary::auc_tau_ng_h_ml},
      {"naltrexol_cmax_ng_ml", &ProfileSummary::naltrexol_cmax_ng_ml},
      {"naltrexol_tmax_h", &ProfileSummary::naltrexol_tmax_h},
      {"naltrexol_auc_tau_ng_h_ml", &ProfileSummary::naltrexol_auc_tau_ng_h_ml},
      {"occupancy_direct_peak_pct", &ProfileSummary::occupancy_direct_peak_pct},
      {"occupancy_direct_hours_above_50", &ProfileSummary::occupancy_direct_hours_above_50},
      {"occupancy_direct_hours_above_25", &ProfileSummary::occupancy_direct_hours_above_25},
      {"occupancy_direct_at_wake_pct", &ProfileSummary::occupancy_direct_at_wake_pct},
      {"occupancy_effect_peak_pct", &ProfileSummary::occupancy_effect_peak_pct},
      {"occupancy_effect_peak_time_h", &ProfileSummary::occupancy_effect_peak_time_h},
      {"occupancy_effect_hours_above_50", &ProfileSummary::occupancy_effect_hours_above_50},
      {"occupancy_effect_hours_above_25", &ProfileSummary::occupancy_effect_hours_above_25},
      {"occupancy_effect_at_wake_pct", &ProfileSummary::occupancy_effect_at_wake_pct},
  };
  return *fields;
}

Status ValidateRequest(const SimulationRequest& request) {
  const int64_t ug = request.dose.micrograms_hcl();
  if (ug <= 0 || ug > kMaxDoseMicrograms) {
    return Status::InvalidArgument(
        "dose", fmt::format("must be above 0 and at most 50 mg naltrexone HCl (got {} mg)", request.dose.FormatMg()));
  }
  if (request.days < 1 || request.days > kMaxDays) {
    return Status::InvalidArgument("days", fmt::format("must be 1..{} (got {})", kMaxDays, request.days));
  }
  return Status::Ok();
}

double WakeHoursAfterDose(TimeOfDay dose_time, TimeOfDay wake_time) {
  int minutes = ((wake_time.minutes - dose_time.minutes) % 1440 + 1440) % 1440;
  if (minutes == 0) minutes = 1440;
  return minutes / 60.0;
}

namespace {

// Exact order statistics by nth_element (introselect). Reorders [begin, end).
Percentiles SelectPercentiles(double* begin, double* end) {
  const size_t n = static_cast<size_t>(end - begin);
  // Type 7: h = (n - 1) p; x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]). The median is found
  // first; the 5th and 95th then only search the two halves it leaves.
  auto at = [&](double p, double* lo_range, double* hi_range) {
    const double h = static_cast<double>(n - 1) * p;
    const size_t lo = static_cast<size_t>(std::floor(h));
    double* lo_ptr = begin + lo;
    std::nth_element(lo_range, lo_ptr, hi_range);
    const double x_lo = *lo_ptr;
    if (lo + 1 >= n || h == static_cast<double>(lo)) return x_lo;
    const double x_hi = *std::min_element(lo_ptr + 1, hi_range);
    return x_lo + (h - static_cast<double>(lo)) * (x_hi - x_lo);
  };
  Percentiles p;
  p.p50 = at(0.50, begin, end);
  double* mid = begin + static_cast<size_t>(std::floor(static_cast<double>(n - 1) * 0.5));
  p.p5 = at(0.05, begin, mid + 1);
  p.p95 = at(0.95, mid, end);
  return p;
}

}  // namespace

Percentiles ComputePercentiles(double* begin, double* end) {
  assert(end > begin);
  const size_t n = static_cast<size_t>(end - begin);
  constexpr size_t kSample = 1024;
  if (n < 8 * kSample) return SelectPercentiles(begin, end);
  // Large columns (population bands): Floyd & Rivest's idea (CACM 1975;18:165) -- bracket each wanted rank
  // between two values taken from a sorted sample, collect only the values inside the brackets in one pass,
  // and select within them. Exact: when a bracket misses its rank (rare), fall back to introselect.
  std::array<double, kSample> sample;
  const size_t stride = n / kSample;
  for (size_t i = 0; i < kSample; ++i) sample[i] = begin[i * stride];
  std::sort(sample.begin(), sample.end());
  constexpr std::array<double, 3> kP = {0.05, 0.50, 0.95};
  std::array<double, 3> low{}, high{};
  std::array<size_t, 3> lo_rank{};
  std::array<size_t, 3> below{};
  std::array<std::vector<double>, 3> inside;
  for (int q = 0; q < 3; ++q) {
    const double r = kP[q] * (kSample - 1);
    const double margin = 4.0 * std::sqrt(kSample * kP[q] * (1 - kP[q])) + 4.0;
    const double a = r - margin, b = r + margin + 1;
    low[q] = a < 0 ? -HUGE_VAL : sample[static_cast<size_t>(a)];
    high[q] = b > kSample - 1 ? HUGE_VAL : sample[static_cast<size_t>(b)];
    lo_rank[q] = static_cast<size_t>(std::floor(static_cast<double>(n - 1) * kP[q]));
    // Room for 2.5x the expected bracket population, plus one slot for the unconditional store below.
    inside[q].resize(std::min(n, static_cast<size_t>(static_cast<double>(n) * 2.5 * (b - a) / kSample)) + 1);
  }
  // Branch-free pass: about half of the comparisons are unpredictable, and mispredictions would dominate.
  for (int q = 0; q < 3; ++q) {
    const double lo = low[q], hi = high[q];
    const size_t cap = inside[q].size() - 1;
    double* out = inside[q].data();
    size_t below_q = 0, k = 0;
    for (const double* x = begin; x != end; ++x) {
      const double v = *x;
      below_q += static_cast<size_t>(v < lo);
      out[k] = v;
      k += static_cast<size_t>((v >= lo) & (v <= hi));
      k = std::min(k, cap);
    }
    below[q] = below_q;
    if (k >= cap) return SelectPercentiles(begin, end);  // bracket overfull: fall back (exact either way)
    inside[q].resize(k);
  }
  std::array<double, 3> value{};
  for (int q = 0; q < 3; ++q) {
    const size_t need_hi = std::min(lo_rank[q] + 1, n - 1);
    if (below[q] > lo_rank[q] || below[q] + inside[q].size() <= need_hi) return SelectPercentiles(begin, end);
    std::vector<double>& v = inside[q];
    auto lo_it = v.begin() + static_cast<ptrdiff_t>(lo_rank[q] - below[q]);
    std::nth_element(v.begin(), lo_it, v.end());
    const double h = static_cast<double>(n - 1) * kP[q];
    const double x_lo = *lo_it;
    const double x_hi = need_hi == lo_rank[q] ? x_lo : *std::min_element(lo_it + 1, v.end());
    value[q] = x_lo + (h - static_cast<double>(lo_rank[q])) * (x_hi - x_lo);
  }
  return Percentiles{value[0], value[1], value[2]};
}

Percentiles ComputePercentiles(std::vector<double>& values) {
  assert(!values.empty());
  return ComputePercentiles(values.data(), values.data() + values.size());
}

Result<Profile> SimulateTypical(const PkParameters& params, const SimulationRequest& request) {
  LDN_RETURN_IF_ERROR(ValidateRequest(request));
  Profile profile;
  profile.wake_h = WakeHoursAfterDose(request.dose_time, request.wake_time);
  profile.trostheim_peak_block_pct = TrostheimBlockPct(request.dose.milligrams_hcl(), params.trostheim_ed50_mg);
  profile.extrapolated_below_studied_range = request.dose.milligrams_hcl() < params.linearity_studied_min_mg;
  const PatientModel model(TypicalIndividual(params), request.dose, request.days);
  PatientState st = InitState(model, profile.wake_h);
  std::vector<double> buffer(static_cast<size_t>(kSeries) * kChunk);
  profile.series.reserve(kGridPoints);
  for (int j0 = 0; j0 < kGridPoints; j0 += kChunk) {
    const int j1 = std::min(kGridPoints, j0 + kChunk);
    Advance(st, j0, j1, buffer.data(), 1, 0);
    for (int j = j0; j < j1; ++j) {
      const size_t i = static_cast<size_t>(j - j0);
      profile.series.push_back(TimePoint{j * kGridStepH, ClockAt(request.dose_time, j), buffer[i], buffer[kChunk + i],
                                         buffer[2 * kChunk + i], buffer[3 * kChunk + i]});
    }
  }
  profile.summary = st.s;
  // ng/mL -> nmol/L: divide by the molar mass of naltrexone base (g/mol); pharmacology-facts.md A2.
  profile.summary.cmax_nm = st.s.cmax_ng_ml / params.molar_mass_base * 1000.0;
  return profile;
}

Result<PopulationResult> SimulatePopulation(const PkParameters& params, const SimulationRequest& request,
                                            const PopulationOptions& options) {
  LDN_RETURN_IF_ERROR(ValidateRequest(request));
  if (options.patients < 1 || options.patients > kMaxPopulation) {
    return Status::InvalidArgument("population",
                                   fmt::format("must be 1..{} (got {})", kMaxPopulation, options.patients));
  }
  const size_t n = static_cast<size_t>(options.patients);
  const double wake_h = WakeHoursAfterDose(request.dose_time, request.wake_time);
  const IndividualParameters typical = TypicalIndividual(params);
  NormalSource rng(options.seed);
  std::vector<PatientState> states;
  states.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const PatientModel model(SampleIndividual(params, typical, rng), request.dose, request.days);
    states.push_back(InitState(model, wake_h));
  }

  PopulationResult result;
  result.patients = options.patients;
  result.seed = options.seed;
  std::vector<double> buffer;
  if (options.bands) {
    buffer.resize(static_cast<size_t>(kSeries) * kChunk * n);
    result.bands.reserve(kGridPoints);
  }
  // Work is split into `threads` contiguous ranges (of patients, then of band columns); every range is
  // computed exactly as a single thread would, so the result does not depend on the thread count.
  const int threads = std::clamp(options.threads, 1, 16);
  auto parallel = [threads](size_t count, const auto& body) {
    if (threads == 1 || count < 2) {
      body(size_t{0}, count);
      return;
    }
    std::vector<std::thread> pool;
    const size_t per = (count + static_cast<size_t>(threads) - 1) / static_cast<size_t>(threads);
    for (size_t begin = 0; begin < count; begin += per) {
      pool.emplace_back([&body, begin, end = std::min(count, begin + per)] { body(begin, end); });
    }
    for (std::thread& t : pool) t.join();
  };
  for (int j0 = 0; j0 < kGridPoints; j0 += kChunk) {
    const int j1 = std::min(kGridPoints, j0 + kChunk);
    parallel(n, [&](size_t begin, size_t end) {
      for (size_t p = begin; p < end; ++p) Advance(states[p], j0, j1, options.bands ? buffer.data() : nullptr, n, p);
    });
    if (!options.bands) continue;
    const size_t points = static_cast<size_t>(j1 - j0);
    std::vector<BandPoint> chunk(points);
    parallel(points * kSeries, [&](size_t begin, size_t end) {
      for (size_t c = begin; c < end; ++c) {
        const size_t jj = c / kSeries;
        const int series = static_cast<int>(c % kSeries);
        BandPoint& b = chunk[jj];
        Percentiles* targets[kSeries] = {&b.naltrexone_ng_ml, &b.naltrexol_ng_ml, &b.occupancy_direct_pct,
                                         &b.occupancy_effect_pct};
        double* column = buffer.data() + (static_cast<size_t>(series) * kChunk + jj) * n;
        *targets[series] = ComputePercentiles(column, column + n);
      }
    });
    for (size_t jj = 0; jj < points; ++jj) {
      const int j = j0 + static_cast<int>(jj);
      chunk[jj].t_h = j * kGridStepH;
      chunk[jj].clock_minutes = ClockAt(request.dose_time, j);
      result.bands.push_back(chunk[jj]);
    }
  }
  for (PatientState& st : states) st.s.cmax_nm = st.s.cmax_ng_ml / params.molar_mass_base * 1000.0;
  std::vector<double> values(n);
  for (const SummaryField& f : SummaryFields()) {
    for (size_t p = 0; p < n; ++p) values[p] = states[p].s.*f.member;
    const Percentiles pct = ComputePercentiles(values);
    result.p5.*f.member = pct.p5;
    result.p50.*f.member = pct.p50;
    result.p95.*f.member = pct.p95;
  }
  return result;
}

std::vector<Message> ProfileNotes(const PkParameters& params, const Profile& profile) {
  std::vector<Message> notes;
  if (profile.extrapolated_below_studied_range) {
    notes.push_back(
        {"Concentrations below {mg} mg are a linear extrapolation: PK linearity is shown only for 50-200 mg "
         "(Meyer 1984) and no PK study at 0.5-6 mg was found.",
         {{"mg", params.linearity_studied_min_mg}}});
  }
  notes.push_back(
      {"The one-compartment parameters are derived (trust L) from the 50 mg Cmax/Tmax and the label's "
       "half-lives, not fitted to patients' data."});
  notes.push_back(
      {"Occupancy beyond 8 h after a dose is unvalidated: PET data (Rabiner 2011) and the Troestheim 2022 "
       "dose curve cover < 8 h. The direct model is a lower bound; the effect-compartment ke0 and its EC50 "
       "calibration are assumptions. 6beta-naltrexol is not counted toward brain occupancy."});
  notes.push_back({"Between-subject variability CVs are assumptions (no oral naltrexone popPK model found)."});
  return notes;
}

}  // namespace ldn::pharmacology
