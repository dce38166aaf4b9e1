// The compounding pharmacy's record (issue 14; docs/pharmacy.md): ingredient lots and inventory,
// compounding records (batches) that fill stored orders, the check by a second pharmacist, and the
// data the label and the dispensing use. Parse -> domain (src/pharmacy) -> store -> serialise.
//
//   POST /lots                   a lot received (pharmacist of a pharmacy)
//   GET  /lots                   the pharmacy's lots with what is left (inventory)
//   POST /batches                a batch prepared for one or more orders
//   GET  /batches                the pharmacy's batches, newest first
//   GET  /batches/{batch_id}     one batch record
//   POST /batches/{batch_id}/check   release or reject, by a second pharmacist who re-authenticates
//   GET  /patients/{patient_id}/dispensings   the patient's dispensing log at the caller's pharmacy
#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>
#include <set>
#include <string>

#include <fmt/format.h>

#include "core/calendar.h"
#include "core/dose.h"
#include "pharmacy/batch_record.h"
#include "pharmacy/code128.h"
#include "pharmacy/dispensing_label.h"
#include "pharmacy/knowledge.h"
#include "pharmacy/master_formula.h"
#include "report/label_pdf.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/batches.h"
#include "server/compounding.h"
#include "server/orders.h"

namespace ldn::server {

Result<store::Id> CallerPharmacy(RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(std::optional<store::Id> pharmacy_id, ctx.store().GetUserPharmacy(ctx.caller().user_id));
  if (!pharmacy_id) {
    return Status::PermissionDenied("you are not a pharmacist of a pharmacy: an administrator adds you to one");
  }
  return *pharmacy_id;
}

Result<store::Batch> PharmacyBatch(RequestContext& ctx, store::Id pharmacy_id, store::Id batch_id) {
  auto b = ctx.store().GetBatch(batch_id);
  if (!b.ok() && b.status().code() == Code::kNotFound) return Status::NotFound("batch_id: no such batch");
  if (!b.ok()) return b.status();
  if (b->pharmacy_id != pharmacy_id) return Status::NotFound("batch_id: no such batch");
  return b;
}

std::string FormatMilli(int64_t milli) {
  std::string s = fmt::format("{}.{:03}", milli / 1000, milli % 1000);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

nlohmann::json LotJson(const store::IngredientLot& l, LocalDate today) {
  return {{"id", l.id},
          {"ingredient", l.ingredient},
          {"manufacturer", l.manufacturer},
          {"lot", l.lot},
          {"expiry", FormatDate(l.expiry)},
          {"expired", l.expiry < today},
          {"unit", l.unit},
          {"quantity", std::stod(FormatMilli(l.quantity_milli))},
          {"remaining", std::stod(FormatMilli(l.remaining_milli))},
          {"received_by", l.received_by},
          {"received_at", InstantText(l.received_at)}};
}

namespace {

// The kit a batch is a pack of, {id, kit_code, pack}, or null when it is in none.
Result<nlohmann::json> KitOfBatchJson(store::Store& st, store::Id batch_id) {
  auto k = st.GetKitOfBatch(batch_id);
  if (k.ok())
    return nlohmann::json{
        {"id", k->id}, {"kit_code", k->kit_code}, {"pack", k->pack_a_batch_id == batch_id ? "A" : "B"}};
  if (k.status().code() != Code::kNotFound) return k.status();
  return nlohmann::json(nullptr);
}

}  // namespace

Result<nlohmann::json> BatchJson(store::Store& st, const store::Batch& b) {
  nlohmann::json orders = nlohmann::json::array();
  nlohmann::json ids = nlohmann::json::array();
  for (const store::BatchOrder& o : b.orders) {
    orders.push_back({{"patient_id", o.patient_id}, {"prescription_id", o.prescription_id}});
    ids.push_back(o.prescription_id);
  }
  nlohmann::json lots = nlohmann::json::array();
  for (const store::BatchLotUse& u : b.lots) {
    LDN_ASSIGN_OR_RETURN(store::IngredientLot l, st.GetIngredientLot(u.lot_id));
    lots.push_back({{"lot_id", l.id},
                    {"ingredient", l.ingredient},
                    {"manufacturer", l.manufacturer},
                    {"lot", l.lot},
                    {"expiry", FormatDate(l.expiry)},
                    {"amount", std::stod(FormatMilli(u.amount_milli))},
                    {"unit", l.unit}});
  }
  auto user = [&](std::optional<store::Id> id) -> Result<nlohmann::json> {
    if (!id) return nlohmann::json(nullptr);
    LDN_ASSIGN_OR_RETURN(store::User u, st.GetUser(*id));
    return nlohmann::json{{"id", u.id}, {"username", u.username}};
  };
  LDN_ASSIGN_OR_RETURN(nlohmann::json prepared_by, user(b.prepared_by));
  LDN_ASSIGN_OR_RETURN(nlohmann::json checked_by, user(b.checked_by));
  LDN_ASSIGN_OR_RETURN(std::vector<store::DispensingRecord> dispensed, st.ListBatchDispensings(b.id));
  int64_t dispensed_quantity = 0;
  for (const auto& d : dispensed) dispensed_quantity += d.quantity;
  LDN_ASSIGN_OR_RETURN(nlohmann::json kit, KitOfBatchJson(st, b.id));
  return nlohmann::json{
      {"id", b.id},
      {"batch_number", b.batch_number},
      {"pharmacy_id", b.pharmacy_id},
      {"status", std::string(store::BatchStatusName(b.status))},
      {"prescription_ids", std::move(ids)},
      {"orders", std::move(orders)},
      {"master_formula", b.master_formula_id.empty()
                             ? nlohmann::json(nullptr)
                             : nlohmann::json{{"id", b.master_formula_id}, {"version", b.master_formula_version}}},
      {"form", b.form},
      {"strength_mg", static_cast<double>(b.strength_micrograms_hcl) / 1000.0},
      {"placebo", b.placebo},
      {"quantity", b.quantity},
      {"quantity_unit", b.quantity_unit},
      {"dispensed_quantity", dispensed_quantity},
      {"kit", std::move(kit)},
      {"deviation_reason", b.deviation_reason},
      {"lots", std::move(lots)},
      {"prepared_on", FormatDate(b.prepared_on)},
      {"bud_date", FormatDate(b.bud_date)},
      {"prepared_by", std::move(prepared_by)},
      {"prepared_at", InstantText(b.prepared_at)},
      {"checked_by", std::move(checked_by)},
      {"checked_at", b.checked_at ? nlohmann::json(InstantText(*b.checked_at)) : nlohmann::json(nullptr)},
      {"qc", StoredJson(b.qc_json)},
      {"decision_reason", b.decision_reason},
      {"record", StoredJson(b.record_json)}};
}

namespace {

using store::Role;
namespace ph = ::ldn::pharmacy;

constexpr size_t kMaxOrdersPerBatch = 20;
constexpr size_t kMaxLotsPerBatch = 20;

// A quantity in a lot's unit with at most three decimals, as thousandths.
Result<int64_t> ToMilli(double v, const std::string& field) {
  const double milli = v * 1000.0;
  const double rounded = std::round(milli);
  if (rounded <= 0) return Status::InvalidArgument(field, "must be above 0");
  if (std::abs(milli - rounded) > 1e-6 * std::max(1.0, std::abs(milli))) {
    return Status::InvalidArgument(field, "at most three decimals (a thousandth of the unit)");
  }
  return static_cast<int64_t>(rounded);
}

// Today for a lot received: the UTC date (a pharmacy has no time zone of its own yet).
LocalDate PharmacyToday(RequestContext& ctx) {
  return TimeZone::Utc().LocalDateAt(ctx.now);
}

// Body: {"ingredient", "manufacturer", "lot", "expiry", "quantity", "unit"}.
Result<ApiReply> CreateLot(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  store::IngredientLot l;
  l.pharmacy_id = pharmacy_id;
  LDN_ASSIGN_OR_RETURN(l.ingredient, o.Line("ingredient", 200));
  LDN_ASSIGN_OR_RETURN(l.manufacturer, o.Line("manufacturer", 200));
  LDN_ASSIGN_OR_RETURN(l.lot, o.Line("lot", 100));
  LDN_ASSIGN_OR_RETURN(l.expiry, o.Date("expiry"));
  LDN_ASSIGN_OR_RETURN(l.unit, o.String("unit"));
  LDN_ASSIGN_OR_RETURN(double q, o.Number("quantity", 0, 1e12));
  LDN_ASSIGN_OR_RETURN(l.quantity_milli, ToMilli(q, "quantity"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  const LocalDate today = PharmacyToday(ctx);
  if (l.expiry < today) {
    return Status::InvalidArgument("expiry", fmt::format("lot {} expired on {}: an expired lot is not taken into stock",
                                                         l.lot, FormatDate(l.expiry)));
  }
  l.received_by = ctx.caller().user_id;
  l.received_at = ctx.now;
  LDN_ASSIGN_OR_RETURN(store::IngredientLot stored, ctx.store().CreateIngredientLot(l));
  return Reply(LotJson(stored, today), 201);
}

Result<ApiReply> ListLots(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  LDN_ASSIGN_OR_RETURN(auto lots, ctx.store().ListIngredientLots(pharmacy_id));
  const LocalDate today = PharmacyToday(ctx);
  nlohmann::json out = nlohmann::json::array();
  for (auto it = lots.rbegin(); it != lots.rend(); ++it) out.push_back(LotJson(*it, today));
  return Reply({{"today", FormatDate(today)}, {"lots", std::move(out)}});
}

// Body: the worksheet's inputs (compounding.h) and {"prescription_ids": [ids], "quantity",
// "lots": [{"lot_id", "amount"}], "master_formula_id"?, "master_formula_version"?,
// "measurements"?: {"weighings_mg": [one per weighing of the worksheet]}, "deviation_reason"?}.
}  // namespace

Result<store::Batch> PrepareBatch(store::Store& st, store::Id pharmacy_id, store::Id prepared_by, store::Instant now,
                                  const nlohmann::json& body) {
  nlohmann::json holder = body;
  if (!holder.is_object())
    return Status::InvalidArgument("body", "expected a JSON object, got " + JsonTypeName(holder));
  LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of(holder, ""));
  LDN_ASSIGN_OR_RETURN(PreparationInputs in, ReadPreparationInputs(o));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* ids, o.Array("prescription_ids", kMaxOrdersPerBatch));
  if (ids->empty()) return Status::InvalidArgument("prescription_ids", "name the order(s) this batch fills");
  LDN_ASSIGN_OR_RETURN(int64_t quantity, o.Integer("quantity", 1, 100000));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* lots_json, o.Array("lots", kMaxLotsPerBatch));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> formula_id, o.OptionalLine("master_formula_id", 100));
  LDN_ASSIGN_OR_RETURN(std::optional<int64_t> formula_version, o.OptionalInteger("master_formula_version", 1, 10000));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> deviation, o.OptionalText("deviation_reason", 2000));
  std::optional<std::vector<double>> measured;
  if (o.HasNonNull("measurements")) {
    LDN_ASSIGN_OR_RETURN(JsonObject m, o.Object("measurements"));
    LDN_ASSIGN_OR_RETURN(const nlohmann::json* w, m.Array("weighings_mg", 20));
    measured.emplace();
    for (size_t i = 0; i < w->size(); ++i) {
      LDN_ASSIGN_OR_RETURN(double mg, ReadNumber((*w)[i], fmt::format("measurements.weighings_mg[{}]", i), 0, 1e7));
      measured->push_back(mg);
    }
    LDN_RETURN_IF_ERROR(m.RejectUnknownKeys());
  } else {
    o.Consume("measurements");
  }
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (formula_id.has_value() != formula_version.has_value()) {
    return Status::InvalidArgument(formula_id ? "master_formula_version" : "master_formula_id",
                                   "a master formula is named by its id and version together");
  }

  // The orders: routed to this pharmacy, signed, not dispensed or cancelled, all for the same
  // preparation (form and strength).
  LDN_ASSIGN_OR_RETURN(auto routed, st.ListPharmacyOrders(pharmacy_id));
  std::map<store::Id, store::Prescription> by_id;
  for (auto& rx : routed) by_id[rx.id] = rx;
  std::vector<store::Prescription> orders;
  std::set<store::Id> seen;
  int64_t ordered_quantity = 0;
  for (size_t i = 0; i < ids->size(); ++i) {
    const std::string field = fmt::format("prescription_ids[{}]", i);
    LDN_ASSIGN_OR_RETURN(int64_t id, ReadInteger((*ids)[i], field, 1, INT64_MAX));
    auto it = by_id.find(id);
    if (it == by_id.end() || !it->second.signed_at) {
      return Status::NotFound(field + ": no such order at your pharmacy");
    }
    if (!seen.insert(id).second) return Status::InvalidArgument(field, "names an order twice");
    const store::Prescription& rx = it->second;
    if (rx.status == store::PrescriptionStatus::kDispensed || rx.status == store::PrescriptionStatus::kCancelled) {
      return Status::Conflict(fmt::format("{}: order {} is {}: nothing more is made for it", field, rx.id,
                                          store::PrescriptionStatusName(rx.status)));
    }
    const nlohmann::json f = StoredJson(rx.formulation_json);
    if (!orders.empty()) {
      const nlohmann::json f0 = StoredJson(orders.front().formulation_json);
      if (f.value("form", "") != f0.value("form", "") || f.value("strength_mg", 0.0) != f0.value("strength_mg", 0.0)) {
        return Status::InvalidArgument(field, "is for another preparation (form or strength) than the first order");
      }
    }
    // The quantity of the order's next fill (its first, or the renewal now due).
    LDN_ASSIGN_OR_RETURN(auto events, st.ListPrescriptionEvents(rx.patient_id));
    const nlohmann::json fills = FillsJson(rx, events);
    ordered_quantity += fills["next_fill"].is_object() ? fills["next_fill"]["quantity"].get<int64_t>()
                                                       : f.value("quantity", int64_t{0});
    orders.push_back(rx);
  }
  LDN_ASSIGN_OR_RETURN(store::Patient patient, st.GetPatient(orders.front().patient_id));

  // The lots, with their expiries: the BUD is capped by the earliest (USP <795> 2023 §14).
  std::vector<store::BatchLotUse> uses;
  std::vector<LocalDate> expiries;
  const LocalDate prepared = in.date.value_or(PatientToday(patient, now));
  for (size_t i = 0; i < lots_json->size(); ++i) {
    const std::string at = fmt::format("lots[{}]", i);
    LDN_ASSIGN_OR_RETURN(JsonObject l, JsonObject::Of((*lots_json)[i], at));
    LDN_ASSIGN_OR_RETURN(int64_t lot_id, l.Integer("lot_id", 1, INT64_MAX));
    LDN_ASSIGN_OR_RETURN(double amount, l.Number("amount", 0, 1e12));
    LDN_ASSIGN_OR_RETURN(int64_t milli, ToMilli(amount, at + ".amount"));
    LDN_RETURN_IF_ERROR(l.RejectUnknownKeys());
    auto lot = st.GetIngredientLot(lot_id);
    if (!lot.ok() || lot->pharmacy_id != pharmacy_id) {
      return Status::NotFound(at + ".lot_id: no such lot at your pharmacy");
    }
    if (lot->expiry < prepared) {
      return Status::InvalidArgument(
          at + ".lot_id", fmt::format("{} lot {} expired on {}: an expired ingredient cannot go into a batch",
                                      lot->ingredient, lot->lot, FormatDate(lot->expiry)));
    }
    uses.push_back({lot_id, milli});
    expiries.push_back(lot->expiry);
  }
  if (uses.empty()) return Status::InvalidArgument("lots", "record the lot of every ingredient used");
  if (quantity != ordered_quantity && (!deviation || deviation->empty())) {
    return Status::InvalidArgument(
        "deviation_reason",
        fmt::format("the order{} ask{} for {} and the batch makes {}: say why (it is recorded)",
                    orders.size() == 1 ? "" : "s", orders.size() == 1 ? "s" : "", ordered_quantity, quantity));
  }

  // A master formula named must exist (a superseded version is named by its id and version) and be
  // for this preparation: an unknown one is refused, never stored as a free label.
  if (formula_id) {
    const auto& formulary = ph::LoadMasterFormulary();
    if (!formulary.ok()) return formulary.status();
    auto found =
        ph::FindMasterFormula(*formulary, *formula_id, static_cast<int>(*formula_version), "master_formula_id");
    if (!found.ok()) {
      if (found.status().code() == Code::kNotFound) {
        return Status::InvalidArgument("master_formula_version", found.status().message());
      }
      return found.status();
    }
    const nlohmann::json f0 = StoredJson(orders.front().formulation_json);
    const bool capsule = f0.value("form", "") == "capsule";
    const int64_t strength_ug = std::llround(f0.value("strength_mg", 0.0) * 1000.0);
    // A placebo formula makes the twin of the order's preparation (for a blinded kit): it must
    // twin the approved active formula of this form and strength.
    bool twins = false;
    if (found->placebo) {
      for (const ph::MasterFormula& active : ph::CurrentMasterFormulas(*formulary)) {
        if (active.placebo || (active.form == ph::DispensedForm::kCapsule) != capsule ||
            active.strength.micrograms_hcl() != strength_ug) {
          continue;
        }
        twins = twins || std::find(found->twin_of.begin(), found->twin_of.end(), active.id) != found->twin_of.end();
      }
      in.placebo = true;
    }
    if ((found->placebo && !twins) || (!found->placebo && ((found->form == ph::DispensedForm::kCapsule) != capsule ||
                                                           found->strength.micrograms_hcl() != strength_ug))) {
      return Status::InvalidArgument(
          "master_formula_id",
          fmt::format("{} version {} is not a formula for this order's preparation", *formula_id, *formula_version));
    }
  }
  LDN_ASSIGN_OR_RETURN(ComputedPreparation c,
                       ComputePreparation(in, orders.front(), patient, now, quantity, expiries, "PENDING"));
  nlohmann::json measurements = nullptr;
  if (measured) {
    const auto& kb = ph::LoadCompoundingKnowledge();
    if (!kb.ok()) return kb.status();
    LDN_ASSIGN_OR_RETURN(auto checked,
                         ph::CheckMeasuredWeighings(*kb, c.weighings, *measured, "measurements.weighings_mg"));
    measurements = {{"weighings", ph::MeasuredWeighingsToJson(checked)}};
  }
  // The label is printed from the stored batch (GET /batches/{id}/label), with its number.
  c.preparation.erase("label");
  c.preparation.erase("batch_id");
  nlohmann::json record = {{"preparation", std::move(c.preparation)},
                           {"measurements", std::move(measurements)},
                           {"ordered_quantity", ordered_quantity},
                           {"inputs", holder}};
  record["inputs"].erase("lots");
  record["inputs"].erase("measurements");

  store::Batch b;
  b.pharmacy_id = pharmacy_id;
  for (const auto& rx : orders) b.orders.push_back({rx.patient_id, rx.id});
  b.master_formula_id = formula_id.value_or("");
  b.master_formula_version = formula_version.value_or(0);
  b.form = c.form;
  b.strength_micrograms_hcl = c.strength_micrograms_hcl;
  b.placebo = in.placebo;
  b.quantity = c.quantity;
  b.quantity_unit = c.form == "capsule" ? "capsule" : "mL";
  b.deviation_reason = deviation.value_or("");
  b.record_json = record.dump();
  b.prepared_on = c.prepared;
  b.bud_date = c.bud;
  b.prepared_by = prepared_by;
  b.prepared_at = now;
  b.lots = uses;
  return st.CreateBatch(b);
}

