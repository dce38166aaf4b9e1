#include "analysis/simulate.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <map>
#include <numbers>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "clinical/titration/plan.h"
#include "core/json_reader.h"
#include "core/knowledge_files.h"

namespace ldn::analysis {
namespace {

// z of the 95th percentile of the standard normal (Abramowitz & Stegun 26.2, table 26.1).
constexpr double kZ95 = 1.6448536269514722;

// Days of the analysis' default windows (docs/analysis.md, response.h AnalysisOptions): the
// baseline is the 14 days before the first dose; week 12 is days 70-83 after it.
constexpr int kBaselineWindowDays = 14;
constexpr int kWeek12First = 70;
constexpr int kWeek12Last = 83;

// Independent random streams of one patient: changing how many draws one part of the model makes
// (a longer record, a different side-effect rate) does not shift the others.
enum Stream : uint64_t {
  kTraits = 1,
  kAdherence = 2,
  kMissing = 3,
  kSideEffects = 4,
  kDaily = 5,
  kNoiseFirst = 16,  // kNoiseFirst + item index
};

uint64_t SplitMix64(uint64_t& x) {
  // Steele, Lea & Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014.
  uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// --- Parameters ------------------------------------------------------------------------------------

// The entries of the file by id, each read at most once; unread ones are errors.
class EntryTable {
 public:
  Status Add(const std::string& id, size_t index, nlohmann::json value) {
    if (!entries_.emplace(id, std::make_pair(index, std::move(value))).second) {
      return Status::InvalidArgument(IndexPath("entries", index) + ".id", fmt::format("duplicate id '{}'", id));
    }
    return Status::Ok();
  }
  Result<double> Number(const std::string& id, double min, double max) {
    LDN_ASSIGN_OR_RETURN(const auto* e, Get(id));
    return ReadNumber(e->second, ValuePath(e->first), min, max);
  }
  Result<int> Int(const std::string& id, int min, int max) {
    LDN_ASSIGN_OR_RETURN(const auto* e, Get(id));
    LDN_ASSIGN_OR_RETURN(int64_t v, ReadInteger(e->second, ValuePath(e->first), min, max));
    return static_cast<int>(v);
  }
  Result<std::string> String(const std::string& id) {
    LDN_ASSIGN_OR_RETURN(const auto* e, Get(id));
    return ReadString(e->second, ValuePath(e->first));
  }
  std::string ValuePathOf(const std::string& id) const {
    auto it = entries_.find(id);
    return it == entries_.end() ? "entries" : ValuePath(it->second.first);
  }
  Status RejectUnread() const {
    for (const auto& [id, e] : entries_) {
      if (!read_.contains(id)) {
        return Status::InvalidArgument(IndexPath("entries", e.first) + ".id", fmt::format("unknown id '{}'", id));
      }
    }
    return Status::Ok();
  }

 private:
  static std::string ValuePath(size_t index) { return IndexPath("entries", index) + ".value"; }
  Result<const std::pair<size_t, nlohmann::json>*> Get(const std::string& id) {
    auto it = entries_.find(id);
    if (it == entries_.end()) return Status::InvalidArgument("entries", fmt::format("missing entry '{}'", id));
    read_.insert(id);
    return &it->second;
  }
  std::map<std::string, std::pair<size_t, nlohmann::json>> entries_;
  std::set<std::string> read_;
};

Status CheckOrder(double lo, double hi, const std::string& field, std::string_view what) {
  if (lo > hi) return Status::InvalidArgument(field, fmt::format("{}: the minimum is above the maximum", what));
  return Status::Ok();
}

// --- Model -------------------------------------------------------------------------------------------

// A linear ramp from 0 at day `from` to 1 at day `from + length`.
double Ramp(int t, int from, int length) {
  if (t <= from) return 0;
  if (length <= 0 || t >= from + length) return 1;
  return static_cast<double>(t - from) / length;
}

double Round4(double v) {
  const double r = std::round(v * 1e4) / 1e4;
  return r == 0.0 ? 0.0 : r;
}

nlohmann::json OptionalJson(const std::optional<double>& v) {
  return v ? nlohmann::json(Round4(*v)) : nlohmann::json(nullptr);
}
nlohmann::json OptionalJson(const std::optional<int>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

// --- SimulationRng -----------------------------------------------------------------------------------

SimulationRng::SimulationRng(uint64_t seed, uint64_t index, uint64_t stream) {
  uint64_t x = seed;
  x = SplitMix64(x) ^ index;
  x = SplitMix64(x) ^ stream;
  engine_.seed(SplitMix64(x));
}

uint64_t SimulationRng::Bits() {
  return engine_();
}

double SimulationRng::Uniform() {
  return static_cast<double>(Bits() >> 11) * 0x1.0p-53;
}

int SimulationRng::UniformInt(int lo, int hi) {
  assert(lo <= hi);
  const double span = static_cast<double>(hi) - lo + 1;
  return lo + std::min(static_cast<int>(Uniform() * span), hi - lo);
}

bool SimulationRng::Bernoulli(double p) {
  return Uniform() < p;
}

double SimulationRng::Normal() {
  // Box & Muller, Ann Math Stat 1958;29:610: two uniforms give two independent standard normals.
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const double u1 = 1.0 - Uniform();  // (0, 1]: log(0) is avoided
  const double u2 = Uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double theta = 2.0 * std::numbers::pi * u2;
  spare_ = r * std::sin(theta);
  has_spare_ = true;
  return r * std::cos(theta);
}

double SimulationRng::TruncatedNormal(double mean, double sd, double lo, double hi) {
  assert(lo < hi);
  // Rejection: exact for the truncated distribution. The cap only guards against a data file
  // whose interval lies in the far tails (the parser keeps the mean inside the interval).
  for (int attempt = 0; attempt < 1'000'000; ++attempt) {
    const double x = mean + sd * Normal();
    if (x >= lo && x <= hi) return x;
  }
  return std::clamp(mean, lo, hi);
}

// --- Parameters ------------------------------------------------------------------------------------

double SimulationParameters::ThresholdLogSd() const {
  return std::log(threshold_p95_mg / threshold_median_mg) / kZ95;
}

Result<SimulationParameters> ParseSimulationParameters(std::string_view json_text) {
  LDN_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(json_text));
  LDN_ASSIGN_OR_RETURN(JsonObject root, JsonObject::Of(doc, ""));
  SimulationParameters p;
  LDN_ASSIGN_OR_RETURN(p.version, root.String("version"));
  LDN_ASSIGN_OR_RETURN(std::string description, root.String("description"));
  (void)description;
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, root.Array("entries"));
  LDN_RETURN_IF_ERROR(root.RejectUnknownKeys());

  EntryTable t;
  for (size_t i = 0; i < entries->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*entries)[i], IndexPath("entries", i)));
    SimulationParameterRecord r;
    LDN_ASSIGN_OR_RETURN(r.id, e.String("id"));
    LDN_ASSIGN_OR_RETURN(r.unit, e.String("unit"));
    LDN_ASSIGN_OR_RETURN(r.assumption, e.Bool("assumption"));
    LDN_ASSIGN_OR_RETURN(r.source, e.String("source"));
    if (r.source.empty()) return Status::InvalidArgument(e.PathOf("source"), "must not be empty");
    if (!e.HasNonNull("value")) return Status::InvalidArgument(e.PathOf("value"), "is required");
    e.Consume("value");
    r.value = (*entries)[i].at("value");
    LDN_RETURN_IF_ERROR(e.RejectUnknownKeys());
    LDN_RETURN_IF_ERROR(t.Add(r.id, i, r.value));
    p.records.push_back(std::move(r));
  }

  LDN_ASSIGN_OR_RETURN(p.protocol, t.String("course.protocol"));
  LDN_ASSIGN_OR_RETURN(std::string first_start, t.String("course.first_start"));
  LDN_ASSIGN_OR_RETURN(p.first_start, ParseDate(first_start, t.ValuePathOf("course.first_start")));
  LDN_ASSIGN_OR_RETURN(p.start_spread_days, t.Int("course.start_spread_days", 1, 3650));
  LDN_ASSIGN_OR_RETURN(p.time_zone, t.String("patient.time_zone"));
  LDN_RETURN_IF_ERROR(TimeZone::Named(p.time_zone, t.ValuePathOf("patient.time_zone")).status());
  // The analysis needs 7 baseline days with pain in the 14 before the first dose.
  LDN_ASSIGN_OR_RETURN(p.baseline_days, t.Int("diary.baseline_days", 14, 365));

  LDN_ASSIGN_OR_RETURN(p.pain_baseline_mean, t.Number("pain.baseline_mean", 0, 10));
  LDN_ASSIGN_OR_RETURN(p.pain_baseline_sd, t.Number("pain.baseline_sd", 0.01, 5));
  LDN_ASSIGN_OR_RETURN(p.pain_baseline_min, t.Number("pain.baseline_min", 0, 10));
  LDN_ASSIGN_OR_RETURN(p.pain_baseline_max, t.Number("pain.baseline_max", 0, 10));
  if (!(p.pain_baseline_min < p.pain_baseline_max && p.pain_baseline_min <= p.pain_baseline_mean &&
        p.pain_baseline_mean <= p.pain_baseline_max)) {
    return Status::InvalidArgument(t.ValuePathOf("pain.baseline_mean"),
                                   "pain.baseline_min < pain.baseline_max and the mean between them are required");
  }
  LDN_ASSIGN_OR_RETURN(p.item_baseline_sd, t.Number("item.baseline_sd", 0.01, 5));
  for (int i = 0; i < kItemCount; ++i) {
    const std::string name(ItemName(kAllItems[i]));
    if (kAllItems[i] == Item::kPain) {
      p.item_baseline_mean[i] = p.pain_baseline_mean;
    } else {
      // Other items are drawn within 1-9.5 (simulate.cpp), so their mean must lie there.
      LDN_ASSIGN_OR_RETURN(p.item_baseline_mean[i], t.Number("item." + name + ".baseline_mean", 1, 9.5));
    }
    LDN_ASSIGN_OR_RETURN(p.item_ldn_share[i], t.Number("item." + name + ".ldn_share", 0, 1));
  }
  LDN_ASSIGN_OR_RETURN(p.noise_phi, t.Number("noise.ar1_phi", 0, 0.99));
  LDN_ASSIGN_OR_RETURN(p.noise_sd, t.Number("noise.sd", 0.01, 5));
  LDN_ASSIGN_OR_RETURN(p.placebo_mean_pct, t.Number("placebo.mean_pct", -50, 90));
  LDN_ASSIGN_OR_RETURN(p.placebo_sd_pct, t.Number("placebo.sd_pct", 0.01, 50));
  LDN_ASSIGN_OR_RETURN(p.placebo_min_pct, t.Number("placebo.min_pct", -100, 95));
  LDN_ASSIGN_OR_RETURN(p.placebo_max_pct, t.Number("placebo.max_pct", -100, 95));
  if (!(p.placebo_min_pct < p.placebo_max_pct && p.placebo_min_pct <= p.placebo_mean_pct &&
        p.placebo_mean_pct <= p.placebo_max_pct)) {
    return Status::InvalidArgument(t.ValuePathOf("placebo.mean_pct"),
                                   "placebo.min_pct < placebo.max_pct and the mean between them are required");
  }
  LDN_ASSIGN_OR_RETURN(p.placebo_onset_days, t.Int("placebo.onset_days", 0, 365));
  LDN_ASSIGN_OR_RETURN(p.placebo_other_items_share, t.Number("placebo.other_items_share", 0, 1));
  LDN_ASSIGN_OR_RETURN(p.responder_share, t.Number("ldn.responder_share", 0, 1));
  LDN_ASSIGN_OR_RETURN(p.effect_mean_pct, t.Number("ldn.effect_mean_pct", 0, 100));
  LDN_ASSIGN_OR_RETURN(p.effect_sd_pct, t.Number("ldn.effect_sd_pct", 0.01, 50));
  LDN_ASSIGN_OR_RETURN(p.effect_min_pct, t.Number("ldn.effect_min_pct", 0, 100));
  LDN_ASSIGN_OR_RETURN(p.effect_max_pct, t.Number("ldn.effect_max_pct", 0, 100));
  if (!(p.effect_min_pct < p.effect_max_pct && p.effect_min_pct <= p.effect_mean_pct &&
        p.effect_mean_pct <= p.effect_max_pct)) {
    return Status::InvalidArgument(t.ValuePathOf("ldn.effect_mean_pct"),
                                   "ldn.effect_min_pct < ldn.effect_max_pct and the mean between them are required");
  }
  LDN_ASSIGN_OR_RETURN(p.threshold_median_mg, t.Number("ldn.threshold_median_mg", 0.1, 50));
  LDN_ASSIGN_OR_RETURN(p.threshold_p95_mg, t.Number("ldn.threshold_p95_mg", 0.1, 50));
  if (p.threshold_p95_mg <= p.threshold_median_mg) {
    return Status::InvalidArgument(t.ValuePathOf("ldn.threshold_p95_mg"), "must be above ldn.threshold_median_mg");
  }
  LDN_ASSIGN_OR_RETURN(p.onset_min_days, t.Int("ldn.onset_min_days", 0, 365));
  LDN_ASSIGN_OR_RETURN(p.onset_max_days, t.Int("ldn.onset_max_days", 0, 365));
  LDN_RETURN_IF_ERROR(CheckOrder(p.onset_min_days, p.onset_max_days, t.ValuePathOf("ldn.onset_min_days"), "onset"));

  for (const std::string name : {"vivid_dreams", "headache"}) {
    SimulationParameters::SideEffectRate r;
    r.name = name;
    LDN_ASSIGN_OR_RETURN(r.ldn_rate, t.Number("side_effect." + name + ".ldn_rate", 0, 1));
    LDN_ASSIGN_OR_RETURN(r.placebo_rate, t.Number("side_effect." + name + ".placebo_rate", 0, 1));
    if (r.placebo_rate > r.ldn_rate) {
      // The patient is on LDN: the placebo rate is the background part of the LDN rate.
      return Status::InvalidArgument(t.ValuePathOf("side_effect." + name + ".placebo_rate"),
                                     "must not be above the LDN rate");
    }
    p.side_effects.push_back(std::move(r));
  }
  LDN_ASSIGN_OR_RETURN(p.side_effect_duration_min_days, t.Int("side_effect.duration_min_days", 1, 365));
  LDN_ASSIGN_OR_RETURN(p.side_effect_duration_max_days, t.Int("side_effect.duration_max_days", 1, 365));
  LDN_RETURN_IF_ERROR(CheckOrder(p.side_effect_duration_min_days, p.side_effect_duration_max_days,
                                 t.ValuePathOf("side_effect.duration_min_days"), "side-effect duration"));
  LDN_ASSIGN_OR_RETURN(p.side_effect_onset_max_days_after_step, t.Int("side_effect.onset_max_days_after_step", 0, 60));
  LDN_ASSIGN_OR_RETURN(p.side_effect_moderate_share, t.Number("side_effect.moderate_share", 0, 1));
  LDN_ASSIGN_OR_RETURN(p.side_effect_severe_share, t.Number("side_effect.severe_share", 0, 1));
  if (p.side_effect_moderate_share + p.side_effect_severe_share > 1) {
    return Status::InvalidArgument(t.ValuePathOf("side_effect.severe_share"),
                                   "moderate and severe shares add up to more than 1");
  }
  LDN_ASSIGN_OR_RETURN(p.daily_miss_max, t.Number("adherence.daily_miss_max", 0, 1));
  LDN_ASSIGN_OR_RETURN(p.lapse_probability, t.Number("adherence.lapse_probability", 0, 1));
  LDN_ASSIGN_OR_RETURN(p.lapse_min_days, t.Int("adherence.lapse_min_days", 1, 365));
  LDN_ASSIGN_OR_RETURN(p.lapse_max_days, t.Int("adherence.lapse_max_days", 1, 365));
  LDN_RETURN_IF_ERROR(
      CheckOrder(p.lapse_min_days, p.lapse_max_days, t.ValuePathOf("adherence.lapse_min_days"), "lapse length"));
  LDN_ASSIGN_OR_RETURN(p.missing_day_max, t.Number("diary.missing_day_max", 0, 0.5));
  LDN_ASSIGN_OR_RETURN(p.missing_item, t.Number("diary.missing_item", 0, 0.5));
  LDN_ASSIGN_OR_RETURN(p.rescue_pain_threshold, t.Int("rescue.pain_threshold", 0, 10));
  LDN_ASSIGN_OR_RETURN(p.rescue_probability, t.Number("rescue.probability", 0, 1));
  LDN_ASSIGN_OR_RETURN(p.dose_clock_minutes, t.Int("dose.clock_minutes", 0, 1439));
  LDN_ASSIGN_OR_RETURN(p.dose_time_jitter_minutes, t.Int("dose.time_jitter_minutes", 0, 180));
  LDN_RETURN_IF_ERROR(t.RejectUnread());
  return p;
}

