// The preparation that fills a stored order (compounding.h): the pharmacy's inputs read from the
// body, then the pharmacy layer's capsule or liquid computation.
#include "server/compounding.h"

#include <functional>
#include <map>
#include <string>

#include <fmt/format.h>

#include "core/dose.h"
#include "pharmacy/capsules.h"
#include "pharmacy/knowledge.h"
#include "pharmacy/liquid.h"
#include "pharmacy/worksheet.h"
#include "server/api_util.h"

namespace ldn::server {
namespace {

namespace ph = ::ldn::pharmacy;

// The pharmacy layer names its inputs as the CLI's options; the API names them as the body's keys.
Status InBodyTerms(const Status& s) {
  if (s.ok() || s.code() != Code::kInvalidArgument) return s;
  // Longer names first where one is the start of another (--source-... would not be cut short).
  static const std::map<std::string, std::string, std::greater<>> kNames = {
      {"--strength", "prescription.formulation.strength_mg"},
      {"--count", "prescription.formulation.quantity"},
      {"--concentration", "prescription.formulation.strength_mg"},
      {"--volume", "volume_ml"},
      {"--source", "source"},
      {"--assay", "assay_pct"},
      {"--water", "water_pct"},
      {"--tablet-weight", "tablet_weight_mg"},
      {"--capsule-size", "capsule_size"},
      {"--fill-weight", "fill_weight_mg"},
      {"--overage", "overage_pct"},
      {"--balance", "balance"},
      {"--mwq", "mwq_mg"},
      {"--storage", "storage"},
      {"--component-expiry", "component_expiries"},
      {"--batch-id", "batch_id"},
      {"--patient", "prescription.patient"},
      {"--pharmacy", "prescription.pharmacy"},
      {"--directions", "prescription.formulation.directions"},
      {"--formula", "formula"}};
  // The message may name another option ("... or use --source api"): in the body's terms too.
  std::string message = s.message();
  for (const auto& [option, key] : kNames) {
    for (size_t at = message.find(option); at != std::string::npos; at = message.find(option, at + key.size())) {
      message.replace(at, option.size(), key);
    }
  }
  auto it = kNames.find(s.field());
  return Status::InvalidArgument(it == kNames.end() ? s.field() : it->second, message);
}

nlohmann::json WorksheetJson(const ph::Worksheet& w) {
  nlohmann::json header = nlohmann::json::array();
  for (const auto& [k, v] : w.header) header.push_back({{"label", k}, {"value", v}});
  nlohmann::json ingredients = nlohmann::json::array();
  for (const auto& i : w.ingredients) {
    ingredients.push_back({{"name", i.name}, {"role", i.role}, {"quantity", i.quantity}, {"detail", i.detail}});
  }
  return {{"title", w.title},
          {"subtitle", w.subtitle},
          {"confidentiality", w.confidentiality},
          {"header", std::move(header)},
          {"ingredients", std::move(ingredients)},
          {"calculations", w.calculations},
          {"dose_lines", w.dose_lines},
          {"method", w.method},
          {"qc", w.qc},
          {"warnings", w.warnings},
          {"notes", w.notes},
          {"label_lines", w.label_lines},
          {"signatures", w.signatures},
          {"sources", w.sources},
          {"footer", w.footer}};
}

}  // namespace

Result<PreparationInputs> ReadPreparationInputs(JsonObject& o) {
  PreparationInputs in;
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> source_text, o.OptionalString("source"));
  LDN_ASSIGN_OR_RETURN(in.source, ph::ParseDrugSource(source_text.value_or("tablets"), "source"));
  LDN_ASSIGN_OR_RETURN(in.tablet_weight_mg, o.OptionalNumber("tablet_weight_mg", 1, 5000));
  LDN_ASSIGN_OR_RETURN(in.assay_pct, o.OptionalNumber("assay_pct", 0, 200));
  LDN_ASSIGN_OR_RETURN(in.water_pct, o.OptionalNumber("water_pct", 0, 100));
  LDN_ASSIGN_OR_RETURN(in.capsule_size, o.OptionalString("capsule_size"));
  LDN_ASSIGN_OR_RETURN(in.fill_weight_mg, o.OptionalNumber("fill_weight_mg", 0, 10000));
  LDN_ASSIGN_OR_RETURN(in.overage_pct, o.OptionalNumber("overage_pct", 0, 100));
  LDN_ASSIGN_OR_RETURN(in.volume_ml, o.OptionalInteger("volume_ml", 1, 10000));
  LDN_ASSIGN_OR_RETURN(in.storage, o.OptionalString("storage"));
  LDN_ASSIGN_OR_RETURN(in.date, o.OptionalDate("date"));
  return in;
}