namespace {

Result<ApiReply> CreateBatch(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  LDN_ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  LDN_ASSIGN_OR_RETURN(store::Batch stored,
                       PrepareBatch(ctx.store(), pharmacy_id, ctx.caller().user_id, ctx.now, body));
  ctx.audit_patient_id = stored.orders.front().patient_id;
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, BatchJson(ctx.store(), stored));
  return Reply(std::move(j), 201);
}

// The patient's dispensing log at the caller's pharmacy, oldest first: what left the pharmacy, from
// which batch (or which pack of a kit), how much, who dispensed it and the checklist confirmed.
Result<ApiReply> ListPatientDispensings(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  store::Store& st = ctx.store();
  LDN_ASSIGN_OR_RETURN(auto rows, st.ListDispensings(ctx.patient()));
  nlohmann::json out = nlohmann::json::array();
  for (const store::DispensingRecord& d : rows) {
    LDN_ASSIGN_OR_RETURN(store::Batch b, st.GetBatch(d.batch_id));
    if (b.pharmacy_id != pharmacy_id) continue;
    LDN_ASSIGN_OR_RETURN(nlohmann::json kit, KitOfBatchJson(st, b.id));
    LDN_ASSIGN_OR_RETURN(store::User by, st.GetUser(d.dispensed_by));
    out.push_back({{"id", d.id},
                   {"prescription_id", d.prescription_id},
                   {"batch_id", b.id},
                   {"batch_number", b.batch_number},
                   {"kit", std::move(kit)},
                   {"preparation",
                    {{"form", b.form},
                     {"strength_mg", static_cast<double>(b.strength_micrograms_hcl) / 1000.0},
                     {"placebo", b.placebo}}},
                   {"quantity", d.quantity},
                   {"quantity_unit", b.quantity_unit},
                   {"bud_date", FormatDate(b.bud_date)},
                   {"dispensed_by", {{"id", by.id}, {"username", by.username}}},
                   {"dispensed_at", InstantText(d.dispensed_at)},
                   {"checklist", StoredJson(d.checklist_json)}});
  }
  return Reply({{"dispensings", std::move(out)}});
}

