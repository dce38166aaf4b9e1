// A patient's daily diary document (docs/diary-format.md) and its strict parser.
//
// Pure: parses text already read by the caller. Nothing in the input is silently ignored or
// repaired: an unknown key, an unsorted or duplicated date, an item outside 0-10, an unknown
// time zone or a dose log that contradicts the course plan is kInvalidArgument naming the field
// ("diary[12].pain").
#ifndef LDN_ANALYSIS_DIARY_H_
#define LDN_ANALYSIS_DIARY_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/calendar.h"
#include "core/dose.h"
#include "core/result.h"

namespace ldn::analysis {

// The nine daily 0-10 numeric rating scale items, in document order. Higher is worse for every
// item except sleep and mood, where higher is better (docs/diary-format.md).
enum class Item { kPain, kFatigue, kSleep, kMood, kAnxiety, kCognition, kStiffness, kSensitivity, kStress };
inline constexpr int kItemCount = 9;
inline constexpr std::array<Item, kItemCount> kAllItems = {Item::kPain,      Item::kFatigue,     Item::kSleep,
                                                           Item::kMood,      Item::kAnxiety,     Item::kCognition,
                                                           Item::kStiffness, Item::kSensitivity, Item::kStress};
// The JSON key of an item ("pain").
std::string_view ItemName(Item item);
// True when a higher rating means the patient is better (sleep quality, mood).
bool HigherIsBetter(Item item);

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

struct DiaryDay {
  LocalDate date;
  std::array<std::optional<int>, kItemCount> items;  // indexed by static_cast<int>(Item)
  std::vector<SideEffect> side_effects;
  std::vector<std::string> rescue_medication;  // names as written by the patient
  std::optional<std::string> note;

  std::optional<int> Get(Item item) const { return items[static_cast<int>(item)]; }
};

struct InstrumentEntry {
  LocalDate date;
  std::string kind;          // "fiqr", "pgic" or "acr2016"
  std::string answers_json;  // the answers object, unscored (scored by the clinical layer)
};

struct Diary {
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

// Parses a diary JSON document (docs/diary-format.md).
// Fails with kInvalidArgument naming the field when: the text is not JSON (field empty); a key is
// unknown, repeated, missing or of the wrong type; a day holds more than kMaxSideEffectsPerDay
// side effects or kMaxRescueMedicationsPerDay rescue medications, a rescue medication is not one
// line of 1-200 characters, or the note is longer than 2000 characters or holds control
// characters other than line breaks and tabs; patient.id is not one line of 1-200 characters; course.steps, doses, diary or instruments dates are not
// strictly increasing (instruments: non-decreasing; same kind twice on a date is a duplicate);
// an item is outside 0-10 or a severity outside 1-3; the time zone is not an IANA zone; a dose is
// logged before the first course step; a taken dose's dose_mg differs from the step in force that
// day ("doses[3].dose_mg"); a taken dose has no dose_mg.
Result<Diary> ParseDiaryJson(std::string_view text);

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_DIARY_H_
