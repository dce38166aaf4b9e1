// The clinic (visit) report as PDF pages or PNG images, drawn with cairo + pango into memory.
//
// Page 1 is the visit summary: header, the verdict with its limits, key figures, the pain chart
// (pain_chart.h), side effects and the dose-response table. The following pages give the
// details: every diary item against the baseline in every evaluation window with its interval,
// side effects, doses, missing diary days, rescue medication, the patient's notes, the method and
// the sources. Content comes only from a ReportModel (report_model.h). The same drawing routine
// draws every page onto a PDF surface or onto one image surface per page, so a PNG shows exactly
// what the PDF prints.
//
// Paper: A4 by default (210 x 297 mm, 595.28 x 841.89 pt: ISO 216, used wherever the diary's
// clinics are outside North America); US Letter (612 x 792 pt) on request. Margins 15 mm at the
// sides. docs/report.md.
#ifndef LDN_REPORT_CLINIC_REPORT_H_
#define LDN_REPORT_CLINIC_REPORT_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "report/report_model.h"

namespace ldn::report {

enum class Paper { kA4, kLetter };

// kFull: every page. kSummary: one page for an appointment (issue 15, item 4): the title, the
// verdict with its limits, the key figures, the pain chart, the side effects when they fit, every
// item's change when it fits, and a closing line naming what only the full report has. It is
// always one page: what does not fit is left out (the side-effect table and the item table first)
// and the closing line says the full report has it.
enum class Scope { kFull, kSummary };

// "full" or "summary". Fails with kInvalidArgument naming `field`.
Result<Scope> ParseScope(std::string_view text, std::string_view field);

// "a4" or "letter". Fails with kInvalidArgument naming `field`.
Result<Paper> ParsePaper(std::string_view text, std::string_view field);

struct PageSize {
  double width = 0;  // points
  double height = 0;
};
PageSize PaperSize(Paper paper);

// The PDF document (bytes, starting with "%PDF-"). Text is real text (searchable, extractable
// with pdftotext). Fails with kInternal only when cairo fails.
Result<std::string> RenderClinicReportPdf(const ReportModel& model, Paper paper = Paper::kA4,
                                          Scope scope = Scope::kFull);

// Every page as a PNG image at `dpi` dots per inch (72 dpi: one pixel per point). Fails with
// kInvalidArgument ("dpi") outside 36-600, kInternal when cairo fails.
Result<std::vector<std::string>> RenderClinicReportPng(const ReportModel& model, Paper paper = Paper::kA4,
                                                       double dpi = 96, Scope scope = Scope::kFull);

// The number of pages the report takes on `paper` (the same for PDF and PNG).
int CountClinicReportPages(const ReportModel& model, Paper paper = Paper::kA4, Scope scope = Scope::kFull);

// Where each block of content (a heading, a paragraph, a table or part of one, the chart) lands:
// its page (0-based) and its top and bottom in points from the top edge of the page. In page
// order. For the layout tests (nothing may leave the content area or overlap) and debugging.
struct PlacedBlock {
  int page = 0;
  double top = 0;
  double bottom = 0;
};
std::vector<PlacedBlock> LayOutClinicReport(const ReportModel& model, Paper paper = Paper::kA4,
                                            Scope scope = Scope::kFull);

// The content area of `page` (0-based), between the running header (pages after the first) and
// the footer: top and bottom in points from the top edge.
struct ContentArea {
  double top = 0;
  double bottom = 0;
};
ContentArea ClinicReportContentArea(Paper paper, int page);

}  // namespace ldn::report

#endif  // LDN_REPORT_CLINIC_REPORT_H_
