#include "report/html_report.h"

#include <fmt/format.h>

#include "report/pain_chart.h"

namespace ldn::report {
namespace {

// The chart's size in CSS points; the SVG scales to the column width.
constexpr double kChartWidth = 640;
constexpr double kChartHeight = 300;

constexpr const char* kCss = R"css(
:root { --ink:#1c1f23; --muted:#5f6670; --rule:#c9ced5; --accent:#1d4f91; --tint:#f2f5f9; }
* { box-sizing: border-box; }
body { margin: 0; background: #e9ecef; color: var(--ink);
  font: 14px/1.45 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
main { max-width: 60rem; margin: 1.5rem auto; background: #fff; padding: 2rem 2.4rem 2.4rem;
  box-shadow: 0 1px 3px rgba(0,0,0,.12); }
header { border-bottom: 2px solid var(--accent); padding-bottom: .5rem; margin-bottom: 1rem;
  display: flex; flex-wrap: wrap; justify-content: space-between; align-items: flex-start; gap: .4rem 2rem; }
h1 { font-size: 1.6rem; margin: 0; }
.patient { text-align: right; }
.patient strong { display: block; font-size: 1.05rem; }
.sub, .small, .muted { color: var(--muted); }
.sub { flex-basis: 100%; margin: 0; font-size: .9rem; }
h2 { font-size: 1.25rem; color: var(--accent); margin: 2rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
.verdict { background: var(--tint); border-left: 6px solid #5b7db1; padding: .9rem 1.2rem; }
.verdict.improved { border-left-color: #2f7d4f; } .verdict.unclear { border-left-color: #c08a1a; }
.verdict.not_improved { border-left-color: #6b7280; }
.verdict .label { font-size: .72rem; font-weight: bold; letter-spacing: .06em; color: var(--muted); }
.verdict .headline { font-size: 1.2rem; font-weight: bold; margin: .15rem 0 .5rem; }
.verdict h3 { margin-top: .8rem; }
.verdict ul { margin: .2rem 0; padding-left: 1.2rem; }
.verdict .sources { font-size: .78rem; font-style: italic; color: var(--muted); margin: .5rem 0 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(9.5rem, 1fr)); gap: .6rem; margin: 1rem 0; }
.tile { border: 1px solid #d5dae1; padding: .5rem .7rem; }
.tile .k { font-size: .7rem; font-weight: bold; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.tile .v { font-size: 1.45rem; font-weight: bold; }
.tile .d { font-size: .8rem; color: var(--muted); }
figure { margin: .4rem 0 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: .8rem; color: var(--muted); margin-top: .3rem; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; margin: .3rem 0 .6rem; }
th { text-align: left; font-size: .78rem; color: var(--muted); border-bottom: 1.5px solid var(--rule); padding: .25rem .45rem; }
td { padding: .22rem .45rem; vertical-align: top; }
tbody tr:nth-child(even) { background: #f5f7f9; }
tbody { border-bottom: 1px solid var(--rule); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.notes p { margin: .25rem 0; }
.notes .when { font-weight: bold; margin-right: .5rem; }
.sourcelist { font-size: .82rem; color: var(--muted); }
footer { margin-top: 2rem; border-top: 1px solid var(--rule); padding-top: .4rem; font-size: .78rem; color: var(--muted); }
@media print {
  @page { size: A4; margin: 15mm; }
  body { background: #fff; font-size: 10pt; }
  main { box-shadow: none; margin: 0; padding: 0; max-width: none; }
  .details { break-before: page; }
  table, .tile, figure { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
)css";

std::string List(const std::vector<std::string>& items, const char* cls = nullptr) {
  std::string out = cls ? fmt::format("<ul class=\"{}\">", cls) : "<ul>";
  for (const std::string& i : items) out += "<li>" + EscapeHtml(i) + "</li>";
  return out + "</ul>\n";
}

std::string TableHtml(const Table& t) {
  if (t.rows.empty()) return "";
  std::string out = "<table><thead><tr>";
  for (size_t i = 0; i < t.header.size(); ++i) {
    out += fmt::format("<th{}>{}</th>", t.numeric[i] ? " class=\"num\"" : "", EscapeHtml(t.header[i]));
  }
  out += "</tr></thead><tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      out += fmt::format("<td{}>{}</td>", t.numeric[i] ? " class=\"num\"" : "", EscapeHtml(row[i]));
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

// cairo's SVG starts with an XML declaration, which is not allowed inside HTML.
std::string InlineSvg(std::string svg) {
  if (svg.rfind("<?xml", 0) == 0) {
    const size_t end = svg.find("?>");
    if (end != std::string::npos) svg.erase(0, end + 2);
  }
  while (!svg.empty() && (svg.front() == '\n' || svg.front() == ' ')) svg.erase(0, 1);
  return svg;
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Result<std::string> RenderClinicReportHtml(const ReportModel& m) {
  LDN_ASSIGN_OR_RETURN(std::string svg, RenderPainChartSvg(m.chart, kChartWidth, kChartHeight, "ldnchart-"));
  std::string h;
  h.reserve(64 * 1024 + svg.size());
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<meta name=\"generator\" content=\"ldn\">\n";
  h += fmt::format("<title>{} \u2013 patient {}</title>\n", EscapeHtml(m.title), EscapeHtml(m.patient_id));
  h += "<style>" + std::string(kCss) + "</style>\n</head>\n<body>\n<main>\n";

  h += "<header><h1>" + EscapeHtml(m.title) + "</h1>";
  h += fmt::format("<div class=\"patient\"><strong>Patient {}</strong><span class=\"muted\">Time zone {}</span></div>",
                   EscapeHtml(m.patient_id), EscapeHtml(m.time_zone));
  std::string sub = m.period + " \u00b7 first dose " + m.first_dose;
  if (!m.generated_on.empty()) sub += " \u00b7 generated " + m.generated_on;
  h += "<p class=\"sub\">" + EscapeHtml(sub) + "</p></header>\n";

  h += fmt::format("<section class=\"verdict {}\">\n<div class=\"label\">VERDICT</div>\n", EscapeHtml(m.verdict_tone));
  h += "<p class=\"headline\">" + EscapeHtml(m.headline) + "</p>\n";
  h += List(m.findings);
  h += "<h3>What this before/after comparison cannot tell</h3>\n" + List(m.limits);
  h += "<p class=\"sources\">" + EscapeHtml(m.limits_sources) + "</p>\n</section>\n";

  h += "<section class=\"figures\">\n";
  for (const KeyFigure& k : m.key_figures) {
    h += fmt::format(
        "<div class=\"tile\"><div class=\"k\">{}</div><div class=\"v\">{}</div><div class=\"d\">{}</div></div>\n",
        EscapeHtml(k.label), EscapeHtml(k.value), EscapeHtml(k.detail));
  }
  h += "</section>\n";

  h += "<section class=\"chart\"><h2>Pain, dose and side effects day by day</h2>\n<figure>\n" + InlineSvg(svg);
  h += fmt::format(
      "<figcaption>Daily pain ratings (dots) and their 7-day mean (line) against the baseline mean {:.1f} and the "
      "line 30% below it ({:.1f}); below, the planned dose (mg) with days a dose was not taken, and the days with side "
      "effects. Day 0 is the first dose, {}.</figcaption>\n</figure></section>\n",
      m.chart.baseline_mean, m.chart.response_threshold, EscapeHtml(m.first_dose));

  if (!m.item_summary.rows.empty()) {
    h += "<section class=\"items\"><h2>Every item in the evaluation window</h2>\n" + TableHtml(m.item_summary) +
         "</section>\n";
  }
  h += "<section><h2>Side effects</h2>\n";
  h += m.side_effects.rows.empty() ? "<p>None reported in the diary.</p>\n" : TableHtml(m.side_effects);
  h += "</section>\n";

  h += "<section class=\"details\"><h2>Results by diary item</h2>\n";
  h += "<p>Each item's mean in the baseline and in every evaluation window, the change against the baseline and its "
       "95% interval. Interval method: AR(1)-adjusted effective sample size with a Welch t quantile (Wilks 2011; "
       "Kendall 1954; Welch 1947), described under Methods.</p>\n";
  for (const ItemDetail& d : m.items) {
    h += fmt::format("<h3 id=\"item-{}\">{} <span class=\"muted\">\u00b7 {}</span></h3>\n", EscapeHtml(d.key),
                     EscapeHtml(d.title), EscapeHtml(d.scale));
    h += TableHtml(d.table);
    if (!d.notes.empty()) h += List(d.notes, "small");
  }
  h += "</section>\n";

  h += "<section><h2>Pain at each dose (within-patient dose\u2013response)</h2>\n";
  h += m.dose_response.rows.empty()
           ? "<p>No 14-day window on an unchanged dose yet.</p>\n"
           : "<p>Mean pain in each 14-day block on an unchanged dose, against the baseline. The first block of a step "
             "includes any onset lag; later blocks on the same dose show the pain after it.</p>\n" +
                 TableHtml(m.dose_response);
  h += "</section>\n<section><h2>Doses taken</h2>\n" + TableHtml(m.adherence);
  h += "<h3>Dose deviations</h3>\n";
  h += m.deviations.rows.empty() ? "<p>None: every dose taken was the plan's.</p>\n"
                                 : "<p>Doses taken that differ from the plan; the analysis uses them as taken.</p>\n" +
                                       TableHtml(m.deviations);
  h += "</section>\n";
  h += "<section><h2>Missing diary days</h2>\n<p>Counted between the first and the last diary entry. Missing days are "
       "never filled in: every mean uses only the days with a rating.</p>\n" +
       TableHtml(m.missing) + "</section>\n";
  h += "<section><h2>Rescue medication</h2>\n<p>Diary days on which the patient recorded a rescue or other pain "
       "medication.</p>\n" +
       TableHtml(m.rescue) + "</section>\n";

  h += "<section class=\"notes\"><h2>Patient notes</h2>\n";
  if (m.notes.empty()) h += "<p>No notes in the diary.</p>\n";
  for (const PatientNote& n : m.notes) {
    h += fmt::format("<p><span class=\"when\">{} (day {})</span>{}</p>\n", EscapeHtml(n.date), FormatInteger(n.day),
                     EscapeHtml(n.text));
  }
  h += "</section>\n";

  if (!m.clinician_decisions.empty()) {
    h += "<section><h2>Clinician decisions at the safety gates</h2>\n<p>Overrides of the course gate and discarded "
         "courses, each with the clinician's reason.</p>\n" +
         List(m.clinician_decisions) + "</section>\n";
  }
  h += "<section><h2>Methods</h2>\n<p>" + EscapeHtml(m.method) + "</p>\n" + List(m.definitions);
  h += "<h3>Sources</h3>\n" + List(m.sources, "sourcelist") + "</section>\n";
  h += "<footer>ldn \u00b7 decision support from the patient's own diary, not a diagnosis or a prescription</footer>\n";
  h += "</main>\n</body>\n</html>\n";
  return h;
}

}  // namespace ldn::report
