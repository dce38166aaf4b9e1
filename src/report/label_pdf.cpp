#include "report/label_pdf.h"

#include <string>
#include <vector>

#include <cairo.h>
#include <fmt/format.h>

#include "report/pdf_output.h"
#include "report/typesetter.h"

namespace ldn::report {
namespace {

// A label: 105 x 148 mm (A6 portrait) with 6 mm margins; a sheet: A4 with 15 mm margins.
constexpr double kMm = 72.0 / 25.4;
constexpr double kModule = 1.0;      // points per barcode module (X = 0.35 mm; ISO/IEC 15417 allows any X)
constexpr double kBarHeight = 36.0;  // points

const TextStyle kLabelText{7.5};
const TextStyle kSheetText{10.5};
const TextStyle kSheetTitle{14, true};
const TextStyle kCaption{7, false, false, Hex(0x333333), Align::kCenter};

}  // namespace

Result<std::string> RenderLabelPdf(const LabelDocument& doc) {
  const double width = doc.sheet ? 210 * kMm : 105 * kMm;
  const double height = doc.sheet ? 297 * kMm : 148 * kMm;
  const double margin = doc.sheet ? 15 * kMm : 6 * kMm;
  const double content = width - 2 * margin;
  const TextStyle& body = doc.sheet ? kSheetText : kLabelText;
  PdfOutput out(width, height, doc.title, doc.date);
  cairo_t* cr = out.cr();
  {
    Typesetter ts(cr);
    const double barcode_block = doc.barcode.empty() ? 0 : kBarHeight + 14;
    double y = margin;
    auto new_page = [&] {
      cairo_show_page(cr);
      y = margin;
    };
    if (doc.sheet && !doc.title.empty()) {
      y += ts.Draw(margin, y, content, doc.title, kSheetTitle) + 8;
    }
    for (const std::string& line : doc.lines) {
      const std::string text = line.empty() ? " " : line;
      const double h = ts.Height(text, content, body);
      if (y + h > height - margin - barcode_block) new_page();
      y += ts.Draw(margin, y, content, text, body) + (doc.sheet ? 3 : 1);
    }
    if (!doc.barcode.empty()) {
      // The barcode at the foot of the last page, centred, black on white.
      const double bar_width = static_cast<double>(doc.barcode.size()) * kModule;
      const double x0 = margin + (content - bar_width) / 2;
      const double top = height - margin - barcode_block;
      SetColor(cr, Hex(0xffffff));
      cairo_rectangle(cr, x0, top, bar_width, kBarHeight);
      cairo_fill(cr);
      SetColor(cr, Hex(0x000000));
      for (size_t i = 0; i < doc.barcode.size(); ++i) {
        if (doc.barcode[i]) cairo_rectangle(cr, x0 + static_cast<double>(i) * kModule, top, kModule, kBarHeight);
      }
      cairo_fill(cr);
      ts.Draw(margin, top + kBarHeight + 2, content, doc.barcode_text, kCaption);
    }
  }
  cairo_show_page(cr);
  return out.Finish("the label");
}

}  // namespace ldn::report
