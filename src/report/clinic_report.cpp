#include "report/clinic_report.h"

#include <algorithm>
#include <cassert>
#include <functional>
#include <memory>
#include <numeric>
#include <utility>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fmt/format.h>

#include "report/pain_chart.h"
#include "report/typesetter.h"

namespace ldn::report {
namespace {

// ---- Look -----------------------------------------------------------------------------------

constexpr Rgb kInk = Hex(0x1c1f23);
constexpr Rgb kMuted = Hex(0x5f6670);
constexpr Rgb kRule = Hex(0xc9ced5);
constexpr Rgb kAccent = Hex(0x1d4f91);
constexpr Rgb kZebra = Hex(0xf5f7f9);
constexpr Rgb kBoxTint = Hex(0xf2f5f9);
constexpr Rgb kTileBorder = Hex(0xd5dae1);

const TextStyle kBody{.size = 8.6, .line_spacing = 1.05};
const TextStyle kSmall{.size = 7.3, .color = kMuted};
const TextStyle kH1{.size = 12, .bold = true, .color = kAccent};
const TextStyle kH2{.size = 9.5, .bold = true};
const TextStyle kCell{.size = 7.6};
const TextStyle kHeadCell{.size = 7.0, .bold = true, .color = kMuted};

// Margins: 15 mm at the sides (42.5 pt), room for the running header and the footer.
constexpr double kSide = 42.5;
constexpr double kTop = 40;
constexpr double kBottom = 44;
constexpr double kRunningHeader = 20;  // pages after the first

Rgb ToneColor(const std::string& tone) {
  if (tone == "improved") return Hex(0x2f7d4f);
  if (tone == "unclear") return Hex(0xc08a1a);
  if (tone == "not_improved") return Hex(0x6b7280);
  return Hex(0x5b7db1);  // too early
}

// ---- Blocks and pagination --------------------------------------------------------------------

// A unit of content that is never split across pages. measure and draw must agree.
struct Block {
  std::function<double(Typesetter&, double width)> measure;
  std::function<void(Typesetter&, double x, double y, double width)> draw;
  double space_before = 0;  // dropped at the top of a page
  bool break_before = false;
  bool keep_with_next = false;  // headings: moved to the next page with the block after them
};

struct Placement {
  int page = 0;
  double y = 0;
};

struct Layout {
  std::vector<Placement> placements;  // one per block
  int pages = 1;
};

double ContentTop(int page) {
  return kTop + (page == 0 ? 0 : kRunningHeader);
}

Layout Paginate(Typesetter& ts, const std::vector<Block>& blocks, PageSize size) {
  const double width = size.width - 2 * kSide;
  const double bottom = size.height - kBottom;
  std::vector<double> heights;
  heights.reserve(blocks.size());
  for (const Block& b : blocks) heights.push_back(b.measure(ts, width));
  Layout layout;
  int page = 0;
  double y = ContentTop(0);
  for (size_t i = 0; i < blocks.size(); ++i) {
    const Block& b = blocks[i];
    const bool at_top = y <= ContentTop(page) + 0.01;
    if (b.break_before && !at_top) {
      ++page;
      y = ContentTop(page);
    }
    double need = (y <= ContentTop(page) + 0.01 ? 0 : b.space_before) + heights[i];
    if (b.keep_with_next && i + 1 < blocks.size()) need += blocks[i + 1].space_before + heights[i + 1];
    // A block taller than a page is placed at the top of its own page and clipped there.
    if (y + need > bottom && !(y <= ContentTop(page) + 0.01)) {
      ++page;
      y = ContentTop(page);
    }
    if (y > ContentTop(page) + 0.01) y += b.space_before;
    layout.placements.push_back({page, y});
    y += heights[i];
  }
  layout.pages = page + 1;
  return layout;
}

// ---- Building blocks --------------------------------------------------------------------------

Block Text(std::string text, TextStyle style, double space_before = 0, bool markup = false) {
  auto t = std::make_shared<std::string>(std::move(text));
  Block b;
  b.measure = [t, style, markup](Typesetter& ts, double w) { return ts.Height(*t, w, style, markup); };
  b.draw = [t, style, markup](Typesetter& ts, double x, double y, double w) { ts.Draw(x, y, w, *t, style, markup); };
  b.space_before = space_before;
  return b;
}

Block Heading(std::string text, const TextStyle& style, double space_before) {
  Block b = Text(std::move(text), style, space_before);
  auto inner_measure = b.measure;
  b.measure = [inner_measure](Typesetter& ts, double w) { return inner_measure(ts, w) + 4; };
  b.keep_with_next = true;
  return b;
}

// Bulleted list: returns the height; draws when `draw`.
double Bullets(Typesetter& ts, const std::vector<std::string>& items, double x, double y, double w,
               const TextStyle& style, bool draw, double gap = 2.5) {
  double h = 0;
  for (size_t i = 0; i < items.size(); ++i) {
    if (draw) ts.Draw(x, y + h, -1, "\u2022", style);
    h += draw ? ts.Draw(x + 9, y + h, w - 9, items[i], style) : ts.Height(items[i], w - 9, style);
    if (i + 1 < items.size()) h += gap;
  }
  return h;
}

Block BulletBlock(std::vector<std::string> items, TextStyle style, double space_before = 0) {
  auto v = std::make_shared<std::vector<std::string>>(std::move(items));
  Block b;
  b.measure = [v, style](Typesetter& ts, double w) { return Bullets(ts, *v, 0, 0, w, style, false); };
  b.draw = [v, style](Typesetter& ts, double x, double y, double w) { Bullets(ts, *v, x, y, w, style, true); };
  b.space_before = space_before;
  return b;
}

// Column widths: natural widths, widened evenly to the full width, or -- when too wide -- the
// text columns narrowed (they wrap) in proportion to their natural widths.
std::vector<double> ColumnWidths(Typesetter& ts, const Table& t, double width) {
  constexpr double kPad = 8;
  const size_t n = t.header.size();
  std::vector<double> natural(n, 0);
  for (size_t i = 0; i < n; ++i) {
    natural[i] = ts.Width(t.header[i], kHeadCell) + kPad;
    for (const auto& row : t.rows) natural[i] = std::max(natural[i], ts.Width(row[i], kCell) + kPad);
  }
  const double total = std::accumulate(natural.begin(), natural.end(), 0.0);
  if (total <= width) {
    const double extra = (width - total) / static_cast<double>(n);
    for (double& w : natural) w += extra;
    return natural;
  }
  double fixed = 0, flexible = 0;
  for (size_t i = 0; i < n; ++i) (t.numeric[i] ? fixed : flexible) += natural[i];
  const double room = std::max(width - fixed, 40.0 * static_cast<double>(n));
  for (size_t i = 0; i < n; ++i) {
    if (!t.numeric[i]) natural[i] = std::max(36.0, room * natural[i] / std::max(flexible, 1.0));
  }
  return natural;
}

// Draws (or measures) a table; returns its height.
double DrawTable(Typesetter& ts, const Table& t, double x, double y, double width, bool draw) {
  if (t.rows.empty()) return 0;
  const std::vector<double> cols = ColumnWidths(ts, t, width);
  constexpr double kPadX = 4, kPadY = 2.6;
  cairo_t* cr = ts.cr();
  auto row_height = [&](const std::vector<std::string>& cells, const TextStyle& style) {
    double h = 0;
    for (size_t i = 0; i < cells.size(); ++i) h = std::max(h, ts.Height(cells[i], cols[i] - 2 * kPadX, style));
    return h + 2 * kPadY;
  };
  auto draw_row = [&](const std::vector<std::string>& cells, const TextStyle& base, double ry) {
    double cx = x;
    for (size_t i = 0; i < cells.size(); ++i) {
      TextStyle s = base;
      s.align = t.numeric[i] ? Align::kRight : Align::kLeft;
      ts.Draw(cx + kPadX, ry + kPadY, cols[i] - 2 * kPadX, cells[i], s);
      cx += cols[i];
    }
  };
  double h = row_height(t.header, kHeadCell);
  if (draw) {
    draw_row(t.header, kHeadCell, y);
    cairo_set_line_width(cr, 0.8);
    SetColor(cr, kRule);
    cairo_move_to(cr, x, y + h);
    cairo_line_to(cr, x + width, y + h);
    cairo_stroke(cr);
  }
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const double rh = row_height(t.rows[r], kCell);
    if (draw) {
      if (r % 2 == 1) {
        cairo_rectangle(cr, x, y + h, width, rh);
        SetColor(cr, kZebra);
        cairo_fill(cr);
      }
      draw_row(t.rows[r], kCell, y + h);
    }
    h += rh;
  }
  if (draw) {
    cairo_set_line_width(cr, 0.6);
    SetColor(cr, kRule);
    cairo_move_to(cr, x, y + h);
    cairo_line_to(cr, x + width, y + h);
    cairo_stroke(cr);
  }
  return h;
}

// A table cut into blocks of at most `max_rows` body rows, each repeating the header.
void AddTable(std::vector<Block>& out, const Table& table, double space_before, size_t max_rows = 28) {
  for (size_t start = 0; start < table.rows.size(); start += max_rows) {
    auto part = std::make_shared<Table>();
    part->header = table.header;
    part->numeric = table.numeric;
    part->rows.assign(table.rows.begin() + static_cast<std::ptrdiff_t>(start),
                      table.rows.begin() + static_cast<std::ptrdiff_t>(std::min(table.rows.size(), start + max_rows)));
    Block b;
    b.measure = [part](Typesetter& ts, double w) { return DrawTable(ts, *part, 0, 0, w, false); };
    b.draw = [part](Typesetter& ts, double x, double y, double w) { DrawTable(ts, *part, x, y, w, true); };
    b.space_before = start == 0 ? space_before : 0;
    out.push_back(std::move(b));
  }
}

// ---- Page 1 -------------------------------------------------------------------------------------

// A model's ISO date ("2026-03-16") as the report's language writes dates.
std::string DateIn(const ReportLocale& L, const std::string& iso) {
  auto d = ParseDate(iso, "date");
  return d.ok() ? L.Date(*d) : iso;
}

double TitleBlock(Typesetter& ts, const ReportModel& m, double x, double y, double w, bool draw) {
  const TextStyle title{.size = 17, .bold = true, .color = kInk};
  const TextStyle patient{.size = 10, .bold = true, .align = Align::kRight};
  const TextStyle patient_sub{.size = 7.8, .color = kMuted, .align = Align::kRight};
  const double right_w = 190;
  double h = draw ? ts.Draw(x, y, w - right_w, m.title, title) : ts.Height(m.title, w - right_w, title);
  if (draw) {
    ts.Draw(x + w - right_w, y + 1, right_w, m.locale.T("Patient {id}", {{"id", m.patient_id}}), patient);
    ts.Draw(x + w - right_w, y + 15, right_w, m.locale.T("Time zone {zone}", {{"zone", m.time_zone}}), patient_sub);
  }
  h = std::max(h, 26.0) + 3;
  std::string sub = m.period + " \u00b7 " + m.locale.T("first dose {date}", {{"date", DateIn(m.locale, m.first_dose)}});
  if (!m.generated_on.empty())
    sub += " \u00b7 " + m.locale.T("generated {date}", {{"date", DateIn(m.locale, m.generated_on)}});
  h += draw ? ts.Draw(x, y + h, w, sub, TextStyle{.size = 8, .color = kMuted})
            : ts.Height(sub, w, TextStyle{.size = 8, .color = kMuted});
  h += 5;
  if (draw) {
    cairo_set_line_width(ts.cr(), 1.2);
    SetColor(ts.cr(), kAccent);
    cairo_move_to(ts.cr(), x, y + h);
    cairo_line_to(ts.cr(), x + w, y + h);
    cairo_stroke(ts.cr());
  }
  return h + 2;
}

double VerdictBox(Typesetter& ts, const ReportModel& m, double x, double y, double w, bool draw) {
  constexpr double kPad = 10, kBar = 4;
  const double ix = x + kBar + kPad, iw = w - kBar - 2 * kPad;
  cairo_t* cr = ts.cr();
  // Measure first so the background is drawn under the text.
  double h = kPad;
  auto add = [&](double dy) { h += dy; };
  const TextStyle label{.size = 6.8, .bold = true, .color = kMuted};
  const TextStyle headline{.size = 12, .bold = true, .color = kInk, .line_spacing = 1.0};
  const TextStyle limits_head{.size = 8.6, .bold = true, .color = kInk};
  const TextStyle limits{.size = 8.2, .color = kInk, .line_spacing = 1.05};
  const TextStyle sources{.size = 6.8, .italic = true, .color = kMuted};
  auto run = [&](bool d) {
    h = kPad;
    const std::string verdict = m.locale.T("VERDICT");
    add((d ? ts.Draw(ix, y + h, iw, verdict, label) : ts.Height(verdict, iw, label)) + 2);
    add((d ? ts.Draw(ix, y + h, iw, m.headline, headline) : ts.Height(m.headline, iw, headline)) + 5);
    add(Bullets(ts, m.findings, ix, y + h, iw, kBody, d) + 7);
    const std::string head = m.locale.T("What this before/after comparison cannot tell");
    add((d ? ts.Draw(ix, y + h, iw, head, limits_head) : ts.Height(head, iw, limits_head)) + 3);
    add(Bullets(ts, m.limits, ix, y + h, iw, limits, d) + 4);
    add((d ? ts.Draw(ix, y + h, iw, m.limits_sources, sources) : ts.Height(m.limits_sources, iw, sources)) + kPad);
  };
  run(false);
  if (draw) {
    cairo_rectangle(cr, x, y, w, h);
    SetColor(cr, kBoxTint);
    cairo_fill(cr);
    cairo_rectangle(cr, x, y, kBar, h);
    SetColor(cr, ToneColor(m.verdict_tone));
    cairo_fill(cr);
    run(true);
  }
  return h;
}

double KeyFigures(Typesetter& ts, const std::vector<KeyFigure>& figures, double x, double y, double w, bool draw) {
  if (figures.empty()) return 0;
  constexpr double kGap = 7, kPad = 6;
  const double n = static_cast<double>(figures.size());
  const double tw = (w - kGap * (n - 1)) / n;
  const TextStyle label{.size = 6.6, .bold = true, .color = kMuted};
  // A value too wide for its tile at 14 pt is set smaller rather than wrapped.
  auto value_style = [&](const std::string& v) {
    const TextStyle large{.size = 14, .bold = true, .color = kInk};
    return ts.Width(v, large) <= tw - 2 * kPad ? large : TextStyle{.size = 10.5, .bold = true, .color = kInk};
  };
  const TextStyle detail{.size = 7, .color = kMuted};
  double h = 0;
  for (const KeyFigure& f : figures) {
    const double th =
        kPad + ts.Height(f.label, tw - 2 * kPad, label) + 1 +
        std::max(ts.Height(f.value, tw - 2 * kPad, value_style(f.value)), ts.Height("0", tw, value_style("0"))) + 1 +
        ts.Height(f.detail, tw - 2 * kPad, detail) + kPad;
    h = std::max(h, th);
  }
  if (!draw) return h;
  cairo_t* cr = ts.cr();
  for (size_t i = 0; i < figures.size(); ++i) {
    const double tx = x + static_cast<double>(i) * (tw + kGap);
    cairo_set_line_width(cr, 0.8);
    SetColor(cr, kTileBorder);
    cairo_rectangle(cr, tx + 0.4, y + 0.4, tw - 0.8, h - 0.8);
    cairo_stroke(cr);
    double ty = y + kPad;
    ty += ts.Draw(tx + kPad, ty, tw - 2 * kPad, figures[i].label, label) + 1;
    const TextStyle vs = value_style(figures[i].value);
    const double line = ts.Height("0", tw, value_style("0"));
    // A smaller value sits on the same baseline as its neighbours.
    const double vh = ts.Height(figures[i].value, tw - 2 * kPad, vs);
    ts.Draw(tx + kPad, ty + std::max(0.0, line - vh) * 0.8, tw - 2 * kPad, figures[i].value, vs);
    ty += std::max(line, vh) + 1;
    ts.Draw(tx + kPad, ty, tw - 2 * kPad, figures[i].detail, detail);
  }
  return h;
}

// What the one-page summary holds besides its head (the title, the verdict, the key figures and
// the chart): each part is left out, in this order, until the page fits.
struct SummaryParts {
  bool side_effect_table = true;
  bool item_table = true;
};

// The summary's line under the title: what it is and what only the full report has.
Block SummaryNote(const ReportModel& m, const SummaryParts& summary, int full_pages) {
  const bool item_table_left_out = !m.item_summary.rows.empty() && !summary.item_table;
  std::string note = m.locale.T(
      item_table_left_out
          ? "One-page summary for an appointment. The full report ({n} pages) adds the table of every item's change, "
            "each item's results with intervals, the pain at each dose, the doses taken, missing diary days, rescue "
            "medication, the patient's notes, the methods and the sources."
          : "One-page summary for an appointment. The full report ({n} pages) adds each item's results with "
            "intervals, the pain at each dose, the doses taken, missing diary days, rescue medication, the "
            "patient's notes, the methods and the sources.",
      {{"n", full_pages}});
  return Text(note, kSmall, 2);
}

// The first page's content: the head, the side effects, every item's change. `summary`: the
// one-page summary's parts and its note (`full_pages`: the full report's page count).
std::vector<Block> FirstPageBlocks(const std::shared_ptr<const ReportModel>& m, const SummaryParts* summary,
                                   int full_pages) {
  std::vector<Block> out;
  out.push_back({[m](Typesetter& ts, double w) { return TitleBlock(ts, *m, 0, 0, w, false); },
                 [m](Typesetter& ts, double x, double y, double w) { TitleBlock(ts, *m, x, y, w, true); }});
  if (summary) out.push_back(SummaryNote(*m, *summary, full_pages));
  out.push_back({[m](Typesetter& ts, double w) { return VerdictBox(ts, *m, 0, 0, w, false); },
                 [m](Typesetter& ts, double x, double y, double w) { VerdictBox(ts, *m, x, y, w, true); }, 8});
  out.push_back({[m](Typesetter& ts, double w) { return KeyFigures(ts, m->key_figures, 0, 0, w, false); },
                 [m](Typesetter& ts, double x, double y, double w) { KeyFigures(ts, m->key_figures, x, y, w, true); },
                 9});
  // The summary's chart is lower, to leave room for the side effects on Letter paper too.
  const double chart_height = summary ? 196 : 236;
  const ReportLocale& L = m->locale;
  out.push_back(Heading(L.T("Pain, dose and side effects day by day"), kH2, 10));
  out.push_back({[chart_height](Typesetter&, double) { return chart_height; },
                 [m, chart_height](Typesetter& ts, double x, double y, double w) {
                   DrawPainChart(ts, m->chart, x, y, w, chart_height, m->locale);
                 },
                 2});
  // Side effects on the summary: the table when short, else the count (details follow).
  const bool side_table = m->side_effects.rows.size() <= 5 && (!summary || summary->side_effect_table);
  if (m->side_effects.rows.empty()) {
    out.push_back(Text(L.T("Side effects: none reported in the diary."), kBody, 10));
  } else if (side_table) {
    out.push_back(Heading(L.T("Side effects"), kH2, 8));
    AddTable(out, m->side_effects, 0);
  } else {
    const size_t kinds = m->side_effects.rows.size();
    out.push_back(Text(summary ? L.T("Side effects: {n} kinds reported; the table is in the full report.",
                                     {{"n", static_cast<int>(kinds)}})
                               : L.T("Side effects: {n} kinds reported; the table is on the next pages.",
                                     {{"n", static_cast<int>(kinds)}}),
                       kBody, 10));
  }

  // Every item's change and what it means, after the pain chart (it may start the next page).
  if (!m->item_summary.rows.empty() && (!summary || summary->item_table)) {
    out.push_back(Heading(L.T("Every item in the evaluation window"), kH2, 10));
    AddTable(out, m->item_summary, 0);
  }
  return out;
}

std::vector<Block> BuildBlocks(const ReportModel& model) {
  auto m = std::make_shared<const ReportModel>(model);
  std::vector<Block> out = FirstPageBlocks(m, nullptr, 0);
  const ReportLocale& L = m->locale;

  // Details.
  Block details = Heading(L.T("Results by diary item"), kH1, 0);
  details.break_before = true;
  out.push_back(std::move(details));
  out.push_back(
      Text(L.T("Each item's mean in the baseline and in every evaluation window, the change against the baseline "
               "and its 95% interval. Interval method: AR(1)-adjusted effective sample size with a Welch t "
               "quantile (Wilks 2011; Kendall 1954; Welch 1947), described under Methods."),
           kBody, 0));
  for (const ItemDetail& d : m->items) {
    out.push_back(Heading(d.title + "  \u00b7  " + d.scale, kH2, 10));
    AddTable(out, d.table, 0);
    if (!d.notes.empty()) out.push_back(BulletBlock(d.notes, kSmall, 3));
  }
  out.push_back(Heading(L.T("Pain at each dose (within-patient dose\u2013response)"), kH1, 16));
  if (m->dose_response.rows.empty()) {
    out.push_back(Text(L.T("No 14-day window on an unchanged dose yet."), kBody));
  } else {
    out.push_back(
        Text(L.T("Mean pain in each 14-day block on an unchanged dose, against the baseline. The first block of a "
                 "step includes any onset lag; later blocks on the same dose show the pain after it."),
             kBody));
    AddTable(out, m->dose_response, 4);
  }
  out.push_back(Heading(L.T("Side effects"), kH1, 16));
  if (m->side_effects.rows.empty()) {
    out.push_back(Text(L.T("None reported."), kBody));
  } else {
    AddTable(out, m->side_effects, 0);
  }
  out.push_back(Heading(L.T("Doses taken"), kH1, 16));
  AddTable(out, m->adherence, 0);
  out.push_back(Heading(L.T("Dose deviations"), kH2, 10));
  if (m->deviations.rows.empty()) {
    out.push_back(Text(L.T("None: every dose taken was the plan's."), kBody));
  } else {
    out.push_back(Text(L.T("Doses taken that differ from the plan; the analysis uses them as taken."), kBody));
    AddTable(out, m->deviations, 4);
  }
  out.push_back(Heading(L.T("Missing diary days"), kH1, 16));
  out.push_back(Text(L.T("Counted between the first and the last diary entry. Missing days are never filled in: every "
                         "mean uses only the days with a rating."),
                     kBody));
  AddTable(out, m->missing, 4);
  out.push_back(Heading(L.T("Rescue medication"), kH1, 16));
  out.push_back(Text(L.T("Diary days on which the patient recorded a rescue or other pain medication."), kBody));
  AddTable(out, m->rescue, 4);
  out.push_back(Heading(L.T("Patient notes"), kH1, 16));
  if (m->notes.empty()) out.push_back(Text(L.T("No notes in the diary."), kBody));
  for (const PatientNote& n : m->notes) {
    // Patient text is shown literally (escaped markup), never interpreted.
    const std::string when = EscapeMarkup(L.T("{date} (day {day})", {{"date", n.date}, {"day", FormatInteger(n.day)}}));
    out.push_back(Text(fmt::format("<b>{}</b>  {}", when, EscapeMarkup(n.text)), kBody, 3,
                       /*markup=*/true));
  }
  if (!m->clinician_decisions.empty()) {
    out.push_back(Heading(L.T("Clinician decisions at the safety gates"), kH1, 16));
    out.push_back(Text(L.T("Overrides of the course gate and discarded courses, each with the clinician's reason "
                           "(docs/safety.md)."),
                       kBody));
    for (const std::string& line : m->clinician_decisions) out.push_back(BulletBlock({line}, kBody, 3));
  }
  out.push_back(Heading(L.T("Methods"), kH1, 16));
  // The method is a citation of statistics, in English in every language (report_model.h).
  if (L.language != "en") out.push_back(Text(L.T("The method and the sources are given in English."), kSmall));
  out.push_back(Text(m->method, kBody, L.language != "en" ? 3 : 0));
  for (size_t i = 0; i < m->definitions.size(); ++i)
    out.push_back(BulletBlock({m->definitions[i]}, kBody, i == 0 ? 6 : 2.5));
  out.push_back(Heading(L.T("Sources"), kH2, 10));
  for (size_t i = 0; i < m->sources.size(); ++i) out.push_back(BulletBlock({m->sources[i]}, kSmall, i == 0 ? 0 : 2));
  return out;
}

// ---- Pages -------------------------------------------------------------------------------------

void DrawFurniture(Typesetter& ts, const ReportModel& m, PageSize size, int page, int pages) {
  cairo_t* cr = ts.cr();
  const double w = size.width - 2 * kSide;
  if (page > 0) {
    ts.Draw(kSide, kTop - 4, w / 2, m.title + " \u00b7 " + m.locale.T("patient {id}", {{"id", m.patient_id}}), kSmall);
    TextStyle right = kSmall;
    right.align = Align::kRight;
    ts.Draw(kSide + w / 2, kTop - 4, w / 2, m.locale.T("first dose {date}", {{"date", DateIn(m.locale, m.first_dose)}}),
            right);
    cairo_set_line_width(cr, 0.6);
    SetColor(cr, kRule);
    cairo_move_to(cr, kSide, kTop + 8);
    cairo_line_to(cr, kSide + w, kTop + 8);
    cairo_stroke(cr);
  }
  const double fy = size.height - kBottom + 16;
  cairo_set_line_width(cr, 0.6);
  SetColor(cr, kRule);
  cairo_move_to(cr, kSide, fy - 4);
  cairo_line_to(cr, kSide + w, fy - 4);
  cairo_stroke(cr);
  ts.Draw(
      kSide, fy, w * 0.8,
      "ldn \u00b7 " + m.locale.T("decision support from the patient's own diary, not a diagnosis or a prescription"),
      kSmall);
  TextStyle right = kSmall;
  right.align = Align::kRight;
  ts.Draw(kSide + w * 0.8, fy, w * 0.2, m.locale.T("Page {n} of {total}", {{"n", page + 1}, {"total", pages}}), right);
}

void DrawPage(Typesetter& ts, const ReportModel& m, const std::vector<Block>& blocks, const Layout& layout,
              PageSize size, int page) {
  cairo_t* cr = ts.cr();
  cairo_save(cr);
  cairo_rectangle(cr, 0, 0, size.width, size.height);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_fill(cr);
  cairo_restore(cr);
  DrawFurniture(ts, m, size, page, layout.pages);
  const double width = size.width - 2 * kSide;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (layout.placements[i].page != page) continue;
    cairo_save(cr);
    blocks[i].draw(ts, kSide, layout.placements[i].y, width);
    cairo_restore(cr);
  }
}

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

