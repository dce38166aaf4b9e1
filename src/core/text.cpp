#include "core/text.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

size_t EditDistance(std::string_view a, std::string_view b) {
  // A shared prefix or suffix never changes the distance: set it aside.
  while (!a.empty() && !b.empty() && a.front() == b.front()) {
    a.remove_prefix(1);
    b.remove_prefix(1);
  }
  while (!a.empty() && !b.empty() && a.back() == b.back()) {
    a.remove_suffix(1);
    b.remove_suffix(1);
  }
  if (a.size() > b.size()) std::swap(a, b);  // a is the shorter: the pattern
  if (a.empty()) return b.size();
  if (a.size() <= 64) {
    // Myers' bit-vector algorithm in Hyyrö's form for the whole-string distance (G. Myers, "A fast
    // bit-vector algorithm for approximate string matching based on dynamic programming", J. ACM
    // 46(3):395-415, 1999; H. Hyyrö, "Explaining and extending the bit-parallel approximate string
    // matching algorithm of Myers", Tech. Rep. A-2001-10, Univ. of Tampere, 2001). Bit i of Pv/Mv
    // says the cell below row i of the current column is one more/less than the cell above; the
    // top row counts up by one per column of b, hence the 1 shifted into Ph.
    std::array<uint64_t, 256> peq{};
    for (size_t i = 0; i < a.size(); ++i) peq[static_cast<unsigned char>(a[i])] |= uint64_t{1} << i;
    const uint64_t last = uint64_t{1} << (a.size() - 1);
    uint64_t pv = ~uint64_t{0};
    uint64_t mv = 0;
    size_t score = a.size();
    for (const char c : b) {
      const uint64_t eq = peq[static_cast<unsigned char>(c)];
      const uint64_t xv = eq | mv;
      const uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
      uint64_t ph = mv | ~(xh | pv);
      uint64_t mh = pv & xh;
      if (ph & last) ++score;
      if (mh & last) --score;
      ph = (ph << 1) | 1;
      mh <<= 1;
      pv = mh | ~(xv | ph);
      mv = ph & xv;
    }
    return score;
  }
  // The textbook dynamic programme, one row at a time.
  std::vector<size_t> prev(a.size() + 1), cur(a.size() + 1);
  for (size_t i = 0; i <= a.size(); ++i) prev[i] = i;
  for (size_t j = 1; j <= b.size(); ++j) {
    cur[0] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
      cur[i] = std::min({prev[i] + 1, cur[i - 1] + 1, prev[i - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[a.size()];
}

}  // namespace ldn
