// What a compounding record checks in the numbers a pharmacist measured (issue 14; docs/pharmacy.md):
// each weighing against its computed target, and the weight variation of finished capsules.
//
// Weighings: a measured weight may differ from its target by at most the compounding weighing
// tolerance, k.weighing_error_pct (5%, USP <1176>; data/formulations.json "weighing_error_pct").
//
// Capsule weight variation, USP <905> Uniformity of Dosage Units ("Weight variation"), with the
// content of each unit estimated from its weight as x_i = w_i x A / W-bar and the assay A taken as
// 100% of label claim (a compounding pharmacy does not assay each batch; an assay result, when
// known, replaces it):
//   acceptance value AV = |M - X-bar| + k s, where M = X-bar bounded to [98.5, 101.5];
//   stage 1: n = 10, k = 2.4, passes when AV <= L1 = 15.0;
//   stage 2: n = 30 (the first 10 and 20 more), k = 2.0, passes when AV <= L1 = 15.0 and no unit's
//            x_i is outside [(1 - L2/100) M, (1 + L2/100) M] with L2 = 25.0.
// (USP <905>, Table 1 and Table 2; the same numbers in Ph. Eur. 2.9.40.) An independent oracle, R,
// checks AV on golden sets: tests/oracles/usp905.R -> tests/golden/usp905.json.
#ifndef LDN_PHARMACY_BATCH_RECORD_H_
#define LDN_PHARMACY_BATCH_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "pharmacy/knowledge.h"
#include "pharmacy/weighing.h"

namespace ldn::pharmacy {

struct MeasuredWeighing {
  std::string what;
  int64_t target_ug = 0;
  int64_t measured_ug = 0;
  double deviation_pct = 0;  // (measured - target) / target x 100, signed
  double limit_pct = 0;      // the tolerance applied
};

// Checks `measured_mg` (one per target, in the targets' order) against `targets`. kInvalidArgument
// naming `field` when the counts differ, "<field>[i]" when a weight is not above 0 or is outside
// the tolerance (the message gives what, the target, the weight, the deviation and the limit).
Result<std::vector<MeasuredWeighing>> CheckMeasuredWeighings(const CompoundingKnowledge& k,
                                                             const std::vector<Weighing>& targets,
                                                             const std::vector<double>& measured_mg,
                                                             std::string_view field);
nlohmann::json MeasuredWeighingsToJson(const std::vector<MeasuredWeighing>& w);

struct WeightVariation {
  int stage = 1;       // 1 (10 units) or 2 (30 units)
  double mean_mg = 0;  // W-bar
  double x_mean = 0;   // X-bar, % of label claim
  double s = 0;        // sample standard deviation of x_i, %
  double m = 0;        // reference value M, %
  double k = 0;        // acceptability constant
  double av = 0;       // acceptance value
  double l1 = 15.0;
  double l2 = 25.0;  // stage 2 only
  bool units_within_l2 = true;
  bool passes = false;
  std::string verdict;  // one sentence: passes, or what to do next
};

// The weight variation of 10 (stage 1) or 30 (stage 2) capsule weights in mg, with assay_pct the
// content of the batch as % of label claim (100 when not assayed). kInvalidArgument naming `field`
// for another count, "<field>[i]" for a weight not above 0, and "assay_pct" outside 50..150.
Result<WeightVariation> CapsuleWeightVariation(const std::vector<double>& weights_mg, double assay_pct,
                                               std::string_view field);
nlohmann::json WeightVariationToJson(const WeightVariation& v);

}  // namespace ldn::pharmacy

#endif  // LDN_PHARMACY_BATCH_RECORD_H_
