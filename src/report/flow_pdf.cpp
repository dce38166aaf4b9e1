#include "report/flow_pdf.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include <cairo.h>
#include <fmt/format.h>

#include "report/pdf_output.h"
#include "report/typesetter.h"

namespace ldn::report {

FlowBlock FlowHeading(std::string text) {
  FlowBlock b;
  b.kind = FlowKind::kHeading;
  b.text = std::move(text);
  return b;
}
FlowBlock FlowParagraph(std::string text) {
  FlowBlock b;
  b.text = std::move(text);
  return b;
}
FlowBlock FlowStrong(std::string text) {
  FlowBlock b = FlowParagraph(std::move(text));
  b.kind = FlowKind::kStrong;
  return b;
}
FlowBlock FlowSmall(std::string text) {
  FlowBlock b = FlowParagraph(std::move(text));
  b.kind = FlowKind::kSmall;
  return b;
}
FlowBlock FlowBullets(std::vector<std::string> items) {
  FlowBlock b;
  b.kind = FlowKind::kBullets;
  b.items = std::move(items);
  return b;
}
FlowBlock FlowTable(std::vector<std::string> columns, std::vector<double> widths,
                    std::vector<std::vector<std::string>> rows) {
  FlowBlock b;
  b.kind = FlowKind::kTable;
  b.columns = std::move(columns);
  b.widths = std::move(widths);
  b.rows = std::move(rows);
  return b;
}
FlowBlock FlowDensityPlot(FlowDensity density) {
  FlowBlock b;
  b.kind = FlowKind::kDensity;
  b.density = std::move(density);
  return b;
}

namespace {

constexpr double kPageWidth = 595.28, kPageHeight = 841.89;
constexpr double kMargin = 42.5;
constexpr double kWidth = kPageWidth - 2 * kMargin;
constexpr double kBottom = kPageHeight - kMargin - 22;
constexpr double kPad = 3;
constexpr double kPlotHeight = 190;

double MixtureDensity(const FlowCurve& c, double x) {
  double f = 0;
  for (size_t i = 0; i < c.weight.size(); ++i) {
    const double z = (x - c.mean[i]) / c.sd[i];
    f += c.weight[i] * std::exp(-0.5 * z * z) / (c.sd[i] * std::sqrt(2 * std::numbers::pi));
  }
  return f;
}

// The mixture's mean and SD (law of total variance).
std::pair<double, double> MixtureMoments(const FlowCurve& c) {
  double m = 0, second = 0;
  for (size_t i = 0; i < c.weight.size(); ++i) {
    m += c.weight[i] * c.mean[i];
    second += c.weight[i] * (c.sd[i] * c.sd[i] + c.mean[i] * c.mean[i]);
  }
  return {m, std::sqrt(std::max(0.0, second - m * m))};
}

// A "nice" tick step (1, 2 or 5 x 10^k) giving about `count` ticks over `span`.
double TickStep(double span, int count) {
  const double raw = span / count;
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double f : {1.0, 2.0, 5.0}) {
    if (raw <= f * p) return f * p;
  }
  return 10 * p;
}

std::string Tick(double v, double step) {
  const int digits = step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9));
  std::string s = fmt::format("{:.{}f}", std::abs(v) < step / 1e6 ? 0.0 : v, digits);
  if (!s.empty() && s[0] == '-') s = "\u2212" + s.substr(1);
  return s;
}

class Renderer {
 public:
  Renderer(cairo_t* cr, const FlowDocument& doc, int total)
      : cr_(cr),
        ts_(cr),
        doc_(doc),
        total_(total),
        body_{doc.text_size},
        strong_{doc.text_size, true},
        small_{doc.text_size - 1.5, false, false, Hex(0x333333)},
        heading_{doc.text_size + 2.5, true},
        column_{doc.text_size - 1, true} {}

  int Render() {
    ++page_;
    y_ = kMargin;
    y_ += ts_.Draw(kMargin, y_, kWidth, doc_.title, TextStyle{doc_.text_size + 7, true}) + 2;
    if (!doc_.subtitle.empty()) {
      y_ += ts_.Draw(kMargin, y_, kWidth, doc_.subtitle, TextStyle{doc_.text_size + 1}) + doc_.text_size;
    }
    for (const FlowBlock& b : doc_.blocks) {
      switch (b.kind) {
        case FlowKind::kHeading: Heading(b.text); break;
        case FlowKind::kParagraph: Paragraph(b.text, body_); break;
        case FlowKind::kStrong:  // a lead-in: kept with some of what follows
          Ensure(ts_.Height(b.text, kWidth, strong_) + 60);
          Paragraph(b.text, strong_);
          break;
        case FlowKind::kSmall: Paragraph(b.text, small_); break;
        case FlowKind::kBullets: Bullets(b.items); break;
        case FlowKind::kTable: Table(b); break;
        case FlowKind::kDensity: Density(b.density); break;
      }
    }
    Footer();
    return page_;
  }

