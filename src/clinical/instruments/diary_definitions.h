// The definitions behind the daily diary, read from the embedded knowledge base:
// data/diary_items.json (the 0-10 items with anchors and direction) and data/side_effects.json
// (the side-effect checklist, its 1-3 severity scale and known trial rates). Pure: no file I/O
// (the files are compiled in; core/knowledge_files.h).
#ifndef LDN_CLINICAL_INSTRUMENTS_DIARY_DEFINITIONS_H_
#define LDN_CLINICAL_INSTRUMENTS_DIARY_DEFINITIONS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace ldn::clinical {

// Which end of a 0-10 item is the bad one.
enum class ScaleDirection { kHigherIsWorse, kHigherIsBetter };

struct DiaryItem {
  std::string id;         // "pain", "sleep_quality", ...
  std::string label;      // for display
  std::string question;   // as asked of the patient
  std::string anchor_0;   // wording of 0
  std::string anchor_10;  // wording of 10
  ScaleDirection direction = ScaleDirection::kHigherIsWorse;
  std::string source;
};

struct SideEffectTrialRate {
  std::string study;
  double ldn_percent = 0;      // 0-100
  double placebo_percent = 0;  // 0-100
};

struct SideEffectDefinition {
  std::string id;  // "vivid_dreams", ...
  std::string label;
  std::vector<SideEffectTrialRate> trial_rates;  // empty when no rate is published
  std::string source;
};

struct SeverityLevel {
  int value = 1;      // 1-3
  std::string label;  // mild, moderate, severe
  std::string description;
};

struct SideEffectChecklist {
  std::vector<SideEffectDefinition> items;
  std::vector<SeverityLevel> severity_scale;  // values 1, 2, 3 in order
  std::string severity_scale_source;
};

// Parses data/diary_items.json. Fails with kInternal (naming the file and field) when the
// embedded file is missing or malformed: a build defect, not bad user input.
Result<std::vector<DiaryItem>> LoadDiaryItems();

// Parses data/side_effects.json; failures as for LoadDiaryItems.
Result<SideEffectChecklist> LoadSideEffectChecklist();

// Parsers of the files' text, for tests. Fail with kInvalidArgument naming the field.
Result<std::vector<DiaryItem>> ParseDiaryItems(std::string_view text);
Result<SideEffectChecklist> ParseSideEffectChecklist(std::string_view text);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_INSTRUMENTS_DIARY_DEFINITIONS_H_