Result<ApiReply> ListBatches(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  LDN_ASSIGN_OR_RETURN(auto batches, ctx.store().ListBatches(pharmacy_id));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& b : batches) {
    LDN_ASSIGN_OR_RETURN(nlohmann::json j, BatchJson(ctx.store(), b));
    j.erase("record");
    out.push_back(std::move(j));
  }
  return Reply({{"batches", std::move(out)}});
}

Result<ApiReply> GetBatch(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "batch_id"));
  LDN_ASSIGN_OR_RETURN(store::Batch b, PharmacyBatch(ctx, pharmacy_id, id));
  ctx.audit_patient_id = b.orders.front().patient_id;
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, BatchJson(ctx.store(), b));
  return Reply(std::move(j));
}

// Body: {"password", "decision": "release"|"reject", "reason"?, "qc": {"appearance": "pass"|"fail",
// "appearance_note"?, "capsule_weights_mg"?: [10 or 30], "assay_pct"?, "volume_ml"?}}. A release
// needs the appearance passed and, for capsules, the weight variation passed (USP <905>), for a
// liquid the volume measured at least the labelled volume (USP <698> deliverable volume).
Result<ApiReply> CheckBatch(Api& api, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "batch_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string password, o.String("password"));
  LDN_ASSIGN_OR_RETURN(std::string decision, o.String("decision"));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> reason, o.OptionalText("reason", 2000));
  LDN_ASSIGN_OR_RETURN(JsonObject qc, o.Object("qc"));
  LDN_ASSIGN_OR_RETURN(std::string appearance, qc.String("appearance"));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> appearance_note, qc.OptionalText("appearance_note", 2000));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* weights_json, qc.OptionalArray("capsule_weights_mg", 30));
  LDN_ASSIGN_OR_RETURN(std::optional<double> assay, qc.OptionalNumber("assay_pct", 50, 150));
  LDN_ASSIGN_OR_RETURN(std::optional<double> volume, qc.OptionalNumber("volume_ml", 0, 100000));
  LDN_RETURN_IF_ERROR(qc.RejectUnknownKeys());
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (password.empty() || password.size() > 1024) return Status::InvalidArgument("password", "must be 1-1024 bytes");
  if (decision != "release" && decision != "reject") {
    return Status::InvalidArgument("decision", "expected release or reject");
  }
  if (appearance != "pass" && appearance != "fail") {
    return Status::InvalidArgument("qc.appearance", "expected pass or fail");
  }
  if (decision == "reject" && (!reason || reason->empty())) {
    return Status::InvalidArgument("reason", "say why the batch is rejected: it is recorded");
  }
  LDN_ASSIGN_OR_RETURN(store::Batch b, PharmacyBatch(ctx, pharmacy_id, id));
  ctx.audit_patient_id = b.orders.front().patient_id;
  if (b.prepared_by == ctx.caller().user_id) {
    return Status::PermissionDenied(
        "you prepared this batch: a second pharmacist checks and releases it (two people, USP <795> §9)");
  }
  if (b.status != store::BatchStatus::kPrepared) {
    return Status::Conflict(fmt::format("batch {} was {} already", b.batch_number, store::BatchStatusName(b.status)));
  }

  nlohmann::json qc_record = {{"appearance", appearance}, {"appearance_note", appearance_note.value_or("")}};
  std::vector<std::string> failures;
  if (appearance == "fail") failures.push_back("the appearance did not pass");
  if (b.form == "capsule") {
    if (weights_json != nullptr) {
      std::vector<double> weights;
      for (size_t i = 0; i < weights_json->size(); ++i) {
        LDN_ASSIGN_OR_RETURN(double w,
                             ReadNumber((*weights_json)[i], fmt::format("qc.capsule_weights_mg[{}]", i), 0, 10000));
        weights.push_back(w);
      }
      LDN_ASSIGN_OR_RETURN(ph::WeightVariation v,
                           ph::CapsuleWeightVariation(weights, assay.value_or(100), "qc.capsule_weights_mg"));
      qc_record["capsule_weights_mg"] = weights;
      qc_record["weight_variation"] = ph::WeightVariationToJson(v);
      if (!v.passes) failures.push_back(v.verdict);
    } else if (decision == "release") {
      return Status::InvalidArgument("qc.capsule_weights_mg",
                                     "weigh 10 capsules one by one before release (USP <905> weight variation)");
    }
    if (volume) return Status::InvalidArgument("qc.volume_ml", "only for a liquid");
  } else {
    if (weights_json != nullptr) return Status::InvalidArgument("qc.capsule_weights_mg", "only for capsules");
    if (volume) {
      qc_record["volume_ml"] = *volume;
      if (*volume < static_cast<double>(b.quantity)) {
        failures.push_back(
            fmt::format("the volume measured ({} mL) is less than the labelled {} mL", *volume, b.quantity));
      }
    } else if (decision == "release") {
      return Status::InvalidArgument("qc.volume_ml",
                                     "measure the volume before release (at least the labelled volume, USP <698>)");
    }
  }
  if (assay) qc_record["assay_pct"] = *assay;
  if (decision == "release" && !failures.empty()) {
    return Status::InvalidArgument("qc", fmt::format("cannot release: {}", fmt::join(failures, "; ")));
  }
  qc_record["failures"] = failures;

  // Re-authentication last: a malformed request does not count against the password.
  LDN_ASSIGN_OR_RETURN(store::User checker, ReauthenticateCaller(api, ctx, password));
  LDN_RETURN_IF_ERROR(ctx.store().CheckBatch(
      b.id, decision == "release" ? store::BatchStatus::kReleased : store::BatchStatus::kRejected, checker.id, ctx.now,
      qc_record.dump(), reason.value_or("")));
  LDN_ASSIGN_OR_RETURN(store::Batch checked, ctx.store().GetBatch(b.id));
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, BatchJson(ctx.store(), checked));
  return Reply(std::move(j));
}

}  // namespace

