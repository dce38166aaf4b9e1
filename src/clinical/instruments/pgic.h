// PGIC: Patient Global Impression of Change, one item on a 7-point scale (public domain):
// 1 very much improved, 2 much improved, 3 minimally improved, 4 no change, 5 minimally worse,
// 6 much worse, 7 very much worse.
// IMMPACT (Dworkin RH et al., J Pain 2008;9:105) maps minimally / much / very much improved to
// minimal / moderate / substantial benefit. The default responder rule is PGIC <= 2 ("much
// improved" or better), the anchor of Farrar JT et al., Pain 2001;94:149.
#ifndef LDN_CLINICAL_INSTRUMENTS_PGIC_H_
#define LDN_CLINICAL_INSTRUMENTS_PGIC_H_

#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace ldn::clinical {

struct PgicScore {
  int score = 4;              // 1-7
  std::string label;          // "very much improved" ... "very much worse"
  std::string immpact_level;  // "substantial benefit", "moderate benefit", "minimal benefit", "no benefit"
  bool responder = false;     // score <= kPgicResponderMax
};

// Default responder threshold (clinical-facts §4: suggested default PGIC <= 2; Farrar 2001).
inline constexpr int kPgicResponderMax = 2;

// Reads {"pgic": 1-7}. Fails with kInvalidArgument naming "pgic" (missing, not a whole number, out
// of range) or an unknown key.
Result<int> ReadPgic(const nlohmann::json& input);

// REQUIRES: 1 <= score <= 7.
PgicScore ScorePgic(int score);

nlohmann::json PgicScoreToJson(const PgicScore& score);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_INSTRUMENTS_PGIC_H_
