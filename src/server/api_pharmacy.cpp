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
#include "server/compounding.h"
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

// Body: {"source"?: "tablets"|"api" (default tablets), "tablet_weight_mg"?, "assay_pct"?, "water_pct"?,
// "capsule_size"?, "fill_weight_mg"?, "overage_pct"?, "volume_ml"?, "storage"?, "date"?,
// "component_expiries"?: [dates], "batch_id"?, "placebo_twin"?}. Capsules need capsule_size and fill_weight_mg (and
// tablet_weight_mg from tablets, assay_pct from API); a liquid makes volume_ml (default: the
// prescribed quantity).
Result<ApiReply> PrescriptionWorksheet(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "prescription_id"));
  // Only the pharmacy the order is routed to sees it (issue 13).
  LDN_ASSIGN_OR_RETURN(store::Prescription rx, VisiblePrescription(ctx, id));
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(ctx.patient()));

  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(PreparationInputs in, ReadPreparationInputs(o));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> batch_id, o.OptionalLine("batch_id", kMaxBatchIdChars));
  // The placebo twin's worksheet (capsules; the batch itself names the placebo master formula).
  LDN_ASSIGN_OR_RETURN(std::optional<bool> twin, o.OptionalBool("placebo_twin"));
  in.placebo = twin.value_or(false);
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
  LDN_ASSIGN_OR_RETURN(ComputedPreparation c, ComputePreparation(in, rx, patient, ctx.now, std::nullopt, expiries,
                                                                 batch_id.value_or(fmt::format("RX{}", rx.id))));
  nlohmann::json body = {
      {"prescription", ToJson(rx)}, {"preparation", std::move(c.preparation)}, {"worksheet", std::move(c.worksheet)}};
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
  // The same notes as `ldn pk` (pharmacology/simulation.h), in English and as messages.
  nlohmann::json notes = nlohmann::json::array(), note_messages = nlohmann::json::array();
  for (const Message& m : pk::ProfileNotes(params, profile)) {
    notes.push_back(Fill(m));
    note_messages.push_back(MessageToJson(m));
  }
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
                         {"note_messages", std::move(note_messages)},
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
"overage_pct":{"type":"number"},"volume_ml":{"type":"integer"},"storage":{"enum":["room","fridge"]},"placebo_twin":{"type":"boolean"},
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
