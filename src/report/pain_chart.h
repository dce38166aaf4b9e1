// The pain trajectory chart of the clinic report: one drawing routine for every surface.
//
// Drawn from a ChartModel (report_model.h), top to bottom:
//   - the pain panel (0-10, left axis): daily ratings as dots, the trailing 7-day mean as a line,
//     the baseline mean as a dashed line over the baseline and beyond, the line 30% below the
//     baseline mean (IMMPACT "moderate"), the primary evaluation window shaded and the first dose
//     marked;
//   - the dose lane (its own mg axis, right): the course plan as a shaded step line with each
//     step's dose written on it, and a tick above each planned day without a dose taken;
//   - the side-effect lane: a triangle on each day with a side effect, darker for worse severity;
//   - the day axis (days after the first dose, with calendar dates), then a legend.
// Units are points (1/72 inch); the chart fills the box it is given.
#ifndef LDN_REPORT_PAIN_CHART_H_
#define LDN_REPORT_PAIN_CHART_H_

#include <string>

#include <cairo.h>

#include "core/result.h"
#include "report/report_model.h"
#include "report/typesetter.h"

namespace ldn::report {

// Draws the chart in the box (x, y, width, height) of ts.cr(), its labels in `locale`'s language.
// REQUIRES: width >= 200, height >= 160, chart.first_day <= chart.last_day.
void DrawPainChart(Typesetter& ts, const ChartModel& chart, double x, double y, double width, double height,
                   const ReportLocale& locale = {});

// The chart alone as an SVG document (cairo's SVG surface; text as glyph outlines, so it needs
// no font) of width x height points. `id_prefix` is prepended to every id the SVG defines and
// refers to, so several charts can be inlined into one HTML page. Fails with kInternal when
// cairo fails.
Result<std::string> RenderPainChartSvg(const ChartModel& chart, double width, double height,
                                       const std::string& id_prefix);

}  // namespace ldn::report

#endif  // LDN_REPORT_PAIN_CHART_H_
