// Properties of a titration plan shared by the plan fuzz targets.
#ifndef LDN_FUZZ_PLAN_CHECKS_H_
#define LDN_FUZZ_PLAN_CHECKS_H_

#include <chrono>
#include <string>

#include "clinical/titration/ics.h"
#include "clinical/titration/plan.h"
#include "fuzz_support.h"

namespace ldn::fuzz {

inline void CheckPlan(const clinical::Plan& plan) {
  LDN_FUZZ_CHECK(!plan.steps.empty(), "a plan without steps");
  for (size_t i = 0; i < plan.steps.size(); ++i) {
    const clinical::PlanStep& s = plan.steps[i];
    LDN_FUZZ_CHECK(s.dose.micrograms_hcl() >= 0, "a negative dose");
    if (s.end) LDN_FUZZ_CHECK(*s.end >= s.start, "a step ending before it starts");
    if (i + 1 < plan.steps.size()) {
      LDN_FUZZ_CHECK(s.end.has_value(), "an open step before the last");
      LDN_FUZZ_CHECK(plan.steps[i + 1].start > *s.end, "overlapping steps");
    }
  }
  if (plan.request.max) {
    for (const auto& s : plan.steps) LDN_FUZZ_CHECK(s.dose <= *plan.request.max, "a step above --max");
  }
  (void)PlanToJson(plan).dump();
  (void)FormatPlanText(plan);
  // The calendar: CRLF lines of at most 75 octets (RFC 5545 section 3.1).
  const std::string ics = clinical::PlanToIcs(plan, std::chrono::sys_seconds{std::chrono::seconds{1790000000}});
  size_t start = 0;
  while (start < ics.size()) {
    const size_t end = ics.find("\r\n", start);
    LDN_FUZZ_CHECK(end != std::string::npos, "an iCalendar line without CRLF");
    LDN_FUZZ_CHECK(end - start <= 75, "an iCalendar line over 75 octets: " + ics.substr(start, end - start));
    start = end + 2;
  }
}

}  // namespace ldn::fuzz

#endif  // LDN_FUZZ_PLAN_CHECKS_H_