const Result<SimulationParameters>& LoadSimulationParameters() {
  static const Result<SimulationParameters>* loaded = [] {
    auto text = KnowledgeFileText("simulation.json");
    if (!text.ok()) {
      return new Result<SimulationParameters>(Status::Internal("data/simulation.json is not embedded"));
    }
    auto p = ParseSimulationParameters(*text);
    if (!p.ok()) {
      return new Result<SimulationParameters>(Status::Internal("data/simulation.json: " + p.status().ToString()));
    }
    return new Result<SimulationParameters>(std::move(p));
  }();
  return *loaded;
}

Status ValidateSimulationRequest(const SimulationRequest& request) {
  if (request.days < kMinSimulationDays || request.days > kMaxSimulationDays) {
    return Status::InvalidArgument("days", fmt::format("must be {}-{} days from the first dose, got {}",
                                                       kMinSimulationDays, kMaxSimulationDays, request.days));
  }
  return Status::Ok();
}

double ExpectedRating(double mu, double sd) {
  assert(sd > 0);
  // For X in {0..10}: E[X] = sum_{k=0}^{9} P(X > k), and X > k exactly when mu + e >= k + 0.5
  // (ratings below 0 clamp to 0 and above 10 to 10).
  double e = 0;
  for (int k = 0; k < 10; ++k) e += 0.5 * std::erfc((k + 0.5 - mu) / (sd * std::numbers::sqrt2));
  return e;
}

