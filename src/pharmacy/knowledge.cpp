#include "pharmacy/knowledge.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "core/json_reader.h"
#include "core/knowledge_files.h"

namespace ldn::pharmacy {

std::string_view StorageName(Storage s) {
  return s == Storage::kFridge ? "fridge" : "room";
}

Result<Storage> ParseStorage(std::string_view text, std::string_view field) {
  if (text == "fridge") return Storage::kFridge;
  if (text == "room") return Storage::kRoom;
  return Status::InvalidArgument(std::string(field), fmt::format("'{}' is not a storage; valid: fridge, room", text));
}

std::string StorageInstruction(Storage s) {
  return s == Storage::kFridge ? "Store in a refrigerator, 2-8 \u00b0C" : "Store at room temperature, 20-25 \u00b0C";
}

namespace {
constexpr BudCategory kCategories[] = {BudCategory::kAqueousUnpreserved, BudCategory::kAqueousPreserved,
                                       BudCategory::kNonAqueousLiquid, BudCategory::kSolid};
}  // namespace

std::string_view BudCategoryId(BudCategory c) {
  switch (c) {
    case BudCategory::kAqueousUnpreserved: return "aqueous-unpreserved";
    case BudCategory::kAqueousPreserved: return "aqueous-preserved";
    case BudCategory::kNonAqueousLiquid: return "nonaqueous-liquid";
    case BudCategory::kSolid: return "solid";
  }
  return "solid";
}

Result<BudCategory> ParseBudCategory(std::string_view text, std::string_view field) {
  for (BudCategory c : kCategories) {
    if (BudCategoryId(c) == text) return c;
  }
  return Status::InvalidArgument(
      std::string(field),
      fmt::format("'{}' is not a USP <795> category; valid: aqueous-unpreserved, aqueous-preserved, nonaqueous-liquid, "
                  "solid",
                  text));
}

namespace {

// The header every data file shares; returns the entries array and records the version.
Result<const nlohmann::json*> ReadDocument(const nlohmann::json& doc, std::string* version) {
  LDN_ASSIGN_OR_RETURN(JsonObject top, JsonObject::Of(doc, ""));
  LDN_ASSIGN_OR_RETURN(*version, top.String("version"));
  LDN_ASSIGN_OR_RETURN(std::string description, top.String("description"));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, top.Array("entries"));
  LDN_RETURN_IF_ERROR(top.RejectUnknownKeys());
  return entries;
}

// Keys every entry may carry besides its own: trust (H/M/L) and a free note.
Status ReadCommon(JsonObject& e, std::string* source) {
  LDN_ASSIGN_OR_RETURN(*source, e.String("source"));
  if (source->empty()) return Status::InvalidArgument(e.PathOf("source"), "must not be empty");
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> trust, e.OptionalString("trust"));
  if (trust && *trust != "H" && *trust != "M" && *trust != "L") {
    return Status::InvalidArgument(e.PathOf("trust"), "expected H, M or L");
  }
  return Status::Ok();
}

Result<std::vector<std::string>> ReadStrings(JsonObject& o, std::string_view key) {
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* a, o.Array(key));
  std::vector<std::string> out;
  for (size_t i = 0; i < a->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(std::string s, ReadString((*a)[i], IndexPath(o.PathOf(key), i)));
    out.push_back(std::move(s));
  }
  return out;
}

Result<Dose> ReadMgPerMl(const nlohmann::json& j, const std::string& path) {
  LDN_ASSIGN_OR_RETURN(double v, ReadNumber(j, path, 0.001, 1000));
  return Dose::FromMilligramsHcl(v, path);
}

// Reads a knowledge file's entries in order: for each, the fields every entry has (`kind`, `id`
// and its cited `source`, ReadCommon), then `fn`, then the check that no key was left unread.
// Stops at the first failure, which names the entry's path ("entries[3].days").
template <typename Fn>
Status ForEachEntry(const nlohmann::json& doc, std::string* version, Fn&& fn) {
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, ReadDocument(doc, version));
  for (size_t i = 0; i < entries->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*entries)[i], IndexPath("entries", i)));
    std::string source;
    LDN_RETURN_IF_ERROR(ReadCommon(e, &source));
    LDN_ASSIGN_OR_RETURN(std::string kind, e.String("kind"));
    LDN_ASSIGN_OR_RETURN(std::string id, e.String("id"));
    LDN_RETURN_IF_ERROR(fn(e, kind, id, source));
    LDN_RETURN_IF_ERROR(e.RejectUnknownKeys());
  }
  return Status::Ok();
}