Result<ComputedPreparation> ComputePreparation(const PreparationInputs& in, const store::Prescription& rx,
                                               const store::Patient& patient, store::Instant now,
                                               std::optional<int64_t> quantity_override,
                                               const std::vector<LocalDate>& component_expiries,
                                               const std::string& batch_id) {
  const nlohmann::json formulation = StoredJson(rx.formulation_json);
  if (!formulation.is_object() || !formulation.contains("form") || !formulation.contains("strength_mg") ||
      !formulation.contains("quantity")) {
    return Status::Internal("the stored formulation is incomplete");
  }
  const std::string form = formulation.value("form", "");
  const double strength_mg = formulation.value("strength_mg", 0.0);
  const int64_t quantity = quantity_override.value_or(formulation.value("quantity", int64_t{0}));
  // An order carries the label's own shorter text (pharmacy/order.h); older records only "directions".
  const std::string directions = formulation.value("label_directions", formulation.value("directions", ""));

  std::optional<ph::Coa> coa;
  if (in.source == ph::DrugSource::kApi) {
    if (!in.assay_pct)
      return Status::InvalidArgument("assay_pct", "required with source api (certificate of analysis)");
    coa = ph::Coa{*in.assay_pct, in.water_pct.value_or(0)};
  } else if (in.assay_pct || in.water_pct) {
    return Status::InvalidArgument(in.assay_pct ? "assay_pct" : "water_pct", "only with source api");
  }

  ph::Dispensing dispensing;
  dispensing.prepared = in.date.value_or(PatientToday(patient, now));
  dispensing.component_expiries = component_expiries;
  dispensing.batch_id = batch_id;
  dispensing.patient = patient.display_name;
  dispensing.pharmacy = rx.pharmacy;
  dispensing.directions = directions;

  const auto& kb = ph::LoadCompoundingKnowledge();
  if (!kb.ok()) return kb.status();
  LDN_ASSIGN_OR_RETURN(Dose strength, Dose::FromMilligramsHcl(strength_mg, "prescription.formulation.strength_mg"));

  ComputedPreparation out;
  out.strength_micrograms_hcl = in.placebo ? 0 : strength.micrograms_hcl();
  const ph::Preparation* prep = nullptr;
  ph::CapsuleBatch capsules;
  ph::LiquidBatch liquid;
  if (form == "capsule") {
    if (!in.capsule_size) return Status::InvalidArgument("capsule_size", "required for capsules: 000 to 5");
    if (!in.fill_weight_mg) {
      return Status::InvalidArgument("fill_weight_mg", "required for capsules: the calibrated net fill, mg");
    }
    if (in.volume_ml) return Status::InvalidArgument("volume_ml", "only for a liquid");
    ph::CapsuleRequest r;
    r.strength = strength;
    r.count = quantity;
    r.source = in.source;
    r.coa = coa;
    r.tablet_weight_mg = in.tablet_weight_mg;
    r.capsule_size = *in.capsule_size;
    r.fill_weight_mg = *in.fill_weight_mg;
    r.overage_pct = in.overage_pct.value_or(0);
    r.placebo = in.placebo;
    LDN_ASSIGN_OR_RETURN(r.storage, ph::ParseStorage(in.storage.value_or("room"), "storage"));
    r.dispensing = dispensing;
    auto batch = ph::CompoundCapsules(*kb, r);
    if (!batch.ok()) return InBodyTerms(batch.status());
    capsules = std::move(batch).value();
    if (in.placebo) {
      // Its pack is blinded through a kit (api_kits.cpp); the record itself is the pharmacy's.
      capsules.prep.confidentiality =
          "PHARMACY ONLY - placebo twin for a blinded kit. Do not send this worksheet to the clinic or the patient.";
    }
    out.preparation = ph::CapsuleBatchToJson(capsules);
    prep = &capsules.prep;
    out.form = "capsule";
    out.quantity = quantity;
  } else {
    if (in.capsule_size || in.fill_weight_mg || in.tablet_weight_mg || in.overage_pct) {
      return Status::InvalidArgument(in.capsule_size       ? "capsule_size"
                                     : in.fill_weight_mg   ? "fill_weight_mg"
                                     : in.tablet_weight_mg ? "tablet_weight_mg"
                                                           : "overage_pct",
                                     "only for capsules");
    }
    if (in.placebo) {
      return Status::InvalidArgument(
          "master_formula_id",
          "there is no placebo twin of the oral liquid: its bitterness would unblind (Fawcett "
          "1997); blinded trials use capsules");
    }
    ph::LiquidRequest r;
    r.concentration_per_ml = strength;
    r.volume_ml = quantity_override.value_or(in.volume_ml.value_or(quantity));
    r.source = in.source;
    r.coa = coa;
    LDN_ASSIGN_OR_RETURN(r.storage, ph::ParseStorage(in.storage.value_or("fridge"), "storage"));
    r.dispensing = dispensing;
    auto batch = ph::CompoundLiquid(*kb, r);
    if (!batch.ok()) return InBodyTerms(batch.status());
    liquid = std::move(batch).value();
    out.preparation = ph::LiquidBatchToJson(liquid);
    prep = &liquid.prep;
    out.form = "oral_liquid";
    out.quantity = r.volume_ml;
  }
  out.worksheet = WorksheetJson(ph::BuildWorksheet(*prep));
  out.prepared = prep->prepared;
  out.bud = prep->bud.date;
  out.weighings = prep->weighings;
  return out;
}

}  // namespace ldn::server
