// Prescriptions as orders (issue 13; docs/clinic.md, "Prescriptions as orders"): an order is
// generated from a course's plan and routed to a pharmacy, signed by its prescriber with their
// password, seen only by that pharmacy's pharmacists, verified, dispensed or cancelled with a
// reason the pharmacy sees, and printed as a PDF with the legal content of a prescription.
//
//   POST P/prescriptions                       draft an order from a course (clinician)
//   GET  P/prescriptions, P/prescriptions/{id} the orders the caller may see
//   POST P/prescriptions/{id}/sign             sign with the prescriber's password
//   PUT  P/prescriptions/{id}/status           verify / dispense (pharmacist), cancel with a reason
//   GET  P/prescriptions/{id}/pdf              the printable prescription
//   GET  /pharmacy/orders                      the pharmacist's queue: their pharmacy's signed orders
//   GET  /prescriptions/verify                 every signature checked (admin)
#include <algorithm>
#include <cctype>
#include <limits>
#include <map>

#include <fmt/format.h>

#include "core/dose.h"
#include "core/text.h"
#include "pharmacy/knowledge.h"
#include "pharmacy/order.h"
#include "report/prescription_pdf.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/batches.h"
#include "server/course_plans.h"
#include "server/login_throttle.h"
#include "server/order_signing.h"
#include "server/orders.h"

namespace ldn::server {

Result<bool> MaySeePrescription(const RequestContext& ctx, const store::Prescription& rx) {
  switch (ctx.caller().role) {
    case store::Role::kClinician:
      return true;
    case store::Role::kPatient:
      return rx.signed_at.has_value();
    case store::Role::kPharmacist: {
      if (!rx.signed_at || !rx.pharmacy_id) return false;
      LDN_ASSIGN_OR_RETURN(std::optional<store::Id> mine, ctx.store().GetUserPharmacy(ctx.caller().user_id));
      return mine && *mine == *rx.pharmacy_id;
    }
    default:
      return false;
  }
}

Result<store::Prescription> VisiblePrescription(const RequestContext& ctx, store::Id id) {
  auto rx = ctx.store().GetPrescription(ctx.patient(), id);
  if (!rx.ok()) {
    if (rx.status().code() == Code::kNotFound) {
      return Status::NotFound("no such prescription").WithFieldPrefix("prescription_id");
    }
    return rx.status();
  }
  LDN_ASSIGN_OR_RETURN(bool visible, MaySeePrescription(ctx, *rx));
  if (!visible) return Status::NotFound("no such prescription").WithFieldPrefix("prescription_id");
  return rx;
}

// A wrong password counts as a failed login of this account from this address (login_throttle.h).
Result<store::User> ReauthenticateCaller(Api& api, RequestContext& ctx, std::string_view password) {
  store::Store& st = ctx.store();
  LDN_ASSIGN_OR_RETURN(store::User signer, st.GetUser(ctx.caller().user_id));
  const ThrottleKeys keys = KeysFor(signer.username, ctx.client_address);
  LDN_ASSIGN_OR_RETURN(AttemptAdmission admission, CountAttempt(st, keys, ctx.now, api.options().throttle));
  if (!admission.allowed) {
    if (admission.locked) {
      return Status::PermissionDenied(
                 "this account is locked after too many wrong passwords; an administrator can unlock it")
          .WithFieldPrefix("password");
    }
    return Status::PermissionDenied(fmt::format("too many wrong passwords: wait {} s", admission.retry_after.count()))
        .WithFieldPrefix("password");
  }
  if (!VerifyPassword(password, signer.password_hash)) {
    LDN_ASSIGN_OR_RETURN(bool locked_now, AttemptFailed(st, keys, ctx.now, api.options().throttle));
    if (locked_now) api.log().Warn("account_locked", {{"user_id", signer.id}, {"address", ctx.client_address}});
    return Status::InvalidArgument("password", "this is not your password");
  }
  LDN_RETURN_IF_ERROR(AttemptSucceeded(st, keys));
  return signer;
}

Result<PasswordAndReason> ReadPasswordAndReason(JsonObject& o, std::string_view why) {
  LDN_ASSIGN_OR_RETURN(std::string password, o.String("password"));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> reason, o.OptionalText("reason", 2000));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (password.empty() || password.size() > 1024) return Status::InvalidArgument("password", "must be 1-1024 bytes");
  if (!reason || reason->empty()) return Status::InvalidArgument("reason", std::string(why));
  return PasswordAndReason{std::move(password), std::move(*reason)};
}