 private:
  void Footer() {
    SetColor(cr_, Hex(0x000000));
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, kMargin, kPageHeight - kMargin - 14);
    cairo_line_to(cr_, kMargin + kWidth, kPageHeight - kMargin - 14);
    cairo_stroke(cr_);
    const TextStyle foot{7, false, false, Hex(0x333333)};
    ts_.Draw(kMargin, kPageHeight - kMargin - 11, kWidth * 0.75, doc_.footer, foot);
    TextStyle right = foot;
    right.align = Align::kRight;
    std::string count = doc_.page_word;
    const auto put = [&count](const std::string& name, int v) {
      const size_t at = count.find(name);
      if (at != std::string::npos) count.replace(at, name.size(), std::to_string(v));
    };
    put("{i}", page_);
    put("{n}", total_ > 0 ? total_ : page_);
    ts_.Draw(kMargin, kPageHeight - kMargin - 11, kWidth, count, right);
  }

  void NewPage() {
    Footer();
    cairo_show_page(cr_);
    ++page_;
    y_ = kMargin;
  }

  void Ensure(double h) {
    if (y_ + h > kBottom && y_ > kMargin + 40) NewPage();
  }

  void Heading(const std::string& text) {
    const double h = ts_.Height(text, kWidth, heading_);
    Ensure(h + 110);  // a heading keeps some of what follows on its page
    y_ += 8;
    ts_.Draw(kMargin, y_, kWidth, text, heading_);
    y_ += h + 1;
    SetColor(cr_, Hex(0x000000));
    cairo_set_line_width(cr_, 0.8);
    cairo_move_to(cr_, kMargin, y_);
    cairo_line_to(cr_, kMargin + kWidth, y_);
    cairo_stroke(cr_);
    y_ += 4;
  }

  void Paragraph(const std::string& text, const TextStyle& style) {
    const double h = ts_.Height(text, kWidth, style);
    Ensure(h);
    y_ += ts_.Draw(kMargin, y_, kWidth, text, style) + style.size * 0.5;
  }

  void Bullets(const std::vector<std::string>& items) {
    for (const std::string& item : items) {
      const double h = ts_.Height(item, kWidth - 10, body_);
      Ensure(h + 2);
      ts_.Draw(kMargin, y_, 10, "\u2022", body_);
      ts_.Draw(kMargin + 10, y_, kWidth - 10, item, body_);
      y_ += h + 2;
    }
    y_ += body_.size * 0.3;
  }

  double RowHeight(const std::vector<double>& widths, const std::vector<std::string>& cells, const TextStyle& s) {
    double h = s.size + 2 * kPad;
    for (size_t c = 0; c < cells.size(); ++c) {
      h = std::max(h, ts_.Height(cells[c], widths[c] - 2 * kPad, s) + 2 * kPad);
    }
    return h;
  }

  void Row(const std::vector<double>& widths, const std::vector<std::string>& cells, double h, bool header) {
    double x = kMargin;
    for (size_t c = 0; c < cells.size(); ++c) {
      if (header) {
        SetColor(cr_, Hex(0xe6e6e6));
        cairo_rectangle(cr_, x, y_, widths[c], h);
        cairo_fill(cr_);
      }
      SetColor(cr_, Hex(0x555555));
      cairo_set_line_width(cr_, 0.5);
      cairo_rectangle(cr_, x, y_, widths[c], h);
      cairo_stroke(cr_);
      ts_.Draw(x + kPad, y_ + kPad, widths[c] - 2 * kPad, cells[c], header ? column_ : body_);
      x += widths[c];
    }
    y_ += h;
  }

  void Table(const FlowBlock& b) {
    std::vector<double> widths;
    for (double share : b.widths) widths.push_back(share * kWidth);
    const bool header = !b.columns.empty();
    const double hh = header ? RowHeight(widths, b.columns, column_) : 0;
    if (header) {
      Ensure(hh + 2 * RowHeight(widths, b.rows.empty() ? b.columns : b.rows.front(), body_));
      Row(widths, b.columns, hh, true);
    }
    for (const auto& row : b.rows) {
      const double h = RowHeight(widths, row, body_);
      if (y_ + h > kBottom) {
        NewPage();
        if (header) Row(widths, b.columns, hh, true);
      }
      Row(widths, row, h, false);
    }
    y_ += body_.size * 0.6;
  }

  // The curves over a range holding the first curve's mean +/- 4 SD and every mark.
  void Density(const FlowDensity& d) {
    const double legend_h = 14.0 * static_cast<double>(d.curves.size() + (d.shade ? 1 : 0));
    Ensure(kPlotHeight + legend_h + 8);
    const auto [m, s] = MixtureMoments(d.curves.front());
    double lo = m - 4 * s, hi = m + 4 * s;
    for (const FlowMark& mk : d.marks) {
      lo = std::min(lo, mk.x - 0.5);
      hi = std::max(hi, mk.x + 0.5);
    }
    const double left = kMargin + 34, right = kMargin + kWidth - 10;
    const double top = y_ + 24, bottom = y_ + kPlotHeight - 30;
    double peak = 0;
    constexpr int kSteps = 400;
    for (const FlowCurve& c : d.curves) {
      for (int i = 0; i <= kSteps; ++i) peak = std::max(peak, MixtureDensity(c, lo + (hi - lo) * i / kSteps));
    }
    peak *= 1.08;
    const auto X = [&](double v) { return left + (v - lo) / (hi - lo) * (right - left); };
    const auto Y = [&](double f) { return bottom - f / peak * (bottom - top); };
    if (d.shade) {
      const double a = std::max(lo, d.shade_from), z = std::min(hi, d.shade_to);
      if (a < z) {
        SetColor(cr_, Hex(0x2e7d32), 0.25);
        cairo_move_to(cr_, X(a), Y(0));
        for (int i = 0; i <= kSteps; ++i) {
          const double v = a + (z - a) * i / kSteps;
          cairo_line_to(cr_, X(v), Y(MixtureDensity(d.curves.front(), v)));
        }
        cairo_line_to(cr_, X(z), Y(0));
        cairo_close_path(cr_);
        cairo_fill(cr_);
      }
    }
    // Axes and ticks.
    SetColor(cr_, Hex(0x000000));
    cairo_set_line_width(cr_, 0.7);
    cairo_move_to(cr_, left, top);
    cairo_line_to(cr_, left, bottom);
    cairo_line_to(cr_, right, bottom);
    cairo_stroke(cr_);
    const double step = TickStep(hi - lo, 8);
    TextStyle tick = small_;
    tick.align = Align::kCenter;
    for (double v = std::ceil(lo / step) * step; v <= hi + 1e-9; v += step) {
      cairo_move_to(cr_, X(v), bottom);
      cairo_line_to(cr_, X(v), bottom + 3);
      cairo_stroke(cr_);
      ts_.Draw(X(v) - 20, bottom + 4, 40, Tick(v, step), tick);
    }
    TextStyle centred = small_;
    centred.align = Align::kCenter;
    ts_.Draw(left, bottom + 15, right - left, d.x_label, centred);
    TextStyle vertical = small_;
    cairo_save(cr_);
    cairo_translate(cr_, kMargin + 4, bottom);
    cairo_rotate(cr_, -std::numbers::pi / 2);
    ts_.Draw(0, 0, bottom - top, "density", vertical);
    cairo_restore(cr_);
    // Marks; a label that would overlap the previous one goes a line higher.
    double previous_x = -1e9;
    int row = 0;
    for (const FlowMark& mk : d.marks) {
      row = std::abs(X(mk.x) - previous_x) < 92 ? 1 - row : 0;
      previous_x = X(mk.x);
      SetColor(cr_, Hex(0x555555));
      cairo_set_line_width(cr_, 0.6);
      const double dash[] = {2.0, 2.0};
      cairo_set_dash(cr_, dash, 2, 0);
      cairo_move_to(cr_, X(mk.x), top - 4);
      cairo_line_to(cr_, X(mk.x), bottom);
      cairo_stroke(cr_);
      cairo_set_dash(cr_, nullptr, 0, 0);
      TextStyle label = small_;
      label.align = Align::kCenter;
      ts_.Draw(X(mk.x) - 45, top - 14 - 10 * row, 90, mk.label, label);
    }
    // Curves.
    const Rgb colours[] = {Hex(0x1f4e8c), Hex(0x8c3a1f), Hex(0x555555)};
    for (size_t k = 0; k < d.curves.size(); ++k) {
      const FlowCurve& c = d.curves[k];
      SetColor(cr_, colours[std::min<size_t>(k, 2)]);
      cairo_set_line_width(cr_, k == 0 ? 1.6 : 1.1);
      if (c.dashed) {
        const double dash[] = {4.0, 2.5};
        cairo_set_dash(cr_, dash, 2, 0);
      }
      for (int i = 0; i <= kSteps; ++i) {
        const double v = lo + (hi - lo) * i / kSteps;
        if (i == 0) {
          cairo_move_to(cr_, X(v), Y(MixtureDensity(c, v)));
        } else {
          cairo_line_to(cr_, X(v), Y(MixtureDensity(c, v)));
        }
      }
      cairo_stroke(cr_);
      cairo_set_dash(cr_, nullptr, 0, 0);
    }
    // Legend.
    double ly = y_ + kPlotHeight;
    for (size_t k = 0; k < d.curves.size(); ++k) {
      SetColor(cr_, colours[std::min<size_t>(k, 2)]);
      cairo_set_line_width(cr_, k == 0 ? 1.6 : 1.1);
      if (d.curves[k].dashed) {
        const double dash[] = {4.0, 2.5};
        cairo_set_dash(cr_, dash, 2, 0);
      }
      cairo_move_to(cr_, left, ly + 5);
      cairo_line_to(cr_, left + 22, ly + 5);
      cairo_stroke(cr_);
      cairo_set_dash(cr_, nullptr, 0, 0);
      ts_.Draw(left + 28, ly, right - left - 28, d.curves[k].label, small_);
      ly += 14;
    }
    if (d.shade) {
      SetColor(cr_, Hex(0x2e7d32), 0.25);
      cairo_rectangle(cr_, left, ly + 1, 22, 8);
      cairo_fill(cr_);
      ts_.Draw(left + 28, ly, right - left - 28, d.shade_label, small_);
      ly += 14;
    }
    y_ = ly + 6;
  }

  cairo_t* cr_;
  Typesetter ts_;
  const FlowDocument& doc_;
  int total_;
  TextStyle body_, strong_, small_, heading_, column_;
  int page_ = 0;
  double y_ = kMargin;
};

