// Text on a cairo context with pango, measured the same way on every surface.
//
// The report is drawn by one routine onto PDF, PNG and SVG surfaces. If each surface hinted its
// fonts differently a line could break differently on paper and on screen, and the pages would
// no longer match. So every layout made here uses fixed font options (no hinting, no metric
// hinting, unrounded glyph positions) at 72 units per inch: one unit is one PDF point, and a
// text's size does not depend on the surface or its scale. Font: DejaVu Sans (Debian's
// fonts-dejavu-core); fontconfig substitutes a sans font when it is missing.
//
// Measurements are memoised per Typesetter (text shaping dominates the cost of a report), so
// measuring a block and then drawing it shapes each text about once.
//
// Not thread-safe: one Typesetter per cairo context and thread.
#ifndef LDN_REPORT_TYPESETTER_H_
#define LDN_REPORT_TYPESETTER_H_

#include <string>
#include <string_view>
#include <unordered_map>

#include <cairo.h>
#include <pango/pangocairo.h>

namespace ldn::report {

struct Rgb {
  double r = 0, g = 0, b = 0;
};
// 0xRRGGBB.
constexpr Rgb Hex(unsigned v) {
  return {((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0};
}
void SetColor(cairo_t* cr, Rgb c, double alpha = 1.0);

enum class Align { kLeft, kCenter, kRight };

struct TextStyle {
  double size = 9;  // points
  bool bold = false;
  bool italic = false;
  Rgb color = Hex(0x1c1f23);
  Align align = Align::kLeft;
  double line_spacing = 1.0;  // multiple of the font's natural line height
};

// Escapes text for pango markup (&, <, >, ', "): patient text is never read as markup.
std::string EscapeMarkup(std::string_view text);

class Typesetter {
 public:
  // REQUIRES: cr outlives this object.
  explicit Typesetter(cairo_t* cr);
  ~Typesetter();
  Typesetter(const Typesetter&) = delete;
  Typesetter& operator=(const Typesetter&) = delete;

  // Height of `text` wrapped to `width` points (width <= 0: no wrapping). `markup` selects
  // pango markup (the caller escapes any untrusted part with EscapeMarkup); otherwise the text
  // is shown literally.
  double Height(std::string_view text, double width, const TextStyle& style, bool markup = false);
  // Width of the widest line of `text`, unwrapped.
  double Width(std::string_view text, const TextStyle& style, bool markup = false);
  // Draws `text` with its top-left corner at (x, y), wrapped to `width`, and returns its height.
  double Draw(double x, double y, double width, std::string_view text, const TextStyle& style, bool markup = false);

  cairo_t* cr() const { return cr_; }

 private:
  struct Size {
    double width = 0;
    double height = 0;
  };
  void Prepare(std::string_view text, double width, const TextStyle& style, bool markup);
  Size LayoutSize() const;
  // The unwrapped size of a text; cached.
  Size Natural(std::string_view text, const TextStyle& style, bool markup);
  static std::string Key(std::string_view text, const TextStyle& style, bool markup, double width);
  cairo_t* cr_;
  PangoLayout* layout_;
  std::unordered_map<std::string, Size> natural_;    // unwrapped sizes
  std::unordered_map<std::string, double> heights_;  // wrapped heights, keyed with the width
};

}  // namespace ldn::report

#endif  // LDN_REPORT_TYPESETTER_H_
