#include "report/typesetter.h"

#include <cassert>

// Fontconfig keeps its configuration and caches for the life of the process and never frees
// them; LeakSanitizer reports that as a leak in every program that lays out text. Suppress it
// (and only it) in sanitizer builds. Defined here because every program that draws text links
// this file.
#if defined(__SANITIZE_ADDRESS__)
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n";
}
extern "C" const char* __lsan_default_options() {
  return "print_suppressions=0";
}
#endif

namespace ldn::report {

void SetColor(cairo_t* cr, Rgb c, double alpha) {
  cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha);
}

std::string EscapeMarkup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\'': out += "&apos;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

Typesetter::Typesetter(cairo_t* cr) : cr_(cr) {
  PangoContext* context = pango_cairo_create_context(cr);
  cairo_font_options_t* fo = cairo_font_options_create();
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options(context, fo);
  cairo_font_options_destroy(fo);
  pango_cairo_context_set_resolution(context, 72.0);
  pango_context_set_round_glyph_positions(context, FALSE);
  layout_ = pango_layout_new(context);
  g_object_unref(context);
  assert(layout_ != nullptr);
}

Typesetter::~Typesetter() {
  g_object_unref(layout_);
}

void Typesetter::Prepare(std::string_view text, double width, const TextStyle& style, bool markup) {
  PangoFontDescription* fd = pango_font_description_new();
  pango_font_description_set_family(fd, "DejaVu Sans");
  pango_font_description_set_size(fd, static_cast<gint>(style.size * PANGO_SCALE));
  pango_font_description_set_weight(fd, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_style(fd, style.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL);
  pango_layout_set_font_description(layout_, fd);
  pango_font_description_free(fd);
  pango_layout_set_width(layout_, width > 0 ? static_cast<int>(width * PANGO_SCALE) : -1);
  pango_layout_set_wrap(layout_, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_line_spacing(layout_, static_cast<float>(style.line_spacing));
  switch (style.align) {
    case Align::kLeft: pango_layout_set_alignment(layout_, PANGO_ALIGN_LEFT); break;
    case Align::kCenter: pango_layout_set_alignment(layout_, PANGO_ALIGN_CENTER); break;
    case Align::kRight: pango_layout_set_alignment(layout_, PANGO_ALIGN_RIGHT); break;
  }
  if (markup) {
    pango_layout_set_markup(layout_, text.data(), static_cast<int>(text.size()));
  } else {
    pango_layout_set_attributes(layout_, nullptr);
    pango_layout_set_text(layout_, text.data(), static_cast<int>(text.size()));
  }
}

std::string Typesetter::Key(std::string_view text, const TextStyle& style, bool markup, double width) {
  std::string key;
  key.reserve(text.size() + 48);
  key.append(reinterpret_cast<const char*>(&style.size), sizeof style.size);
  key.append(reinterpret_cast<const char*>(&style.line_spacing), sizeof style.line_spacing);
  key.append(reinterpret_cast<const char*>(&width), sizeof width);
  key += static_cast<char>((style.bold ? 1 : 0) | (style.italic ? 2 : 0) | (markup ? 4 : 0));
  key += text;
  return key;
}

Typesetter::Size Typesetter::LayoutSize() const {
  int w = 0, h = 0;
  pango_layout_get_size(layout_, &w, &h);
  return {static_cast<double>(w) / PANGO_SCALE, static_cast<double>(h) / PANGO_SCALE};
}

Typesetter::Size Typesetter::Natural(std::string_view text, const TextStyle& style, bool markup) {
  std::string key = Key(text, style, markup, -1);
  if (auto it = natural_.find(key); it != natural_.end()) return it->second;
  Prepare(text, -1, style, markup);
  const Size size = LayoutSize();
  natural_.emplace(std::move(key), size);
  return size;
}

double Typesetter::Height(std::string_view text, double width, const TextStyle& style, bool markup) {
  // Colour and alignment do not change a text's size; a text no wider than the width and with
  // no line break does not wrap, so its height is its unwrapped height.
  const Size natural = Natural(text, style, markup);
  if (width <= 0 || natural.width <= width) return natural.height;
  std::string key = Key(text, style, markup, width);
  if (auto it = heights_.find(key); it != heights_.end()) return it->second;
  Prepare(text, width, style, markup);
  const double h = LayoutSize().height;
  heights_.emplace(std::move(key), h);
  return h;
}

double Typesetter::Width(std::string_view text, const TextStyle& style, bool markup) {
  return Natural(text, style, markup).width;
}

double Typesetter::Draw(double x, double y, double width, std::string_view text, const TextStyle& style, bool markup) {
  Prepare(text, width, style, markup);
  const Size size = LayoutSize();
  if (width <= 0 && style.align != Align::kLeft) {
    // Unwrapped text aligned to a point: x is the right edge or the centre.
    x -= style.align == Align::kRight ? size.width : size.width / 2;
  }
  cairo_save(cr_);
  SetColor(cr_, style.color);
  cairo_move_to(cr_, x, y);
  pango_cairo_show_layout(cr_, layout_);
  cairo_restore(cr_);
  return size.height;
}

}  // namespace ldn::report
