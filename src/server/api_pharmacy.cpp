// Handlers of the pharmacy desk and the pharmacology chart: parse -> call the domain
// (src/pharmacy, src/pharmacology) -> serialise. Nothing here is stored; both endpoints compute.
//
//   POST P/prescriptions/{prescription_id}/worksheet   the batch (formulation amounts, BUD, label,
//        worksheet) that fills a stored prescription, with the pharmacy's own measurements
//   GET  /pharmacology/pk?dose_mg=&time=&days=&wake=   the typical patient's 24-h profile (ldn pk)
#include <cmath>
#include <limits>
#include <map>
#include <string>

#include <fmt/format.h>

#include "core/calendar.h"
#include "core/dose.h"
#include "pharmacology/pk_parameters.h"
#include "pharmacology/simulation.h"
#include "pharmacy/capsules.h"
#include "pharmacy/knowledge.h"
#include "pharmacy/liquid.h"
#include "pharmacy/worksheet.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/orders.h"

namespace ldn::server {
namespace {

using store::Role;
namespace ph = ::ldn::pharmacy;
namespace pk = ::ldn::pharmacology;

// Worksheet input limits (issue 17, L5): a batch id is a label line; a preparation has a few
// components, each with its expiry.
constexpr size_t kMaxBatchIdChars = 64;
constexpr size_t kMaxComponentExpiries = 20;

double Round(double v, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

// The pharmacy layer names its inputs as the CLI's options; the API names them as the body's keys.
Status InBodyTerms(const Status& s) {
  if (s.ok() || s.code() != Code::kInvalidArgument) return s;
  static const std::map<std::string, std::string> kNames = {{"--strength", "prescription.formulation.strength_mg"},
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
  auto it = kNames.find(s.field());
  if (it == kNames.end()) return s;
  return Status::InvalidArgument(it->second, s.message());
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

// Body: {"source"?: "tablets"|"api" (default tablets), "tablet_weight_mg"?, "assay_pct"?, "water_pct"?,
// "capsule_size"?, "fill_weight_mg"?, "overage_pct"?, "volume_ml"?, "storage"?, "date"?,
// "component_expiries"?: [dates], "batch_id"?}. Capsules need capsule_size and fill_weight_mg (and
// tablet_weight_mg from tablets, assay_pct from API); a liquid makes volume_ml (default: the
// prescribed quantity).
Result<ApiReply> PrescriptionWorksheet(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "prescription_id"));
  // Only the pharmacy the order is routed to sees it (issue 13).
  LDN_ASSIGN_OR_RETURN(store::Prescription rx, VisiblePrescription(ctx, id));
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));
  const nlohmann::json formulation = StoredJson(rx.formulation_json);
  if (!formulation.is_object() || !formulation.contains("form") || !formulation.contains("strength_mg") ||
      !formulation.contains("quantity")) {
    return Status::Internal("the stored formulation is incomplete");
  }
  const std::string form = formulation.value("form", "");
  const double strength_mg = formulation.value("strength_mg", 0.0);
  const int64_t quantity = formulation.value("quantity", int64_t{0});
  // An order carries the label's own shorter text (pharmacy/order.h); older records only "directions".
  const std::string directions = formulation.value("label_directions", formulation.value("directions", ""));

  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> source_text, o.OptionalString("source"));
  LDN_ASSIGN_OR_RETURN(ph::DrugSource source, ph::ParseDrugSource(source_text.value_or("tablets"), "source"));
  LDN_ASSIGN_OR_RETURN(std::optional<double> tablet_weight, o.OptionalNumber("tablet_weight_mg", 1, 5000));
  LDN_ASSIGN_OR_RETURN(std::optional<double> assay, o.OptionalNumber("assay_pct", 0, 200));
  LDN_ASSIGN_OR_RETURN(std::optional<double> water, o.OptionalNumber("water_pct", 0, 100));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> capsule_size, o.OptionalString("capsule_size"));
  LDN_ASSIGN_OR_RETURN(std::optional<double> fill_weight, o.OptionalNumber("fill_weight_mg", 0, 10000));
  LDN_ASSIGN_OR_RETURN(std::optional<double> overage, o.OptionalNumber("overage_pct", 0, 100));
  LDN_ASSIGN_OR_RETURN(std::optional<int64_t> volume_ml, o.OptionalInteger("volume_ml", 1, 10000));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> storage_text, o.OptionalString("storage"));
  LDN_ASSIGN_OR_RETURN(std::optional<LocalDate> date, o.OptionalDate("date"));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> batch_id, o.OptionalLine("batch_id", kMaxBatchIdChars));
  std::vector<LocalDate> expiries;
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* exp, o.OptionalArray("component_expiries", kMaxComponentExpiries));
  if (exp != nullptr) {
    for (size_t i = 0; i < exp->size(); ++i) {
      const std::string field = fmt::format("component_expiries[{}]", i);
      if (!(*exp)[i].is_string()) return Status::InvalidArgument(field, "expected a date YYYY-MM-DD");
      LDN_ASSIGN_OR_RETURN(LocalDate d, ParseDate((*exp)[i].get<std::string>(), field));
      expiries.push_back(d);
    }
  }
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());

  std::optional<ph::Coa> coa;
  if (source == ph::DrugSource::kApi) {
    if (!assay) return Status::InvalidArgument("assay_pct", "required with source api (certificate of analysis)");
    coa = ph::Coa{*assay, water.value_or(0)};
  } else if (assay || water) {
    return Status::InvalidArgument(assay ? "assay_pct" : "water_pct", "only with source api");
  }

  ph::Dispensing dispensing;
  dispensing.prepared = date.value_or(PatientToday(patient, ctx.now));
  dispensing.component_expiries = expiries;
  dispensing.batch_id = batch_id.value_or(fmt::format("RX{}", rx.id));
  dispensing.patient = patient.display_name;
  dispensing.pharmacy = rx.pharmacy;
  dispensing.directions = directions;

  const auto& kb = ph::LoadCompoundingKnowledge();
  if (!kb.ok()) return kb.status();
  LDN_ASSIGN_OR_RETURN(Dose strength, Dose::FromMilligramsHcl(strength_mg, "prescription.formulation.strength_mg"));

  nlohmann::json preparation;
  const ph::Preparation* prep = nullptr;
  ph::CapsuleBatch capsules;
  ph::LiquidBatch liquid;
  if (form == "capsule") {
    if (!capsule_size) return Status::InvalidArgument("capsule_size", "required for capsules: 000 to 5");
    if (!fill_weight) {
      return Status::InvalidArgument("fill_weight_mg", "required for capsules: the calibrated net fill, mg");
    }
    if (volume_ml) return Status::InvalidArgument("volume_ml", "only for a liquid");
    ph::CapsuleRequest r;
    r.strength = strength;
    r.count = quantity;
    r.source = source;
    r.coa = coa;
    r.tablet_weight_mg = tablet_weight;
    r.capsule_size = *capsule_size;
    r.fill_weight_mg = *fill_weight;
    r.overage_pct = overage.value_or(0);
    LDN_ASSIGN_OR_RETURN(r.storage, ph::ParseStorage(storage_text.value_or("room"), "storage"));
    r.dispensing = dispensing;
    auto batch = ph::CompoundCapsules(*kb, r);
    if (!batch.ok()) return InBodyTerms(batch.status());
    capsules = std::move(batch).value();
    preparation = ph::CapsuleBatchToJson(capsules);
    prep = &capsules.prep;
  } else {
    if (capsule_size || fill_weight || tablet_weight || overage) {
      return Status::InvalidArgument(capsule_size    ? "capsule_size"
                                     : fill_weight   ? "fill_weight_mg"
                                     : tablet_weight ? "tablet_weight_mg"
                                                     : "overage_pct",
                                     "only for capsules");
    }
    ph::LiquidRequest r;
    r.concentration_per_ml = strength;
    r.volume_ml = volume_ml.value_or(quantity);
    r.source = source;
    r.coa = coa;
    LDN_ASSIGN_OR_RETURN(r.storage, ph::ParseStorage(storage_text.value_or("fridge"), "storage"));
    r.dispensing = dispensing;
    auto batch = ph::CompoundLiquid(*kb, r);
    if (!batch.ok()) return InBodyTerms(batch.status());
    liquid = std::move(batch).value();
    preparation = ph::LiquidBatchToJson(liquid);
    prep = &liquid.prep;
  }
  nlohmann::json body = {{"prescription", ToJson(rx)},
                         {"preparation", std::move(preparation)},
                         {"worksheet", WorksheetJson(ph::BuildWorksheet(*prep))}};
  return Reply(std::move(body));
}

