// Properties of a parsed diary shared by the diary fuzz targets: both documented round trips
// (analysis/diary_csv.h) and the analysis of what parsed.
#ifndef LDN_FUZZ_DIARY_CHECKS_H_
#define LDN_FUZZ_DIARY_CHECKS_H_

#include <set>

#include "analysis/diary.h"
#include "analysis/diary_csv.h"
#include "analysis/response.h"
#include "fuzz_support.h"

namespace ldn::fuzz {

// `d` with the two differences the CSV form is documented to make: a day holding nothing but its
// date on a date with a dose log is the dose log alone, and the patient id is read trimmed.
inline analysis::Diary AsCsvReadsIt(analysis::Diary d) {
  std::set<std::string> dose_dates;
  for (const auto& dose : d.doses) dose_dates.insert(FormatDate(dose.date));
  std::vector<analysis::DiaryDay> kept;
  for (auto& day : d.days) {
    bool empty = day.side_effects.empty() && day.rescue_medication.empty() && !day.note;
    for (const auto& item : day.items) empty = empty && !item;
    if (empty && dose_dates.count(FormatDate(day.date)) != 0) continue;
    kept.push_back(std::move(day));
  }
  d.days = std::move(kept);
  std::string& id = d.patient_id;
  while (!id.empty() && (id.front() == ' ' || id.front() == '\t')) id.erase(0, 1);
  while (!id.empty() && (id.back() == ' ' || id.back() == '\t')) id.pop_back();
  return d;
}

inline void CheckDiary(const analysis::Diary& diary) {
  // JSON: ParseDiaryJson(DiaryToJson(d)) equals d.
  const std::string json = analysis::DiaryToJson(diary);
  auto from_json = analysis::ParseDiaryJson(json);
  LDN_FUZZ_CHECK(from_json.ok(), "DiaryToJson wrote what ParseDiaryJson refuses: " + from_json.status().ToString());
  LDN_FUZZ_CHECK(analysis::DiaryToJson(*from_json) == json, "the JSON round trip changed the diary");
  // CSV: ParseDiaryCsv(DiaryToCsv(d)) equals d but for the documented exceptions.
  const std::string csv = analysis::DiaryToCsv(diary);
  auto from_csv = analysis::ParseDiaryCsv(csv);
  if (AsCsvReadsIt(diary).patient_id.empty()) {
    LDN_FUZZ_CHECK(!from_csv.ok(), "a blank patient id survived the CSV form");
  } else {
    LDN_FUZZ_CHECK(from_csv.ok(), "DiaryToCsv wrote what ParseDiaryCsv refuses: " + from_csv.status().ToString());
    LDN_FUZZ_CHECK(analysis::DiaryToJson(*from_csv) == analysis::DiaryToJson(AsCsvReadsIt(diary)),
                   "the CSV round trip changed the diary:\n" + csv.substr(0, 2000));
  }
  // The analysis either reports or says which input it lacks.
  auto report = analysis::AnalyzeDiary(diary);
  if (!report.ok()) {
    CheckInputError(report.status(), "AnalyzeDiary");
    return;
  }
  LDN_FUZZ_CHECK(!report->verdict.summary.empty(), "an analysis without a verdict");
  (void)analysis::ReportToJson(*report).dump();
}

}  // namespace ldn::fuzz

#endif  // LDN_FUZZ_DIARY_CHECKS_H_
