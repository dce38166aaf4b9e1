#include "report/pain_chart.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <string>
#include <vector>

#include <cairo-svg.h>
#include <fmt/format.h>

#include "core/calendar.h"

namespace ldn::report {
namespace {

// Palette: muted, prints legibly in grey scale (dots light, mean dark, lines dashed).
constexpr Rgb kInk = Hex(0x1c1f23);
constexpr Rgb kMuted = Hex(0x5f6670);
constexpr Rgb kGrid = Hex(0xe3e6ea);
constexpr Rgb kFrame = Hex(0xb8bec6);
constexpr Rgb kDots = Hex(0x7d98bd);
constexpr Rgb kMean = Hex(0x1d4f91);
constexpr Rgb kBaseline = Hex(0x3c4148);
constexpr Rgb kThreshold = Hex(0xc8641e);
constexpr Rgb kDose = Hex(0x2f7d4f);
constexpr Rgb kMissed = Hex(0xb3261e);
constexpr Rgb kWindow = Hex(0xf4c542);
constexpr Rgb kBaselineBand = Hex(0xeef0f3);
constexpr Rgb kResponse = Hex(0x2f7d4f);
constexpr std::array<Rgb, 3> kSeverity = {Hex(0xf0c05a), Hex(0xe07b2e), Hex(0xa8231b)};

// One key per month, so each language writes day and month its own way ("30 Mar", Danish "30. mar.").
constexpr std::array<const char*, 12> kMonths = {N_("{d} Jan"), N_("{d} Feb"), N_("{d} Mar"), N_("{d} Apr"),
                                                 N_("{d} May"), N_("{d} Jun"), N_("{d} Jul"), N_("{d} Aug"),
                                                 N_("{d} Sep"), N_("{d} Oct"), N_("{d} Nov"), N_("{d} Dec")};

// "30 Mar" for day `day` after the first dose.
std::string ShortDate(const ReportLocale& L, LocalDate origin, int day) {
  const LocalDate d = AddDays(origin, day);
  return L.T(kMonths[static_cast<unsigned>(d.month()) - 1], {{"d", static_cast<unsigned>(d.day())}});
}

// A tick spacing from a fixed ladder of week multiples giving at most ~max_ticks ticks.
int TickStep(int n_days, int max_ticks) {
  for (int step : {7, 14, 28, 56, 91, 182, 364}) {
    if (n_days / step <= max_ticks) return step;
  }
  return 728;
}

void Rect(cairo_t* cr, double x, double y, double w, double h, Rgb fill, double alpha) {
  cairo_rectangle(cr, x, y, w, h);
  SetColor(cr, fill, alpha);
  cairo_fill(cr);
}

void HLine(cairo_t* cr, double x0, double x1, double y, Rgb color, double width, bool dashed) {
  cairo_save(cr);
  if (dashed) {
    const double dash[] = {4.0, 2.5};
    cairo_set_dash(cr, dash, 2, 0);
  }
  cairo_set_line_width(cr, width);
  SetColor(cr, color);
  cairo_move_to(cr, x0, y);
  cairo_line_to(cr, x1, y);
  cairo_stroke(cr);
  cairo_restore(cr);
}

void Triangle(cairo_t* cr, double cx, double cy, double size, Rgb color) {
  cairo_move_to(cr, cx, cy - size / 2);
  cairo_line_to(cr, cx + size / 2, cy + size / 2);
  cairo_line_to(cr, cx - size / 2, cy + size / 2);
  cairo_close_path(cr);
  SetColor(cr, color);
  cairo_fill(cr);
}

struct LegendEntry {
  enum Kind { kDot, kLine, kDashed, kFill, kTick, kTriangles } kind;
  Rgb color;
  std::string text;
};

// Draws the legend entries flowing left to right, wrapping at `width`; returns the height.
double Legend(Typesetter& ts, const std::vector<LegendEntry>& entries, double x, double y, double width, bool draw) {
  cairo_t* cr = ts.cr();
  const TextStyle style{.size = 7, .color = kMuted};
  const double swatch = 14, gap = 12, line_h = 11;
  double cx = x, cy = y;
  for (const LegendEntry& e : entries) {
    const double w = swatch + 3 + ts.Width(e.text, style) + (e.kind == LegendEntry::kTriangles ? 10 : 0);
    if (cx > x && cx + w > x + width) {
      cx = x;
      cy += line_h;
    }
    if (draw) {
      const double my = cy + 5;
      switch (e.kind) {
        case LegendEntry::kDot:
          cairo_arc(cr, cx + swatch / 2, my, 1.8, 0, 2 * M_PI);
          SetColor(cr, e.color);
          cairo_fill(cr);
          break;
        case LegendEntry::kLine: HLine(cr, cx, cx + swatch, my, e.color, 1.6, false); break;
        case LegendEntry::kDashed: HLine(cr, cx, cx + swatch, my, e.color, 1.0, true); break;
        case LegendEntry::kFill: Rect(cr, cx, my - 3.5, swatch, 7, e.color, 0.35); break;
        case LegendEntry::kTick:
          cairo_set_line_width(cr, 1.2);
          SetColor(cr, e.color);
          cairo_move_to(cr, cx + swatch / 2, my - 3.5);
          cairo_line_to(cr, cx + swatch / 2, my + 3.5);
          cairo_stroke(cr);
          break;
        case LegendEntry::kTriangles:
          for (int i = 0; i < 3; ++i) Triangle(cr, cx + 3 + i * 8, my, 5, kSeverity[i]);
          break;
      }
      const double text_x = cx + swatch + 3 + (e.kind == LegendEntry::kTriangles ? 10 : 0);
      ts.Draw(text_x, cy, -1, e.text, style);
    }
    cx += w + gap;
  }
  return cy - y + line_h;
}

std::vector<LegendEntry> LegendEntries(const ChartModel& c, const ReportLocale& L) {
  std::vector<LegendEntry> e = {
      {LegendEntry::kDot, kDots, L.T("daily pain")},
      {LegendEntry::kLine, kMean, L.T("7-day mean")},
      {LegendEntry::kDashed, kBaseline, L.T("baseline mean")},
      {LegendEntry::kDashed, kThreshold, L.T("{pct} below baseline", {{"pct", L.Percent("30")}})},
      {LegendEntry::kFill, kDose, L.T("planned dose")},
      {LegendEntry::kTick, kMissed, L.T("dose not taken")},
      {LegendEntry::kTriangles, kInk, L.T("side effect: mild, moderate, severe")},
  };
  if (c.primary_window) e.push_back({LegendEntry::kFill, kWindow, L.T("evaluation window of the verdict")});
  return e;
}

}  // namespace

void DrawPainChart(Typesetter& ts, const ChartModel& c, double x, double y, double width, double height,
                   const ReportLocale& L) {
  assert(c.first_day <= c.last_day);
  cairo_t* cr = ts.cr();
  cairo_save(cr);
  const TextStyle axis{.size = 7, .color = kMuted};
  const TextStyle lane_label{.size = 6.5, .color = kMuted, .align = Align::kRight};

  // Vertical budget, top to bottom.
  const std::vector<LegendEntry> legend = LegendEntries(c, L);
  const double left = 36, right = 46;  // right: labels of the reference lines
  const double pw = width - left - right;
  const double legend_h = Legend(ts, legend, x + left, 0, pw, /*draw=*/false);
  const double top_pad = 13, lane_gap = 5, dose_h = 30, se_h = 11, axis_h = 24;
  const double panel_h = height - top_pad - lane_gap - dose_h - lane_gap - se_h - axis_h - legend_h - 4;
  assert(panel_h > 40);
  const double px = x + left, py = y + top_pad;
  const double dose_y = py + panel_h + lane_gap;
  const double se_y = dose_y + dose_h + lane_gap;
  const double axis_y = se_y + se_h + 3;

  const int n_days = c.last_day - c.first_day + 1;
  const double dx = pw / n_days;
  auto X = [&](double day) { return px + (day - c.first_day + 0.5) * dx; };  // centre of a day
  auto XEdge = [&](int day) { return px + (day - c.first_day) * dx; };       // left edge of a day
  auto Y = [&](double pain) { return py + panel_h * (1.0 - pain / 10.0); };

  // Pain panel: baseline band, evaluation window, grid.
  if (c.baseline_last_day >= c.baseline_first_day) {
    const double bx = XEdge(c.baseline_first_day), bw = XEdge(c.baseline_last_day + 1) - bx;
    Rect(cr, bx, py, bw, panel_h, kBaselineBand, 1.0);
    const std::string long_label = L.T("Baseline, before LDN");
    const std::string label = ts.Width(long_label, axis) + 6 < bw ? long_label : L.T("Baseline");
    if (ts.Width(label, axis) + 4 < bw) ts.Draw(bx + 3, py - 11, -1, label, axis);
  }
  if (c.primary_window) {
    const double wx = XEdge(c.primary_window->first_day), ww = XEdge(c.primary_window->last_day + 1) - wx;
    Rect(cr, wx, py, ww, panel_h, kWindow, 0.22);
    ts.Draw(wx + ww / 2, py - 11, -1, c.primary_window->label,
            TextStyle{.size = 7, .bold = true, .color = kInk, .align = Align::kCenter});
  }
  for (int v = 0; v <= 10; v += 2) {
    HLine(cr, px, px + pw, Y(v), kGrid, 0.6, false);
    ts.Draw(px - 4, Y(v) - 4.5, -1, std::to_string(v), TextStyle{.size = 7, .color = kMuted, .align = Align::kRight});
  }
  {
    cairo_save(cr);
    cairo_translate(cr, x + 6, py + panel_h / 2);
    cairo_rotate(cr, -M_PI / 2);
    ts.Draw(0, -4, -1, L.T("Pain (0\u201310)"), TextStyle{.size = 7, .color = kMuted, .align = Align::kCenter});
    cairo_restore(cr);
  }
  // First dose.
  if (c.first_day <= 0 && c.last_day >= 0) {
    cairo_set_line_width(cr, 0.8);
    SetColor(cr, kBaseline);
    cairo_move_to(cr, XEdge(0), py);
    cairo_line_to(cr, XEdge(0), se_y + se_h);
    cairo_stroke(cr);
  }
  // Reference lines, labelled at the right end.
  HLine(cr, px, px + pw, Y(c.baseline_mean), kBaseline, 1.0, true);
  HLine(cr, px, px + pw, Y(c.response_threshold), kThreshold, 1.0, true);
  // Labels beside the panel, pushed apart when the two lines are close.
  const TextStyle ref_label{.size = 6.5, .color = kBaseline};
  TextStyle thr_label = ref_label;
  thr_label.color = kThreshold;
  const double base_y = Y(c.baseline_mean) - 4.5;
  const double thr_y = std::max(Y(c.response_threshold) - 4.5, base_y + 8.5);
  ts.Draw(px + pw + 3, base_y, -1, L.T("baseline {mean}", {{"mean", L.Number(c.baseline_mean, 1)}}), ref_label);
  ts.Draw(px + pw + 3, thr_y, -1, L.Percent("\u221230") + " " + L.Number(c.response_threshold, 1), thr_label);
  // Time to response.
  if (c.response_day && *c.response_day >= c.first_day && *c.response_day <= c.last_day) {
    cairo_save(cr);
    const double dash[] = {1.5, 1.5};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_line_width(cr, 0.9);
    SetColor(cr, kResponse);
    cairo_move_to(cr, X(*c.response_day), Y(10));
    cairo_line_to(cr, X(*c.response_day), py + panel_h);
    cairo_stroke(cr);
    cairo_restore(cr);
    ts.Draw(X(*c.response_day) + 3, Y(10) + 1, -1, L.T("response from day {n}", {{"n", *c.response_day}}),
            TextStyle{.size = 6.5, .color = kResponse});
  }
  // Daily ratings and the rolling mean.
  SetColor(cr, kDots, 0.85);
  const double r = std::clamp(dx * 0.32, 1.0, 2.2);
  for (const ChartPoint& p : c.pain) {
    cairo_new_sub_path(cr);
    cairo_arc(cr, X(p.day), Y(p.value), r, 0, 2 * M_PI);
  }
  cairo_fill(cr);
  cairo_set_line_width(cr, 1.7);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  SetColor(cr, kMean);
  for (const auto& run : c.rolling_mean) {
    for (size_t i = 0; i < run.size(); ++i) {
      if (i == 0) {
        cairo_move_to(cr, X(run[i].day), Y(run[i].value));
      } else {
        cairo_line_to(cr, X(run[i].day), Y(run[i].value));
      }
    }
    if (run.size() == 1) cairo_rel_line_to(cr, 0.01, 0);
    cairo_stroke(cr);
  }
  cairo_set_line_width(cr, 0.8);
  SetColor(cr, kFrame);
  cairo_rectangle(cr, px, py, pw, panel_h);
  cairo_stroke(cr);

  // Dose lane: the plan as a step area on its own mg scale.
  ts.Draw(px - 4, dose_y + 4, -1, L.T("Dose"), lane_label);
  ts.Draw(px - 4, dose_y + 13, -1, "mg", lane_label);
  const double dose_top = c.max_dose_mg > 0 ? c.max_dose_mg * 1.35 : 1.0;
  auto DY = [&](double mg) { return dose_y + dose_h * (1.0 - mg / dose_top); };
  for (const DoseSegment& s : c.doses) {
    if (s.mg <= 0) continue;
    const double sx = XEdge(s.first_day), sw = XEdge(s.last_day + 1) - sx;
    Rect(cr, sx, DY(s.mg), sw, dose_y + dose_h - DY(s.mg), kDose, 0.18);
    std::string label = FormatMilligrams(s.mg);
    if (L.decimal != '.') std::replace(label.begin(), label.end(), '.', L.decimal);
    const TextStyle dose_text{.size = 6.5, .bold = true, .color = kDose, .align = Align::kCenter};
    // Inside the shaded step when it is tall enough, else just above its line.
    const double inside = DY(s.mg) + 1.5, above = DY(s.mg) - 9;
    const double ly = inside + 8 <= dose_y + dose_h ? inside : above;
    if (ts.Width(label, dose_text) + 4 < sw && ly >= dose_y) ts.Draw(sx + sw / 2, ly, -1, label, dose_text);
  }
  cairo_set_line_width(cr, 1.3);
  SetColor(cr, kDose);
  bool started = false;
  for (const DoseSegment& s : c.doses) {
    if (!started) {
      cairo_move_to(cr, XEdge(s.first_day), DY(s.mg));
      started = true;
    } else {
      cairo_line_to(cr, XEdge(s.first_day), DY(s.mg));
    }
    cairo_line_to(cr, XEdge(s.last_day + 1), DY(s.mg));
  }
  if (started) cairo_stroke(cr);
  cairo_set_line_width(cr, std::clamp(dx * 0.5, 0.6, 1.4));
  SetColor(cr, kMissed);
  for (int day : c.missed_dose_days) {
    cairo_move_to(cr, X(day), dose_y);
    cairo_line_to(cr, X(day), dose_y + 5);
  }
  cairo_stroke(cr);
  cairo_set_line_width(cr, 0.8);
  SetColor(cr, kFrame);
  cairo_rectangle(cr, px, dose_y, pw, dose_h);
  cairo_stroke(cr);

  // Side-effect lane.
  ts.Draw(px - 4, se_y + 1.5, -1, L.T("Side eff."), lane_label);
  const double tri = std::clamp(dx * 0.9, 3.0, 6.0);
  for (const SideEffectMark& m : c.side_effects) {
    Triangle(cr, X(m.day), se_y + se_h / 2, tri, kSeverity[std::clamp(m.max_severity, 1, 3) - 1]);
  }
  HLine(cr, px, px + pw, se_y + se_h, kFrame, 0.8, false);

  // Day axis: ticks on multiples of a week step, day number over the date.
  auto origin = ParseDate(c.first_dose_date, "chart.first_dose_date");
  const int step = TickStep(n_days, 9);
  const int first_tick = static_cast<int>(std::ceil(static_cast<double>(c.first_day) / step)) * step;
  cairo_set_line_width(cr, 0.6);
  for (int d = first_tick; d <= c.last_day; d += step) {
    SetColor(cr, kFrame);
    cairo_move_to(cr, X(d), se_y + se_h);
    cairo_line_to(cr, X(d), se_y + se_h + 3);
    cairo_stroke(cr);
    const TextStyle tick{.size = 7, .color = kInk, .align = Align::kCenter};
    ts.Draw(X(d), axis_y, -1, FormatInteger(d), tick);
    const TextStyle date_style{.size = 6.5, .color = kMuted, .align = Align::kCenter};
    // A date that would run into the lane's label on the left ("date") is left out.
    if (const std::string date = origin.ok() ? ShortDate(L, *origin, d) : std::string();
        !date.empty() && X(d) - ts.Width(date, date_style) / 2 >= px - 10)
      ts.Draw(X(d), axis_y + 8.5, -1, date, date_style);
  }
  ts.Draw(px - 12, axis_y, -1, L.T("day"), lane_label);
  ts.Draw(px - 12, axis_y + 8.5, -1, L.T("date"), lane_label);

  Legend(ts, legend, px, axis_y + axis_h - 2, pw, /*draw=*/true);
  (void)axis;
  cairo_restore(cr);
}

namespace {

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Prefixes every id="..." definition and every "#..." reference (url(#x), href="#x") with
// `prefix`: cairo names its glyphs and clips "glyph0-1", "clip1" in every document it writes.
std::string PrefixSvgIds(const std::string& svg, const std::string& prefix) {
  std::string out;
  out.reserve(svg.size() + svg.size() / 20);
  for (size_t i = 0; i < svg.size();) {
    if (svg.compare(i, 4, "id=\"") == 0) {
      out += "id=\"" + prefix;
      i += 4;
    } else if (svg.compare(i, 6, "url(#") == 0) {
      out += "url(#" + prefix;
      i += 5;
    } else if (svg.compare(i, 7, "href=\"#") == 0) {
      out += "href=\"#" + prefix;
      i += 7;
    } else {
      out += svg[i++];
    }
  }
  return out;
}

}  // namespace

Result<std::string> RenderPainChartSvg(const ChartModel& chart, double width, double height,
                                       const std::string& id_prefix) {
  std::string svg;
  cairo_surface_t* surface = cairo_svg_surface_create_for_stream(AppendToString, &svg, width, height);
  cairo_svg_surface_restrict_to_version(surface, CAIRO_SVG_VERSION_1_1);
  cairo_t* cr = cairo_create(surface);
  {
    Typesetter ts(cr);
    DrawPainChart(ts, chart, 0, 0, width, height);
  }
  const cairo_status_t draw_status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t surface_status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (draw_status != CAIRO_STATUS_SUCCESS || surface_status != CAIRO_STATUS_SUCCESS) {
    return Status::Internal(
        fmt::format("cairo could not draw the chart: {}",
                    cairo_status_to_string(draw_status != CAIRO_STATUS_SUCCESS ? draw_status : surface_status)));
  }
  if (id_prefix.empty()) return svg;
  return PrefixSvgIds(svg, id_prefix);
}

}  // namespace ldn::report
