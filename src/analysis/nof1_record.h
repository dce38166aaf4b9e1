// A blinded N-of-1 trial read from the patient's stored record: the analysis input of an outcome
// from the diary days of each period after its run-in (docs/nof1.md, "In the clinic"), and how the
// trial was conducted period by period: diary days, doses taken, side effects, rescue medication
// (issue 16 item 4).
//
// Pure; value types, thread-compatible. The server reads the rows (diary entries, the dose log,
// the end-of-period answers, the kits' allocation) and calls these.
#ifndef LDN_ANALYSIS_NOF1_RECORD_H_
#define LDN_ANALYSIS_NOF1_RECORD_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/nof1_data.h"
#include "analysis/nof1_protocol.h"
#include "core/calendar.h"
#include "core/result.h"

namespace ldn::analysis {

// One calendar day of the patient's record during a trial.
struct TrialRecordDay {
  // The day's diary items as stored (the diary-format day object without "date": "pain": 0-10,
  // ..., "side_effects": [{"name", "severity" 1-3}], "rescue_medication": ["..."]); none when the
  // patient kept no diary that day.
  std::optional<nlohmann::json> items;
  // The dose log's last entry of the day: taken or not; none when nothing was recorded.
  std::optional<bool> dose_taken;
};
using TrialRecord = std::map<LocalDate, TrialRecordDay>;

// The analysis input of `outcome` (a data/diary_items.json id): for each period of `calendar`
// whose analysed days (after the run-in) began on or before `until`, one record per day from
// its analysed_first to the earlier of its last day and `until`, with the day's rating of
// `outcome` (missing when the diary has no number for it that day) and the period's guess from
// `guesses` (by period number). Periods that had not reached their analysed days by `until` are
// left out, so a trial stopped early is analysed on the periods it ran. Fails with
// kInvalidArgument "outcome" when no period has an analysed day by `until`, and as MakeTrialData
// otherwise (fields named "<date>").
// REQUIRES: `calendar` is TrialCalendar's (periods 1..P in order).
Result<TrialData> TrialDataFromRecord(const std::vector<PeriodDates>& calendar, const TrialRecord& record,
                                      std::string_view outcome, const std::map<int, BlindingGuess>& guesses,
                                      LocalDate until);

// How one period was conducted, over its calendar days up to `until` (run-in included: the
// patient took the period's capsules from its first day).
struct PeriodConduct {
  int period = 1;
  int pair = 1;
  TrialArm arm = TrialArm::kPlacebo;
  LocalDate first;
  LocalDate last;                           // the earlier of the period's last day and `until`
  int days = 0;                             // calendar days first..last
  int diary_days = 0;                       // days with a diary entry
  int doses_taken = 0;                      // days whose dose log says taken
  int doses_missed = 0;                     // days whose dose log says not taken
  int doses_unrecorded = 0;                 // days with nothing in the dose log
  int side_effect_days = 0;                 // days with at least one side effect
  int severe_side_effect_days = 0;          // days with a side effect of severity 3
  int rescue_days = 0;                      // days with rescue medication
  std::map<std::string, int> side_effects;  // name -> days reported
};

// The conduct of every period that began on or before `until`, in order.
// REQUIRES: `calendar` is TrialCalendar's.
std::vector<PeriodConduct> ConductByPeriod(const std::vector<PeriodDates>& calendar, const TrialRecord& record,
                                           LocalDate until);

// [{"period", "pair", "arm" ("placebo"|"ldn"), "first", "last", "days", "diary_days",
// "doses_taken", "doses_missed", "doses_unrecorded", "adherence" (doses_taken / days, 3
// decimals), "side_effect_days", "severe_side_effect_days", "rescue_days", "side_effects":
// {name: days}}]. With `blind` the arm is left out (null).
nlohmann::json ConductToJson(const std::vector<PeriodConduct>& conduct, bool blind);

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_NOF1_RECORD_H_
