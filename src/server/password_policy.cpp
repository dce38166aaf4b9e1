#include "server/password_policy.h"

#include <algorithm>
#include <string>
#include <unordered_set>

#include <fmt/format.h>

#include "core/message.h"
#include "core/text.h"

namespace ldn::server {
namespace {

std::string LowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

const std::unordered_set<std::string>& CommonSet() {
  // Built once, on first use (about 30,000 entries); read-only afterwards, so thread-safe.
  static const std::unordered_set<std::string> set = [] {
    std::unordered_set<std::string> s;
    const std::string_view text = CommonPasswordsText();
    size_t i = 0;
    while (i < text.size()) {
      size_t end = text.find('\n', i);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(i, end - i);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (!line.empty() && line.front() != '#') s.insert(LowerAscii(line));
      i = end + 1;
    }
    return s;
  }();
  return set;
}

// Words of this service and its subject, which an attacker tries first (NIST 800-63B §5.1.1.2
// "context-specific words, such as the name of the service").
bool IsContextWord(std::string_view lower) {
  static constexpr std::string_view kWords[] = {"ldn", "naltrexone", "lowdosenaltrexone", "low dose naltrexone",
                                                "fibromyalgia"};
  return std::find(std::begin(kWords), std::end(kWords), lower) != std::end(kWords);
}

bool IsAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The password without the digits, symbols and spaces before its first and after its last ASCII
// letter (empty when it has no letter).
std::string_view LetterCore(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && !IsAsciiLetter(s[b]) && static_cast<unsigned char>(s[b]) < 0x80) ++b;
  while (e > b && !IsAsciiLetter(s[e - 1]) && static_cast<unsigned char>(s[e - 1]) < 0x80) --e;
  return s.substr(b, e - b);
}

// `s` is `unit` repeated at least twice, for its shortest unit.
std::string_view RepeatedUnit(std::string_view s) {
  for (size_t n = 1; n <= s.size() / 2; ++n) {
    if (s.size() % n != 0) continue;
    bool repeats = true;
    for (size_t i = n; i < s.size() && repeats; ++i) repeats = s[i] == s[i - n];
    if (repeats) return s.substr(0, n);
  }
  return {};
}

// One character repeated, or each character one after (or before) the previous one: a-z, A-Z,
// and 0-9 with 9 followed by 0 ("123456789012"). ASCII only.
bool IsRunOrRepeat(std::string_view s) {
  if (s.size() < 2) return false;
  for (int d : {0, 1, -1}) {
    bool all = true;
    for (size_t i = 1; i < s.size() && all; ++i) {
      const char a = s[i - 1], b = s[i];
      if (d == 0) {
        all = a == b;
      } else if (a >= '0' && a <= '9' && b >= '0' && b <= '9') {
        all = (a - '0' + d + 10) % 10 == b - '0';
      } else {
        all = static_cast<unsigned char>(a) < 0x80 && b == a + d && (IsAsciiLetter(a) == IsAsciiLetter(b));
      }
    }
    if (all) return true;
  }
  return false;
}

}  // namespace

bool IsCommonPassword(std::string_view password) {
  return CommonSet().count(LowerAscii(password)) != 0;
}

Status CheckNewPassword(std::string_view password, std::string_view username, std::string_view field) {
  const std::string f(field);
  if (password.size() > kMaxPasswordBytes) {
    return Status::InvalidArgument(f, fmt::format("must be at most {} bytes", kMaxPasswordBytes))
        .WithText({N_("The password is too long: at most {max} characters."), {{"max", kMaxPasswordChars}}});
  }
  // Control characters first: the code-point count below (core/text.h) refuses a NUL as not text.
  for (char c : password) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Status::InvalidArgument(f, "must not contain control characters (tabs, line breaks, NUL)")
          .WithText({N_("The password must not contain tabs or line breaks.")});
    }
  }
  const long chars = Utf8Length(password);
  if (chars < 0) {
    return Status::InvalidArgument(f, "must be valid UTF-8 text")
        .WithText({N_("The password holds characters that cannot be read. Type it again.")});
  }
  if (chars < static_cast<long>(kMinPasswordChars)) {
    return Status::InvalidArgument(
               f, fmt::format("must be at least {} characters long (this one has {}); a few unrelated words make a "
                              "good one",
                              kMinPasswordChars, chars))
        .WithText({N_("The password must be at least {min} characters long; this one has {n}. A few unrelated words "
                      "make a good one."),
                   {{"min", kMinPasswordChars}, {"n", chars}}});
  }
  if (chars > static_cast<long>(kMaxPasswordChars)) {
    return Status::InvalidArgument(f, fmt::format("must be at most {} characters long", kMaxPasswordChars))
        .WithText({N_("The password is too long: at most {max} characters."), {{"max", kMaxPasswordChars}}});
  }
  const std::string lower = LowerAscii(password);
  const std::string user = LowerAscii(username);
  if (!user.empty() && (lower == user || (Utf8Length(user) >= 3 && lower.find(user) != std::string::npos))) {
    return Status::InvalidArgument(f, "must not contain the username")
        .WithText({N_("The password must not contain the username.")});
  }
  if (IsRunOrRepeat(lower)) {
    return Status::InvalidArgument(f, "must not be one character repeated or a run like 'abcdef' or '123456'")
        .WithText({N_("The password must not be one character repeated or a run such as 'abcdef' or '123456'.")});
  }
  const std::string_view core = LetterCore(lower);
  const std::string_view unit = RepeatedUnit(lower);
  const std::string_view core_unit = RepeatedUnit(core);
  const auto listed = [](std::string_view w) {
    return !w.empty() && (CommonSet().count(std::string(w)) != 0 || IsContextWord(w));
  };
  if (listed(lower) || listed(core) || listed(unit) || listed(core_unit) || (!unit.empty() && unit.size() <= 3)) {
    return Status::InvalidArgument(
               f, "is too common: it is (or is built from) one of the most used passwords, which attackers try first")
        .WithText({N_("This password is too common: it is (or is built from) one of the most used passwords, which "
                      "attackers try first. Choose another.")});
  }
  return Status::Ok();
}

}  // namespace ldn::server