Status ParseCapsules(const nlohmann::json& doc, CompoundingKnowledge& k, std::string* version) {
  double low = 0, high = 0;
  LDN_RETURN_IF_ERROR(ForEachEntry(
      doc, version,
      [&](JsonObject& e, const std::string& kind, const std::string& id, const std::string& source) -> Status {
        if (kind == "fill_density") {
          LDN_ASSIGN_OR_RETURN(low, e.Number("low_g_per_ml", 0.1, 3));
          LDN_ASSIGN_OR_RETURN(high, e.Number("high_g_per_ml", low, 3));
          LDN_ASSIGN_OR_RETURN(std::optional<std::string> note, e.OptionalString("note"));
          k.fill_density_source = source;
        } else if (kind == "capsule_size") {
          CapsuleSize c;
          c.id = id;
          LDN_ASSIGN_OR_RETURN(c.volume_ml, e.Number("volume_ml", 0.01, 5));
          c.source = source;
          for (const CapsuleSize& other : k.capsule_sizes) {
            if (other.id == id) return Status::InvalidArgument(e.PathOf("id"), "duplicate capsule size");
          }
          k.capsule_sizes.push_back(std::move(c));
        } else {
          return Status::InvalidArgument(e.PathOf("kind"), "expected 'fill_density' or 'capsule_size'");
        }
        return Status::Ok();
      }));
  if (low == 0) return Status::InvalidArgument("entries", "the fill_density entry is missing");
  if (k.capsule_sizes.empty()) return Status::InvalidArgument("entries", "no capsule sizes");
  for (CapsuleSize& c : k.capsule_sizes) {
    c.typical_fill_low_mg = c.volume_ml * low * 1000;
    c.typical_fill_high_mg = c.volume_ml * high * 1000;
  }
  return Status::Ok();
}

Status ParseExcipients(const nlohmann::json& doc, CompoundingKnowledge& k, std::string* version) {
  std::set<std::string> ids;
  LDN_RETURN_IF_ERROR(ForEachEntry(
      doc, version,
      [&](JsonObject& e, const std::string& kind, const std::string& id, const std::string& source) -> Status {
        if (!ids.insert(id).second) return Status::InvalidArgument(e.PathOf("id"), "duplicate id");
        if (kind == "filler") {
          Filler f;
          f.id = id;
          LDN_ASSIGN_OR_RETURN(f.name, e.String("name"));
          LDN_ASSIGN_OR_RETURN(f.aliases, ReadStrings(e, "aliases"));
          LDN_ASSIGN_OR_RETURN(f.is_default, e.Bool("default"));
          LDN_ASSIGN_OR_RETURN(f.allowed, e.Bool("allowed"));
          LDN_ASSIGN_OR_RETURN(f.reason, e.String("reason"));
          if (f.is_default && !f.allowed) return Status::InvalidArgument(e.PathOf("default"), "a refused filler");
          f.source = source;
          k.fillers.push_back(std::move(f));
        } else if (kind == "liquid_excipient") {
          LiquidExcipient x;
          x.id = id;
          LDN_ASSIGN_OR_RETURN(x.name, e.String("name"));
          LDN_ASSIGN_OR_RETURN(x.role, e.String("role"));
          LDN_ASSIGN_OR_RETURN(x.solubility_mg_per_ml, e.Number("solubility_mg_per_ml", 0, 10000));
          x.source = source;
          k.liquid_excipients.push_back(std::move(x));
        } else {
          return Status::InvalidArgument(e.PathOf("kind"), "expected 'filler' or 'liquid_excipient'");
        }
        return Status::Ok();
      }));
  int defaults = 0;
  for (const Filler& f : k.fillers) defaults += f.is_default ? 1 : 0;
  if (defaults != 1) return Status::InvalidArgument("entries", "exactly one filler must be the default");
  return Status::Ok();
}

