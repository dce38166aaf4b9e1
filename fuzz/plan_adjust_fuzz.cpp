// Plan adjustments (`ldn plan --adjust`, POST .../courses/{id}/adjustments): the whole adjustment
// document (clinical/titration/adjust.h) on any bytes. Properties: errors are kInvalidArgument;
// one change per event, each saying why and where the rule comes from; the adjusted plan keeps
// the plan properties (plan_checks.h).
#include "clinical/titration/adjust.h"
#include "plan_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto request = ldn::clinical::ReadAdjustmentRequest(ldn::fuzz::AsText(data, size));
  if (!request.ok()) return ldn::fuzz::CheckInputError(request.status(), "ReadAdjustmentRequest"), 0;
  auto adjusted = ldn::clinical::AdjustPlan(*request);
  if (!adjusted.ok()) return ldn::fuzz::CheckInputError(adjusted.status(), "AdjustPlan"), 0;
  LDN_FUZZ_CHECK(adjusted->changes.size() == request->events.size(), "not one change per event");
  for (const auto& c : adjusted->changes) {
    LDN_FUZZ_CHECK(!c.reason.empty() && !c.source.empty(), "a change without a reason or source: " + c.type);
  }
  ldn::fuzz::CheckPlan(adjusted->plan);
  (void)ldn::clinical::AdjustedPlanToJson(*adjusted).dump();
  (void)ldn::clinical::FormatAdjustedPlanText(*adjusted);
  return 0;
}
