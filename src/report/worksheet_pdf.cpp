#include "report/worksheet_pdf.h"

#include <algorithm>
#include <string>
#include <vector>

#include <cairo.h>
#include <fmt/format.h>

#include "report/pdf_output.h"
#include "report/typesetter.h"

namespace ldn::report {
namespace {

using pharmacy::Worksheet;

// A4 in PDF points, 15 mm margins.
constexpr double kPageWidth = 595.28, kPageHeight = 841.89;
constexpr double kMargin = 42.5;
constexpr double kContentWidth = kPageWidth - 2 * kMargin;
constexpr double kFooterHeight = 22;
constexpr double kBottom = kPageHeight - kMargin - kFooterHeight;
constexpr double kPad = 3;

const TextStyle kBody{8.5};
const TextStyle kSmall{7, false, false, Hex(0x333333)};
const TextStyle kBold{8.5, true};
const TextStyle kHeading{10.5, true};
const TextStyle kColumnTitle{7.5, true};
const TextStyle kSources{6.5, false, false, Hex(0x333333)};
const TextStyle kTitle{15, true};
const TextStyle kSubtitle{11};

struct Column {
  std::string title;
  double width;
};

// Draws one worksheet from the top of a fresh page; returns the number of pages it used.
class SheetRenderer {
 public:
  SheetRenderer(cairo_t* cr, const Worksheet& w, int total_pages) : cr_(cr), ts_(cr), w_(w), total_(total_pages) {}

  int Render() {
    StartPage();
    ts_.Draw(kMargin, y_, kContentWidth, w_.title, kTitle);
    y_ += ts_.Height(w_.title, kContentWidth, kTitle) + 2;
    y_ += ts_.Draw(kMargin, y_, kContentWidth, w_.subtitle, kSubtitle) + 6;
    if (!w_.confidentiality.empty()) {
      const double h = ts_.Height(w_.confidentiality, kContentWidth - 2 * kPad - 4, kBold) + 2 * kPad + 4;
      cairo_set_line_width(cr_, 2);
      SetColor(cr_, Hex(0x000000));
      cairo_rectangle(cr_, kMargin + 1, y_ + 1, kContentWidth - 2, h - 2);
      cairo_stroke(cr_);
      ts_.Draw(kMargin + kPad + 2, y_ + kPad + 2, kContentWidth - 2 * kPad - 4, w_.confidentiality, kBold);
      y_ += h + 6;
    }
    // Header: key / value, with an empty box to fill in where there is no value.
    std::vector<std::vector<std::string>> rows;
    for (const auto& [k, v] : w_.header) rows.push_back({k, v});
    Table({{"", 100}, {"", kContentWidth - 100}}, rows, 14, false, {true, false});

    if (!w_.ingredients.empty()) Heading("Ingredients: record the lot, expiry and amount actually weighed or measured");
    rows.clear();
    for (size_t i = 0; i < w_.ingredients.size(); ++i) {
      const auto& g = w_.ingredients[i];
      rows.push_back({std::to_string(i + 1), g.name + "\n" + g.role + ": " + g.detail, g.quantity, "", "", "", "", ""});
    }
    Table({{"#", 16},
           {"Ingredient", 158},
           {"Quantity", 84},
           {"Lot no.", 62},
           {"Expiry", 50},
           {"Actual", 52},
           {"Weighed", 44},
           {"Checked", kContentWidth - 466}},
          rows, 30, !rows.empty(), {});

    if (!w_.calculations.empty()) {
      Heading("Calculations");
      Bullets(w_.calculations, kBody);
    }
    if (!w_.dose_lines.empty()) {
      Heading("Dose volumes (oral syringe)");
      Bullets(w_.dose_lines, kBody);
    }
    if (!w_.method.empty()) {
      Heading("Method");
      rows.clear();
      for (size_t i = 0; i < w_.method.size(); ++i) rows.push_back({std::to_string(i + 1), w_.method[i], ""});
      Table({{"#", 16}, {"Step", kContentWidth - 86}, {"Done / initials", 70}}, rows, 20, true, {});
    }

    if (!w_.qc.empty()) {
      Heading("Quality control");
      rows.clear();
      for (size_t i = 0; i < w_.qc.size(); ++i) rows.push_back({std::to_string(i + 1), w_.qc[i], "", ""});
      Table({{"#", 16}, {"Check", kContentWidth - 146}, {"Result", 80}, {"By", 50}}, rows, 20, true, {});
    }
    if (!w_.warnings.empty()) {
      Heading("Warnings");
      Bullets(w_.warnings, kBody);
    }
    if (!w_.notes.empty()) {
      Heading("Notes");
      Bullets(w_.notes, kSmall);
    }
    if (!w_.label_lines.empty()) LabelBox();

    Heading("Signatures");
    rows.clear();
    for (const std::string& s : w_.signatures) rows.push_back({s, "", "", ""});
    Table({{"Role", 150}, {"Name", 140}, {"Signature", 140}, {"Date", kContentWidth - 430}}, rows, 28, true, {true});

    Heading("Sources");
    Bullets(w_.sources, kSources);
    const double h = ts_.Height(w_.footer, kContentWidth, kSources);
    Ensure(h);
    y_ += ts_.Draw(kMargin, y_, kContentWidth, w_.footer, kSources);
    Footer();
    return page_;
  }

