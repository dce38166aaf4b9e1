// The diary's CSV form (`ldn analyze` of a .csv file, docs/diary-format.md "CSV form"):
// ParseDiaryCsv on any bytes; on success both round trips and the analysis (diary_checks.h).
#include "diary_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto diary = ldn::analysis::ParseDiaryCsv(ldn::fuzz::AsText(data, size));
  if (!diary.ok()) {
    ldn::fuzz::CheckInputError(diary.status(), "ParseDiaryCsv");
    return 0;
  }
  ldn::fuzz::CheckDiary(*diary);
  return 0;
}