Result<LabelInput> BuildLabelInput(Api& api, RequestContext& ctx, const store::Batch& b,
                                   const store::BatchOrder& order) {
  LabelInput out;
  LDN_ASSIGN_OR_RETURN(out.rx, ctx.store().GetPrescription(order.patient_id, order.prescription_id));
  const store::Prescription& rx = out.rx;
  LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(order.patient_id));
  const nlohmann::json o = StoredJson(rx.formulation_json);
  if (!o.is_object() || !o.contains("lines") || !o.contains("patient") || !o.contains("pharmacy")) {
    return Status::Conflict("this prescription predates orders: it has no dated steps for a label");
  }
  ph::DispensingInput& in = out.in;
  std::string jurisdiction =
      o.value("jurisdiction", nlohmann::json()).is_string() ? o["jurisdiction"].get<std::string>() : "";
  if (jurisdiction.empty() && api.options().jurisdiction) jurisdiction = *api.options().jurisdiction;
  for (char& ch : jurisdiction) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  if (jurisdiction.empty()) {
    return Status::Conflict(
        "jurisdiction: the order names no jurisdiction and the server has none (ldn serve "
        "--jurisdiction): the label's legal text depends on it");
  }
  // "us-ny" is labelled as "us" when the state has no rules of its own in the data.
  if (!ph::LoadDispensingKnowledge().ok()) return ph::LoadDispensingKnowledge().status();
  if (!ph::FindLabelFamily(*ph::LoadDispensingKnowledge(), jurisdiction, "jurisdiction").ok()) {
    const size_t dash = jurisdiction.find('-');
    if (dash != std::string::npos) jurisdiction = jurisdiction.substr(0, dash);
  }
  in.jurisdiction = jurisdiction;
  const nlohmann::json& pa = o["patient"];
  in.patient_name = pa.value("name", patient.display_name);
  const auto dob = ParseDate(pa.value("date_of_birth", ""), "patient.date_of_birth");
  if (!dob.ok()) return Status::Conflict("patient.date_of_birth: the order holds no date of birth");
  in.patient_birth_date = *dob;
  in.form = b.form == "capsule" ? ph::DispensedForm::kCapsule : ph::DispensedForm::kOralLiquid;
  // A placebo pack is labelled with the active strength of the order ("... 4.5 mg or placebo").
  const int64_t strength_ug =
      b.placebo ? std::llround(o.value("strength_mg", 0.0) * 1000.0) : b.strength_micrograms_hcl;
  in.strength = Dose::FromMicrogramsHcl(strength_ug);
  // The quantity handed over: as dispensed from this batch, else the order's next fill's.
  LDN_ASSIGN_OR_RETURN(auto events, ctx.store().ListPrescriptionEvents(order.patient_id));
  const nlohmann::json fills = FillsJson(rx, events);
  const int64_t ordered =
      fills["next_fill"].is_object() ? fills["next_fill"]["quantity"].get<int64_t>() : o.value("quantity", b.quantity);
  in.quantity = std::min(ordered, b.quantity);
  for (const auto& line : o["lines"]) {
    ph::DispensingStep step;
    LDN_ASSIGN_OR_RETURN(step.from, ParseDate(line.value("from", ""), "lines.from"));
    if (line.contains("to") && line["to"].is_string()) {
      LDN_ASSIGN_OR_RETURN(LocalDate to, ParseDate(line["to"].get<std::string>(), "lines.to"));
      step.to = to;
    }
    step.dose = Dose::FromMicrogramsHcl(line.value("dose_ug", int64_t{0}));
    step.units_per_dose = line.value("amount", 0.0);
    in.steps.push_back(step);
    if (in.when.empty()) in.when = "at " + line.value("time", std::string("bedtime"));
  }
  const nlohmann::json& pr = o.value("prescriber", nlohmann::json::object());
  in.prescriber = pr.value("name", "");
  const nlohmann::json& ph_json = o["pharmacy"];
  in.pharmacy_name = ph_json.value("name", "");
  in.pharmacy_address = ph_json.value("address", "");
  in.pharmacy_phone = ph_json.value("phone", "");
  in.rx_number = std::to_string(rx.id);
  in.batch_number = b.batch_number;
  // The dispensing date: recorded, else the release day (both stored: a reprint is identical).
  std::optional<LocalDate> dispensed;
  LDN_ASSIGN_OR_RETURN(auto dispensings, ctx.store().ListBatchDispensings(b.id));
  for (const auto& d : dispensings) {
    if (d.prescription_id == rx.id) {
      dispensed = PatientToday(patient, d.dispensed_at);
      in.quantity = d.quantity;
      break;
    }
  }
  out.dispensed = dispensed.has_value();
  in.dispensed = dispensed.value_or(PatientToday(patient, *b.checked_at));
  in.bud = b.bud_date;
  const nlohmann::json record = StoredJson(b.record_json);
  std::string storage = b.form == "capsule" ? "room" : "fridge";
  if (record.contains("preparation") && record["preparation"].contains("bud") &&
      record["preparation"]["bud"].contains("storage") && record["preparation"]["bud"]["storage"].is_string()) {
    storage = record["preparation"]["bud"]["storage"].get<std::string>();
  }
  LDN_ASSIGN_OR_RETURN(in.storage, ph::ParseStorage(storage, "storage"));
  return out;
}