// Query: dose_mg (default 4.5), time "HH:MM" (default 22:00), days (default 7), wake (default 07:00).
Result<ApiReply> PkProfile(Api&, RequestContext& ctx) {
  auto query = [&](const char* key, const char* fallback) {
    auto it = ctx.query.find(key);
    return it == ctx.query.end() ? std::string(fallback) : it->second;
  };
  const std::string dose_text = query("dose_mg", "4.5");
  char* end = nullptr;
  const double mg = std::strtod(dose_text.c_str(), &end);
  if (dose_text.empty() || end != dose_text.c_str() + dose_text.size() || !std::isfinite(mg) || mg <= 0 || mg > 50) {
    return Status::InvalidArgument("dose_mg", "must be a number above 0 and at most 50 (mg naltrexone HCl)");
  }
  pk::SimulationRequest req;
  LDN_ASSIGN_OR_RETURN(req.dose, Dose::FromMilligramsHcl(mg, "dose_mg"));
  LDN_ASSIGN_OR_RETURN(req.dose_time, ParseTimeOfDay(query("time", "22:00"), "time"));
  LDN_ASSIGN_OR_RETURN(req.wake_time, ParseTimeOfDay(query("wake", "07:00"), "wake"));
  const std::string days_text = query("days", "7");
  if (days_text.empty() || days_text.size() > 2 || days_text.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("days", fmt::format("must be a whole number 1..{}", pk::kMaxDays));
  }
  req.days = std::stoi(days_text);
  LDN_ASSIGN_OR_RETURN(pk::PkParameters params, pk::DefaultPkParameters());
  LDN_ASSIGN_OR_RETURN(pk::Profile profile, pk::SimulateTypical(params, req));

  nlohmann::json summary = nlohmann::json::object();
  for (const pk::SummaryField& f : pk::SummaryFields())
    summary[std::string(f.name)] = Round(profile.summary.*f.member, 5);
  nlohmann::json series = nlohmann::json::array();
  for (size_t i = 0; i < profile.series.size(); i += 3) {  // 15-minute steps are enough for a chart
    const pk::TimePoint& tp = profile.series[i];
    series.push_back({{"t_h", Round(tp.t_h, 4)},
                      {"clock", FormatTimeOfDay(TimeOfDay{tp.clock_minutes})},
                      {"naltrexone_ng_ml", Round(tp.naltrexone_ng_ml, 6)},
                      {"naltrexol_ng_ml", Round(tp.naltrexol_ng_ml, 5)},
                      {"occupancy_direct_pct", Round(tp.occupancy_direct_pct, 3)},
                      {"occupancy_effect_pct", Round(tp.occupancy_effect_pct, 3)}});
  }
  nlohmann::json parameters = nlohmann::json::array();
  for (const pk::ParameterRecord& r : params.records) {
    parameters.push_back({{"id", r.id},
                          {"value", r.value},
                          {"unit", r.unit},
                          {"trust", r.trust},
                          {"assumption", r.assumption},
                          {"source", r.source}});
  }
  nlohmann::json notes = nlohmann::json::array();
  if (profile.extrapolated_below_studied_range) {
    notes.push_back(
        "Concentrations below 50 mg are a linear extrapolation: PK linearity is shown only for 50-200 mg (Meyer "
        "1984) and no PK study at 0.5-6 mg was found.");
  }
  notes.push_back(
      "Occupancy beyond 8 h after a dose is unvalidated: PET data (Rabiner 2011) and the Troestheim 2022 dose curve "
      "cover < 8 h. The direct model is a lower bound; the effect-compartment ke0 and its EC50 calibration are "
      "assumptions.");
  nlohmann::json body = {{"dose_mg_hcl", req.dose.milligrams_hcl()},
                         {"dose_mg_base", Round(req.dose.milligrams_base(), 4)},
                         {"dose_time", FormatTimeOfDay(req.dose_time)},
                         {"wake_time", FormatTimeOfDay(req.wake_time)},
                         {"days", req.days},
                         {"wake_hours_after_dose", profile.wake_h},
                         {"summary", std::move(summary)},
                         {"trostheim_peak_block_pct", Round(profile.trostheim_peak_block_pct, 2)},
                         {"extrapolated_below_studied_range", profile.extrapolated_below_studied_range},
                         {"series", std::move(series)},
                         {"notes", std::move(notes)},
                         {"parameters", std::move(parameters)},
                         {"model",
                          "docs/pharmacology.md: one compartment with first-order absorption (Bateman), "
                          "6beta-naltrexol, Emax occupancy direct and via an effect compartment"}};
  return Reply(std::move(body));
}

