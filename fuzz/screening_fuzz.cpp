// The pre-treatment screening input (`ldn screen`, POST .../screenings): ParseJson,
// ParseScreeningInput, Screen against the embedded knowledge base, and both outputs.
// Properties: errors are kInvalidArgument; every medication and condition gets a finding
// (clinical/screening/screening.h: unknown names are flagged, never ignored); every finding says
// why and where it comes from; the verdict is the worst finding.
#include <set>

#include "clinical/screening/knowledge_base.h"
#include "clinical/screening/screening.h"
#include "core/json_reader.h"
#include "fuzz_support.h"

namespace cl = ldn::clinical;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const cl::DrugKnowledgeBase* kb = [] {
    auto k = cl::DrugKnowledgeBase::Embedded();
    LDN_FUZZ_CHECK(k.ok(), k.status().ToString());
    return *k;
  }();
  auto json = ldn::ParseJson(ldn::fuzz::AsText(data, size));
  if (!json.ok()) return 0;
  auto input = cl::ParseScreeningInput(*json);
  if (!input.ok()) {
    ldn::fuzz::CheckInputError(input.status(), "ParseScreeningInput");
    return 0;
  }
  auto report = cl::Screen(*input, *kb, input->jurisdiction);
  if (!report.ok() && input->jurisdiction) {
    ldn::fuzz::CheckInputError(report.status(), "Screen (jurisdiction)");  // an unknown jurisdiction
    return 0;
  }
  LDN_FUZZ_CHECK(report.ok(), report.status().ToString());
  std::set<std::string> subjects;
  cl::Severity worst = cl::Severity::kInfo;
  for (const cl::Finding& f : report->findings) {
    LDN_FUZZ_CHECK(!f.rule.empty() && !f.message.empty() && !f.source.empty(), "a finding without rule, why or source: " + f.rule);
    subjects.insert(f.subject);
    worst = std::max(worst, f.severity);
  }
  for (size_t i = 0; i < input->medications.size(); ++i) {
    LDN_FUZZ_CHECK(subjects.count(ldn::IndexPath("medications", i)) == 1, "a medication without a finding");
  }
  for (size_t i = 0; i < input->conditions.size(); ++i) {
    LDN_FUZZ_CHECK(subjects.count(ldn::IndexPath("conditions", i)) == 1, "a condition without a finding");
  }
  LDN_FUZZ_CHECK(static_cast<int>(report->verdict) == static_cast<int>(worst), "the verdict is not the worst finding");
  const nlohmann::json out = cl::ToJson(*report);
  LDN_FUZZ_CHECK(out.contains("verdict"), out.dump());
  (void)out.dump();
  (void)cl::FormatScreeningText(*report);
  return 0;
}
