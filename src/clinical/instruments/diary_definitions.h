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

// The wording and direction an item had on an earlier scale version (data/diary_items.json
// "scale_history"). A value given on that version is converted to the current one as 10 - v when
// `direction` differs from the item's current direction, and kept as it is otherwise.
struct DiaryItemRevision {
  int scale_version = 1;
  std::string label;
  std::string question;
  std::string anchor_0;
  std::string anchor_10;
  ScaleDirection direction = ScaleDirection::kHigherIsWorse;
};

struct DiaryItem {
  std::string id;         // the diary document's key: "pain", "sleep", ...
  std::string label;      // for display
  std::string question;   // as asked of the patient
  std::string anchor_0;   // wording of 0
  std::string anchor_10;  // wording of 10
  ScaleDirection direction = ScaleDirection::kHigherIsWorse;
  std::string source;
  std::vector<DiaryItemRevision> history;  // earlier scale versions, oldest first; may be empty
  // A core item is asked of every patient every day, on the diary's first screen (issue 15, item
  // 1; "core": true in the file, absent = false). The analysis needs pain to be one of them.
  bool core = false;

  // The direction of this item on scale `version` (1..the current version): the history entry of
  // that version when there is one, else the current direction.
  ScaleDirection DirectionOn(int version) const;
};

// A lifestyle factor a patient may log beside the ratings (issue 15, item 1; data/diary_items.json
// "lifestyle"): never part of the LDN analysis.
enum class LifestyleKind { kNumber, kYesNo };

struct LifestyleFactor {
  std::string id;        // the key under a diary day's "lifestyle": "sleep_hours", ...
  std::string label;     // for display
  std::string question;  // as asked of the patient
  LifestyleKind kind = LifestyleKind::kNumber;
  // kNumber only: the unit ("hours") and the allowed values, min..max in steps of `step` (> 0;
  // min and max are multiples of step).
  std::string unit;
  double min = 0;
  double max = 0;
  double step = 1;
  std::string source;

  // True when `v` is one of a kNumber factor's values (min..max in steps of step); false for a
  // kYesNo factor.
  bool Allows(double v) const;
};

// The whole file: its version, the current scale version, the items in diary order and the
// lifestyle factors.
struct DiaryItemSet {
  std::string version;    // the file's version, "2026-12-01.1"
  int scale_version = 1;  // the meaning of stored numbers today (>= 1)
  std::vector<DiaryItem> items;
  std::vector<LifestyleFactor> lifestyle;  // may be empty
};

// "worse" or "better".
std::string_view ScaleDirectionName(ScaleDirection d);

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
// The same file with its versions; parsed once, so the reference stays valid for the program's life.
const Result<DiaryItemSet>& LoadDiaryItemSet();

// Parses data/side_effects.json; failures as for LoadDiaryItems.
Result<SideEffectChecklist> LoadSideEffectChecklist();

// Parsers of the files' text, for tests. Fail with kInvalidArgument naming the field.
// ParseDiaryItems also fails when: scale_version is not a whole number >= 1; a scale_history
// entry's scale_version is not below the current one, or versions repeat or are not increasing;
// a lifestyle factor's kind is not number or yes_no, a number has no unit, or its step is not
// above 0, or min and max are not multiples of it with min < max (a yes_no has none of these).
Result<std::vector<DiaryItem>> ParseDiaryItems(std::string_view text);
Result<DiaryItemSet> ParseDiaryItemSet(std::string_view text);
Result<SideEffectChecklist> ParseSideEffectChecklist(std::string_view text);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_INSTRUMENTS_DIARY_DEFINITIONS_H_