Status CairoFailure(cairo_status_t s, std::string_view what) {
  return Status::Internal(fmt::format("cairo could not {}: {}", what, cairo_status_to_string(s)));
}

}  // namespace

Result<Scope> ParseScope(std::string_view text, std::string_view field) {
  if (text == "full") return Scope::kFull;
  if (text == "summary") return Scope::kSummary;
  return Status::InvalidArgument(std::string(field), fmt::format("unknown scope '{}': use full or summary", text));
}

Result<Paper> ParsePaper(std::string_view text, std::string_view field) {
  if (text == "a4" || text == "A4") return Paper::kA4;
  if (text == "letter") return Paper::kLetter;
  return Status::InvalidArgument(std::string(field), fmt::format("unknown paper '{}': use a4 or letter", text));
}

PageSize PaperSize(Paper paper) {
  // ISO 216 A4 is 210 x 297 mm; US Letter 8.5 x 11 in; 1 pt = 1/72 in = 25.4/72 mm.
  if (paper == Paper::kLetter) return {612.0, 792.0};
  return {210.0 / 25.4 * 72.0, 297.0 / 25.4 * 72.0};
}

namespace {

// The blocks of `scope`. The summary drops its optional parts until it fits one page (measured
// with `ts` on `size`); the head alone always fits the report models ldn makes (a test holds).
std::vector<Block> BuildScoped(Typesetter& ts, const ReportModel& model, Scope scope, PageSize size) {
  if (scope == Scope::kFull) return BuildBlocks(model);
  const int full_pages = Paginate(ts, BuildBlocks(model), size).pages;
  auto summary = std::make_shared<ReportModel>(model);
  summary->title = model.locale.T("{title}: one-page summary", {{"title", model.title}});
  const std::shared_ptr<const ReportModel> m = summary;
  for (const SummaryParts parts : {SummaryParts{true, true}, SummaryParts{true, false}, SummaryParts{false, false}}) {
    std::vector<Block> blocks = FirstPageBlocks(m, &parts, full_pages);
    if (parts.side_effect_table == false || Paginate(ts, blocks, size).pages == 1) return blocks;
  }
  return {};  // not reached: the last choice is returned
}

// The layout of `scope`: a summary keeps its first page only (BuildScoped fits it to one).
Layout LayOut(Typesetter& ts, const std::vector<Block>& blocks, PageSize size, Scope scope) {
  Layout layout = Paginate(ts, blocks, size);
  if (scope == Scope::kSummary) layout.pages = 1;
  return layout;
}

// Lays the report out on a scratch surface (measuring needs a cairo context, not a page).
std::vector<PlacedBlock> Place(const ReportModel& model, Paper paper, Scope scope, int* pages) {
  const PageSize size = PaperSize(paper);
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 1, 1);
  cairo_t* cr = cairo_create(surface);
  std::vector<PlacedBlock> out;
  {
    Typesetter ts(cr);
    const std::vector<Block> blocks = BuildScoped(ts, model, scope, size);
    const Layout layout = LayOut(ts, blocks, size, scope);
    const double width = size.width - 2 * kSide;
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (layout.placements[i].page >= layout.pages) continue;  // left out of a summary
      const double h = blocks[i].measure(ts, width);
      out.push_back({layout.placements[i].page, layout.placements[i].y, layout.placements[i].y + h});
    }
    *pages = layout.pages;
  }
  cairo_destroy(cr);
  cairo_surface_destroy(surface);
  return out;
}

}  // namespace