constexpr char kWorksheetSchema[] =
    R"js({"type":"object","additionalProperties":false,"properties":{
"source":{"enum":["tablets","api"]},"tablet_weight_mg":{"type":"number"},"assay_pct":{"type":"number"},
"water_pct":{"type":"number"},"capsule_size":{"type":"string"},"fill_weight_mg":{"type":"number"},
"overage_pct":{"type":"number"},"volume_ml":{"type":"integer"},"storage":{"enum":["room","fridge"]},
"date":{"type":"string","format":"date"},"component_expiries":{"type":"array","items":{"type":"string","format":"date"}},
"batch_id":{"type":"string"}}})js";

}  // namespace

void AddPharmacyRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::string p = "/api/v1/patients/{patient_id}";
  routes.Add({"POST",
              p + "/prescriptions/{prescription_id}/worksheet",
              AuditApart(PatientScoped({Role::kPharmacist}, "prescription.worksheet")),
              h(PrescriptionWorksheet),
              "Compute the batch that fills a prescription (amounts, BUD, label, worksheet) from the pharmacy's "
              "measurements; nothing is stored.",
              kWorksheetSchema,
              {}});
  routes.Add({"GET",
              "/api/v1/pharmacology/pk",
              Authenticated({Role::kPatient, Role::kClinician, Role::kPharmacist, Role::kResearcher, Role::kAdmin}),
              h(PkProfile),
              "The typical patient's naltrexone concentrations and mu-receptor occupancy over the 24 h after a "
              "daily dose (docs/pharmacology.md).",
              "",
              {"dose_mg", "time", "days", "wake"}});
}

}  // namespace ldn::server
