// Code 128 barcode encoding (code set B), pure: text in, module widths out.
//
// Symbology: ISO/IEC 15417 (Code 128). A symbol is: quiet zone, start character (Start B, value
// 104), one symbol character per input character (value = ASCII code - 32), a modulo-103 check
// character (start value + sum of value x position, positions counted from 1), the stop pattern
// (2331112: 13 modules, ending in the 2-module termination bar), quiet zone. Each symbol
// character is 3 bars and 3 spaces over 11 modules; the quiet zone is at least 10 modules on
// each side (ISO/IEC 15417 section 4.3, minimum quiet zone 10X).
//
// Used for the Rx and batch number on dispensing labels (issue 14); the server draws the modules
// into the PDF and a server test decodes them with zbarimg.
#ifndef LDN_PHARMACY_CODE128_H_
#define LDN_PHARMACY_CODE128_H_

#include <string_view>
#include <vector>

#include "core/result.h"

namespace ldn::pharmacy {

// Minimum quiet zone on each side, in modules (ISO/IEC 15417: 10X).
inline constexpr int kCode128QuietZoneModules = 10;
// Longest text encoded (a label barcode holds an Rx and a batch number, not prose).
inline constexpr size_t kCode128MaxChars = 80;

// The symbol values of `text` in code set B: Start B (104), the data values, the check value.
// Fails with kInvalidArgument naming `field` when the text is empty, longer than kCode128MaxChars,
// or holds a character outside printable ASCII 32-126 (the message gives its position).
Result<std::vector<int>> Code128Values(std::string_view text, std::string_view field);

// The widths, in modules, of the bars and spaces of the symbol from the start character to the
// end of the stop pattern, alternating bar, space, bar, ..., starting and ending with a bar
// (6 widths per character, 7 for the stop): 11 x (n + 2) + 13 modules for n characters. The
// quiet zones are not included (kCode128QuietZoneModules of space on each side). Same failures
// as Code128Values.
Result<std::vector<int>> Code128Modules(std::string_view text, std::string_view field);

// The whole symbol as modules, true for dark (bar), false for light, with a quiet zone of
// kCode128QuietZoneModules light modules on each side. Same failures as Code128Values.
Result<std::vector<bool>> Code128Bits(std::string_view text, std::string_view field);

}  // namespace ldn::pharmacy

#endif  // LDN_PHARMACY_CODE128_H_
