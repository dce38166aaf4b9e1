// A patient's daily diary document (docs/diary-format.md) and its strict parser.
//
// Pure: parses text already read by the caller. Nothing in the input is silently ignored or
// repaired: an unknown key, an unsorted or duplicated date, an item outside 0-10, an unknown
// time zone or a missing scale version is kInvalidArgument naming the field ("diary[12].pain").
// A dose taken that differs from the course plan is not an error: it is what happened, kept as
// logged, and the analysis reports it as a deviation (analysis/response.h).
//
// The direction of every item comes from data/diary_items.json (the one source of truth, read
// through clinical/instruments/diary_definitions.h): ItemHigherIs() and ItemLabel() below.
#ifndef LDN_ANALYSIS_DIARY_H_
#define LDN_ANALYSIS_DIARY_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "clinical/instruments/diary_definitions.h"
#include "core/calendar.h"
#include "core/dose.h"
#include "core/result.h"

namespace ldn::analysis {

// The nine daily 0-10 numeric rating scale items, in document order. Their keys, labels and
// directions are data/diary_items.json's (the enum only names them for the code); a test checks
// that the file holds exactly these keys in this order.
enum class Item { kPain, kFatigue, kSleep, kMood, kAnxiety, kCognition, kStiffness, kSensitivity, kStress };
inline constexpr int kItemCount = 9;
inline constexpr std::array<Item, kItemCount> kAllItems = {Item::kPain,      Item::kFatigue,     Item::kSleep,
                                                           Item::kMood,      Item::kAnxiety,     Item::kCognition,
                                                           Item::kStiffness, Item::kSensitivity, Item::kStress};
// The JSON key of an item ("pain").
std::string_view ItemName(Item item);

// The definition of `item` in data/diary_items.json: label, question, anchors, direction and
// its earlier scale versions. The file is compiled in and checked by the tests; should it ever be
// unreadable or disagree with the enum (a build defect), this aborts with a message naming it.
const clinical::DiaryItem& ItemDefinition(Item item);
// The scale version of the stored numbers today (data/diary_items.json "scale_version").
int CurrentScaleVersion();
// Status::Ok when data/diary_items.json is readable and holds exactly the nine keys of Item in
// order; kInternal naming the file otherwise. Checked by ParseDiaryJson before anything else.
Status CheckItemDefinitions();
// True when a higher rating means the patient is better; false when it means worse (every item
// today). From the data, never from the code.
bool HigherIsBetter(Item item);
// "worse" or "better", the file's word for HigherIsBetter.
std::string_view ItemHigherIs(Item item);
// The item's label for people ("Pain", "Low mood").
const std::string& ItemLabel(Item item);
// The lifestyle factors of data/diary_items.json, in file order (may be empty).
const std::vector<clinical::LifestyleFactor>& LifestyleFactors();
// The factor `id`, or nullptr when the file has none of that id.
const clinical::LifestyleFactor* FindLifestyleFactor(std::string_view id);

// A rating given on scale `from_version` expressed on the current scale: 10 - value when the
// item's direction on that version differs from its current one, else value.
// REQUIRES: 1 <= from_version <= CurrentScaleVersion(), 0 <= value <= 10.
int ToCurrentScale(Item item, int value, int from_version);

struct CourseStep {
  LocalDate start;
  Dose dose = Dose::FromMicrogramsHcl(0);
};

struct DoseLog {
  LocalDate date;
  bool taken = false;
  std::optional<Dose> dose;  // required when taken
  std::optional<TimeOfDay> time;
};

struct SideEffect {
  std::string name;  // lower-case snake_case, e.g. "vivid_dreams"
  int severity = 1;  // 1 mild, 2 moderate, 3 severe
};

// Limits of one diary day (docs/diary-format.md; issue 17, L5): a day's lists and its note are
// bounded so that a diary stays a diary. Text lengths are in characters (code points).
inline constexpr size_t kMaxSideEffectsPerDay = 20;
inline constexpr size_t kMaxRescueMedicationsPerDay = 10;
inline constexpr size_t kMaxRescueMedicationChars = 200;
inline constexpr size_t kMaxDiaryNoteChars = 2000;
inline constexpr size_t kMaxPatientIdChars = 200;

// A lifestyle factor logged on a day (data/diary_items.json "lifestyle"; issue 15, item 1): a
// number in the factor's unit, or 1 (yes) / 0 (no) for a yes/no factor. Never part of the LDN
// analysis: it is kept, exported and shown back to the patient.
struct LifestyleValue {
  std::string id;  // "sleep_hours", "activity_minutes", "relaxation"
  double value = 0;
};

// A value of one of the patient's own diary items (issue 15, item 1; their definitions are the
// patient's diary settings, analysis/diary_settings.h): a 0-10 rating or a number, or 1 (yes) /
// 0 (no) when `yes_no`. Never part of the LDN analysis: kept, exported and shown back.
struct CustomValue {
  std::string key;  // 1-32 of a-z0-9_, starting with a letter ("headache")
  bool yes_no = false;
  double value = 0;
};
inline constexpr size_t kMaxCustomValuesPerDay = 20;
inline constexpr size_t kMaxCustomKeyChars = 32;
inline constexpr double kMaxCustomNumber = 1000000;
// True when `key` is a valid own-item key: 1-32 of a-z0-9_, starting with a letter.
bool IsCustomKey(std::string_view key);

struct DiaryDay {
  LocalDate date;
  std::array<std::optional<int>, kItemCount> items;  // indexed by static_cast<int>(Item)
  std::vector<SideEffect> side_effects;
  std::vector<std::string> rescue_medication;  // names as written by the patient
  std::optional<std::string> note;
  std::vector<LifestyleValue> lifestyle;  // in the order of data/diary_items.json "lifestyle"
  std::vector<CustomValue> custom;        // sorted by key, distinct keys

