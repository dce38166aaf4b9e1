#include "pharmacy/code128.h"

#include <array>
#include <string>

#include <fmt/format.h>

namespace ldn::pharmacy {
namespace {

// Bar/space widths of symbol values 0-105 (ISO/IEC 15417 Table 1; the same table is reproduced in
// the Wikipedia article "Code 128"). Each row: bar, space, bar, space, bar, space; 11 modules;
// the bars' modules sum to an even number (the character's parity check). Values 0-102 and 104
// were checked by decoding symbols with zbarimg (tests/oracles/code128_zbar.py); 103 (Start A) and
// 105 (Start C) are not used here.
constexpr std::array<const char*, 106> kPatterns = {
    "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",  //   0
    "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",  //  10
    "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",  //  20
    "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",  //  30
    "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",  //  40
    "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",  //  50
    "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",  //  60
    "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",  //  70
    "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",  //  80
    "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",  //  90
    "114131", "311141", "411131", "211412", "211214", "211232"};                                         // 100
constexpr const char* kStop = "2331112";
constexpr int kStartB = 104;

}  // namespace

Result<std::vector<int>> Code128Values(std::string_view text, std::string_view field) {
  if (text.empty()) return Status::InvalidArgument(std::string(field), "nothing to encode in the barcode");
  if (text.size() > kCode128MaxChars) {
    return Status::InvalidArgument(
        std::string(field), fmt::format("{} characters; a barcode holds at most {}", text.size(), kCode128MaxChars));
  }
  std::vector<int> values = {kStartB};
  int64_t sum = kStartB;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 32 || c > 126) {
      return Status::InvalidArgument(
          std::string(field),
          fmt::format("character {} (byte 0x{:02X}) cannot be encoded: Code 128 set B holds printable ASCII only",
                      i + 1, static_cast<unsigned>(c)));
    }
    const int v = c - 32;
    values.push_back(v);
    sum += static_cast<int64_t>(v) * static_cast<int64_t>(i + 1);
  }
  values.push_back(static_cast<int>(sum % 103));
  return values;
}

Result<std::vector<int>> Code128Modules(std::string_view text, std::string_view field) {
  LDN_ASSIGN_OR_RETURN(std::vector<int> values, Code128Values(text, field));
  std::vector<int> widths;
  widths.reserve(values.size() * 6 + 7);
  for (int v : values) {
    for (const char* p = kPatterns[static_cast<size_t>(v)]; *p != '\0'; ++p) widths.push_back(*p - '0');
  }
  for (const char* p = kStop; *p != '\0'; ++p) widths.push_back(*p - '0');
  return widths;
}

Result<std::vector<bool>> Code128Bits(std::string_view text, std::string_view field) {
  LDN_ASSIGN_OR_RETURN(std::vector<int> widths, Code128Modules(text, field));
  std::vector<bool> bits(kCode128QuietZoneModules, false);
  for (size_t i = 0; i < widths.size(); ++i) bits.insert(bits.end(), static_cast<size_t>(widths[i]), i % 2 == 0);
  bits.insert(bits.end(), kCode128QuietZoneModules, false);
  return bits;
}

}  // namespace ldn::pharmacy
