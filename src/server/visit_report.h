// The visit report as PDF (report/clinic_report.h), shared by the patient's and clinician's route
// (GET P/report.pdf) and a patient's share link (GET /api/v1/shared/{token}.pdf; issue 15 item 4).
#ifndef LDN_SERVER_VISIT_REPORT_H_
#define LDN_SERVER_VISIT_REPORT_H_

#include <optional>
#include <string>

#include "core/result.h"
#include "report/clinic_report.h"
#include "server/api.h"
#include "store/store.h"

namespace ldn::server {

// The report of `course_id` (default: the current course, ChooseCourse) of `patient` as an
// application/pdf reply, dated in the patient's time zone at `now`. kNotFound "course_id" when the
// course is not the patient's; kConflict when there is no course or the record cannot be analysed
// yet (the message says why in words).
// `scope` kSummary: the one-page summary for an appointment (report::Scope), named
// ldn-summary.pdf. `locale`: the report's language (default English; ReportLocaleFromQuery).
Result<ApiReply> VisitReportPdf(store::Store& store, const store::Patient& patient, std::optional<store::Id> course_id,
                                report::Paper paper, store::Instant now, report::Scope scope = report::Scope::kFull,
                                const report::ReportLocale& locale = {});

// The report's language from the request's `lang` query (en, the default; da; nb: the app's
// language, issue 15 item 6): its texts from `catalogs` (web/locales/server), with the language's
// decimal comma and day-first dates (CLDR). kInvalidArgument naming `lang` for another value.
// The returned locale refers to `catalogs`, which must outlive it.
Result<report::ReportLocale> ReportLocaleFromQuery(const Catalogs& catalogs, const RequestContext& ctx);

}  // namespace ldn::server

#endif  // LDN_SERVER_VISIT_REPORT_H_
