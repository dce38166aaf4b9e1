#include "report/text_report.h"

#include <algorithm>
#include <cassert>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace ldn::report {
namespace {

// Patient text made safe for a terminal: C0 and C1 control characters (ESC, CSI, line breaks
// inside a note) become spaces, so a note cannot move the cursor, recolour or clear the screen.
std::string Printable(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      out += ' ';
    } else if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      out += ' ';  // U+0080..U+009F
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Display columns of UTF-8 text: one per code point (the report uses no wide characters).
size_t Columns(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

std::string Pad(const std::string& s, size_t width, bool right) {
  const size_t c = Columns(s);
  if (c >= width) return s;
  const std::string fill(width - c, ' ');
  return right ? fill + s : s + fill;
}

// Greedy word wrap; the first line starts with `first`, the others with `rest` (same width).
std::string Wrap(std::string_view text, size_t width, const std::string& first, const std::string& rest) {
  std::string out = first, line;
  size_t line_cols = Columns(first);
  const size_t indent = Columns(rest);
  size_t i = 0;
  bool at_line_start = true;
  while (i < text.size()) {
    size_t j = text.find(' ', i);
    if (j == std::string_view::npos) j = text.size();
    const std::string_view word = text.substr(i, j - i);
    i = j + 1;
    if (word.empty()) continue;
    const size_t wc = Columns(word);
    if (!at_line_start && line_cols + 1 + wc > width) {
      out += "\n" + rest;
      line_cols = indent;
      at_line_start = true;
    }
    if (!at_line_start) {
      out += ' ';
      ++line_cols;
    }
    out += word;
    line_cols += wc;
    at_line_start = false;
  }
  return out + "\n";
}

std::string TableText(const Table& t, const std::string& indent) {
  if (t.rows.empty()) return "";
  std::vector<size_t> w(t.header.size(), 0);
  for (size_t i = 0; i < w.size(); ++i) {
    w[i] = Columns(t.header[i]);
    for (const auto& r : t.rows) w[i] = std::max(w[i], Columns(r[i]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s = indent;
    for (size_t i = 0; i < cells.size(); ++i) {
      s += Pad(cells[i], w[i], t.numeric[i]);
      if (i + 1 < cells.size()) s += "  ";
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return s + "\n";
  };
  std::string out = line(t.header);
  size_t total = 0;
  for (size_t x : w) total += x + 2;
  out += indent + std::string(total - 2, '-') + "\n";
  for (const auto& r : t.rows) out += line(r);
  return out;
}

// A heading wrapped to `width`, underlined to the length of its longest line.
std::string Heading(const std::string& text, size_t width) {
  const std::string wrapped = Wrap(text, width, "", "");
  size_t longest = 0, start = 0;
  while (start < wrapped.size()) {
    const size_t end = wrapped.find('\n', start);
    longest = std::max(longest, Columns(std::string_view(wrapped).substr(start, end - start)));
    start = end + 1;
  }
  return "\n" + wrapped + std::string(longest, '=') + "\n";
}

}  // namespace

std::string FormatClinicReportText(const ReportModel& m, int width_in) {
  assert(width_in >= 40);
  const size_t width = static_cast<size_t>(width_in);
  std::string out;
  out += fmt::format("{} \u2014 patient {} ({})\n", m.title, Printable(m.patient_id), m.time_zone);
  std::string sub = m.period + " \u00b7 first dose " + m.first_dose;
  if (!m.generated_on.empty()) sub += " \u00b7 generated " + m.generated_on;
  out += Wrap(sub, width, "", "");

  out += Heading("Verdict: " + m.headline, width);
  for (const std::string& f : m.findings) out += Wrap(f, width, "  \u2022 ", "    ");
  out += "\nWhat this before/after comparison cannot tell:\n";
  for (const std::string& l : m.limits) out += Wrap(l, width, "  \u2022 ", "    ");
  out += Wrap(m.limits_sources, width, "  ", "  ");

  out += Heading("Key figures", width);
  size_t label_w = 0, value_w = 0;
  for (const KeyFigure& k : m.key_figures) {
    label_w = std::max(label_w, Columns(k.label));
    value_w = std::max(value_w, Columns(k.value));
  }
  for (const KeyFigure& k : m.key_figures) {
    out += "  " + Pad(k.label, label_w, false) + "  " + Pad(k.value, value_w, false) + "  " + k.detail + "\n";
  }

  out += Heading("Pain trajectory (7-day mean, every 14 days)", width);
  std::string points;
  for (const auto& run : m.chart.rolling_mean) {
    for (const ChartPoint& p : run) {
      if (p.day % 14 == 0 || (p.day < 0 && &p == &run.back())) {
        points += fmt::format("{}day {}: {:.1f}", points.empty() ? "" : " \u00b7 ", p.day, p.value);
      }
    }
  }
  if (points.empty()) points = "not enough rated days for a 7-day mean";
  out += Wrap(points, width, "  ", "  ");
  out += Wrap(fmt::format("Baseline mean {:.1f}; 30% below baseline: {:.1f}.{}", m.chart.baseline_mean,
                          m.chart.response_threshold,
                          m.chart.response_day ? fmt::format(" Response from day {}.", *m.chart.response_day) : ""),
              width, "  ", "  ");

  if (!m.item_summary.rows.empty()) {
    out += Heading("Every item in the evaluation window", width);
    out += TableText(m.item_summary, "  ");
  }

  out += Heading("Side effects", width);
  out += m.side_effects.rows.empty() ? "  None reported.\n" : TableText(m.side_effects, "  ");

  out += Heading("Results by diary item", width);
  out += Wrap("Change against the baseline; 95% interval AR(1)-adjusted (see Methods).", width, "  ", "  ");
  for (const ItemDetail& d : m.items) {
    out += "\n  " + d.title + " (" + d.scale + ")\n";
    out += TableText(d.table, "  ");
    for (const std::string& n : d.notes) out += Wrap(n, width, "    note: ", "    ");
  }

  out += Heading("Pain at each dose (within-patient dose\u2013response)", width);
  out += m.dose_response.rows.empty() ? "  No 14-day window on an unchanged dose yet.\n"
                                      : TableText(m.dose_response, "  ");
  out += Heading("Doses taken", width);
  out += TableText(m.adherence, "  ");
  out += Heading("Dose deviations (taken differently from the plan)", width);
  out += m.deviations.rows.empty() ? "  None: every dose taken was the plan's.\n" : TableText(m.deviations, "  ");
  out += Heading("Missing diary days (never filled in)", width);
  out += TableText(m.missing, "  ");
  out += Heading("Rescue medication", width);
  out += TableText(m.rescue, "  ");
  out += Heading("Patient notes", width);
  if (m.notes.empty()) out += "  No notes in the diary.\n";
  for (const PatientNote& n : m.notes) {
    out += Wrap(Printable(n.text), width, fmt::format("  {} (day {}): ", n.date, FormatInteger(n.day)), "    ");
  }
  if (!m.clinician_decisions.empty()) {
    out += Heading("Clinician decisions at the safety gates", width);
    for (const std::string& d : m.clinician_decisions) out += Wrap(Printable(d), width, "  \u2022 ", "    ");
  }
  out += Heading("Methods", width);
  out += Wrap(m.method, width, "  ", "  ");
  for (const std::string& d : m.definitions) out += Wrap(d, width, "  \u2022 ", "    ");
  out += "\nSources\n";
  for (const std::string& s : m.sources) out += Wrap(s, width, "  \u2022 ", "    ");
  return out;
}

}  // namespace ldn::report
