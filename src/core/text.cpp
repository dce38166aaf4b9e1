#include "core/text.h"

#include <cstdint>
#include <optional>
#include <string>

#include <fmt/format.h>

namespace ldn {
namespace {

// Decodes the code point at s[i]; advances i. std::nullopt for invalid UTF-8.
std::optional<uint32_t> Next(std::string_view s, size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t len;
  uint32_t cp;
  if (c < 0x80) {
    len = 1;
    cp = c;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return std::nullopt;
  }
  if (i + len > s.size()) return std::nullopt;
  for (size_t k = 1; k < len; ++k) {
    const auto cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return std::nullopt;
    cp = (cp << 6) | (cc & 0x3F);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return std::nullopt;
  }
  i += len;
  return cp;
}

bool IsControl(uint32_t cp) {
  return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);
}

// Characters that break a line or make a one-line name display as something else.
bool IsLineBreakOrBidi(uint32_t cp) {
  return cp == 0x2028 || cp == 0x2029 || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

bool IsSpace(uint32_t cp) {
  return cp == ' ' || cp == 0xA0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A);
}

std::string CodePointName(uint32_t cp) {
  return fmt::format("U+{:04X}", cp);
}

// Walks `text` once: counts code points and finds the first character `refused` rejects.
struct Scan {
  long length = 0;  // -1: not UTF-8 or a NUL
  std::optional<uint32_t> bad;
  long bad_at = 0;  // 1-based position of `bad` in code points
  bool blank = true;
};

template <typename Refused>
Scan ScanText(std::string_view text, Refused refused) {
  Scan s;
  size_t i = 0;
  while (i < text.size()) {
    const std::optional<uint32_t> cp = Next(text, i);
    if (!cp || *cp == 0) {
      s.length = -1;
      return s;
    }
    ++s.length;
    if (!IsSpace(*cp) && !IsControl(*cp)) s.blank = false;
    if (!s.bad && refused(*cp)) {
      s.bad = *cp;
      s.bad_at = s.length;
    }
  }
  return s;
}

Status LengthError(std::string_view field, size_t length, size_t min_chars, size_t max_chars) {
  if (length < min_chars) {
    return Status::InvalidArgument(std::string(field), min_chars == 1 ? "must not be empty"
                                                                      : fmt::format("must be at least {} characters",
                                                                                    min_chars));
  }
  return Status::InvalidArgument(std::string(field),
                                 fmt::format("must be at most {} characters (got {})", max_chars, length));
}

}  // namespace

long Utf8Length(std::string_view text) {
  return ScanText(text, [](uint32_t) { return false; }).length;
}

Status CheckLine(std::string_view text, std::string_view field, size_t max_chars) {
  const Scan s = ScanText(text, [](uint32_t cp) { return IsControl(cp) || IsLineBreakOrBidi(cp); });
  if (s.length < 0) return Status::InvalidArgument(std::string(field), "must be UTF-8 text without NUL characters");
  if (s.length == 0 || static_cast<size_t>(s.length) > max_chars) {
    return LengthError(field, static_cast<size_t>(s.length), 1, max_chars);
  }
  if (s.bad) {
    return Status::InvalidArgument(
        std::string(field), fmt::format("must be one line of text without control or formatting characters "
                                        "({} at character {})",
                                        CodePointName(*s.bad), s.bad_at));
  }
  if (s.blank) return Status::InvalidArgument(std::string(field), "must not be blank");
  return Status::Ok();
}

Status CheckText(std::string_view text, std::string_view field, size_t min_chars, size_t max_chars) {
  const Scan s = ScanText(text, [](uint32_t cp) { return IsControl(cp) && cp != '\n' && cp != '\r' && cp != '\t'; });
  if (s.length < 0) return Status::InvalidArgument(std::string(field), "must be UTF-8 text without NUL characters");
  if (static_cast<size_t>(s.length) < min_chars || static_cast<size_t>(s.length) > max_chars) {
    return LengthError(field, static_cast<size_t>(s.length), min_chars, max_chars);
  }
  if (s.bad) {
    return Status::InvalidArgument(std::string(field),
                                   fmt::format("must not hold control characters ({} at character {})",
                                               CodePointName(*s.bad), s.bad_at));
  }
  if (min_chars > 0 && s.blank) return Status::InvalidArgument(std::string(field), "must not be blank");
  return Status::Ok();
}

}  // namespace ldn