 private:
  void StartPage() {
    ++page_;
    y_ = kMargin;
    if (page_ > 1) {
      y_ += ts_.Draw(kMargin, y_, kContentWidth, fmt::format("{} (continued)", w_.subtitle), kBold) + 6;
    }
  }

  void Footer() {
    SetColor(cr_, Hex(0x000000));
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, kMargin, kPageHeight - kMargin - 14);
    cairo_line_to(cr_, kMargin + kContentWidth, kPageHeight - kMargin - 14);
    cairo_stroke(cr_);
    std::string batch;
    for (const auto& [k, v] : w_.header) {
      if (k == "Batch" || k == "Reference") batch = v;
    }
    ts_.Draw(kMargin, kPageHeight - kMargin - 11, kContentWidth * 0.75, fmt::format("{}  {}", batch, w_.subtitle),
             kSmall);
    TextStyle right = kSmall;
    right.align = Align::kRight;
    ts_.Draw(kMargin, kPageHeight - kMargin - 11, kContentWidth,
             total_ > 0 ? fmt::format("page {} of {}", page_, total_) : fmt::format("page {}", page_), right);
  }

  void NewPage() {
    Footer();
    cairo_show_page(cr_);
    StartPage();
  }

  // Starts a new page unless `h` more points fit on this one.
  void Ensure(double h) {
    if (y_ + h > kBottom && y_ > kMargin + 40) NewPage();
  }

  void Heading(const std::string& text) {
    const double h = ts_.Height(text, kContentWidth, kHeading);
    Ensure(h + 70);  // never leave a heading alone at the bottom of a page
    y_ += 8;
    ts_.Draw(kMargin, y_, kContentWidth, text, kHeading);
    y_ += h + 1;
    SetColor(cr_, Hex(0x000000));
    cairo_set_line_width(cr_, 0.8);
    cairo_move_to(cr_, kMargin, y_);
    cairo_line_to(cr_, kMargin + kContentWidth, y_);
    cairo_stroke(cr_);
    y_ += 4;
  }

  void Bullets(const std::vector<std::string>& items, const TextStyle& style) {
    for (const std::string& item : items) {
      const double h = ts_.Height(item, kContentWidth - 10, style);
      Ensure(h + 2);
      ts_.Draw(kMargin, y_, 10, "\u2022", style);
      ts_.Draw(kMargin + 10, y_, kContentWidth - 10, item, style);
      y_ += h + 2;
    }
  }

  double RowHeight(const std::vector<Column>& cols, const std::vector<std::string>& cells, double min_h,
                   const std::vector<bool>& bold, bool header = false) {
    double h = min_h;
    for (size_t c = 0; c < cols.size(); ++c) {
      const TextStyle& s = header ? kColumnTitle : c < bold.size() && bold[c] ? kBold : kBody;
      h = std::max(h, ts_.Height(cells[c], cols[c].width - 2 * kPad, s) + 2 * kPad);
    }
    return h;
  }

  void DrawRow(const std::vector<Column>& cols, const std::vector<std::string>& cells, double h, bool header,
               const std::vector<bool>& bold) {
    double x = kMargin;
    for (size_t c = 0; c < cols.size(); ++c) {
      if (header) {
        SetColor(cr_, Hex(0xe6e6e6));
        cairo_rectangle(cr_, x, y_, cols[c].width, h);
        cairo_fill(cr_);
      }
      SetColor(cr_, Hex(0x444444));
      cairo_set_line_width(cr_, 0.6);
      cairo_rectangle(cr_, x, y_, cols[c].width, h);
      cairo_stroke(cr_);
      const TextStyle& s = header ? kColumnTitle : (c < bold.size() && bold[c]) ? kBold : kBody;
      // The first line of a multi-line ingredient cell is the name; the rest is small print.
      const std::string& text = cells[c];
      const size_t nl = text.find('\n');
      if (!header && nl != std::string::npos) {
        const std::string first = text.substr(0, nl);
        const double h1 = ts_.Draw(x + kPad, y_ + kPad, cols[c].width - 2 * kPad, first, kBody);
        ts_.Draw(x + kPad, y_ + kPad + h1, cols[c].width - 2 * kPad, text.substr(nl + 1), kSmall);
      } else {
        ts_.Draw(x + kPad, y_ + kPad, cols[c].width - 2 * kPad, text, s);
      }
      x += cols[c].width;
    }
    y_ += h;
  }