Result<SimulatedPatient> SimulatePatient(const SimulationParameters& params, const SimulationRequest& request,
                                         int index) {
  LDN_RETURN_IF_ERROR(ValidateSimulationRequest(request));
  if (index < 0 || index >= kMaxSimulatedPatients) {
    return Status::InvalidArgument("index", fmt::format("must be 0-{}", kMaxSimulatedPatients - 1));
  }
  const auto uindex = static_cast<uint64_t>(index);
  const int days = request.days;
  const int base_days = params.baseline_days;
  const int total = base_days + days;  // diary day j is day t = j - base_days after the first dose

  SimulatedPatient out;
  GroundTruth& truth = out.truth;
  Diary& diary = out.diary;
  truth.index = index;
  truth.patient_id = fmt::format("sim-{}-{:05}", request.seed, index + 1);

  // Patient traits, in a fixed draw order.
  SimulationRng traits(request.seed, uindex, kTraits);
  truth.first_dose = AddDays(params.first_start, traits.UniformInt(0, params.start_spread_days - 1));
  std::array<double, kItemCount> base{};  // baseline severity (higher = worse) of each item
  for (int i = 0; i < kItemCount; ++i) {
    if (kAllItems[i] == Item::kPain) {
      base[i] = traits.TruncatedNormal(params.pain_baseline_mean, params.pain_baseline_sd, params.pain_baseline_min,
                                       params.pain_baseline_max);
      truth.baseline_pain = base[i];
    } else {
      base[i] = traits.TruncatedNormal(params.item_baseline_mean[i], params.item_baseline_sd, 1.0, 9.5);
    }
  }
  truth.placebo_pct = traits.TruncatedNormal(params.placebo_mean_pct, params.placebo_sd_pct, params.placebo_min_pct,
                                             params.placebo_max_pct);
  truth.placebo_full_day = params.placebo_onset_days;
  truth.responder = traits.Bernoulli(params.responder_share);

  // The course: the protocol's titration plan from the first dose.
  clinical::PlanRequest plan_request;
  plan_request.protocol = params.protocol;
  plan_request.start = truth.first_dose;
  auto plan = clinical::BuildPlan(plan_request);
  if (!plan.ok()) return Status::Internal("simulation protocol: " + plan.status().ToString());
  for (const clinical::PlanStep& s : plan->steps) diary.steps.push_back({s.start, s.dose});
  truth.final_dose = diary.steps.back().dose;
  auto step_day = [&](size_t k) { return DaysBetween(truth.first_dose, diary.steps[k].start); };

  int onset_length = 0;
  if (truth.responder) {
    truth.ldn_effect_pct = traits.TruncatedNormal(params.effect_mean_pct, params.effect_sd_pct, params.effect_min_pct,
                                                  params.effect_max_pct);
    // Log-normal threshold dose (Bruun-Plesner 2020 ED50/ED95), redrawn above the final dose: a
    // responder responds at the final dose by definition.
    const double final_mg = truth.final_dose.milligrams_hcl();
    double threshold = 0;
    int attempts = 0;
    do {
      if (++attempts > 100'000) {
        return Status::Internal(fmt::format("the protocol's final dose {} mg lies far below the threshold-dose model",
                                            truth.final_dose.FormatMg()));
      }
      threshold = std::exp(std::log(params.threshold_median_mg) + params.ThresholdLogSd() * traits.Normal());
    } while (threshold > final_mg);
    truth.threshold_dose_mg = threshold;
    for (size_t k = 0; k < diary.steps.size(); ++k) {
      if (diary.steps[k].dose.milligrams_hcl() >= threshold) {
        truth.onset_day = step_day(k);
        break;
      }
    }
    onset_length = traits.UniformInt(params.onset_min_days, params.onset_max_days);
    truth.full_effect_day = *truth.onset_day + onset_length;
  }

  // Adherence.
  SimulationRng adherence(request.seed, uindex, kAdherence);
  truth.daily_miss_probability = adherence.Uniform() * params.daily_miss_max;
  if (adherence.Bernoulli(params.lapse_probability) && days - 1 >= 7) {
    truth.lapse_start_day = adherence.UniformInt(7, days - 1);
    truth.lapse_days = adherence.UniformInt(params.lapse_min_days, params.lapse_max_days);
  }
  SimulationRng missing(request.seed, uindex, kMissing);
  truth.missing_day_probability = missing.Uniform() * params.missing_day_max;

  // Side-effect episodes: one draw per effect splits the LDN rate into background (the placebo
  // rate) and attributable (the rest) episodes.
  SimulationRng effects(request.seed, uindex, kSideEffects);
  std::vector<size_t> steps_in_record;
  for (size_t k = 0; k < diary.steps.size(); ++k) {
    if (step_day(k) < days) steps_in_record.push_back(k);
  }
  for (const auto& rate : params.side_effects) {
    const double u = effects.Uniform();
    if (u >= rate.ldn_rate) continue;
    SimulatedSideEffect e;
    e.name = rate.name;
    e.attributable = u >= rate.placebo_rate;
    if (e.attributable) {
      const size_t k = steps_in_record[effects.UniformInt(0, static_cast<int>(steps_in_record.size()) - 1)];
      e.onset_day = step_day(k) + effects.UniformInt(0, params.side_effect_onset_max_days_after_step);
    } else {
      e.onset_day = effects.UniformInt(0, days - 1);
    }
    e.duration_days = effects.UniformInt(params.side_effect_duration_min_days, params.side_effect_duration_max_days);
    const double v = effects.Uniform();
    e.severity = v < params.side_effect_severe_share                                       ? 3
                 : v < params.side_effect_severe_share + params.side_effect_moderate_share ? 2
                                                                                           : 1;
    truth.side_effects.push_back(std::move(e));
  }

  // Expected (noise-free) severity of item i on day t.
  const double placebo_fraction = truth.placebo_pct / 100.0;
  const double ldn_fraction = truth.ldn_effect_pct / 100.0;
  auto expected = [&](int i, int t, bool with_ldn) {
    const double placebo_share = kAllItems[i] == Item::kPain ? 1.0 : params.placebo_other_items_share;
    const double placebo = placebo_fraction * placebo_share * Ramp(t, 0, params.placebo_onset_days);
    const double ldn = with_ldn && truth.onset_day
                           ? ldn_fraction * params.item_ldn_share[i] * Ramp(t, *truth.onset_day, onset_length)
                           : 0.0;
    return base[i] * (1.0 - placebo) * (1.0 - ldn);
  };

  // AR(1) noise per item, stationary from the first day: e_0 ~ N(0, sd^2),
  // e_j = phi e_{j-1} + sd sqrt(1 - phi^2) z_j.
  std::array<std::vector<double>, kItemCount> noise;
  const double innovation_sd = params.noise_sd * std::sqrt(1.0 - params.noise_phi * params.noise_phi);
  for (int i = 0; i < kItemCount; ++i) {
    SimulationRng rng(request.seed, uindex, kNoiseFirst + static_cast<uint64_t>(i));
    noise[i].resize(static_cast<size_t>(total));
    noise[i][0] = params.noise_sd * rng.Normal();
    for (int j = 1; j < total; ++j) noise[i][j] = params.noise_phi * noise[i][j - 1] + innovation_sd * rng.Normal();
  }

  // The days. Every day draws the same uniforms in the same order, whatever happens on it.
  SimulationRng daily(request.seed, uindex, kDaily);
  const auto time_zone = TimeZone::Named(params.time_zone, "patient.time_zone");
  if (!time_zone.ok()) return Status::Internal("simulation time zone: " + time_zone.status().ToString());
  diary.patient_id = truth.patient_id;
  diary.time_zone = *time_zone;
  const int jitter_steps = params.dose_time_jitter_minutes / 5;
  out.expected_pain.resize(static_cast<size_t>(total));
  out.latent_pain.resize(static_cast<size_t>(total));
  const int pain_index = static_cast<int>(Item::kPain);
  for (int j = 0; j < total; ++j) {
    const int t = j - base_days;
    const LocalDate date = AddDays(truth.first_dose, t);
    const double u_missing = daily.Uniform();
    std::array<double, kItemCount> u_item{};
    for (double& u : u_item) u = daily.Uniform();
    const double u_dose = daily.Uniform();
    const int jitter = daily.UniformInt(-jitter_steps, jitter_steps) * 5;
    const double u_rescue = daily.Uniform();

    const bool recorded = t == 0 || u_missing >= truth.missing_day_probability;
    if (!recorded) ++truth.diary_days_missing;

    DiaryDay day;
    day.date = date;
    int pain_rating = 0;
    for (int i = 0; i < kItemCount; ++i) {
      const double mean = expected(i, t, true);
      const double latent = mean + noise[i][j];
      if (i == pain_index) {
        out.expected_pain[j] = mean;
        out.latent_pain[j] = latent;
      }
      const int severity = static_cast<int>(std::clamp(std::lround(latent), 0L, 10L));
      // The diary's direction is data/diary_items.json's (every item 0 = best today).
      const int rating = HigherIsBetter(kAllItems[i]) ? 10 - severity : severity;
      if (i == pain_index) pain_rating = rating;
      if (u_item[i] >= params.missing_item) day.items[i] = rating;
    }
    if (t >= 0) {
      for (const SimulatedSideEffect& e : truth.side_effects) {
        if (t >= e.onset_day && t < e.onset_day + e.duration_days) day.side_effects.push_back({e.name, e.severity});
      }
    }
    if (pain_rating >= params.rescue_pain_threshold && u_rescue < params.rescue_probability) {
      day.rescue_medication.push_back("paracetamol 1 g");
    }

    if (t >= 0) {
      const bool in_lapse =
          truth.lapse_start_day && t >= *truth.lapse_start_day && t < *truth.lapse_start_day + truth.lapse_days;
      const bool taken = t == 0 || (!in_lapse && u_dose >= truth.daily_miss_probability);
      ++truth.doses_planned;
      if (taken) ++truth.doses_taken;
      // A day without a diary entry has no dose log either: the app was not opened.
      if (recorded) {
        DoseLog log;
        log.date = date;
        log.taken = taken;
        if (taken) {
          log.dose = diary.StepOn(date)->dose;
          log.time = TimeOfDay{(params.dose_clock_minutes + jitter + 1440) % 1440};
        }
        diary.doses.push_back(std::move(log));
      }
    }
    if (recorded) diary.days.push_back(std::move(day));
  }

  // Expected observed pain in the analysis' default windows.
  auto mean_expected_rating = [&](int first, int last, bool with_ldn) {
    double sum = 0;
    for (int t = first; t <= last; ++t) sum += ExpectedRating(expected(pain_index, t, with_ldn), params.noise_sd);
    return sum / (last - first + 1);
  };
  truth.expected_baseline_pain = mean_expected_rating(-kBaselineWindowDays, -1, true);
  // Every item on its rating scale: E[10 - X] = 10 - E[X] for a reversed item.
  for (int i = 0; i < kItemCount; ++i) {
    const bool reversed = HigherIsBetter(kAllItems[i]);
    auto mean_rating = [&](int first, int last) {
      double sum = 0;
      for (int t = first; t <= last; ++t) sum += ExpectedRating(expected(i, t, true), params.noise_sd);
      const double severity = sum / (last - first + 1);
      return reversed ? 10.0 - severity : severity;
    };
    GroundTruth::ItemTruth& it = truth.items[i];
    it.expected_baseline = mean_rating(-kBaselineWindowDays, -1);
    if (days > kWeek12Last) {
      it.expected_week12 = mean_rating(kWeek12First, kWeek12Last);
      it.true_change_week12 = *it.expected_week12 - it.expected_baseline;
      const double c = *it.true_change_week12;
      const bool better = reversed ? c > 0 : c < 0;
      it.true_change_is = std::fabs(c) <= 1e-9 ? "none" : better ? "improvement" : "worsening";
    }
  }
  if (days > kWeek12Last) {
    const double week12 = mean_expected_rating(kWeek12First, kWeek12Last, true);
    const double week12_placebo_only = mean_expected_rating(kWeek12First, kWeek12Last, false);
    truth.expected_week12_pain = week12;
    truth.true_change_week12 = week12 - truth.expected_baseline_pain;
    truth.true_change_pct_week12 = 100.0 * *truth.true_change_week12 / truth.expected_baseline_pain;
    truth.ldn_only_change_pct_week12 = 100.0 * (week12 - week12_placebo_only) / truth.expected_baseline_pain;
  }
  return out;
}