  std::optional<int> Get(Item item) const { return items[static_cast<int>(item)]; }
};

struct InstrumentEntry {
  LocalDate date;
  std::string kind;          // "fiqr", "pgic" or "acr2016"
  std::string answers_json;  // the answers object, unscored (scored by the clinical layer)
};

struct Diary {
  // The scale version the input was written on (docs/diary-format.md). Item values in `days` are
  // always on the current scale: ParseDiaryJson converts older ones (ToCurrentScale).
  int input_scale_version = 0;
  std::string patient_id;
  TimeZone time_zone = TimeZone::Utc();
  std::vector<CourseStep> steps;             // sorted by start, distinct starts, non-empty
  std::vector<DoseLog> doses;                // sorted by date, distinct dates
  std::vector<DiaryDay> days;                // sorted by date, distinct dates
  std::vector<InstrumentEntry> instruments;  // sorted by date (several kinds may share a date)

  // The course step in force on `d`: the last step starting on or before d; nullptr before the
  // first step.
  const CourseStep* StepOn(LocalDate d) const;
};

// Parses a diary JSON document (docs/diary-format.md). Item values given on an earlier scale
// version are converted to the current one (ToCurrentScale); `input_scale_version` says which.
// Fails with kInvalidArgument naming the field when: the text is not JSON (field empty); a key is
// unknown, repeated, missing or of the wrong type; scale_version is missing or not
// 1..CurrentScaleVersion(); a day holds more than kMaxSideEffectsPerDay side effects or
// kMaxRescueMedicationsPerDay rescue medications, a rescue medication is not one line of 1-200
// characters, or the note is longer than 2000 characters or holds control characters other than
// line breaks and tabs; a day's "lifestyle" is not an object, names a factor data/diary_items.json
// does not define, gives a number factor a value outside min..max or off its step, or a yes/no
// factor anything but true or false; a day's "custom" is not an object, holds more than
// kMaxCustomValuesPerDay keys, a key that is not IsCustomKey, or a value that is neither true,
// false nor a number 0..kMaxCustomNumber (which own items the patient has, and their kinds, are
// checked by CheckCustomValues in analysis/diary_settings.h, which knows the settings); patient.id is not one line of
// 1-200 characters; course.steps, doses, diary or instruments dates are not strictly increasing (instruments:
// non-decreasing; same kind twice on a date is a duplicate); an item is outside 0-10 or a severity outside 1-3; the
// time zone is not an IANA zone; a dose is logged before the first course step; a taken dose has no dose_mg. A taken
// dose that differs from the step in force is accepted (it is a deviation the analysis reports, not a parse error).
// kInternal when the embedded data/diary_items.json is broken (CheckItemDefinitions).
Result<Diary> ParseDiaryJson(std::string_view text);

// What a missing or unknown scale_version means, for error messages of every door.
std::string ScaleVersionHelp();

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_DIARY_H_
