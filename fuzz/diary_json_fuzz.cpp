// The diary document (`ldn analyze`, docs/diary-format.md; the server checks each day's items with
// the same parser): ParseDiaryJson on any bytes; on success both round trips and the analysis
// (diary_checks.h).
#include "diary_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto diary = ldn::analysis::ParseDiaryJson(ldn::fuzz::AsText(data, size));
  if (!diary.ok()) {
    ldn::fuzz::CheckInputError(diary.status(), "ParseDiaryJson");
    return 0;
  }
  ldn::fuzz::CheckDiary(*diary);
  return 0;
}
