// The analysed days of a blinded N-of-1 trial: which period, which arm, the daily rating and the
// patient's end-of-period guess of the arm (docs/nof1.md, "Input").
//
// Periods 2k-1 and 2k form pair k; each pair has one period on A (placebo) and one on B (LDN).
// The days are the analysed ones: the caller leaves out the run-in days at the start of each
// period. Pure; value types, thread-compatible.
#ifndef LDN_ANALYSIS_NOF1_DATA_H_
#define LDN_ANALYSIS_NOF1_DATA_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/nof1_models.h"
#include "core/result.h"

namespace ldn::analysis {

enum class TrialArm { kPlacebo, kLdn };  // A, B
// "A" or "B".
std::string_view TrialArmCode(TrialArm arm);

// The patient's answer to "which do you think you took?" at the end of a period.
enum class BlindingGuess { kPlacebo, kLdn, kDontKnow };
// "A", "B" or "DK".
std::string_view BlindingGuessCode(BlindingGuess guess);

inline constexpr int kMaxTrialDay = 100'000;
inline constexpr int kMaxTrialPeriods = 48;  // 24 pairs: far beyond any practical N-of-1 design

// One analysed day.
struct TrialDayRecord {
  int day = 1;     // trial day, >= 1
  int period = 1;  // >= 1
  TrialArm arm = TrialArm::kPlacebo;
  std::optional<double> outcome;       // none: the patient gave no rating that day
  std::optional<BlindingGuess> guess;  // the period's guess, on any of its days
};

// A period as the analysis sees it.
struct TrialPeriod {
  int number = 1;  // 1-based
  int pair = 1;    // (number + 1) / 2
  TrialArm arm = TrialArm::kPlacebo;
  int first_day = 0;  // first and last analysed day present in the input
  int last_day = 0;
  int rows = 0;                 // days in the input (with or without a rating)
  std::vector<double> values;   // the ratings, by day
  std::vector<int> value_days;  // their days
  std::optional<BlindingGuess> guess;
};

struct TrialData {
  std::vector<TrialDayRecord> days;  // sorted by day
  std::vector<TrialPeriod> periods;  // periods 1..P in order
  bool has_guesses = false;          // the input had a guess column (or any guess)
  int Pairs() const { return (static_cast<int>(periods.size()) + 1) / 2; }
};

// Checks the records and groups them into periods. Fails with kInvalidArgument naming
// `field_of(i)` (the caller's name for record i, e.g. "line 7") when: day < 1 or above kMaxTrialDay,
// a day repeats, period < 1 or above kMaxTrialPeriods, the periods are not numbered 1..P without a
// gap, periods overlap or are out of calendar order, a period mixes treatments, a pair has the same
// treatment twice, an outcome is not finite, or a period has two different guesses; and naming
// "input" when there are no records.
Result<TrialData> MakeTrialData(std::vector<TrialDayRecord> records,
                                const std::vector<std::string>& field_of_record = {});

// Parses the CSV form: a header with the columns day, period, treatment, outcome (any order) and
// optionally guess; then one line per analysed day. day and period are whole numbers; treatment
// is A (placebo) or B (LDN); outcome is a number or empty (no rating that day); guess is A, B, DK
// (don't know) or empty. Blank lines at the end are ignored. Errors name the line and column
// ("line 7, column outcome: ..."), or "header" for a missing, unknown or repeated column.
Result<TrialData> ParseTrialCsv(std::string_view text);

// The calendar grid the models use (nof1_models.h): every day from the first to the last
// analysed day. A day that is not in the data takes the arm of the next day that is (the run-in
// days left out at the start of a period belong to that period); its outcome is missing.
Nof1Series ToNof1Series(const TrialData& data);

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_NOF1_DATA_H_