Result<int> Render(const FlowDocument& doc, int total, std::string* pdf) {
  PdfOutput out(kPageWidth, kPageHeight, doc.title, doc.date);
  int pages = 0;
  {
    Renderer r(out.cr(), doc, total);
    pages = r.Render();
  }
  cairo_show_page(out.cr());
  LDN_ASSIGN_OR_RETURN(*pdf, out.Finish(fmt::format("'{}'", doc.title)));
  return pages;
}

Status Validate(const FlowDocument& doc) {
  for (size_t i = 0; i < doc.blocks.size(); ++i) {
    const FlowBlock& b = doc.blocks[i];
    const std::string field = fmt::format("blocks[{}]", i);
    if (b.kind == FlowKind::kTable) {
      const size_t n = b.widths.size();
      if (n == 0 || (!b.columns.empty() && b.columns.size() != n)) {
        return Status::InvalidArgument(field, "a table needs one width per column");
      }
      for (const auto& row : b.rows) {
        if (row.size() != n) return Status::InvalidArgument(field, "a table row needs one cell per column");
      }
    }
    if (b.kind == FlowKind::kDensity) {
      if (b.density.curves.empty()) return Status::InvalidArgument(field, "a density needs a curve");
      for (const FlowCurve& c : b.density.curves) {
        if (c.weight.empty() || c.mean.size() != c.weight.size() || c.sd.size() != c.weight.size()) {
          return Status::InvalidArgument(field, "a curve needs as many weights, means and SDs");
        }
        if (std::any_of(c.sd.begin(), c.sd.end(), [](double s) { return !(s > 0) || !std::isfinite(s); })) {
          return Status::InvalidArgument(field, "a curve's SDs must be positive");
        }
      }
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> RenderFlowPdf(const FlowDocument& doc) {
  LDN_RETURN_IF_ERROR(Validate(doc));
  // Two passes: the first counts the pages for "page i of n".
  std::string scratch;
  LDN_ASSIGN_OR_RETURN(int total, Render(doc, 0, &scratch));
  std::string pdf;
  LDN_ASSIGN_OR_RETURN(int pages, Render(doc, total, &pdf));
  if (pages != total) return Status::Internal("the pagination differs between passes");
  return pdf;
}

}  // namespace ldn::report
