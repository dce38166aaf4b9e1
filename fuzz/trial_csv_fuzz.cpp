// The trial CSV of `ldn trial analyze` (docs/nof1.md, "Input"): ParseTrialCsv on any bytes; on
// success the structure it promises (nof1_data.h), the calendar grid the models read, and the
// exact randomization test on the pair differences.
#include <cmath>
#include <set>

#include "analysis/nof1_analysis.h"
#include "analysis/nof1_data.h"
#include "fuzz_support.h"

namespace {

using ldn::analysis::TrialArm;
using ldn::analysis::TrialData;

void CheckTrial(const TrialData& d) {
  LDN_FUZZ_CHECK(!d.days.empty(), "a parsed trial without days");
  std::set<int> days;
  int previous = 0;
  for (const auto& r : d.days) {
    LDN_FUZZ_CHECK(r.day >= 1 && r.day <= ldn::analysis::kMaxTrialDay, "day out of range");
    LDN_FUZZ_CHECK(r.day > previous, "days not sorted or repeated");
    previous = r.day;
    LDN_FUZZ_CHECK(r.period >= 1 && r.period <= static_cast<int>(d.periods.size()), "a day in no period");
    LDN_FUZZ_CHECK(!r.outcome || std::isfinite(*r.outcome), "an outcome that is not finite");
    LDN_FUZZ_CHECK(d.periods[r.period - 1].arm == r.arm, "a period mixes treatments");
  }
  LDN_FUZZ_CHECK(static_cast<int>(d.periods.size()) <= ldn::analysis::kMaxTrialPeriods, "too many periods");
  int last_day = 0;
  for (size_t i = 0; i < d.periods.size(); ++i) {
    const auto& p = d.periods[i];
    LDN_FUZZ_CHECK(p.number == static_cast<int>(i) + 1, "periods not numbered 1..P");
    LDN_FUZZ_CHECK(p.pair == (p.number + 1) / 2, "a period in the wrong pair");
    LDN_FUZZ_CHECK(p.first_day <= p.last_day && p.first_day > last_day, "periods overlap or are out of order");
    last_day = p.last_day;
    LDN_FUZZ_CHECK(p.values.size() == p.value_days.size(), "values without their days");
    if (i % 2 == 1) LDN_FUZZ_CHECK(p.arm != d.periods[i - 1].arm, "a pair with one treatment twice");
  }
  const ldn::analysis::Nof1Series s = ldn::analysis::ToNof1Series(d);
  const size_t span = static_cast<size_t>(d.days.back().day - d.days.front().day + 1);
  LDN_FUZZ_CHECK(s.first_day == d.days.front().day, "the grid starts elsewhere");
  LDN_FUZZ_CHECK(s.ldn.size() == span && s.outcome.size() == span, "the grid is not every day");
  for (const auto& r : d.days) {
    const size_t k = static_cast<size_t>(r.day - s.first_day);
    LDN_FUZZ_CHECK(s.ldn[k] == (r.arm == TrialArm::kLdn), "the grid changed a day's treatment");
    LDN_FUZZ_CHECK(s.outcome[k].has_value() == r.outcome.has_value(), "the grid changed a day's rating");
  }
  // Pair differences of the period means (B - A), as the randomization test takes them.
  std::vector<double> diffs;
  for (size_t i = 1; i < d.periods.size(); i += 2) {
    const auto mean = [](const std::vector<double>& v) {
      double sum = 0;
      for (double x : v) sum += x;
      return sum / static_cast<double>(v.size());
    };
    const auto& a = d.periods[i - 1].arm == TrialArm::kPlacebo ? d.periods[i - 1] : d.periods[i];
    const auto& b = d.periods[i - 1].arm == TrialArm::kPlacebo ? d.periods[i] : d.periods[i - 1];
    if (a.values.empty() || b.values.empty()) continue;
    const double diff = mean(b.values) - mean(a.values);
    if (std::isfinite(diff)) diffs.push_back(diff);
  }
  if (!diffs.empty() && diffs.size() <= 12) {  // 2^K allocations: kept quick per input
    const auto t = ldn::analysis::ExactRandomizationTest(diffs, true);
    LDN_FUZZ_CHECK(t.p_two_sided > 0 && t.p_two_sided <= 1 + 1e-12, "a two-sided p outside (0, 1]");
    LDN_FUZZ_CHECK(t.p_one_sided_b_better > 0 && t.p_one_sided_b_better <= 1 + 1e-12, "a one-sided p outside (0, 1]");
    LDN_FUZZ_CHECK(t.p_two_sided + 1e-12 >= t.smallest_possible_p_two_sided || t.pairs == 0,
                   "a p below the smallest possible");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto trial = ldn::analysis::ParseTrialCsv(ldn::fuzz::AsText(data, size));
  if (!trial.ok()) {
    ldn::fuzz::CheckInputError(trial.status(), "ParseTrialCsv");
    return 0;
  }
  CheckTrial(*trial);
  return 0;
}