// How many of the order's fills (the first and each renewal, pharmacy/order.h) have been
// dispensed, from its "dispensed" events: {"fills_total", "fills_dispensed", "refills_remaining",
// "next_fill": {"number", "from", "to", "quantity"} or null}.
nlohmann::json FillsJson(const store::Prescription& rx, const std::vector<store::PrescriptionEvent>& events) {
  const nlohmann::json f = StoredJson(rx.formulation_json);
  const nlohmann::json fills =
      f.is_object() && f.contains("fills") && f["fills"].is_array() ? f["fills"] : nlohmann::json::array();
  const int64_t total = std::max<int64_t>(1, static_cast<int64_t>(fills.size()));
  int64_t done = 0;
  for (const auto& e : events) done += e.prescription_id == rx.id && e.kind == "dispensed" ? 1 : 0;
  done = std::min(done, total);
  nlohmann::json next = nullptr;
  if (done < total && static_cast<size_t>(done) < fills.size()) {
    const nlohmann::json& n = fills[static_cast<size_t>(done)];
    next = {{"number", n.value("number", done + 1)},
            {"from", n.value("from", "")},
            {"to", n.value("to", "")},
            {"quantity", n.value("quantity", int64_t{0})}};
  }
  return {{"fills_total", total},
          {"fills_dispensed", done},
          {"refills_remaining", std::max<int64_t>(0, total - std::max<int64_t>(done, 1))},
          {"next_fill", std::move(next)}};
}

namespace {

using store::Role;
namespace ph = ::ldn::pharmacy;

const std::set<Role> kCareReaders = {Role::kPatient, Role::kClinician, Role::kPharmacist};

// What the dispensing pharmacist confirms before an order leaves the pharmacy (issue 14, item 4).
constexpr const char* kDispensingChecklist[] = {"identity", "order", "dose", "interactions", "screening", "washout"};
const std::set<Role> kClinician = {Role::kClinician};

// Sources of the order's legal content (docs/clinic.md has the list with what each requires).
const std::vector<std::string> kLegalSources = {
    "UK: Human Medicines Regulations 2012 (SI 2012/1916) reg. 217 (prescriber's address and kind, date, patient's "
    "name and address, age under 12) and reg. 219 (electronic prescriptions: advanced electronic signature)",
    "US: 21 CFR 1306.05(a) (date; patient's full name and address; drug name, strength, dosage form, quantity, "
    "directions; prescriber's name, address and registration number) -- the federal rule for controlled "
    "substances, which state rules for other prescriptions follow; naltrexone is not controlled",
    "Norway: Forskrift om rekvirering og utlevering av legemidler m.m. (FOR-2022-06-02-977) chapter 5 (prescriber's "
    "name and HPR number; patient's name and date of birth; the medicine, its amount and use)",
    "Denmark: Receptbekendtgørelsen (BEK nr 827 af 24/06/2024) §§ 14-18 (indication and unambiguous dosage per "
    "dose and per day on the prescription)",
};

nlohmann::json PatientBlock(const store::Patient& p, const store::PatientDemographics& d) {
  nlohmann::json j = {{"id", p.id}, {"name", p.display_name}};
  j["date_of_birth"] = d.date_of_birth ? nlohmann::json(FormatDate(*d.date_of_birth)) : nlohmann::json();
  j["address"] = d.address ? nlohmann::json(*d.address) : nlohmann::json();
  return j;
}

// Body: {"course_id", "pharmacy_id", "formulation": {"form", "strength_mg"}, "start"?,
// "days_supply"?, "renewals"?: {"number", "interval_days"}, "indication"?}.
Result<ApiReply> CreateOrder(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(int64_t course_id, o.Integer("course_id", 1, std::numeric_limits<int64_t>::max()));
  LDN_ASSIGN_OR_RETURN(int64_t pharmacy_id, o.Integer("pharmacy_id", 1, std::numeric_limits<int64_t>::max()));
  LDN_ASSIGN_OR_RETURN(JsonObject f, o.Object("formulation"));
  LDN_ASSIGN_OR_RETURN(std::string form_text, f.String("form"));
  LDN_ASSIGN_OR_RETURN(double strength_mg, f.Number("strength_mg", 0.001, 50));
  LDN_RETURN_IF_ERROR(f.RejectUnknownKeys());
  if (form_text != "capsule" && form_text != "liquid") {
    return Status::InvalidArgument("formulation.form", "expected 'capsule' or 'liquid'");
  }
  LDN_ASSIGN_OR_RETURN(Dose strength, Dose::FromMilligramsHcl(strength_mg, "formulation.strength_mg"));
  LDN_ASSIGN_OR_RETURN(std::optional<LocalDate> start, o.OptionalDate("start"));
  LDN_ASSIGN_OR_RETURN(std::optional<int64_t> days_supply, o.OptionalInteger("days_supply", 1, 366));
  int renewals = 0, interval = 0;
  if (o.HasNonNull("renewals")) {
    LDN_ASSIGN_OR_RETURN(JsonObject r, o.Object("renewals"));
    LDN_ASSIGN_OR_RETURN(int64_t n, r.Integer("number", 0, 12));
    LDN_ASSIGN_OR_RETURN(std::optional<int64_t> days, r.OptionalInteger("interval_days", 1, 366));
    LDN_RETURN_IF_ERROR(r.RejectUnknownKeys());
    if (n > 0 && !days) return Status::InvalidArgument("renewals.interval_days", "is required with renewals");
    renewals = static_cast<int>(n);
    interval = static_cast<int>(days.value_or(0));
  } else {
    o.Consume("renewals");
  }
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> indication, o.OptionalText("indication", kMaxShortTextChars));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (indication && (indication->empty() || indication->size() > 200)) {
    return Status::InvalidArgument("indication", "must be 1-200 characters");
  }