int CountClinicReportPages(const ReportModel& model, Paper paper, Scope scope) {
  int pages = 0;
  Place(model, paper, scope, &pages);
  return pages;
}

std::vector<PlacedBlock> LayOutClinicReport(const ReportModel& model, Paper paper, Scope scope) {
  int pages = 0;
  return Place(model, paper, scope, &pages);
}

ContentArea ClinicReportContentArea(Paper paper, int page) {
  return {ContentTop(page), PaperSize(paper).height - kBottom};
}

Result<std::string> RenderClinicReportPdf(const ReportModel& model, Paper paper, Scope scope) {
  const PageSize size = PaperSize(paper);
  std::string pdf;
  cairo_surface_t* surface = cairo_pdf_surface_create_for_stream(AppendToString, &pdf, size.width, size.height);
  cairo_pdf_surface_restrict_to_version(surface, CAIRO_PDF_VERSION_1_5);
  cairo_pdf_surface_set_metadata(
      surface, CAIRO_PDF_METADATA_TITLE,
      (model.title + " \u2013 " + model.locale.T("patient {id}", {{"id", model.patient_id}})).c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "ldn");
  // The creation date is the report's date, not the clock's second: the same model gives the
  // same bytes (reproducible documents, comparable in tests). Without a date cairo uses "now".
  if (!model.generated_on.empty()) {
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, (model.generated_on + "T00:00:00").c_str());
  }
  cairo_t* cr = cairo_create(surface);
  {
    Typesetter ts(cr);
    const std::vector<Block> blocks = BuildScoped(ts, model, scope, size);
    const Layout layout = LayOut(ts, blocks, size, scope);
    for (int page = 0; page < layout.pages; ++page) {
      DrawPage(ts, model, blocks, layout, size, page);
      cairo_show_page(cr);
    }
  }
  const cairo_status_t draw_status = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t surface_status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (draw_status != CAIRO_STATUS_SUCCESS) return CairoFailure(draw_status, "draw the report");
  if (surface_status != CAIRO_STATUS_SUCCESS) return CairoFailure(surface_status, "write the PDF");
  return pdf;
}