Result<LiquidFormula> ReadLiquidFormula(JsonObject& e, const std::string& id, const std::string& source,
                                        const CompoundingKnowledge& k) {
  LiquidFormula f;
  f.id = id;
  f.source = source;
  LDN_ASSIGN_OR_RETURN(f.name, e.String("name"));
  LDN_ASSIGN_OR_RETURN(double conc, e.Number("concentration_mg_per_ml", 0.001, 100));
  LDN_ASSIGN_OR_RETURN(f.concentration_per_ml, Dose::FromMilligramsHcl(conc, e.PathOf("concentration_mg_per_ml")));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* parts, e.Array("per_100_ml"));
  int qs = 0;
  for (size_t i = 0; i < parts->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject p, JsonObject::Of((*parts)[i], IndexPath(e.PathOf("per_100_ml"), i)));
    FormulaComponent c;
    LDN_ASSIGN_OR_RETURN(c.excipient, p.String("excipient"));
    bool known = false;
    for (const LiquidExcipient& x : k.liquid_excipients) known = known || x.id == c.excipient;
    if (!known) return Status::InvalidArgument(p.PathOf("excipient"), "not a liquid_excipient of excipients.json");
    LDN_ASSIGN_OR_RETURN(c.mg_per_100ml, p.OptionalNumber("mg", 0.001, 100000));
    LDN_ASSIGN_OR_RETURN(c.ml_per_100ml, p.OptionalNumber("ml", 0.001, 100));
    LDN_ASSIGN_OR_RETURN(std::optional<bool> q, p.OptionalBool("qs"));
    c.qs = q.value_or(false);
    LDN_ASSIGN_OR_RETURN(c.preservative, p.Bool("preservative"));
    const int forms = (c.mg_per_100ml ? 1 : 0) + (c.ml_per_100ml ? 1 : 0) + (c.qs ? 1 : 0);
    if (forms != 1) return Status::InvalidArgument(p.path(), "needs exactly one of mg, ml, qs");
    qs += c.qs ? 1 : 0;
    LDN_RETURN_IF_ERROR(p.RejectUnknownKeys());
    f.per_100ml.push_back(std::move(c));
  }
  if (qs != 1)
    return Status::InvalidArgument(e.PathOf("per_100_ml"), "needs exactly one vehicle made up to volume (qs)");
  LDN_ASSIGN_OR_RETURN(f.method, ReadStrings(e, "method"));
  LDN_ASSIGN_OR_RETURN(f.container, e.String("container"));
  LDN_ASSIGN_OR_RETURN(f.auxiliary, ReadStrings(e, "auxiliary"));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> note, e.OptionalString("note"));
  f.note = note.value_or("");
  return f;
}