Result<ApiReply> LabelReply(const LabelInput& parts, bool sheet, bool pdf, const std::string& file_stem) {
  const ph::DispensingInput& in = parts.in;
  auto made = sheet ? ph::CounsellingSheet(in) : ph::DispensingLabel(in);
  if (!made.ok()) {
    if (made.status().code() == Code::kInvalidArgument) {
      return Status::Conflict(fmt::format("the label cannot be made from this record: {}", made.status().ToString()));
    }
    return made.status();
  }
  const std::string internal = in.pack_code.empty() ? in.batch_number : in.pack_code;
  const std::string barcode_text = fmt::format("RX{}/{}", parts.rx.id, internal);
  LDN_ASSIGN_OR_RETURN(std::vector<bool> bits, ph::Code128Bits(barcode_text, "barcode"));
  const char* what = in.pack_code.empty() ? "batch" : "pack";
  if (pdf) {
    report::LabelDocument doc;
    doc.title = sheet ? fmt::format("Your LDN: what to know (Rx {}, {} {})", parts.rx.id, what, internal)
                      : fmt::format("Label Rx {} {} {}", parts.rx.id, what, internal);
    doc.lines = made->lines;
    doc.sheet = sheet;
    doc.date = FormatDate(in.dispensed);
    if (!sheet) {
      doc.barcode = bits;
      doc.barcode_text = barcode_text;
    }
    LDN_ASSIGN_OR_RETURN(std::string pdf_bytes, report::RenderLabelPdf(doc));
    ApiReply reply;
    reply.content_type = "application/pdf";
    reply.raw_body = std::move(pdf_bytes);
    reply.headers.emplace_back(
        "Content-Disposition",
        fmt::format("inline; filename=\"{}-{}-rx{}.pdf\"", sheet ? "counselling" : "label", file_stem, parts.rx.id));
    return reply;
  }
  nlohmann::json j = ph::DispensingDocumentToJson(*made);
  if (in.pack_code.empty()) {
    j["batch_number"] = in.batch_number;
  } else {
    j["pack_code"] = in.pack_code;
  }
  j["prescription_id"] = parts.rx.id;
  j["dispensed_on"] = FormatDate(in.dispensed);
  j["dispensed"] = parts.dispensed;
  if (!sheet) j["barcode"] = {{"symbology", "Code 128"}, {"text", barcode_text}};
  return Reply(std::move(j));
}