Result<std::vector<std::string>> RenderClinicReportPng(const ReportModel& model, Paper paper, double dpi, Scope scope) {
  if (!(dpi >= 36 && dpi <= 600)) return Status::InvalidArgument("dpi", "must be 36-600");
  const PageSize size = PaperSize(paper);
  const double scale = dpi / 72.0;
  const int pw = static_cast<int>(std::ceil(size.width * scale));
  const int ph = static_cast<int>(std::ceil(size.height * scale));
  std::vector<Block> blocks;
  std::vector<std::string> pages;
  Layout layout;
  for (int page = 0; page == 0 || page < layout.pages; ++page) {
    cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
    cairo_t* cr = cairo_create(surface);
    cairo_scale(cr, scale, scale);
    {
      Typesetter ts(cr);
      if (page == 0) {
        blocks = BuildScoped(ts, model, scope, size);
        layout = LayOut(ts, blocks, size, scope);
      }
      DrawPage(ts, model, blocks, layout, size, page);
    }
    const cairo_status_t draw_status = cairo_status(cr);
    cairo_destroy(cr);
    std::string png;
    const cairo_status_t write_status = draw_status == CAIRO_STATUS_SUCCESS
                                            ? cairo_surface_write_to_png_stream(surface, AppendToString, &png)
                                            : draw_status;
    cairo_surface_destroy(surface);
    if (write_status != CAIRO_STATUS_SUCCESS) return CairoFailure(write_status, "draw a page as PNG");
    pages.push_back(std::move(png));
  }
  return pages;
}

}  // namespace ldn::report
