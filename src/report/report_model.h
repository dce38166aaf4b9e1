// The clinic report's content, separated from its drawing.
//
// BuildReportModel turns a parsed diary and its analysis (analysis/response.h) into everything
// the visit report shows: strings, formatted numbers, table rows and the series of the pain
// chart. It decides *what* is said; the renderers (clinic_report.h for PDF/PNG, html_report.h,
// text_report.h) only decide *where*. So the tests assert on this model (a golden JSON of it),
// and a renderer can never compute a number of its own. Pure: no I/O. docs/report.md lists the
// source of every number.
#ifndef LDN_REPORT_REPORT_MODEL_H_
#define LDN_REPORT_REPORT_MODEL_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/diary.h"
#include "analysis/response.h"
#include "core/calendar.h"
#include "core/message.h"

namespace ldn::report {

// ---- The report's language ------------------------------------------------------------------
// A report is written in one language (issue 15, item 6): every text is a core Message (its key is
// the English text with {name} placeholders, as in web/locales; the report's keys are
// web/locales/src/server_report.json) turned into words by `text`, and numbers are written with
// `decimal` as the decimal separator and dates day first or ISO. The default is English: Fill(),
// '.' and ISO 8601 dates. The server passes server/catalogs.h's Text() for Danish and Norwegian,
// with ',' and day-first dates (CLDR "dd.MM.y").
struct ReportLocale {
  std::function<std::string(const Message&)> text;  // empty: English (Fill)
  char decimal = '.';
  bool day_first = false;       // "16.03.2026" rather than "2026-03-16"
  std::string language = "en";  // "en", "da", "nb"

  // The message `key` with `vars`, in this language.
  std::string T(const std::string& key, nlohmann::json vars = nlohmann::json::object()) const;
  // A date: "2026-03-16", or "16.03.2026" when day_first.
  std::string Date(LocalDate d) const;
  // A number with `decimals` decimals and a typographic minus: "1.5", "−0.4" ("1,5" in Danish).
  std::string Number(double value, int decimals) const;
  // A signed change: "+1.2", "−0.4", "0.0" (a change that rounds to nothing has no sign).
  std::string Signed(double value, int decimals) const;
  // A percentage written as the language does ("38%", Danish "38 %"): `pct` is already text.
  std::string Percent(const std::string& pct) const;
};

// ---- The pain chart -------------------------------------------------------------------------
// x is the day relative to the first dose (first-dose day = 0; baseline days are negative).

struct ChartPoint {
  int day = 0;
  double value = 0;
};

// A course step clipped to the chart's x range: mg naltrexone HCl from first_day to last_day.
struct DoseSegment {
  int first_day = 0;
  int last_day = 0;
  double mg = 0;
};

// Side effects reported on one diary day.
struct SideEffectMark {
  int day = 0;
  int max_severity = 1;  // 1 mild, 2 moderate, 3 severe
  std::vector<std::string> names;
};

// An evaluation window shaded on the chart.
struct WindowBand {
  int first_day = 0;
  int last_day = 0;
  std::string label;  // "Week 12"
  bool primary = false;
};

struct ChartModel {
  int first_day = 0;  // x range, inclusive: the first and last diary (or dose-log) day
  int last_day = 0;
  std::vector<ChartPoint> pain;  // one point per diary day with a pain rating
  // Trailing 7-day mean of pain, with the rule of the time-to-response criterion
  // (AnalysisOptions::rolling_days/rolling_min_days): over the last 7 calendar days up to and
  // including the day, at least 4 with a rating, never mixing baseline and treatment days
  // (the window restarts on day 0). Each inner vector is one unbroken run of defined days.
  std::vector<std::vector<ChartPoint>> rolling_mean;
  std::vector<DoseSegment> doses;     // the course plan
  std::vector<int> missed_dose_days;  // planned days (> 0 mg) without a dose logged as taken
  std::vector<SideEffectMark> side_effects;
  std::optional<WindowBand> primary_window;  // the window the verdict is read from
  int baseline_first_day = 0;
  int baseline_last_day = -1;
  double baseline_mean = 0;         // mean pain over the baseline days with a rating
  double response_threshold = 0;    // baseline_mean x (1 - 30/100): the IMMPACT "moderate" line
  double max_dose_mg = 0;           // the largest planned dose (scales the dose axis)
  std::optional<int> response_day;  // AnalysisReport::time_to_response_days
  std::string first_dose_date;      // "2026-03-16", the x origin, for axis labels
};

// ---- Text blocks ----------------------------------------------------------------------------

// A labelled number of the summary page ("Pain change" / "-38%" / "6.6 -> 4.1 points").
struct KeyFigure {
  std::string label;
  std::string value;
  std::string detail;
};

// A table: header row plus body rows of already formatted cells. `numeric[i]` right-aligns
// column i.
struct Table {
  std::vector<std::string> header;
  std::vector<bool> numeric;
  std::vector<std::vector<std::string>> rows;
};

// One diary item's detail: baseline and every evaluation window.
struct ItemDetail {
  std::string key;    // "pain"
  std::string title;  // "Pain" (data/diary_items.json label)
  std::string scale;  // "0 = no pain, 10 = unbearable pain; higher is worse" (from data/diary_items.json)
  Table table;
  std::vector<std::string> notes;  // why a value is missing, per window
};

struct PatientNote {
  std::string date;
  int day = 0;
  std::string text;  // verbatim patient text: every renderer must escape it
};

struct ReportModel {
  // The language of every text below; the renderers write their own headings in it too.
  ReportLocale locale;
  // Header.
  std::string title;  // "LDN response report"
  std::string patient_id;
  std::string time_zone;
  std::string period;        // "Diary 2026-03-02 to 2026-06-29 (120 days)"
  std::string first_dose;    // "2026-03-16" (ISO; the renderers write it in the report's language)
  std::string generated_on;  // as given in ReportModelOptions

