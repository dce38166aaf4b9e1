// Helpers shared by the libFuzzer targets in fuzz/ (docs/fuzzing.md).
//
// A target calls the code under test the way its door does and then checks properties that must
// hold for every input: LDN_FUZZ_CHECK aborts with a message (libFuzzer saves the input as a
// crash) when one does not. Sanitizers (address, undefined) catch the rest.
#ifndef LDN_FUZZ_FUZZ_SUPPORT_H_
#define LDN_FUZZ_FUZZ_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/result.h"

#define LDN_FUZZ_CHECK(condition, what)                                                                  \
  do {                                                                                                   \
    if (!(condition)) {                                                                                  \
      std::fprintf(stderr, "LDN_FUZZ_CHECK failed at %s:%d: %s\n  %s\n", __FILE__, __LINE__, #condition, \
                   std::string(what).c_str());                                                           \
      std::abort();                                                                                      \
    }                                                                                                    \
  } while (0)

namespace ldn::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// An input error must be kInvalidArgument and name a field or say what is wrong: never an
// internal error, never an empty message.
inline void CheckInputError(const Status& s, std::string_view where) {
  LDN_FUZZ_CHECK(!s.ok(), std::string(where) + ": expected an error");
  LDN_FUZZ_CHECK(s.code() == Code::kInvalidArgument, std::string(where) + ": " + s.ToString());
  LDN_FUZZ_CHECK(!s.message().empty(), std::string(where) + ": an error without a message");
}

}  // namespace ldn::fuzz

#endif  // LDN_FUZZ_FUZZ_SUPPORT_H_