  DraftOrderRequest r;
  r.patient_id = ctx.patient();
  r.course_id = course_id;
  r.pharmacy_id = pharmacy_id;
  r.capsules = form_text == "capsule";
  r.strength_mg = strength.milligrams_hcl();
  r.start = start;
  if (days_supply) r.days_supply = static_cast<int>(*days_supply);
  r.renewals = renewals;
  r.renewal_interval_days = interval;
  r.indication = indication;
  r.prescriber_user_id = ctx.caller().user_id;
  LDN_ASSIGN_OR_RETURN(store::Prescription created, DraftOrder(ctx.store(), r, ctx.now));
  nlohmann::json j = ToJson(created);
  j["events"] = nlohmann::json::array(
      {{{"kind", "created"}, {"actor_user_id", ctx.caller().user_id}, {"at", InstantText(ctx.now)}, {"note", ""}}});
  return Reply(std::move(j), 201);
}

// Every order of the patient the caller may see, each with its events.
Result<ApiReply> ListOrders(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(auto rows, ctx.store().ListPrescriptions(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(auto events, ctx.store().ListPrescriptionEvents(ctx.patient()));
  std::map<store::Id, nlohmann::json> by_rx;
  for (const auto& e : events) {
    by_rx[e.prescription_id].push_back(
        {{"kind", e.kind}, {"actor_user_id", e.actor_user_id}, {"at", InstantText(e.at)}, {"note", e.note}});
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& rx : rows) {
    LDN_ASSIGN_OR_RETURN(bool visible, MaySeePrescription(ctx, rx));
    if (!visible) continue;
    nlohmann::json j = ToJson(rx);
    j["events"] = by_rx.count(rx.id) ? by_rx[rx.id] : nlohmann::json::array();
    j["dispensing"] = FillsJson(rx, events);
    out.push_back(std::move(j));
  }
  return Reply({{"prescriptions", std::move(out)}});
}

Result<ApiReply> GetOrder(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "prescription_id"));
  LDN_ASSIGN_OR_RETURN(store::Prescription rx, VisiblePrescription(ctx, id));
  LDN_ASSIGN_OR_RETURN(auto events, ctx.store().ListPrescriptionEvents(ctx.patient()));
  nlohmann::json j = ToJson(rx);
  j["events"] = nlohmann::json::array();
  for (const auto& e : events) {
    if (e.prescription_id != id) continue;
    j["events"].push_back(
        {{"kind", e.kind}, {"actor_user_id", e.actor_user_id}, {"at", InstantText(e.at)}, {"note", e.note}});
  }
  j["dispensing"] = FillsJson(rx, events);
  return Reply(std::move(j));
}

// Body: {"password"}. Re-authentication: the prescriber's own password. Audited apart (Argon2id
// runs outside the transaction); the signature, its key, its event and an audit event carrying
// its hash are stored in one transaction.
Result<ApiReply> SignOrder(Api& api, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "prescription_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string password, o.String("password"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (password.empty() || password.size() > 1024) return Status::InvalidArgument("password", "must be 1-1024 bytes");
  store::Store& st = ctx.store();
  LDN_ASSIGN_OR_RETURN(store::Prescription rx, VisiblePrescription(ctx, id));
  if (rx.recorded_by != ctx.caller().user_id) {
    return Status::PermissionDenied("only the prescriber who wrote this order can sign it");
  }
  if (rx.signed_at) return Status::Conflict("this prescription is already signed");
  if (rx.status != store::PrescriptionStatus::kIssued) {
    return Status::Conflict(fmt::format("a {} prescription cannot be signed", store::PrescriptionStatusName(rx.status)));
  }
  LDN_ASSIGN_OR_RETURN(store::User signer, ReauthenticateCaller(api, ctx, password));
  LDN_ASSIGN_OR_RETURN(store::Prescription signed_rx,
                       SignDraftOrder(st, ctx.patient(), id, signer, password, ctx.now, api.options().password_cost));
  return Reply(ToJson(signed_rx));
}

