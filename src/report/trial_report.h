// The documents of an ended blinded N-of-1 trial (issue 16 item 6; docs/nof1.md "Reports"):
//   - the clinician's report, after the CENT 2015 checklist (Vohra S et al., BMJ 2015;350:h1738;
//     Shamseer L et al., BMJ 2015;350:h1793): the decision by the frozen rule with its meaning, the
//     design as frozen (with the protocol's SHA-256), the allocation the pharmacy held, adherence
//     and missing data by period, the primary outcome's period means, posterior (table and density
//     plot), exact randomization test, paired t and AR(1)-aware interval, every secondary outcome,
//     blinding (Bang's index), adverse events and rescue medication by arm, the limits and the
//     analysis notes, and the methods with their sources. English, as the staff pages are.
//   - the patient's letter: the answer in plain words in the patient's language, the periods with
//     their packs and what each held, and the patient's average in each; the same sentences as the
//     answer on the app's Today page (web/js/patient.js trialAnswerCard), from the same catalogs.
//
// Pure: the content comes from the stored trial, composed by the caller (the server) into a
// TrialReportInput; the documents are FlowDocuments (flow_pdf.h).
#ifndef LDN_REPORT_TRIAL_REPORT_H_
#define LDN_REPORT_TRIAL_REPORT_H_

#include <optional>
#include <string>
#include <vector>

#include "analysis/nof1_analysis.h"
#include "analysis/nof1_protocol.h"
#include "analysis/nof1_record.h"
#include "core/calendar.h"
#include "report/flow_pdf.h"
#include "report/report_model.h"

namespace ldn::report {

// One outcome's analysis, or why there is none.
struct TrialOutcomeResult {
  std::string outcome;  // a data/diary_items.json id
  std::string label;    // its English label ("Pain")
  bool higher_is_better = false;
  std::optional<analysis::TrialAnalysis> analysis;
  std::string error;  // why there is no analysis (when `analysis` is empty)
};

struct TrialReportInput {
  std::string patient;    // how the care team names the patient ("Anna Berg, patient 1")
  std::string time_zone;  // the patient's (the dates are local dates there)
  long long trial_id = 0;
  analysis::TrialProtocol protocol;
  std::string protocol_sha256;
  LocalDate start;         // trial day 1
  LocalDate planned_last;  // the last planned day
  LocalDate until;         // the last day analysed (planned_last, or the day of an early stop)
  bool stopped_early = false;
  std::string end_reason;
  std::optional<LocalDate> unblinded_on;
  std::string unblind_reason;
  bool emergency_unblinding = false;
  std::vector<analysis::PeriodDates> calendar;  // every planned period, with its arm
  std::vector<std::string> packs;               // the pack code of each period of `calendar`
  std::string allocation;                       // "AB BA AB": the pharmacy's allocation by pair
  TrialOutcomeResult primary;
  std::vector<TrialOutcomeResult> secondary;
  std::vector<analysis::PeriodConduct> conduct;  // periods begun by `until`
  std::vector<std::string> limits;               // what the trial cannot tell (English)
  LocalDate generated_on;
};

// The clinician's report. REQUIRES: calendar and packs of the same size.
FlowDocument TrialReportDocument(const TrialReportInput& in);

// The patient's letter in `locale`'s language.
FlowDocument TrialLetterDocument(const TrialReportInput& in, const ReportLocale& locale);

}  // namespace ldn::report

#endif  // LDN_REPORT_TRIAL_REPORT_H_