  // Verdict: a one-line headline, the findings in plain language, and always the limits.
  std::string headline;
  std::string verdict_tone;  // "improved", "not_improved", "too_early": colours only
  std::vector<std::string> findings;
  std::vector<std::string> limits;
  std::string limits_sources;  // where the limits come from

  std::vector<KeyFigure> key_figures;
  // Every item in the primary window: baseline, window mean, change, interval, the item's
  // direction and what the change is for the patient (improvement, worsening, no clear change),
  // all from the analysis (ItemComparison::change_is); empty rows when there is no primary window.
  Table item_summary;
  ChartModel chart;
  Table side_effects;             // every side effect (name, onset, dose at onset, days, severity, settled)
  Table dose_response;            // mean pain per stable-dose window (within-patient dose-response)
  Table adherence;                // planned, taken, not taken, not logged, longest gap
  Table deviations;               // doses taken that differ from the plan: date, day, planned, taken
  Table missing;                  // missing diary days per item
  Table rescue;                   // days with rescue medication, baseline vs primary window
  std::vector<ItemDetail> items;  // kAllItems order
  std::vector<PatientNote> notes;
  // The clinic's decisions at the safety gates (issue 12; docs/safety.md): every override of a
  // course gate and every discarded course, each with the clinician's reason. Filled by the
  // caller from the clinic's record (the server), not from the diary; empty when it has none, and
  // then not shown.
  std::vector<std::string> clinician_decisions;
  std::string method;                    // the interval method, named and cited
  std::vector<std::string> definitions;  // windows, responder classes, time to response
  std::vector<std::string> sources;
};

struct ReportModelOptions {
  // Printed in the header and used as the PDF's creation date ("2026-11-22", YYYY-MM-DD); the
  // caller decides (the CLI passes today's date in the patient's time zone, from its Clock).
  // Empty: not shown, and the PDF is dated by cairo with the current time.
  std::string generated_on;
  // The options the analysis was run with: the chart's rolling mean and response line restate
  // its rolling_days, rolling_min_days and response_threshold_pct.
  analysis::AnalysisOptions analysis;
  // The language of the report (default English).
  ReportLocale locale;
};

// Builds the report. REQUIRES: `report` is AnalyzeDiary(diary, options.analysis) for this diary
// (so the diary has at least one day and one course step). Never fails: every absence (no
// primary window, no side effects, no notes) becomes text that says so.
ReportModel BuildReportModel(const analysis::Diary& diary, const analysis::AnalysisReport& report,
                             const ReportModelOptions& options = {});

// The model as JSON (for the golden tests and for debugging a layout): every field above.
nlohmann::json ReportModelToJson(const ReportModel& model);

// Formatting helpers shared by the renderers. "−" (U+2212) is used for minus signs in text.
std::string FormatSigned(double value, int decimals);  // "+1.2", "−0.4", "0.0"
std::string FormatPercentChange(double pct);           // "−38%", "+5%"
std::string FormatInteger(int value);                  // "−12", "30"

}  // namespace ldn::report

#endif  // LDN_REPORT_REPORT_MODEL_H_
