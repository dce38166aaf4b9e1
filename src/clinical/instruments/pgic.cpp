#include "clinical/instruments/pgic.h"

#include <array>
#include <cassert>
#include <string_view>

#include "core/json_reader.h"

namespace ldn::clinical {
namespace {

constexpr std::array<std::string_view, 7> kLabels{"very much improved", "much improved",   "minimally improved",
                                                  "no change",          "minimally worse", "much worse",
                                                  "very much worse"};

}  // namespace

Result<int> ReadPgic(const nlohmann::json& input) {
  LDN_ASSIGN_OR_RETURN(JsonObject obj, JsonObject::Of(input, ""));
  LDN_ASSIGN_OR_RETURN(int64_t v, obj.Integer("pgic", 1, 7));
  LDN_RETURN_IF_ERROR(obj.RejectUnknownKeys());
  return static_cast<int>(v);
}

PgicScore ScorePgic(int score) {
  assert(score >= 1 && score <= 7);
  PgicScore s;
  s.score = score;
  s.label = std::string(kLabels[static_cast<size_t>(score - 1)]);
  // Dworkin 2008 (IMMPACT): very much improved -> substantial, much -> moderate, minimally -> minimal.
  switch (score) {
    case 1: s.immpact_level = "substantial benefit"; break;
    case 2: s.immpact_level = "moderate benefit"; break;
    case 3: s.immpact_level = "minimal benefit"; break;
    default: s.immpact_level = "no benefit"; break;
  }
  s.responder = score <= kPgicResponderMax;  // Farrar 2001: "much improved" or better
  return s;
}

nlohmann::json PgicScoreToJson(const PgicScore& s) {
  return {
      {"instrument", "pgic"},
      {"score", s.score},
      {"label", s.label},
      {"immpact_level", s.immpact_level},
      {"responder", s.responder},
      {"responder_rule", "PGIC <= 2 (much or very much improved): suggested default"},
      {"sources",
       {"PGIC 7-point scale (public domain)",
        "Dworkin RH et al., J Pain 2008;9:105 (IMMPACT): minimally/much/very much improved = minimal/moderate/"
        "substantial benefit",
        "Farrar JT et al., Pain 2001;94:149: 'much improved' as the clinically important anchor"}},
  };
}

}  // namespace ldn::clinical
