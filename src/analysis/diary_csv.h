// The CSV form of a patient's diary (one row a day, for spreadsheets) and the writers that turn a
// parsed Diary back into either document form (docs/diary-format.md, "CSV form").
//
// Pure: parses and produces text in memory. The CSV carries exactly the content of the JSON
// diary (analysis/diary.h): leading `# key: value` metadata records hold the patient, time zone,
// course steps and instrument results; a header row names the columns; then one row per date.
// Quoting follows RFC 4180 (commas, double quotes and line breaks inside a quoted field).
#ifndef LDN_ANALYSIS_DIARY_CSV_H_
#define LDN_ANALYSIS_DIARY_CSV_H_

#include <string>
#include <string_view>

#include "analysis/diary.h"
#include "core/result.h"

namespace ldn::analysis {

// Parses a diary in CSV form (docs/diary-format.md, "CSV form").
//
// Success: the same Diary that ParseDiaryJson returns for the equivalent JSON document. A row
// makes a diary entry when any of its diary cells (items, side_effects, rescue_medication, note)
// is filled, or when the row holds nothing but its date; it makes a dose log when dose_taken is
// filled. Fully blank records (every cell empty) are skipped; they hold nothing.
//
// Fails with kInvalidArgument; the field names the spreadsheet row (1-based, counting metadata
// and header records; a quoted line break does not start a new row) and the column:
//   "row 12, column pain"          a cell that is not what its column holds (not a whole number
//                                  0-10, not yes/no, not YYYY-MM-DD, not HH:MM, a dose_mg or
//                                  dose_time without dose_taken, a malformed side effect), a
//                                  date not after the previous row's, a dose that contradicts
//                                  the course step in force, a dose before the first step;
//   "row 3, metadata time_zone"    a metadata record that is malformed, unknown, repeated or
//                                  wrong (not an IANA zone, a step out of order, an instrument
//                                  whose answers are not a JSON object);
//   "row 4, column stiffnes"       an unknown or repeated column name in the header;
//   "row 9"                        a record with more cells than the header (unless the extra
//                                  cells are empty), an unterminated quote, text after a
//                                  closing quote, a quote inside an unquoted cell, a cell that
//                                  is not valid UTF-8, a metadata row without "key: value";
//   "metadata patient"             a required metadata record (format, patient, time_zone, at
//                                  least one step) is missing;
//   "" (empty)                     no header row.
// Never throws.
Result<Diary> ParseDiaryCsv(std::string_view text);

// Writes `diary` in CSV form: the metadata records, the header with every column in the
// documented order, then one row per date that has a diary entry or a dose log, dates
// increasing. Line ends are "\n"; fields are quoted per RFC 4180 when they hold a comma, a
// quote, a line break, or (note only) when empty but present.
//
// Round trip: ParseDiaryCsv(DiaryToCsv(d)) equals d for every d that ParseDiaryJson can return,
// with two documented exceptions: a diary entry holding nothing but its date on a day that also
// has a dose log cannot be told apart from the dose log alone and is written as the dose log; and
// metadata values are read trimmed, so a patient id's leading or trailing spaces are lost.
// Text is written verbatim: a spreadsheet may read a cell starting with =, +, - or @ as a formula.
// REQUIRES: `diary` satisfies the invariants ParseDiaryJson establishes (sorted distinct dates,
// non-empty steps, answers_json a JSON object).
std::string DiaryToCsv(const Diary& diary);

// Writes `diary` as a JSON diary document (docs/diary-format.md): the top-level keys on their own
// lines and one array element (step, dose log, diary day, instrument) per line, ending with a
// newline. ParseDiaryJson(DiaryToJson(d)) equals d. Doses are mg of naltrexone HCl, written
// without a fraction when whole (1, 1.5, 0.333). "instruments" is written only when not empty.
// REQUIRES: as for DiaryToCsv.
std::string DiaryToJson(const Diary& diary);

}  // namespace ldn::analysis

#endif  // LDN_ANALYSIS_DIARY_CSV_H_
