// The instrument answers (`ldn score`, POST .../instruments): FIQR, PGIC and the ACR 2010, 2011
// and 2016 criteria. The first byte chooses the instrument, the rest is the answers' JSON.
// Properties: errors are kInvalidArgument; scores stay within their published ranges (FIQR
// 0-100, PGIC 1-7, WPI 0-19, SSS 0-12); the JSON output can be written.
#include "clinical/instruments/acr.h"
#include "clinical/instruments/fiqr.h"
#include "clinical/instruments/pgic.h"
#include "core/json_reader.h"
#include "fuzz_support.h"

namespace cl = ldn::clinical;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int which = data[0] % 5;
  auto json = ldn::ParseJson(ldn::fuzz::AsText(data + 1, size - 1));
  if (!json.ok()) return 0;
  if (which == 0) {
    auto answers = cl::ReadFiqrAnswers(*json);
    if (!answers.ok()) return ldn::fuzz::CheckInputError(answers.status(), "ReadFiqrAnswers"), 0;
    auto score = cl::ScoreFiqr(*answers);
    if (!score.ok()) return ldn::fuzz::CheckInputError(score.status(), "ScoreFiqr"), 0;
    constexpr double e = 1e-9;
    LDN_FUZZ_CHECK(score->total >= 0 && score->total <= 100 + e, std::to_string(score->total));
    LDN_FUZZ_CHECK(score->function >= 0 && score->function <= 30 + e, std::to_string(score->function));
    LDN_FUZZ_CHECK(score->impact >= 0 && score->impact <= 20 + e, std::to_string(score->impact));
    LDN_FUZZ_CHECK(score->symptoms >= 0 && score->symptoms <= 50 + e, std::to_string(score->symptoms));
    (void)cl::FiqrScoreToJson(*score).dump();
  } else if (which == 1) {
    auto answer = cl::ReadPgic(*json);
    if (!answer.ok()) return ldn::fuzz::CheckInputError(answer.status(), "ReadPgic"), 0;
    LDN_FUZZ_CHECK(*answer >= 1 && *answer <= 7, std::to_string(*answer));
    (void)cl::PgicScoreToJson(cl::ScorePgic(*answer)).dump();
  } else {
    const cl::AcrVersion version =
        which == 2 ? cl::AcrVersion::k2010 : which == 3 ? cl::AcrVersion::k2011 : cl::AcrVersion::k2016;
    auto answers = cl::ReadAcrAnswers(*json);
    if (!answers.ok()) return ldn::fuzz::CheckInputError(answers.status(), "ReadAcrAnswers"), 0;
    auto score = cl::ScoreAcr(*answers, version);
    if (!score.ok()) return ldn::fuzz::CheckInputError(score.status(), "ScoreAcr"), 0;
    LDN_FUZZ_CHECK(score->wpi >= 0 && score->wpi <= 19, std::to_string(score->wpi));
    LDN_FUZZ_CHECK(score->sss >= 0 && score->sss <= 12, std::to_string(score->sss));
    LDN_FUZZ_CHECK(score->psd >= 0 && score->psd <= 31, std::to_string(score->psd));
    (void)cl::AcrScoreToJson(*score).dump();
  }
  return 0;
}