// Body: {"status": "verified"|"dispensed"|"cancelled", "reason"?}. A pharmacist of the order's
// pharmacy verifies a signed order, dispenses a verified one, or cancels; the prescriber's side (a
// clinician) only cancels. A cancellation needs a reason (1-2000 characters), which the pharmacy
// sees.
Result<ApiReply> SetOrderStatus(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "prescription_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string text, o.String("status"));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> reason, o.OptionalText("reason", kMaxNoteChars));
  LDN_ASSIGN_OR_RETURN(std::optional<store::Id> batch_id, OptionalId(o, "batch_id"));
  LDN_ASSIGN_OR_RETURN(std::optional<store::Id> kit_id, OptionalId(o, "kit_id"));
  nlohmann::json checklist = nlohmann::json::object();
  if (o.HasNonNull("checklist")) {
    LDN_ASSIGN_OR_RETURN(JsonObject c, o.Object("checklist"));
    for (const char* item : kDispensingChecklist) {
      LDN_ASSIGN_OR_RETURN(bool confirmed, c.Bool(item));
      if (!confirmed) {
        return Status::InvalidArgument(fmt::format("checklist.{}", item),
                                       "not confirmed: a prescription is dispensed only when every check is done");
      }
      checklist[item] = true;
    }
    LDN_RETURN_IF_ERROR(c.RejectUnknownKeys());
  } else {
    o.Consume("checklist");
  }
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_ASSIGN_OR_RETURN(store::PrescriptionStatus to, store::ParsePrescriptionStatus(text, "status"));
  if (batch_id && to != store::PrescriptionStatus::kDispensed) {
    return Status::InvalidArgument("batch_id", "only a dispensing names a batch");
  }
  if (kit_id && to != store::PrescriptionStatus::kDispensed) {
    return Status::InvalidArgument("kit_id", "only a dispensing names a kit");
  }
  if (kit_id && batch_id) return Status::InvalidArgument("kit_id", "name the batch or the kit, not both");
  using PS = store::PrescriptionStatus;
  const bool pharmacist = ctx.caller().role == Role::kPharmacist;
  if (!pharmacist && to != PS::kCancelled) {
    return Status::PermissionDenied("only a pharmacist verifies or dispenses a prescription");
  }
  if (to == PS::kCancelled && (!reason || reason->empty())) {
    return Status::InvalidArgument("reason", "say why the prescription is cancelled: the pharmacy sees it");
  }
  if (reason && reason->size() > 2000) return Status::InvalidArgument("reason", "must be at most 2000 characters");
  if (to != PS::kCancelled && reason) return Status::InvalidArgument("reason", "only a cancellation takes a reason");
  LDN_ASSIGN_OR_RETURN(store::Prescription p, VisiblePrescription(ctx, id));
  const bool allowed = (p.status == PS::kIssued && (to == PS::kVerified || to == PS::kCancelled)) ||
                       (p.status == PS::kVerified && (to == PS::kDispensed || to == PS::kCancelled));
  if (!allowed) {
    return Status::Conflict(fmt::format("a prescription that is {} cannot become {}",
                                        store::PrescriptionStatusName(p.status), store::PrescriptionStatusName(to)));
  }
  if (to == PS::kVerified && !p.signed_at) return Status::Conflict("an unsigned prescription cannot be verified");
  std::optional<store::Id> pharmacist_id;
  if (pharmacist) pharmacist_id = ctx.caller().user_id;
  int64_t fill_number = 1, fills_total = 1;
  if (to == PS::kDispensed) {
    // Issue 14: what is handed over is a released batch made for this order, within its BUD.
    if (!batch_id && !kit_id) {
      return Status::InvalidArgument("batch_id",
                                     "name the released batch (or the blinded kit) that fills this "
                                     "prescription");
    }
    LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
    // A blinded kit hands over both packs (each a released batch made for this order).
    std::vector<store::Id> batch_ids;
    const std::string field = kit_id ? "kit_id" : "batch_id";
    if (kit_id) {
      auto kit = ctx.store().GetKit(*kit_id);
      if (!kit.ok() || kit->pharmacy_id != pharmacy_id) return Status::NotFound("kit_id: no such kit");
      if (kit->prescription_id != p.id || kit->patient_id != p.patient_id) {
        return Status::Conflict(fmt::format("kit_id: kit {} was not made for this prescription", kit->kit_code));
      }
      batch_ids = {kit->pack_a_batch_id, kit->pack_b_batch_id};
    } else {
      batch_ids = {*batch_id};
    }
    LDN_ASSIGN_OR_RETURN(store::Patient patient, ctx.store().GetPatient(p.patient_id));
    const LocalDate today = PatientToday(patient, ctx.now);
    const nlohmann::json f = StoredJson(p.formulation_json);
    // Which fill this is (the first, or a renewal): its own quantity; the order is dispensed
    // (closed) with its last fill, and stays verified for the renewals before.
    LDN_ASSIGN_OR_RETURN(auto events, ctx.store().ListPrescriptionEvents(p.patient_id));
    const nlohmann::json fills = FillsJson(p, events);
    const nlohmann::json& next = fills["next_fill"];
    fill_number = fills["fills_dispensed"].get<int64_t>() + 1;
    fills_total = fills["fills_total"].get<int64_t>();
    const int64_t fill_quantity = next.is_object() ? next["quantity"].get<int64_t>() : f.value("quantity", int64_t{0});
    std::vector<store::DispensingRecord> records;
    for (store::Id id : batch_ids) {
      LDN_ASSIGN_OR_RETURN(store::Batch b, PharmacyBatch(ctx, pharmacy_id, id));
      if (b.status != store::BatchStatus::kReleased) {
        return Status::Conflict(
            fmt::format("{}: batch {} is {}: only a batch a second pharmacist released is "
                        "dispensed",
                        field, b.batch_number, store::BatchStatusName(b.status)));
      }
      if (!kit_id) {
        // A pack of a kit is never handed over on its own, under its batch number.
        auto kit = ctx.store().GetKitOfBatch(b.id);
        if (kit.ok()) {
          return Status::Conflict(fmt::format("batch_id: batch {} is a pack of blinded kit {}: dispense the kit",
                                              b.batch_number, kit->kit_code));
        }
        if (kit.status().code() != Code::kNotFound) return kit.status();
        if (b.placebo) {
          return Status::Conflict(fmt::format(
              "batch_id: batch {} is a placebo twin: it is dispensed only as a pack of a blinded kit", b.batch_number));
        }
      }
      if (std::none_of(b.orders.begin(), b.orders.end(), [&](const store::BatchOrder& bo) {
            return bo.prescription_id == p.id && bo.patient_id == p.patient_id;
          })) {
        return Status::Conflict(fmt::format("{}: batch {} was not made for this prescription", field, b.batch_number));
      }
      if (b.bud_date < today) {
        return Status::Conflict(fmt::format("{}: batch {} is past its beyond-use date ({})", field, b.batch_number,
                                            FormatDate(b.bud_date)));
      }
      LDN_ASSIGN_OR_RETURN(std::vector<store::DispensingRecord> before, ctx.store().ListBatchDispensings(b.id));
      int64_t left = b.quantity;
      for (const auto& d : before) left -= d.quantity;
      const int64_t quantity = kit_id ? left : std::min(fill_quantity > 0 ? fill_quantity : b.quantity, left);
      if (quantity <= 0 || (kit_id && !before.empty())) {
        return Status::Conflict(fmt::format("{}: nothing is left of batch {}", field, b.batch_number));
      }
      store::DispensingRecord d;
      d.batch_id = b.id;
      d.patient_id = p.patient_id;
      d.prescription_id = p.id;
      d.quantity = quantity;
      d.checklist_json = checklist.dump();
      d.dispensed_by = ctx.caller().user_id;
      d.dispensed_at = ctx.now;
      records.push_back(d);
    }
    // Checked first, written after: a kit's packs are dispensed both or neither (the route's
    // transaction holds the writes together).
    for (const auto& d : records) LDN_RETURN_IF_ERROR(ctx.store().CreateDispensing(d).status());
  }
  std::string note = reason.value_or("");
  if (to == PS::kDispensed && fills_total > 1) {
    note = fmt::format("fill {} of {}; {} renewal{} left", fill_number, fills_total, fills_total - fill_number,
                       fills_total - fill_number == 1 ? "" : "s");
  }
  if (to == PS::kCancelled) {
    LDN_RETURN_IF_ERROR(ctx.store().CancelPrescription(ctx.patient(), id, *reason, pharmacist_id, ctx.now));
  } else if (to != PS::kDispensed || fill_number >= fills_total) {
    LDN_RETURN_IF_ERROR(ctx.store().SetPrescriptionStatus(ctx.patient(), id, to, pharmacist_id, ctx.now));
  }
  LDN_RETURN_IF_ERROR(ctx.store()
                          .AddPrescriptionEvent({0, ctx.patient(), id, std::string(store::PrescriptionStatusName(to)),
                                                 ctx.caller().user_id, ctx.now, note})
                          .status());
  LDN_ASSIGN_OR_RETURN(store::Prescription updated, ctx.store().GetPrescription(ctx.patient(), id));
  LDN_ASSIGN_OR_RETURN(auto after, ctx.store().ListPrescriptionEvents(ctx.patient()));
  nlohmann::json j = ToJson(updated);
  j["dispensing"] = FillsJson(updated, after);
  return Reply(std::move(j));
}