Status ParseFormulations(const nlohmann::json& doc, CompoundingKnowledge& k, std::string* version) {
  std::set<std::string> seen;
  LDN_RETURN_IF_ERROR(ForEachEntry(
      doc, version,
      [&](JsonObject& e, const std::string& kind, const std::string& id, const std::string& source) -> Status {
        if (!seen.insert(kind + "/" + id).second) return Status::InvalidArgument(e.PathOf("id"), "duplicate id");
        LDN_ASSIGN_OR_RETURN(std::optional<std::string> note, e.OptionalString("note"));
        if (kind == "api") {
          Api& a = k.api;
          LDN_ASSIGN_OR_RETURN(a.name, e.String("name"));
          LDN_ASSIGN_OR_RETURN(a.salt, e.String("salt"));
          LDN_ASSIGN_OR_RETURN(a.aqueous_solubility_mg_per_ml, e.Number("aqueous_solubility_mg_per_ml", 1, 10000));
          LDN_ASSIGN_OR_RETURN(a.monograph_assay_min_pct, e.Number("monograph_assay_min_pct", 50, 150));
          LDN_ASSIGN_OR_RETURN(a.monograph_assay_max_pct,
                               e.Number("monograph_assay_max_pct", a.monograph_assay_min_pct, 150));
          LDN_ASSIGN_OR_RETURN(a.preparation_tolerance_min_pct, e.Number("preparation_tolerance_min_pct", 50, 100));
          LDN_ASSIGN_OR_RETURN(a.preparation_tolerance_max_pct, e.Number("preparation_tolerance_max_pct", 100, 150));
          a.source = source;
        } else if (kind == "tablet") {
          Tablet& t = k.tablet;
          LDN_ASSIGN_OR_RETURN(t.name, e.String("name"));
          LDN_ASSIGN_OR_RETURN(double mg, e.Number("strength_mg", 0.001, 1000));
          LDN_ASSIGN_OR_RETURN(t.strength, Dose::FromMilligramsHcl(mg, e.PathOf("strength_mg")));
          LDN_ASSIGN_OR_RETURN(t.content_tolerance_pct, e.Number("content_tolerance_pct", 0, 50));
          LDN_ASSIGN_OR_RETURN(t.excipients, ReadStrings(e, "excipients"));
          t.source = source;
        } else if (kind == "liquid_formula") {
          LDN_ASSIGN_OR_RETURN(LiquidFormula f, ReadLiquidFormula(e, id, source, k));
          k.liquid_formulas.push_back(std::move(f));
        } else if (kind == "home_dilution") {
          LDN_ASSIGN_OR_RETURN(k.home_dilution.water_ml, e.Number("water_ml", 1, 1000));
          k.home_dilution.source = source;
        } else if (kind == "home_dilution_risk") {
          Risk r;
          r.id = id;
          LDN_ASSIGN_OR_RETURN(r.text, e.String("text"));
          r.source = source;
          k.home_dilution.risks.push_back(std::move(r));
        } else if (kind == "balance") {
          Balance b;
          b.id = id;
          LDN_ASSIGN_OR_RETURN(b.name, e.String("name"));
          LDN_ASSIGN_OR_RETURN(b.sensitivity_mg, e.Number("sensitivity_mg", 0.0001, 1000));
          LDN_ASSIGN_OR_RETURN(b.mwq_mg, e.Number("mwq_mg", b.sensitivity_mg, 100000));
          LDN_ASSIGN_OR_RETURN(b.capacity_mg, e.Number("capacity_mg", b.mwq_mg, 1e8));
          b.source = source;
          k.balances.push_back(std::move(b));
        } else if (kind == "rule") {
          LDN_ASSIGN_OR_RETURN(double value, e.Number("value", 0.001, 1000));
          if (id == "weighing_error_pct") {
            k.weighing_error_pct = value;
            k.weighing_error_source = source;
          } else if (id == "preparation_tolerance_pct") {
            k.preparation_tolerance_pct = value;
            k.preparation_tolerance_source = source;
          } else if (id == "liquid_aliquot_ml") {
            k.liquid_aliquot_ml = value;
            k.liquid_aliquot_source = source;
          } else {
            return Status::InvalidArgument(e.PathOf("id"), fmt::format("unknown rule '{}'", id));
          }
        } else if (kind == "label_text") {
          LDN_ASSIGN_OR_RETURN(std::string text, e.String("text"));
          LabelTexts& l = k.labels;
          if (id == "compounded_statement") {
            l.compounded_statement = text;
            l.compounded_source = source;
          } else if (id == "opioid_warning") {
            l.opioid_warning = text;
            l.opioid_source = source;
          } else if (id == "shake_well") {
            l.shake_well = text;
          } else if (id == "protect_from_light") {
            l.protect_from_light = text;
          } else if (id == "oral_syringe") {
            l.oral_syringe = text;
          } else if (id == "blinded_statement") {
            l.blinded_statement = text;
          } else {
            return Status::InvalidArgument(e.PathOf("id"), fmt::format("unknown label text '{}'", id));
          }
        } else {
          return Status::InvalidArgument(e.PathOf("kind"), fmt::format("unknown kind '{}'", kind));
        }
        return Status::Ok();
      }));
  const char* required[] = {"api/naltrexone-hcl",
                            "balance/class-a",
                            "balance/analytical",
                            "rule/weighing_error_pct",
                            "rule/preparation_tolerance_pct",
                            "rule/liquid_aliquot_ml",
                            "label_text/compounded_statement",
                            "label_text/opioid_warning",
                            "label_text/shake_well",
                            "label_text/protect_from_light",
                            "label_text/oral_syringe",
                            "label_text/blinded_statement",
                            "home_dilution/one-tablet-in-water"};
  for (const char* r : required) {
    if (!seen.contains(r)) return Status::InvalidArgument("entries", fmt::format("the entry {} is missing", r));
  }
  bool tablet = false;
  for (const std::string& s : seen) tablet = tablet || s.starts_with("tablet/");
  if (!tablet) return Status::InvalidArgument("entries", "the tablet entry is missing");
  if (k.liquid_formulas.empty()) return Status::InvalidArgument("entries", "no liquid formula");
  return Status::Ok();
}