nlohmann::json GroundTruthToJson(const GroundTruth& t) {
  nlohmann::json items = nlohmann::json::object();
  for (int i = 0; i < kItemCount; ++i) {
    const GroundTruth::ItemTruth& it = t.items[i];
    items[std::string(ItemName(kAllItems[i]))] = {
        {"higher_is", ItemHigherIs(kAllItems[i])},
        {"expected_baseline", Round4(it.expected_baseline)},
        {"expected_week12", OptionalJson(it.expected_week12)},
        {"true_change_week12", OptionalJson(it.true_change_week12)},
        {"true_change_is", it.true_change_is ? nlohmann::json(*it.true_change_is) : nlohmann::json(nullptr)}};
  }
  nlohmann::json effects = nlohmann::json::array();
  for (const SimulatedSideEffect& e : t.side_effects) {
    effects.push_back({{"name", e.name},
                       {"attributable", e.attributable},
                       {"onset_day", e.onset_day},
                       {"duration_days", e.duration_days},
                       {"severity", e.severity}});
  }
  return nlohmann::json{
      {"patient_id", t.patient_id},
      {"index", t.index},
      {"first_dose", FormatDate(t.first_dose)},
      {"final_dose_mg", t.final_dose.milligrams_hcl()},
      {"baseline_pain", Round4(t.baseline_pain)},
      {"placebo_pct", Round4(t.placebo_pct)},
      {"placebo_full_day", t.placebo_full_day},
      {"responder", t.responder},
      {"ldn_effect_pct", Round4(t.ldn_effect_pct)},
      {"threshold_dose_mg", OptionalJson(t.threshold_dose_mg)},
      {"onset_day", OptionalJson(t.onset_day)},
      {"full_effect_day", OptionalJson(t.full_effect_day)},
      {"expected_baseline_pain", Round4(t.expected_baseline_pain)},
      {"expected_week12_pain", OptionalJson(t.expected_week12_pain)},
      {"true_change_week12", OptionalJson(t.true_change_week12)},
      {"true_change_pct_week12", OptionalJson(t.true_change_pct_week12)},
      {"ldn_only_change_pct_week12", OptionalJson(t.ldn_only_change_pct_week12)},
      {"items", std::move(items)},
      {"side_effects", std::move(effects)},
      {"adherence",
       {{"daily_miss_probability", Round4(t.daily_miss_probability)},
        {"lapse_start_day", OptionalJson(t.lapse_start_day)},
        {"lapse_days", t.lapse_days},
        {"doses_planned", t.doses_planned},
        {"doses_taken", t.doses_taken}}},
      {"diary",
       {{"missing_day_probability", Round4(t.missing_day_probability)}, {"days_missing", t.diary_days_missing}}}};
}

}  // namespace ldn::analysis