// j[key] without the assertion of a const operator[]: null when j is not an object or lacks key.
const nlohmann::json& Get(const nlohmann::json& j, const char* key) {
  static const nlohmann::json kNull;
  return j.is_object() && j.contains(key) ? j[key] : kNull;
}
const nlohmann::json& First(const nlohmann::json& j) {
  static const nlohmann::json kNull;
  return j.is_array() && !j.empty() ? j[0] : kNull;
}

std::string Text(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return "";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

// The printable prescription (report/prescription_pdf.h) from the stored order.
Result<ApiReply> OrderPdf(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "prescription_id"));
  LDN_ASSIGN_OR_RETURN(store::Prescription rx, VisiblePrescription(ctx, id));
  const nlohmann::json order = StoredJson(rx.formulation_json);
  if (!order.is_object() || !order.contains("lines")) {
    return Status::Conflict("this prescription predates orders and has no printable form");
  }
  const nlohmann::json& renewals_json = Get(Get(order, "renewals"), "number");
  const int64_t renewals = renewals_json.is_number_integer() ? renewals_json.get<int64_t>() : 0;
  report::PrescriptionDocument doc;
  doc.title = "Prescription";
  doc.reference = fmt::format("Rx {} (patient {}, course {})", rx.id, rx.patient_id, rx.course_id);
  doc.issued_on = Text(order, "issued_on");
  const nlohmann::json& pr = Get(order, "prescriber");
  doc.prescriber = {{"Prescriber", Text(pr, "name")},
                    {"Profession", Text(pr, "profession")},
                    {"Registration", Text(pr, "registration_number")},
                    {"Address", Text(pr, "address")},
                    {"Phone", Text(pr, "phone")}};
  const nlohmann::json& pa = Get(order, "patient");
  doc.patient = {{"Patient", Text(pa, "name")},
                 {"Date of birth", Text(pa, "date_of_birth")},
                 {"Address", Text(pa, "address").empty() ? "not recorded" : Text(pa, "address")}};
  doc.medicine = {{"Drug", Text(order, "drug")},
                  {"Strength", Text(order, "strength_text")},
                  {"Form", Text(order, "dosage_form") + ", " + Text(order, "route")},
                  {"Quantity", fmt::format("{} {} ({} days' supply, {} to {})", Text(order, "quantity"),
                                           Text(order, "unit"), Text(order, "days_supply"), Text(First(Get(order, "fills")), "from"),
                                           Text(First(Get(order, "fills")), "to"))},
                  {"Renewals", renewals == 0 ? std::string("none")
                                             : fmt::format("{} (every {} days)", renewals,
                                                           Text(Get(order, "renewals"), "interval_days"))},
                  {"Indication", Text(order, "indication")},
                  {"Beyond-use date", fmt::format("{} days ({})", Text(Get(order, "bud"), "days"), Text(Get(order, "bud"), "storage"))}};
  for (const auto& l : Get(order, "lines")) doc.directions.push_back(Text(l, "text"));
  for (const auto& f : Get(order, "fills")) {
    doc.fills.push_back(fmt::format("Fill {}: {} to {}, {} {}", Text(f, "number"), Text(f, "from"), Text(f, "to"),
                                    Text(f, "quantity"), Text(order, "unit")));
  }
  const nlohmann::json& pharmacy = Get(order, "pharmacy");
  doc.pharmacy = {{"Pharmacy", Text(pharmacy, "name")},
                  {"Address", Text(pharmacy, "address")},
                  {"Phone", Text(pharmacy, "phone")}};
  if (rx.signed_at) {
    const nlohmann::json sig = StoredJson(rx.signature_json);
    doc.signed_by = Text(pr, "name");
    doc.signed_at = InstantText(*rx.signed_at);
    doc.signature_lines = {fmt::format("Signed electronically by {} on {} (Ed25519, key {}).", Text(pr, "name"),
                                       InstantText(*rx.signed_at), Text(sig, "key_id")),
                           "Content SHA-256: " + Text(sig, "content_sha256"),
                           "Signature: " + Text(sig, "signature")};
    const Status verified = VerifyOrderSignature(ctx.store(), rx);
    doc.signature_lines.push_back(verified.ok() ? "Signature verified when this copy was printed."
                                                : "WARNING: the signature does not verify: " + verified.message());
  } else {
    doc.watermark = "DRAFT - NOT SIGNED - NOT VALID FOR DISPENSING";
  }
  if (rx.status == store::PrescriptionStatus::kCancelled) {
    doc.watermark = "CANCELLED: " + rx.cancel_reason;
  }
  for (const nlohmann::json* list : {&Get(order, "sources"), &Get(Get(order, "bud"), "sources")}) {
    if (!list->is_array()) continue;
    for (const auto& source : *list) {
      if (source.is_string()) doc.sources.push_back(source.get<std::string>());
    }
  }
  LDN_ASSIGN_OR_RETURN(std::string pdf, report::RenderPrescriptionPdf(doc));
  ApiReply reply;
  reply.content_type = "application/pdf";
  reply.raw_body = std::move(pdf);
  reply.headers.emplace_back("Content-Disposition", fmt::format("inline; filename=\"prescription-{}.pdf\"", rx.id));
  return reply;
}

