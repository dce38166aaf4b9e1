#include "pharmacy/preparation.h"

#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "core/text.h"

namespace ldn::pharmacy {

std::string_view DrugSourceName(DrugSource s) {
  return s == DrugSource::kApi ? "api" : "tablets";
}

Result<DrugSource> ParseDrugSource(std::string_view text, std::string_view field) {
  if (text == "api") return DrugSource::kApi;
  if (text == "tablets") return DrugSource::kTablets;
  return Status::InvalidArgument(std::string(field), fmt::format("'{}' is not a source; valid: api, tablets", text));
}

Status CheckCoa(const CompoundingKnowledge& k, const Coa& coa) {
  const Api& a = k.api;
  // The drug substance must meet its USP monograph (98.0-102.0% on the anhydrous basis); 90-110% is
  // the finished preparation's tolerance and says nothing about an API lot (issue 11, 6b).
  if (!std::isfinite(coa.assay_pct) || coa.assay_pct < a.monograph_assay_min_pct ||
      coa.assay_pct > a.monograph_assay_max_pct) {
    return Status::InvalidArgument(
        "--assay", fmt::format("{}% is outside the USP monograph's {:.1f}-{:.1f}% for {} (anhydrous basis): this API "
                               "lot cannot be used; check the certificate of analysis. ({}-{}% is the tolerance of "
                               "the finished preparation, not of the drug substance.)",
                               coa.assay_pct, a.monograph_assay_min_pct, a.monograph_assay_max_pct, a.name,
                               FormatMilligrams(a.preparation_tolerance_min_pct),
                               FormatMilligrams(a.preparation_tolerance_max_pct)));
  }
  // 50% is a plausibility bound of ours: no usable lot is half water.
  if (!std::isfinite(coa.water_pct) || coa.water_pct < 0 || coa.water_pct >= 50) {
    return Status::InvalidArgument("--water",
                                   fmt::format("{}% is not a plausible water content (0 to below 50%)", coa.water_pct));
  }
  return Status::Ok();
}

double CoaFactor(const Coa& coa) {
  return coa.assay_pct / 100.0 * (1.0 - coa.water_pct / 100.0);
}

std::string DefaultBatchId(LocalDate prepared, std::string_view key) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a 64-bit offset basis
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  const std::string date = FormatDate(prepared);
  return fmt::format("LDN-{}{}{}-{:06X}", date.substr(0, 4), date.substr(5, 2), date.substr(8, 2), h & 0xFFFFFF);
}

namespace {
Status CheckText(const std::string& text, std::string_view field) {
  if (text.size() > 200) return Status::InvalidArgument(std::string(field), "is longer than 200 characters");
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return Status::InvalidArgument(std::string(field), "contains a control character");
  }
  // The text goes into the JSON output and the label: bytes that are not UTF-8 made the JSON writer
  // throw, and `ldn compound ... --patient $'\x82' --json` ended in "internal error" (fuzz_compound).
  if (Utf8Length(text) < 0) return Status::InvalidArgument(std::string(field), "is not valid UTF-8 text");
  return Status::Ok();
}
}  // namespace

Status CheckDispensing(const Dispensing& d) {
  if (!d.batch_id.empty()) {
    bool ok = d.batch_id.size() <= 40;
    for (char c : d.batch_id) {
      ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
    }
    if (!ok) return Status::InvalidArgument("--batch-id", "must be 1-40 letters, digits, '-', '_' or '.'");
  }
  LDN_RETURN_IF_ERROR(CheckText(d.patient, "--patient"));
  LDN_RETURN_IF_ERROR(CheckText(d.pharmacy, "--pharmacy"));
  LDN_RETURN_IF_ERROR(CheckText(d.directions, "--directions"));
  return Status::Ok();
}

nlohmann::json PreparationToJson(const Preparation& p) {
  nlohmann::json j;
  j["kind"] = p.kind;
  j["batch_id"] = p.batch_id;
  j["placebo"] = p.placebo;
  j["title"] = p.title;
  j["prepared"] = FormatDate(p.prepared);
  j["source"] = p.drug_source;
  j["api_mg"] = MgRounded(p.api_ug);
  j["api_mg_hcl"] = MgRounded(p.api_hcl_ug);
  j["api_mg_base"] =
      MgRounded(std::llround(static_cast<double>(p.api_hcl_ug) * kNaltrexoneBaseMolarMass / kNaltrexoneHclMolarMass));
  nlohmann::json ingredients = nlohmann::json::array();
  for (const Ingredient& i : p.ingredients) {
    nlohmann::json e = {{"name", i.name}, {"role", i.role}};
    if (i.amount_ug) e["amount_mg"] = MgRounded(*i.amount_ug);
    if (i.amount_ml) e["amount_ml"] = std::round(*i.amount_ml * 100) / 100;
    if (i.tablets) e["tablets"] = *i.tablets;
    if (i.naltrexone_hcl_ug) e["naltrexone_hcl_mg"] = MgRounded(*i.naltrexone_hcl_ug);
    e["qs"] = i.qs;
    e["detail"] = i.detail;
    ingredients.push_back(std::move(e));
  }
  j["ingredients"] = std::move(ingredients);
  if (p.balance) {
    j["balance"] = {{"id", p.balance->balance.id},
                    {"name", p.balance->balance.name},
                    {"mwq_mg", p.balance->mwq_mg},
                    {"mwq_overridden", p.balance->mwq_overridden},
                    {"capacity_mg", p.balance->balance.capacity_mg},
                    {"source", p.balance->balance.source}};
    nlohmann::json w = nlohmann::json::array();
    for (const Weighing& x : p.weighings) w.push_back(WeighingToJson(x, *p.balance));
    j["weighings"] = std::move(w);
  } else {
    j["balance"] = nullptr;
    j["weighings"] = nlohmann::json::array();
  }
  if (p.solid_aliquot) {
    j["aliquot"] = SolidAliquotToJson(*p.solid_aliquot);
  } else {
    j["aliquot"] = nullptr;
  }
  nlohmann::json la = nlohmann::json::array();
  for (const LiquidAliquot& a : p.liquid_aliquots) la.push_back(LiquidAliquotToJson(a));
  j["liquid_aliquots"] = std::move(la);
  j["bud_days"] = p.bud.days;
  j["bud_date"] = FormatDate(p.bud.date);
  j["bud"] = BudToJson(p.bud);
  j["warnings"] = p.warnings;
  j["notes"] = p.notes;
  j["calculations"] = p.calculations;
  j["label"] = LabelToJson(p.label);
  j["sources"] = p.sources;
  j["knowledge_versions"] = p.knowledge_versions;
  return j;
}

}  // namespace ldn::pharmacy