Status ParseBud(const nlohmann::json& doc, CompoundingKnowledge& k, std::string* version) {
  std::set<std::string> ids;
  LDN_RETURN_IF_ERROR(ForEachEntry(
      doc, version,
      [&](JsonObject& e, const std::string& kind, const std::string& id, const std::string& source) -> Status {
        if (!ids.insert(id).second) return Status::InvalidArgument(e.PathOf("id"), "duplicate id");
        if (kind == "category") {
          BudRule r;
          LDN_ASSIGN_OR_RETURN(r.category, ParseBudCategory(id, e.PathOf("id")));
          LDN_ASSIGN_OR_RETURN(r.name, e.String("name"));
          LDN_ASSIGN_OR_RETURN(int64_t days, e.Integer("days", 1, 3650));
          r.days = static_cast<int>(days);
          LDN_ASSIGN_OR_RETURN(std::vector<std::string> storages, ReadStrings(e, "storage"));
          for (size_t j = 0; j < storages.size(); ++j) {
            LDN_ASSIGN_OR_RETURN(Storage s, ParseStorage(storages[j], IndexPath(e.PathOf("storage"), j)));
            r.storages.push_back(s);
          }
          if (r.storages.empty()) return Status::InvalidArgument(e.PathOf("storage"), "must not be empty");
          r.source = source;
          k.bud_rules.push_back(std::move(r));
        } else if (kind == "study") {
          StabilityStudy s;
          s.id = id;
          LDN_ASSIGN_OR_RETURN(s.formula, e.String("formula"));
          LDN_ASSIGN_OR_RETURN(const nlohmann::json* concs, e.Array("concentrations_mg_per_ml"));
          for (size_t j = 0; j < concs->size(); ++j) {
            LDN_ASSIGN_OR_RETURN(Dose c, ReadMgPerMl((*concs)[j], IndexPath(e.PathOf("concentrations_mg_per_ml"), j)));
            s.concentrations_per_ml.push_back(c);
          }
          LDN_ASSIGN_OR_RETURN(s.requires_preserved, e.Bool("requires_preserved"));
          LDN_ASSIGN_OR_RETURN(int64_t fridge, e.Integer("fridge_days", 0, 3650));
          LDN_ASSIGN_OR_RETURN(int64_t room, e.Integer("room_days", 0, 3650));
          s.fridge_days = static_cast<int>(fridge);
          s.room_days = static_cast<int>(room);
          LDN_ASSIGN_OR_RETURN(s.applied, e.Bool("applied"));
          LDN_ASSIGN_OR_RETURN(s.conditions, e.String("conditions"));
          LDN_ASSIGN_OR_RETURN(std::optional<std::string> note, e.OptionalString("note"));
          s.note = note.value_or("");
          s.source = source;
          k.studies.push_back(std::move(s));
        } else {
          return Status::InvalidArgument(e.PathOf("kind"), "expected 'category' or 'study'");
        }
        return Status::Ok();
      }));
  for (BudCategory c : kCategories) {
    bool found = false;
    for (const BudRule& r : k.bud_rules) found = found || r.category == c;
    if (!found) return Status::InvalidArgument("entries", fmt::format("the category {} is missing", BudCategoryId(c)));
  }
  return Status::Ok();
}

