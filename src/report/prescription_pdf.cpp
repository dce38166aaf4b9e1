#include "report/prescription_pdf.h"

#include <algorithm>

#include <cairo.h>
#include <fmt/format.h>

#include "report/pdf_output.h"
#include "report/typesetter.h"

namespace ldn::report {
namespace {

// A4 in PDF points, 18 mm margins.
constexpr double kPageWidth = 595.28, kPageHeight = 841.89;
constexpr double kMargin = 51;
constexpr double kContentWidth = kPageWidth - 2 * kMargin;
constexpr double kFooterHeight = 22;
constexpr double kBottom = kPageHeight - kMargin - kFooterHeight;
constexpr double kLabelWidth = 105;

const TextStyle kTitle{18, true};
const TextStyle kHeading{10.5, true};
const TextStyle kBody{9.5};
const TextStyle kLabel{8.5, true, false, Hex(0x333333)};
const TextStyle kSmall{7, false, false, Hex(0x333333)};
const TextStyle kMono{7, false, false, Hex(0x333333)};
const TextStyle kWatermark{11, true, false, Hex(0xb00020)};

class Renderer {
 public:
  Renderer(cairo_t* cr, const PrescriptionDocument& d, int total) : cr_(cr), ts_(cr), d_(d), total_(total) {}

  int Render() {
    StartPage();
    const double title_h = ts_.Draw(kMargin, y_, kContentWidth * 0.6, d_.title, kTitle);
    TextStyle right = kBody;
    right.align = Align::kRight;
    ts_.Draw(kMargin, y_ + 2, kContentWidth, "Date: " + d_.issued_on, right);
    ts_.Draw(kMargin, y_ + 16, kContentWidth, d_.reference, [] {
      TextStyle s = kSmall;
      s.align = Align::kRight;
      return s;
    }());
    y_ += title_h + 8;
    if (!d_.watermark.empty()) {
      const double h = ts_.Height(d_.watermark, kContentWidth - 12, kWatermark) + 10;
      SetColor(cr_, Hex(0xb00020));
      cairo_set_line_width(cr_, 2);
      cairo_rectangle(cr_, kMargin + 1, y_, kContentWidth - 2, h);
      cairo_stroke(cr_);
      ts_.Draw(kMargin + 6, y_ + 5, kContentWidth - 12, d_.watermark, kWatermark);
      y_ += h + 8;
    }
    Section("Prescriber", d_.prescriber);
    Section("Patient", d_.patient);
    Section("Medicine", d_.medicine);
    Heading("Directions");
    for (const std::string& line : d_.directions) Bullet(line, kBody);
    if (!d_.fills.empty()) {
      Heading("Dispensing");
      for (const std::string& line : d_.fills) Bullet(line, kBody);
    }
    Section("Pharmacy", d_.pharmacy);
    Heading("Signature");
    if (d_.signed_by.empty()) {
      Paragraph("Not signed: this draft is not a valid prescription.", kBody);
    } else {
      Paragraph(fmt::format("{}, {}", d_.signed_by, d_.signed_at), kBody);
    }
    for (const std::string& line : d_.signature_lines) Paragraph(line, kMono);
    if (!d_.sources.empty()) {
      Heading("What this prescription contains, and why");
      for (const std::string& s : d_.sources) Bullet(s, kSmall);
    }
    Footer();
    return page_;
  }

 private:
  void StartPage() {
    ++page_;
    y_ = kMargin;
    if (page_ > 1) y_ += ts_.Draw(kMargin, y_, kContentWidth, d_.title + " (continued)", kLabel) + 6;
  }

  void Footer() {
    SetColor(cr_, Hex(0x000000));
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, kMargin, kPageHeight - kMargin - 14);
    cairo_line_to(cr_, kMargin + kContentWidth, kPageHeight - kMargin - 14);
    cairo_stroke(cr_);
    ts_.Draw(kMargin, kPageHeight - kMargin - 11, kContentWidth * 0.75, d_.reference, kSmall);
    TextStyle right = kSmall;
    right.align = Align::kRight;
    ts_.Draw(kMargin, kPageHeight - kMargin - 11, kContentWidth,
             total_ > 0 ? fmt::format("page {} of {}", page_, total_) : fmt::format("page {}", page_), right);
  }

  void Ensure(double h) {
    if (y_ + h > kBottom && y_ > kMargin + 40) {
      Footer();
      cairo_show_page(cr_);
      StartPage();
    }
  }

  void Heading(const std::string& text) {
    const double h = ts_.Height(text, kContentWidth, kHeading);
    Ensure(h + 40);
    y_ += 8;
    ts_.Draw(kMargin, y_, kContentWidth, text, kHeading);
    y_ += h + 1;
    SetColor(cr_, Hex(0x000000));
    cairo_set_line_width(cr_, 0.7);
    cairo_move_to(cr_, kMargin, y_);
    cairo_line_to(cr_, kMargin + kContentWidth, y_);
    cairo_stroke(cr_);
    y_ += 4;
  }

  void Section(const std::string& title, const Fields& fields) {
    if (fields.empty()) return;
    Heading(title);
    for (const auto& [label, value] : fields) {
      const std::string shown = value.empty() ? "-" : value;
      const double h = std::max(ts_.Height(label, kLabelWidth - 6, kLabel),
                                ts_.Height(shown, kContentWidth - kLabelWidth, kBody));
      Ensure(h + 3);
      ts_.Draw(kMargin, y_ + 1, kLabelWidth - 6, label, kLabel);
      ts_.Draw(kMargin + kLabelWidth, y_, kContentWidth - kLabelWidth, shown, kBody);
      y_ += h + 3;
    }
  }

  void Bullet(const std::string& text, const TextStyle& style) {
    const double h = ts_.Height(text, kContentWidth - 12, style);
    Ensure(h + 2);
    ts_.Draw(kMargin, y_, 12, "\u2022", style);
    ts_.Draw(kMargin + 12, y_, kContentWidth - 12, text, style);
    y_ += h + 2;
  }

  void Paragraph(const std::string& text, const TextStyle& style) {
    const double h = ts_.Height(text, kContentWidth, style);
    Ensure(h + 2);
    y_ += ts_.Draw(kMargin, y_, kContentWidth, text, style) + 2;
  }

  cairo_t* cr_;
  Typesetter ts_;
  const PrescriptionDocument& d_;
  int total_;
  int page_ = 0;
  double y_ = kMargin;
};

Result<int> Render(const PrescriptionDocument& doc, int total, std::string* pdf) {
  PdfOutput out(kPageWidth, kPageHeight, doc.title);
  int pages = 0;
  {
    Renderer r(out.cr(), doc, total);
    pages = r.Render();
  }
  cairo_show_page(out.cr());
  LDN_ASSIGN_OR_RETURN(*pdf, out.Finish("the prescription"));
  return pages;
}

}  // namespace

Result<std::string> RenderPrescriptionPdf(const PrescriptionDocument& doc) {
  // Two passes: the first counts the pages for "page i of n".
  std::string scratch;
  LDN_ASSIGN_OR_RETURN(int total, Render(doc, 0, &scratch));
  std::string pdf;
  LDN_ASSIGN_OR_RETURN(int pages, Render(doc, total, &pdf));
  if (pages != total) return Status::Internal("prescription pagination differs between passes");
  return pdf;
}

}  // namespace ldn::report
