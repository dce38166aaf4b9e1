#include "pharmacy/batch_record.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace ldn::pharmacy {
namespace {

double Round(double v, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

}  // namespace

Result<std::vector<MeasuredWeighing>> CheckMeasuredWeighings(const CompoundingKnowledge& k,
                                                             const std::vector<Weighing>& targets,
                                                             const std::vector<double>& measured_mg,
                                                             std::string_view field) {
  if (measured_mg.size() != targets.size()) {
    std::vector<std::string> names;
    for (const Weighing& w : targets) names.push_back(w.what);
    return Status::InvalidArgument(std::string(field),
                                   fmt::format("give {} weight{} in mg, in this order: {}", targets.size(),
                                               targets.size() == 1 ? "" : "s", fmt::join(names, "; ")));
  }
  std::vector<MeasuredWeighing> out;
  for (size_t i = 0; i < targets.size(); ++i) {
    const std::string at = fmt::format("{}[{}]", field, i);
    const double mg = measured_mg[i];
    if (!std::isfinite(mg) || mg <= 0 || mg > 1e7) {
      return Status::InvalidArgument(at, "must be a weight in mg above 0");
    }
    MeasuredWeighing m;
    m.what = targets[i].what;
    m.target_ug = targets[i].amount_ug;
    m.measured_ug = static_cast<int64_t>(std::llround(mg * 1000));
    m.deviation_pct = 100.0 * static_cast<double>(m.measured_ug - m.target_ug) / static_cast<double>(m.target_ug);
    m.limit_pct = k.weighing_error_pct;
    // Compared in micrograms with the limit exactly: a deviation of 5.0% passes, 5.01% does not.
    const double allowed_ug = static_cast<double>(m.target_ug) * k.weighing_error_pct / 100.0;
    if (std::abs(static_cast<double>(m.measured_ug - m.target_ug)) > allowed_ug + 1e-9) {
      return Status::InvalidArgument(
          at, fmt::format(
                  "{}: {} weighed, the target is {} ({:+.1f}%); a weighing may differ by at most {}% (USP <1176>): "
                  "weigh again",
                  m.what, FormatMass(m.measured_ug), FormatMass(m.target_ug), m.deviation_pct, k.weighing_error_pct));
    }
    out.push_back(std::move(m));
  }
  return out;
}

nlohmann::json MeasuredWeighingsToJson(const std::vector<MeasuredWeighing>& w) {
  nlohmann::json a = nlohmann::json::array();
  for (const MeasuredWeighing& m : w) {
    a.push_back({{"what", m.what},
                 {"target_mg", static_cast<double>(m.target_ug) / 1000.0},
                 {"measured_mg", static_cast<double>(m.measured_ug) / 1000.0},
                 {"deviation_pct", Round(m.deviation_pct, 2)},
                 {"limit_pct", m.limit_pct}});
  }
  return a;
}

Result<WeightVariation> CapsuleWeightVariation(const std::vector<double>& weights_mg, double assay_pct,
                                               std::string_view field) {
  const size_t n = weights_mg.size();
  if (n != 10 && n != 30) {
    return Status::InvalidArgument(std::string(field),
                                   "weigh 10 capsules one by one (USP <905> stage 1), or 30 for stage 2");
  }
  if (!std::isfinite(assay_pct) || assay_pct < 50 || assay_pct > 150) {
    return Status::InvalidArgument("assay_pct", "must be 50..150 (% of label claim)");
  }
  double sum = 0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(weights_mg[i]) || weights_mg[i] <= 0 || weights_mg[i] > 10000) {
      return Status::InvalidArgument(fmt::format("{}[{}]", field, i), "must be a capsule's weight in mg above 0");
    }
    sum += weights_mg[i];
  }
  WeightVariation v;
  v.stage = n == 10 ? 1 : 2;
  v.mean_mg = sum / static_cast<double>(n);
  std::vector<double> x;
  for (double w : weights_mg) x.push_back(w * assay_pct / v.mean_mg);
  double xs = 0;
  for (double xi : x) xs += xi;
  v.x_mean = xs / static_cast<double>(n);
  double ss = 0;
  for (double xi : x) ss += (xi - v.x_mean) * (xi - v.x_mean);
  v.s = std::sqrt(ss / static_cast<double>(n - 1));
  v.m = std::clamp(v.x_mean, 98.5, 101.5);
  v.k = v.stage == 1 ? 2.4 : 2.0;
  v.av = std::abs(v.m - v.x_mean) + v.k * v.s;
  if (v.stage == 2) {
    for (double xi : x) {
      if (xi < (1 - v.l2 / 100) * v.m || xi > (1 + v.l2 / 100) * v.m) v.units_within_l2 = false;
    }
  }
  v.passes = v.av <= v.l1 && v.units_within_l2;
  if (v.passes) {
    v.verdict =
        fmt::format("Passes USP <905> weight variation, stage {}: AV {:.1f} (at most {:.1f}).", v.stage, v.av, v.l1);
  } else if (v.stage == 1) {
    v.verdict = fmt::format(
        "Does not pass stage 1 (AV {:.1f}, at most {:.1f}): weigh 20 more capsules and give all 30 (stage 2).", v.av,
        v.l1);
  } else {
    v.verdict = fmt::format("Fails USP <905> weight variation (AV {:.1f}, at most {:.1f}{}): the batch is rejected.",
                            v.av, v.l1, v.units_within_l2 ? "" : "; a capsule is outside 75-125% of M");
  }
  return v;
}

nlohmann::json WeightVariationToJson(const WeightVariation& v) {
  return {{"stage", v.stage},
          {"units", v.stage == 1 ? 10 : 30},
          {"mean_mg", Round(v.mean_mg, 3)},
          {"x_mean_pct", Round(v.x_mean, 3)},
          {"s_pct", Round(v.s, 3)},
          {"m_pct", Round(v.m, 3)},
          {"k", v.k},
          {"av", Round(v.av, 2)},
          {"l1", v.l1},
          {"l2", v.stage == 2 ? nlohmann::json(v.l2) : nlohmann::json(nullptr)},
          {"passes", v.passes},
          {"verdict", v.verdict},
          {"source", "USP <905> Uniformity of Dosage Units, weight variation (Tables 1-2); Ph. Eur. 2.9.40"}};
}

}  // namespace ldn::pharmacy