Result<bool> PdfFormat(RequestContext& ctx) {
  const auto it = ctx.query.find("format");
  if (it == ctx.query.end()) return false;
  if (it->second != "pdf" && it->second != "json") return Status::InvalidArgument("format", "expected pdf or json");
  return it->second == "pdf";
}

namespace {

// The label or counselling sheet of a released batch for one of its orders (query prescription_id,
// needed when the batch fills several; format=pdf for the PDF), composed by the pharmacy layer from
// the stored batch and order only: the same on every call. The dispensing date is the order's
// dispensing from this batch once recorded, else the day the batch was released. A pack of a
// blinded kit is labelled only through its kit (GET /kits/{id}/label), never with its batch.
Result<ApiReply> BatchDocument(Api& api, RequestContext& ctx, bool sheet) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "batch_id"));
  LDN_ASSIGN_OR_RETURN(store::Batch b, PharmacyBatch(ctx, pharmacy_id, id));
  LDN_ASSIGN_OR_RETURN(bool pdf, PdfFormat(ctx));
  store::BatchOrder order = b.orders.front();
  if (const auto it = ctx.query.find("prescription_id"); it != ctx.query.end()) {
    const auto found = std::find_if(b.orders.begin(), b.orders.end(), [&](const store::BatchOrder& o) {
      return std::to_string(o.prescription_id) == it->second;
    });
    if (found == b.orders.end()) return Status::InvalidArgument("prescription_id", "is not an order this batch fills");
    order = *found;
  } else if (b.orders.size() > 1) {
    return Status::InvalidArgument("prescription_id", "this batch fills several orders: name one");
  }
  ctx.audit_patient_id = order.patient_id;
  if (b.status != store::BatchStatus::kReleased) {
    return Status::Conflict(fmt::format("batch {} is {}: a label is printed for a released batch", b.batch_number,
                                        store::BatchStatusName(b.status)));
  }
  auto kit = ctx.store().GetKitOfBatch(b.id);
  if (kit.ok()) {
    return Status::Conflict(
        fmt::format("batch {} is a pack of blinded kit {}: print the kit's pack labels, which carry no batch number",
                    b.batch_number, kit->kit_code));
  }
  if (kit.status().code() != Code::kNotFound) return kit.status();
  if (b.placebo) {
    return Status::Conflict(
        fmt::format("batch {} is a placebo twin: pair it with its active batch in a kit, whose pack labels are blinded",
                    b.batch_number));
  }
  LDN_ASSIGN_OR_RETURN(LabelInput parts, BuildLabelInput(api, ctx, b, order));
  return LabelReply(parts, sheet, pdf, b.batch_number);
}