// The pharmacist's queue: the signed orders routed to their pharmacy, newest first, each with its
// patient's name and time zone.
Result<ApiReply> PharmacyQueue(Api&, RequestContext& ctx) {
  store::Store& st = ctx.store();
  LDN_ASSIGN_OR_RETURN(std::optional<store::Id> pharmacy_id, st.GetUserPharmacy(ctx.caller().user_id));
  if (!pharmacy_id) return Reply({{"pharmacy", nullptr}, {"orders", nlohmann::json::array()}});
  LDN_ASSIGN_OR_RETURN(store::Pharmacy pharmacy, st.GetPharmacy(*pharmacy_id));
  LDN_ASSIGN_OR_RETURN(auto orders, st.ListPharmacyOrders(*pharmacy_id));
  std::map<store::Id, store::Patient> patients;
  nlohmann::json out = nlohmann::json::array();
  for (auto it = orders.rbegin(); it != orders.rend(); ++it) {
    if (!it->signed_at) continue;
    if (!patients.count(it->patient_id)) {
      LDN_ASSIGN_OR_RETURN(patients[it->patient_id], st.GetPatient(it->patient_id));
    }
    const store::Patient& p = patients[it->patient_id];
    nlohmann::json j = ToJson(*it);
    j["patient"] = {{"id", p.id}, {"display_name", p.display_name}, {"time_zone", p.time_zone}};
    out.push_back(std::move(j));
  }
  return Reply({{"pharmacy", {{"id", pharmacy.id}, {"name", pharmacy.name}}}, {"orders", std::move(out)}});
}

Result<ApiReply> VerifySignatures(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(SignatureReport report, VerifyOrderSignatures(ctx.store()));
  return Reply(SignatureReportToJson(report));
}

