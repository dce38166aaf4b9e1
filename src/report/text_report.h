// The clinic report as plain text for a terminal (UTF-8, lines of at most `width` columns where
// words allow). Same content and order as the PDF (clinic_report.h), without the chart: the pain
// trajectory is summarised by the rolling-mean values at two-week steps.
#ifndef LDN_REPORT_TEXT_REPORT_H_
#define LDN_REPORT_TEXT_REPORT_H_

#include <string>

#include "report/report_model.h"

namespace ldn::report {

// REQUIRES: width >= 40.
std::string FormatClinicReportText(const ReportModel& model, int width = 100);

}  // namespace ldn::report

#endif  // LDN_REPORT_TEXT_REPORT_H_