// The master formulation records (data/master_formulas.json): the approved version of each, or
// every version with all=true.
Result<ApiReply> ListMasterFormulas(Api&, RequestContext& ctx) {
  const auto& formulary = ph::LoadMasterFormulary();
  if (!formulary.ok()) return formulary.status();
  const auto all = ctx.query.find("all");
  if (all != ctx.query.end() && all->second != "true" && all->second != "false") {
    return Status::InvalidArgument("all", "expected true or false");
  }
  const bool every = all != ctx.query.end() && all->second == "true";
  nlohmann::json out = nlohmann::json::array();
  for (const ph::MasterFormula& m : every ? formulary->formulas : ph::CurrentMasterFormulas(*formulary)) {
    out.push_back(ph::MasterFormulaToJson(m));
  }
  return Reply({{"master_formulas", std::move(out)}});
}

Result<ApiReply> BatchLabel(Api& api, RequestContext& ctx) {
  return BatchDocument(api, ctx, false);
}
Result<ApiReply> BatchCounselling(Api& api, RequestContext& ctx) {
  return BatchDocument(api, ctx, true);
}

constexpr char kLotSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["ingredient","manufacturer","lot","expiry","quantity","unit"],
"properties":{"ingredient":{"type":"string","maxLength":200},"manufacturer":{"type":"string","maxLength":200},
"lot":{"type":"string","maxLength":100},"expiry":{"type":"string","format":"date"},"quantity":{"type":"number"},
"unit":{"enum":["mg","g","mL","tablet","capsule"]}}})js";
constexpr char kBatchSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["prescription_ids","quantity","lots"],"properties":{
"prescription_ids":{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":20},
"quantity":{"type":"integer","minimum":1,"maximum":100000},
"lots":{"type":"array","maxItems":20,"items":{"type":"object","additionalProperties":false,"required":["lot_id","amount"],
"properties":{"lot_id":{"type":"integer"},"amount":{"type":"number"}}}},
"master_formula_id":{"type":"string"},"master_formula_version":{"type":"integer"},
"measurements":{"type":"object","additionalProperties":false,"properties":{"weighings_mg":{"type":"array","items":{"type":"number"}}}},
"deviation_reason":{"type":"string","maxLength":2000},
"source":{"enum":["tablets","api"]},"tablet_weight_mg":{"type":"number"},"assay_pct":{"type":"number"},
"water_pct":{"type":"number"},"capsule_size":{"type":"string"},"fill_weight_mg":{"type":"number"},
"overage_pct":{"type":"number"},"volume_ml":{"type":"integer"},"storage":{"enum":["room","fridge"]},
"date":{"type":"string","format":"date"}}})js";
constexpr char kCheckSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["password","decision","qc"],"properties":{
"password":{"type":"string"},"decision":{"enum":["release","reject"]},"reason":{"type":"string","maxLength":2000},
"qc":{"type":"object","additionalProperties":false,"required":["appearance"],"properties":{
"appearance":{"enum":["pass","fail"]},"appearance_note":{"type":"string","maxLength":2000},
"capsule_weights_mg":{"type":"array","items":{"type":"number"},"maxItems":30},"assay_pct":{"type":"number"},
"volume_ml":{"type":"number"}}}}})js";

}  // namespace

void AddBatchRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::set<Role> kPharmacist = {Role::kPharmacist};
  routes.Add({"POST",
              "/api/v1/lots",
              Authenticated(kPharmacist, "lot.create"),
              h(CreateLot),
              "Record an ingredient lot the pharmacy received (manufacturer, lot, expiry, quantity).",
              kLotSchema,
              {}});
  routes.Add({"GET",
              "/api/v1/lots",
              Authenticated(kPharmacist, "lot.list"),
              h(ListLots),
              "The pharmacy's ingredient lots with what is left (inventory), newest first.",
              "",
              {}});
  routes.Add({"POST",
              "/api/v1/batches",
              Authenticated(kPharmacist, "batch.create"),
              h(CreateBatch),
              "Record a compounded batch for one or more orders: lots used, weights measured, BUD.",
              kBatchSchema,
              {}});
  routes.Add({"GET",
              "/api/v1/batches",
              Authenticated(kPharmacist, "batch.list"),
              h(ListBatches),
              "The pharmacy's batches, newest first.",
              "",
              {}});
  routes.Add({"GET",
              "/api/v1/batches/{batch_id}",
              Authenticated(kPharmacist, "batch.read"),
              h(GetBatch),
              "One batch record (compounding record).",
              "",
              {}});
  routes.Add({"POST",
              "/api/v1/batches/{batch_id}/check",
              AuditApart(Authenticated(kPharmacist, "batch.check")),
              h(CheckBatch),
              "Release or reject a batch: a second pharmacist, re-authenticated with their password, records QC.",
              kCheckSchema,
              {}});
  routes.Add({"GET",
              "/api/v1/patients/{patient_id}/dispensings",
              PatientScoped(kPharmacist, "dispensing.list"),
              h(ListPatientDispensings),
              "The patient's dispensing log at the caller's pharmacy: batch or kit pack, quantity, pharmacist, "
              "checklist.",
              "",
              {}});
  routes.Add({"GET",
              "/api/v1/master-formulas",
              Authenticated(kPharmacist),
              h(ListMasterFormulas),
              "The pharmacy's master formulation records (USP <795> §8): the approved version of each, or every "
              "version with all=true.",
              "",
              {"all"}});
  routes.Add({"GET",
              "/api/v1/batches/{batch_id}/label",
              Authenticated(kPharmacist, "batch.label"),
              h(BatchLabel),
              "The dispensing label of a released batch for one of its orders (lines, or a PDF with a Code 128 "
              "barcode of the Rx and batch); the same on every call.",
              "",
              {"prescription_id", "format"}});
  routes.Add({"GET",
              "/api/v1/batches/{batch_id}/counselling",
              Authenticated(kPharmacist, "batch.counselling"),
              h(BatchCounselling),
              "The patient counselling sheet of a released batch for one of its orders: the patient's own "
              "titration steps (lines, or a PDF).",
              "",
              {"prescription_id", "format"}});
}

}  // namespace ldn::server