constexpr char kOrderSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["course_id","pharmacy_id","formulation"],
"properties":{"course_id":{"type":"integer"},"pharmacy_id":{"type":"integer"},"formulation":{"type":"object",
"additionalProperties":false,"required":["form","strength_mg"],"properties":{"form":{"enum":["capsule","liquid"]},
"strength_mg":{"type":"number","minimum":0.001,"maximum":50}}},"start":{"type":"string","format":"date"},
"days_supply":{"type":"integer","minimum":1,"maximum":366},"renewals":{"type":"object","additionalProperties":false,
"required":["number"],"properties":{"number":{"type":"integer","minimum":0,"maximum":12},
"interval_days":{"type":"integer","minimum":1,"maximum":366}}},"indication":{"type":"string"}}})js";
constexpr char kSignSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["password"],"properties":{
"password":{"type":"string"}}})js";
constexpr char kOrderStatusSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["status"],"properties":{
"status":{"enum":["verified","dispensed","cancelled"]},"reason":{"type":"string","maxLength":2000},
"batch_id":{"type":"integer"},"kit_id":{"type":"integer"},"checklist":{"type":"object","additionalProperties":false,"properties":{
"identity":{"type":"boolean"},"order":{"type":"boolean"},"dose":{"type":"boolean"},"interactions":{"type":"boolean"},
"screening":{"type":"boolean"},"washout":{"type":"boolean"}}}}})js";

}  // namespace

// ---- Drafting and signing (orders.h) ---------------------------------------------------------

Result<store::Prescription> DraftOrder(store::Store& st, const DraftOrderRequest& r, store::Instant now) {
  LDN_ASSIGN_OR_RETURN(Dose strength, Dose::FromMilligramsHcl(r.strength_mg, "formulation.strength_mg"));
    auto course = st.GetCourse(r.patient_id, r.course_id);
  if (!course.ok()) {
    if (course.status().code() == Code::kNotFound) return Status::NotFound("no such course").WithFieldPrefix("course_id");
    return course.status();
  }
  if (course->status == store::CourseStatus::kStopped || course->status == store::CourseStatus::kCompleted) {
    return Status::Conflict(fmt::format("course {} is {}: prescribe for a planned or active course", course->id,
                                        store::CourseStatusName(course->status)))
        .WithFieldPrefix("course_id");
  }
  auto pharmacy = st.GetPharmacy(r.pharmacy_id);
  if (!pharmacy.ok()) {
    if (pharmacy.status().code() == Code::kNotFound) {
      return Status::NotFound("no such pharmacy").WithFieldPrefix("pharmacy_id");
    }
    return pharmacy.status();
  }
  auto profile = st.GetPrescriberProfile(r.prescriber_user_id);
  if (!profile.ok()) {
    if (profile.status().code() == Code::kNotFound) {
      return Status::Conflict(
                 "your prescriber details (full name, registration number, practice address) are not on record: "
                 "ask the administrator to add them")
          .WithFieldPrefix("prescriber");
    }
    return profile.status();
  }
  LDN_ASSIGN_OR_RETURN(store::Patient patient, st.GetPatient(r.patient_id));
  auto demographics = st.GetPatientDemographics(r.patient_id);
  if (!demographics.ok() && demographics.status().code() != Code::kNotFound) return demographics.status();
  if (!demographics.ok() || !demographics->date_of_birth) {
    return Status::Conflict("record the patient's date of birth first: a prescription must carry it")
        .WithFieldPrefix("patient.date_of_birth");
  }

  const LocalDate today = PatientToday(patient, now);
  LDN_ASSIGN_OR_RETURN(std::vector<ph::OrderStep> steps, PlanSteps(*course));
  ph::OrderRequest request;
  request.form = r.capsules ? ph::OrderForm::kCapsule : ph::OrderForm::kLiquid;
  request.strength = strength;
  request.steps = steps;
  request.start = r.start ? *r.start : std::max(steps.front().start, today);
  if (request.start < today) return Status::InvalidArgument("start", "is in the past (in the patient's time zone)");
  const auto& kb = ph::LoadCompoundingKnowledge();
  if (!kb.ok()) return kb.status();
  LDN_ASSIGN_OR_RETURN(ph::BudResult bud, ph::OrderBud(*kb, request.form, strength, request.start));
  request.bud_days = bud.days;
  request.days_supply = r.days_supply ? *r.days_supply : std::min(28, bud.days);
  request.renewals = r.renewals;
  request.renewal_interval_days = r.renewal_interval_days;
  LDN_ASSIGN_OR_RETURN(ph::Order order, ph::BuildOrder(request));

  nlohmann::json content = ph::OrderToJson(order);
  const bool liquid = request.form == ph::OrderForm::kLiquid;
  content["drug"] = "naltrexone hydrochloride";
  content["dosage_form"] = liquid ? "oral solution" : "capsules";
  content["strength_text"] =
      liquid ? fmt::format("{} mg/mL", strength.FormatMg()) : fmt::format("{} mg per capsule", strength.FormatMg());
  content["route"] = "oral";
  content["indication"] = r.indication.value_or("fibromyalgia (off-label use)");
  content["bud"] = {{"days", bud.days},
                    {"storage", std::string(ph::StorageName(bud.storage))},
                    {"basis", bud.basis},
                    {"sources", bud.sources}};
  content["course_id"] = course->id;
  content["issued_on"] = FormatDate(today);
  content["jurisdiction"] = demographics->jurisdiction ? nlohmann::json(*demographics->jurisdiction) : nlohmann::json();
  content["patient"] = PatientBlock(patient, *demographics);
  content["prescriber"] = {{"user_id", profile->user_id},
                           {"name", profile->full_name},
                           {"profession", profile->profession},
                           {"registration_number", profile->registration_number},
                           {"address", profile->address},
                           {"phone", profile->phone}};
  content["pharmacy"] = {{"id", pharmacy->id},
                         {"name", pharmacy->name},
                         {"address", pharmacy->address},
                         {"phone", pharmacy->phone}};
  content["sources"] = kLegalSources;

  store::Prescription p;
  p.patient_id = r.patient_id;
  p.course_id = course->id;
  p.pharmacy = pharmacy->name;
  p.pharmacy_id = pharmacy->id;
  p.formulation_json = content.dump();
  p.status = store::PrescriptionStatus::kIssued;
  p.recorded_by = r.prescriber_user_id;
  p.recorded_at = now;
  store::Prescription created;
  LDN_RETURN_IF_ERROR(st.RunInTransaction([&](store::Store& tx) -> Status {
    LDN_ASSIGN_OR_RETURN(created, tx.CreatePrescription(p));
    return tx.AddPrescriptionEvent({0, r.patient_id, created.id, "created", r.prescriber_user_id, now, ""}).status();
  }));
  return created;
}

