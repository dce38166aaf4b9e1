// The clinic report as one self-contained HTML document.
//
// Same content and order as the PDF (clinic_report.h). Self-contained: the CSS is inline in a
// <style> element, the pain chart is inline SVG drawn by the same routine as the PDF's chart
// (pain_chart.h) on cairo's SVG surface, there is no script and no external resource (no link,
// image, font or stylesheet URL), so it opens offline and can be archived or mailed as is. Every
// text from the diary -- patient id, notes, side-effect names -- is HTML-escaped: a note holding
// "<script>" is shown, never run.
#ifndef LDN_REPORT_HTML_REPORT_H_
#define LDN_REPORT_HTML_REPORT_H_

#include <string>
#include <string_view>

#include "core/result.h"
#include "report/report_model.h"

namespace ldn::report {

// Escapes &, <, >, " and ' for HTML text and attribute values.
std::string EscapeHtml(std::string_view text);

// The document, starting with "<!DOCTYPE html>". Fails with kInternal only when cairo fails to
// draw the chart.
Result<std::string> RenderClinicReportHtml(const ReportModel& model);

}  // namespace ldn::report

#endif  // LDN_REPORT_HTML_REPORT_H_
