#include "clinical/titration/protocols.h"

#include <fmt/format.h>

#include "core/json_reader.h"
#include "core/knowledge_files.h"

namespace ldn::clinical {
namespace {

Result<Dose> ReadMg(JsonObject& o, std::string_view key) {
  LDN_ASSIGN_OR_RETURN(double mg, o.Number(key, 0.001, 1000));
  return Dose::FromMilligramsHcl(mg, o.PathOf(key));
}

Result<Protocol> ReadProtocol(JsonObject& o) {
  Protocol p;
  LDN_ASSIGN_OR_RETURN(p.id, o.String("id"));
  LDN_ASSIGN_OR_RETURN(p.name, o.String("name"));
  LDN_ASSIGN_OR_RETURN(p.start, ReadMg(o, "start_mg"));
  LDN_ASSIGN_OR_RETURN(p.increment, ReadMg(o, "increment_mg"));
  LDN_ASSIGN_OR_RETURN(p.target, ReadMg(o, "target_mg"));
  LDN_ASSIGN_OR_RETURN(JsonObject days, o.Object("step_days"));
  LDN_ASSIGN_OR_RETURN(int64_t d, days.Integer("default", 1, 60));
  LDN_ASSIGN_OR_RETURN(int64_t lo, days.Integer("min", 1, 60));
  LDN_ASSIGN_OR_RETURN(int64_t hi, days.Integer("max", 1, 60));
  LDN_RETURN_IF_ERROR(days.RejectUnknownKeys());
  if (lo > d || d > hi) return Status::InvalidArgument(days.path(), "need min <= default <= max");
  p.step_days_default = static_cast<int>(d);
  p.step_days_min = static_cast<int>(lo);
  p.step_days_max = static_cast<int>(hi);
  LDN_ASSIGN_OR_RETURN(p.reconstructed, o.Bool("reconstructed"));
  LDN_ASSIGN_OR_RETURN(p.source, o.String("source"));
  LDN_ASSIGN_OR_RETURN(p.notes, o.String("notes"));
  LDN_ASSIGN_OR_RETURN(p.uncertainty, o.String("uncertainty"));
  if (p.start > p.target) return Status::InvalidArgument(o.PathOf("start_mg"), "start above target");
  return p;
}

}  // namespace

Result<TitrationKnowledge> ParseTitrationKnowledge(std::string_view text) {
  LDN_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(text));
  LDN_ASSIGN_OR_RETURN(JsonObject top, JsonObject::Of(doc, ""));
  LDN_ASSIGN_OR_RETURN(std::string version, top.String("version"));
  LDN_ASSIGN_OR_RETURN(std::string description, top.String("description"));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, top.Array("entries"));
  LDN_RETURN_IF_ERROR(top.RejectUnknownKeys());
  TitrationKnowledge k;
  bool seen[5] = {false, false, false, false, false};
  for (size_t i = 0; i < entries->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*entries)[i], IndexPath("entries", i)));
    LDN_ASSIGN_OR_RETURN(std::string kind, e.String("kind"));
    if (kind == "protocol") {
      LDN_ASSIGN_OR_RETURN(Protocol p, ReadProtocol(e));
      k.protocols.push_back(std::move(p));
    } else if (kind == "rule") {
      LDN_ASSIGN_OR_RETURN(std::string id, e.String("id"));
      LDN_ASSIGN_OR_RETURN(double value, e.Number("value", 0, 1000));
      LDN_ASSIGN_OR_RETURN(std::string source, e.String("source"));
      LDN_ASSIGN_OR_RETURN(std::string notes, e.String("notes"));
      TitrationRules& r = k.rules;
      if (id == "usual_max_mg") {
        LDN_ASSIGN_OR_RETURN(r.usual_max, Dose::FromMilligramsHcl(value, e.PathOf("value")));
        r.usual_max_source = source;
        seen[0] = true;
      } else if (id == "low_dose_ceiling_mg") {
        LDN_ASSIGN_OR_RETURN(r.low_dose_ceiling, Dose::FromMilligramsHcl(value, e.PathOf("value")));
        r.ceiling_source = source;
        seen[1] = true;
      } else if (id == "side_effect_settle_days") {
        r.side_effect_settle_days = static_cast<int>(value);
        r.settle_source = source;
        seen[2] = true;
      } else if (id == "gap_step_down_days") {
        r.gap_step_down_days = static_cast<int>(value);
        r.gap_source = source;
        seen[3] = true;
      } else if (id == "min_syringe_volume_ml") {
        r.min_syringe_volume_centi_ml = static_cast<int>(value * 100 + 0.5);
        r.syringe_source = source;
        seen[4] = true;
      } else {
        return Status::InvalidArgument(e.PathOf("id"), fmt::format("unknown rule '{}'", id));
      }
    } else {
      return Status::InvalidArgument(e.PathOf("kind"), "expected 'protocol' or 'rule'");
    }
    LDN_RETURN_IF_ERROR(e.RejectUnknownKeys());
  }
  for (bool s : seen) {
    if (!s) return Status::InvalidArgument("entries", "a rule is missing");
  }
  if (k.protocols.empty()) return Status::InvalidArgument("entries", "no protocols");
  return k;
}

const Result<TitrationKnowledge>& LoadTitrationKnowledge() {
  static const Result<TitrationKnowledge> kKnowledge = []() -> Result<TitrationKnowledge> {
    auto text = KnowledgeFileText("protocols.json");
    if (!text.ok()) return Status::Internal("data/protocols.json is not embedded");
    auto k = ParseTitrationKnowledge(*text);
    if (!k.ok()) return Status::Internal("data/protocols.json: " + k.status().ToString());
    return k;
  }();
  return kKnowledge;
}

Result<Protocol> FindProtocol(const TitrationKnowledge& k, std::string_view id, std::string_view field) {
  std::string names;
  for (const Protocol& p : k.protocols) {
    if (p.id == id) return p;
    names += (names.empty() ? "" : ", ") + p.id;
  }
  return Status::InvalidArgument(std::string(field), fmt::format("unknown protocol '{}'; valid: {}", id, names));
}

}  // namespace ldn::clinical