Result<store::Prescription> SignDraftOrder(store::Store& st, store::Id patient_id, store::Id prescription_id,
                                           const store::User& signer, std::string_view password, store::Instant now,
                                           PasswordCost cost) {
  LDN_ASSIGN_OR_RETURN(store::Prescription rx, st.GetPrescription(patient_id, prescription_id));
  LDN_ASSIGN_OR_RETURN(PreparedSignature prepared, PrepareSignature(st, rx, signer, password, now, cost));
  LDN_RETURN_IF_ERROR(st.RunInTransaction([&](store::Store& tx) -> Status {
    if (prepared.new_key) {
      LDN_ASSIGN_OR_RETURN(store::SigningKey key, tx.CreateSigningKey(*prepared.new_key));
      prepared.signature["key_id"] = key.id;
    }
    LDN_RETURN_IF_ERROR(tx.SignPrescription(patient_id, prescription_id, now, prepared.signature.dump()));
    LDN_RETURN_IF_ERROR(
        tx.AddPrescriptionEvent({0, patient_id, prescription_id, "signed", signer.id, now, ""}).status());
    store::AuditEvent e;
    e.at = now;
    e.actor_user_id = signer.id;
    e.role = std::string(store::RoleName(signer.role));
    e.patient_id = patient_id;
    e.action = "prescription.signature";
    e.object = fmt::format("patients/{}/prescriptions/{}", patient_id, prescription_id);
    e.outcome = "ok";
    e.detail = fmt::format("prescription {} sha256={}", prescription_id, prepared.content_sha256);
    return tx.AppendAudit(e).status();
  }));
  return st.GetPrescription(patient_id, prescription_id);
}

void AddOrderRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::string p = "/api/v1/patients/{patient_id}";
  const std::set<Role> care_team = {Role::kClinician, Role::kPharmacist};
  routes.Add({"POST",
              p + "/prescriptions",
              PatientScoped(kClinician, "prescription.create"),
              h(CreateOrder),
              "Draft an order from a course's plan, routed to a pharmacy (quantity and supply computed).",
              kOrderSchema,
              {}});
  routes.Add({"GET",
              p + "/prescriptions",
              PatientScoped(kCareReaders, "prescription.read"),
              h(ListOrders),
              "The patient's prescriptions the caller may see, with their events.",
              "",
              {}});
  routes.Add({"GET",
              p + "/prescriptions/{prescription_id}",
              PatientScoped(kCareReaders, "prescription.read"),
              h(GetOrder),
              "One prescription with its events.",
              "",
              {}});
  routes.Add({"POST",
              p + "/prescriptions/{prescription_id}/sign",
              AuditApart(PatientScoped(kClinician, "prescription.sign")),
              h(SignOrder),
              "Sign a draft with the prescriber's password (electronic signature).",
              kSignSchema,
              {}});
  routes.Add({"PUT",
              p + "/prescriptions/{prescription_id}/status",
              PatientScoped(care_team, "prescription.status"),
              h(SetOrderStatus),
              "Verify or dispense (the order's pharmacy) or cancel with a reason.",
              kOrderStatusSchema,
              {}});
  routes.Add({"GET",
              p + "/prescriptions/{prescription_id}/pdf",
              PatientScoped(kCareReaders, "prescription.print"),
              h(OrderPdf),
              "The printable prescription (PDF).",
              "",
              {}});
  routes.Add({"GET",
              "/api/v1/pharmacy/orders",
              Authenticated({Role::kPharmacist}, "prescription.queue"),
              h(PharmacyQueue),
              "The signed orders routed to the caller's pharmacy, newest first.",
              "",
              {}});
  routes.Add({"GET",
              "/api/v1/prescriptions/verify",
              Authenticated({Role::kAdmin}, "prescription.verify"),
              h(VerifySignatures),
              "Check every prescription's signature and content hash.",
              "",
              {}});
}

}  // namespace ldn::server
