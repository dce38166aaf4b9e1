// The titration plan request (`ldn plan`, POST .../courses): the request object's JSON in the
// form the adjustment reader takes ("plan" of clinical/titration/adjust.h), no events. Properties
// (plan_checks.h): errors are kInvalidArgument; steps are ordered and never overlap; no step is
// above the clinician's maximum; the iCalendar export keeps RFC 5545's line limits.
#include "clinical/titration/adjust.h"
#include "plan_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string doc = "{\"plan\":" + std::string(ldn::fuzz::AsText(data, size)) + ",\"events\":[]}";
  auto request = ldn::clinical::ReadAdjustmentRequest(doc);
  if (!request.ok()) return ldn::fuzz::CheckInputError(request.status(), "ReadAdjustmentRequest"), 0;
  auto adjusted = ldn::clinical::AdjustPlan(*request);
  if (!adjusted.ok()) return ldn::fuzz::CheckInputError(adjusted.status(), "AdjustPlan"), 0;
  LDN_FUZZ_CHECK(adjusted->changes.empty(), "changes without events");
  ldn::fuzz::CheckPlan(adjusted->plan);
  return 0;
}