  // A bordered table; with `header`, the column titles are repeated at the top of each new page.
  void Table(const std::vector<Column>& cols, const std::vector<std::vector<std::string>>& rows, double min_h,
             bool header, const std::vector<bool>& bold) {
    std::vector<std::string> titles;
    for (const Column& c : cols) titles.push_back(c.title);
    const double hh = header ? RowHeight(cols, titles, 13, {}, true) : 0;
    if (header) {
      Ensure(hh + min_h);
      DrawRow(cols, titles, hh, true, {});
    }
    for (const auto& row : rows) {
      const double h = RowHeight(cols, row, min_h, bold);
      if (y_ + h > kBottom) {
        NewPage();
        if (header) DrawRow(cols, titles, hh, true, {});
      }
      DrawRow(cols, row, h, false, bold);
    }
    y_ += 2;
  }

  // The label as it will be printed, in a double-ruled box.
  void LabelBox() {
    constexpr double kBoxWidth = 330;
    double h = 2 * kPad + 6;
    for (const std::string& l : w_.label_lines) h += ts_.Height(l, kBoxWidth - 2 * kPad - 6, kBody);
    Ensure(h + 30);  // the heading and the whole box on one page
    Heading("Label (as printed)");
    SetColor(cr_, Hex(0x000000));
    cairo_set_line_width(cr_, 1.6);
    cairo_rectangle(cr_, kMargin, y_, kBoxWidth, h);
    cairo_stroke(cr_);
    cairo_set_line_width(cr_, 0.5);
    cairo_rectangle(cr_, kMargin + 2.5, y_ + 2.5, kBoxWidth - 5, h - 5);
    cairo_stroke(cr_);
    double ly = y_ + kPad + 3;
    for (size_t i = 0; i < w_.label_lines.size(); ++i) {
      const bool strong = i == 2 || i == 3;  // product and strength lines
      ly += ts_.Draw(kMargin + kPad + 3, ly, kBoxWidth - 2 * kPad - 6, w_.label_lines[i], strong ? kBold : kBody);
    }
    ts_.Draw(kMargin + kBoxWidth + 12, y_, kContentWidth - kBoxWidth - 12,
             "Check the printed label against this one: product and strength with the salt, BUD, storage, "
             "directions, warnings.\n\nLabel checked by: ________",
             kSmall);
    y_ += h + 4;
  }

  cairo_t* cr_;
  Typesetter ts_;
  const Worksheet& w_;
  int total_;
  int page_ = 0;
  double y_ = kMargin;
};

// Renders every sheet; `totals` gives each sheet's page count for "page i of n" (0: unknown).
// Returns each sheet's page count.
Result<std::vector<int>> Render(const std::vector<Worksheet>& sheets, const std::vector<int>& totals,
                                std::string* pdf) {
  PdfOutput out(kPageWidth, kPageHeight, "Compounding record");
  std::vector<int> pages;
  for (size_t i = 0; i < sheets.size(); ++i) {
    SheetRenderer r(out.cr(), sheets[i], totals.empty() ? 0 : totals[i]);
    pages.push_back(r.Render());
    cairo_show_page(out.cr());
  }
  LDN_ASSIGN_OR_RETURN(*pdf, out.Finish("the worksheet"));
  return pages;
}

}  // namespace

Result<std::string> RenderWorksheetPdf(const std::vector<pharmacy::Worksheet>& sheets) {
  if (sheets.empty()) return Status::InvalidArgument("worksheets", "nothing to render");
  // Two passes: the first counts each worksheet's pages for "page i of n".
  std::string scratch;
  LDN_ASSIGN_OR_RETURN(std::vector<int> totals, Render(sheets, {}, &scratch));
  std::string pdf;
  LDN_ASSIGN_OR_RETURN(std::vector<int> pages, Render(sheets, totals, &pdf));
  if (pages != totals) return Status::Internal("worksheet pagination differs between passes");
  return pdf;
}

}  // namespace ldn::report
