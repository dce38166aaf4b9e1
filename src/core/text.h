// Checks of free text taken from input: names (one line) and notes (several lines), with the
// limits every door applies (docs/api.md, "Limits"). Pure; never throws.
//
// Both kinds must be valid UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF) and
// hold no NUL. Lengths are counted in code points, not bytes.
//   - A line (a display name, a medication, condition, care-team or pharmacy name) holds no
//     control character at all (U+0000-U+001F, U+007F-U+009F), no line or paragraph separator
//     (U+2028, U+2029) and no bidirectional override or isolate (U+202A-U+202E, U+2066-U+2069,
//     which make a name display as something else), and is not blank.
//   - A text (a note, a description, directions) may also hold line feeds, carriage returns and
//     tabs, but no other control character.
#ifndef LDN_CORE_TEXT_H_
#define LDN_CORE_TEXT_H_

#include <cstddef>
#include <string_view>

#include "core/result.h"

namespace ldn {

// Limits in code points, shared by the server, the CLI and the store.
inline constexpr size_t kMaxNameChars = 200;       // display names, medication, condition, team, pharmacy names
inline constexpr size_t kMaxShortTextChars = 500;  // directions, action taken, outcome
inline constexpr size_t kMaxNoteChars = 2000;      // notes, descriptions, reasons

// The number of code points of `text`, or -1 when it is not valid UTF-8 or holds a NUL.
long Utf8Length(std::string_view text);

// A one-line name of 1..max_chars code points (see the file comment). Fails with
// kInvalidArgument naming `field` and saying what is wrong (and, for a control character, which
// one and where).
Status CheckLine(std::string_view text, std::string_view field, size_t max_chars = kMaxNameChars);

// Free text of min_chars..max_chars code points that may span lines (see the file comment).
// Fails with kInvalidArgument naming `field`.
Status CheckText(std::string_view text, std::string_view field, size_t min_chars, size_t max_chars);

// The Levenshtein distance between `a` and `b` counted in bytes: the least number of one-byte
// insertions, deletions and substitutions that turn one into the other. Symmetric; exact for any
// lengths. The "did you mean" suggestions of screening and of the ACR 2016 body areas use it.
// Time is O(max(|a|, |b|)) when the shorter string, after a shared prefix and suffix are set aside,
// has at most 64 bytes (a bit-parallel algorithm); O(|a| x |b|) otherwise.
size_t EditDistance(std::string_view a, std::string_view b);

}  // namespace ldn

#endif  // LDN_CORE_TEXT_H_
