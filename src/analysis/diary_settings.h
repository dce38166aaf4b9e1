// What one patient's diary asks (issue 15, item 1; docs/api.md "What each patient tracks"): which
// of the non-core 0-10 items of data/diary_items.json (chosen with the clinician), and the
// patient's own items. The core items (pain, fatigue, sleep: "core": true in the file) are always
// asked and are not part of the settings: the analysis always has pain.
//
// Pure: parses and checks text given by the caller. Own items are never removed once saved (only
// retired) and never change kind, so no stored value loses its meaning (CheckSettingsChange).
#ifndef LDN_ANALYSIS_DIARY_SETTINGS_H_
#define LDN_ANALYSIS_DIARY_SETTINGS_H_

#include <string>
#include <string_view>
#include <vector>

#include "analysis/diary.h"
#include "core/result.h"

namespace ldn::analysis {

enum class CustomKind {
  kScale,   // a whole number 0-10
  kYesNo,   // true or false
  kNumber,  // a number 0..kMaxCustomNumber in the item's unit
};
// "scale", "yes_no", "number".
std::string_view CustomKindName(CustomKind kind);

inline constexpr size_t kMaxCustomItems = 20;
inline constexpr size_t kMaxCustomLabelChars = 60;
inline constexpr size_t kMaxCustomUnitChars = 20;

struct CustomItem {
  std::string key;    // IsCustomKey; the key of its values in a day's "custom"
  std::string label;  // one line, 1-60 characters, as the patient wrote it ("Headache")
  CustomKind kind = CustomKind::kScale;
  std::string unit;      // kNumber only, 0-20 characters ("glasses"); empty otherwise
  bool retired = false;  // no longer asked; its values are kept, shown and exported
};

struct DiarySettings {
  std::vector<Item> tracked;       // the non-core items asked, in Item order, distinct
  std::vector<CustomItem> custom;  // in the order they were added, distinct keys
};

// True when data/diary_items.json marks `item` as core.
bool IsCoreItem(Item item);
// The settings of a patient who never saved any: every non-core item tracked, no own items.
DiarySettings DefaultDiarySettings();

// Parses {"tracked": [...], "custom": [{"key","label","kind","unit","retired"}]} (both keys
// required; "unit" and "retired" optional). kInvalidArgument naming the field ("tracked[1]",
// "custom[0].label") when: the text is not a JSON object or has unknown keys; a tracked key is not
// an item of data/diary_items.json, is core ("is always asked") or repeated; there are more than
// kMaxCustomItems own items; a key is not IsCustomKey or is repeated; a label is not one line of
// 1-60 characters or repeats another ignoring ASCII case; kind is not scale, yes_no or number; a
// unit is given for a kind other than number or is longer than 20 characters. `tracked` is
// returned in Item order whatever the input order.
Result<DiarySettings> ParseDiarySettings(std::string_view json);

// {"tracked":[...],"custom":[...]} with every field written (unit "", retired false included):
// ParseDiarySettings(DiarySettingsToJson(s)) gives s back.
std::string DiarySettingsToJson(const DiarySettings& settings);

// Whether `after` may replace `before`: every own item of `before` is still there (kInvalidArgument
// "custom": "... set retired: true") with the same kind (kInvalidArgument "custom[i].kind").
Status CheckSettingsChange(const DiarySettings& before, const DiarySettings& after);

// Whether a day's own-item values fit the settings: each key is one of the patient's own items
// (retired ones included: an old day may be edited), a scale value is a whole number 0-10, a
// yes/no value is true or false, a number value a number. kInvalidArgument naming
// "<prefix>.<key>" otherwise.
Status CheckCustomValues(const DiarySettings& settings, const std::vector<CustomValue>& values,
                         std::string_view prefix);

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_DIARY_SETTINGS_H_