// Runs one file's parser and prefixes its errors with the file name.
template <typename F>
Status ParseFile(std::string_view name, std::string_view text, F parse) {
  auto doc = ParseJson(text);
  Status s = doc.ok() ? parse(*doc) : doc.status();
  if (s.ok()) return s;
  return Status::InvalidArgument(s.field().empty() ? std::string(name) : fmt::format("{}: {}", name, s.field()),
                                 s.message());
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Result<CompoundingKnowledge> ParseCompoundingKnowledge(std::string_view capsules_json, std::string_view excipients_json,
                                                       std::string_view formulations_json, std::string_view bud_json) {
  CompoundingKnowledge k;
  std::string v1, v2, v3, v4;
  LDN_RETURN_IF_ERROR(
      ParseFile("capsules.json", capsules_json, [&](const nlohmann::json& d) { return ParseCapsules(d, k, &v1); }));
  LDN_RETURN_IF_ERROR(ParseFile("excipients.json", excipients_json,
                                [&](const nlohmann::json& d) { return ParseExcipients(d, k, &v2); }));
  LDN_RETURN_IF_ERROR(ParseFile("formulations.json", formulations_json,
                                [&](const nlohmann::json& d) { return ParseFormulations(d, k, &v3); }));
  LDN_RETURN_IF_ERROR(ParseFile("bud.json", bud_json, [&](const nlohmann::json& d) { return ParseBud(d, k, &v4); }));
  k.versions = fmt::format("capsules.json {}, excipients.json {}, formulations.json {}, bud.json {}", v1, v2, v3, v4);
  return k;
}

const Result<CompoundingKnowledge>& LoadCompoundingKnowledge() {
  static const Result<CompoundingKnowledge> kKnowledge = []() -> Result<CompoundingKnowledge> {
    std::string_view texts[4];
    const char* names[4] = {"capsules.json", "excipients.json", "formulations.json", "bud.json"};
    for (int i = 0; i < 4; ++i) {
      auto t = KnowledgeFileText(names[i]);
      if (!t.ok()) return Status::Internal(fmt::format("data/{} is not embedded", names[i]));
      texts[i] = *t;
    }
    auto k = ParseCompoundingKnowledge(texts[0], texts[1], texts[2], texts[3]);
    if (!k.ok()) return Status::Internal("compounding knowledge: " + k.status().ToString());
    return k;
  }();
  return kKnowledge;
}

Result<CapsuleSize> FindCapsuleSize(const CompoundingKnowledge& k, std::string_view id, std::string_view field) {
  std::string_view key = id;
  if (!key.empty() && key.front() == '#') key.remove_prefix(1);
  std::string names;
  for (const CapsuleSize& c : k.capsule_sizes) {
    if (c.id == key) return c;
    names += (names.empty() ? "" : ", ") + c.id;
  }
  return Status::InvalidArgument(std::string(field), fmt::format("unknown capsule size '{}'; valid: {}", id, names));
}

Result<Filler> FindFiller(const CompoundingKnowledge& k, std::string_view name, std::string_view field) {
  const std::string key = Lower(name);
  std::string names;
  for (const Filler& f : k.fillers) {
    if (f.id == key || std::find(f.aliases.begin(), f.aliases.end(), key) != f.aliases.end()) return f;
    if (f.allowed) names += (names.empty() ? "" : ", ") + f.id;
  }
  return Status::InvalidArgument(std::string(field), fmt::format("unknown filler '{}'; valid: {}", name, names));
}

Result<Balance> FindBalance(const CompoundingKnowledge& k, std::string_view id, std::string_view field) {
  std::string names;
  for (const Balance& b : k.balances) {
    if (b.id == id) return b;
    names += (names.empty() ? "" : ", ") + b.id;
  }
  return Status::InvalidArgument(std::string(field), fmt::format("unknown balance '{}'; valid: {}", id, names));
}

Result<LiquidExcipient> FindLiquidExcipient(const CompoundingKnowledge& k, std::string_view id) {
  for (const LiquidExcipient& x : k.liquid_excipients) {
    if (x.id == id) return x;
  }
  return Status::Internal(fmt::format("liquid excipient '{}' is not in excipients.json", id));
}

Result<LiquidFormula> FindLiquidFormula(const CompoundingKnowledge& k, std::string_view id, std::string_view field) {
  std::string names;
  for (const LiquidFormula& f : k.liquid_formulas) {
    if (f.id == id) return f;
    names += (names.empty() ? "" : ", ") + f.id;
  }
  return Status::InvalidArgument(std::string(field), fmt::format("unknown formula '{}'; valid: {}", id, names));
}

const BudRule& RuleFor(const CompoundingKnowledge& k, BudCategory c) {
  for (const BudRule& r : k.bud_rules) {
    if (r.category == c) return r;
  }
  assert(false && "ParseBud guarantees every category");
  return k.bud_rules.front();
}

const Filler& DefaultFiller(const CompoundingKnowledge& k) {
  for (const Filler& f : k.fillers) {
    if (f.is_default) return f;
  }
  assert(false && "ParseExcipients guarantees one default filler");
  return k.fillers.front();
}

}  // namespace ldn::pharmacy
