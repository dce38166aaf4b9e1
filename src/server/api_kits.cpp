// Placebo-twin kits for blinded N-of-1 trials (issue 14 item 5; docs/pharmacy.md, "Placebo twins"):
// a released active batch and its released placebo twin, both made for one order, paired as pack A
// and pack B under a kit code. Which pack holds naltrexone is drawn at random here and stored in
// the kit (the link); only the pharmacists of the kit's pharmacy read it. Every unblinding is a
// recorded action of a re-authenticated pharmacist with a reason.
//
//   POST /kits                      pair two released batches of one order (random pack letters)
//   GET  /kits                      the pharmacy's kits, with the link, newest first
//   GET  /kits/{kit_id}             one kit, with the link and its unblindings
//   GET  /kits/{kit_id}/packs/{pack}/label   a pack's blinded label (A or B; format=pdf)
//   GET  /kits/{kit_id}/counselling the kit's counselling sheet (blinded)
//   POST /kits/{kit_id}/unblind     record an unblinding (password, reason) and say which pack is active
#include <algorithm>
#include <cstring>
#include <set>
#include <string>

#include <fmt/format.h>
#include <sodium.h>

#include "server/api.h"
#include "server/api_util.h"
#include "server/batches.h"
#include "server/orders.h"

namespace ldn::server {
namespace {

using store::Role;

constexpr int kMaxKitCodeAttempts = 5;

Result<store::Kit> PharmacyKit(RequestContext& ctx, store::Id pharmacy_id, store::Id kit_id) {
  auto k = ctx.store().GetKit(kit_id);
  if ((!k.ok() && k.status().code() == Code::kNotFound) || (k.ok() && k->pharmacy_id != pharmacy_id)) {
    return Status::NotFound("kit_id: no such kit");
  }
  return k;
}

Result<nlohmann::json> UserJson(store::Store& st, store::Id id) {
  LDN_ASSIGN_OR_RETURN(store::User u, st.GetUser(id));
  return nlohmann::json{{"id", u.id}, {"username", u.username}};
}

// The kit with its link (which pack holds naltrexone): for the kit's pharmacy only.
Result<nlohmann::json> KitJson(store::Store& st, const store::Kit& k) {
  LDN_ASSIGN_OR_RETURN(store::Batch a, st.GetBatch(k.pack_a_batch_id));
  LDN_ASSIGN_OR_RETURN(store::Batch b, st.GetBatch(k.pack_b_batch_id));
  nlohmann::json packs = nlohmann::json::array();
  for (const auto& [letter, batch] : {std::pair<const char*, const store::Batch*>{"A", &a}, {"B", &b}}) {
    LDN_ASSIGN_OR_RETURN(auto dispensed, st.ListBatchDispensings(batch->id));
    packs.push_back({{"pack", letter},
                     {"code", k.kit_code + "-" + letter},
                     {"batch_id", batch->id},
                     {"batch_number", batch->batch_number},
                     {"contains", batch->placebo ? "placebo" : "naltrexone"},
                     {"bud_date", FormatDate(batch->bud_date)},
                     {"dispensed", !dispensed.empty()}});
  }
  nlohmann::json unblindings = nlohmann::json::array();
  LDN_ASSIGN_OR_RETURN(auto rows, st.ListKitUnblindings(k.id));
  for (const store::KitUnblinding& u : rows) {
    LDN_ASSIGN_OR_RETURN(nlohmann::json by, UserJson(st, u.unblinded_by));
    unblindings.push_back({{"unblinded_by", by}, {"unblinded_at", InstantText(u.unblinded_at)}, {"reason", u.reason}});
  }
  LDN_ASSIGN_OR_RETURN(nlohmann::json created_by, UserJson(st, k.created_by));
  return nlohmann::json{{"id", k.id},
                        {"kit_code", k.kit_code},
                        {"patient_id", k.patient_id},
                        {"prescription_id", k.prescription_id},
                        {"form", a.form},
                        {"quantity", a.quantity},
                        {"quantity_unit", a.quantity_unit},
                        {"bud_date", FormatDate(std::min(a.bud_date, b.bud_date))},
                        {"active_pack", a.placebo ? "B" : "A"},
                        {"visibility", "pharmacy-only"},
                        {"packs", std::move(packs)},
                        {"unblindings", std::move(unblindings)},
                        {"created_by", std::move(created_by)},
                        {"created_at", InstantText(k.created_at)}};
}

// A released batch of the pharmacy, by the body's field name.
Result<store::Batch> ReleasedBatch(RequestContext& ctx, store::Id pharmacy_id, store::Id id, const std::string& field) {
  auto b = ctx.store().GetBatch(id);
  if (!b.ok() || b->pharmacy_id != pharmacy_id) return Status::NotFound(field + ": no such batch at your pharmacy");
  if (b->status != store::BatchStatus::kReleased) {
    return Status::Conflict(fmt::format("{}: batch {} is {}: a kit pairs batches a second pharmacist released", field,
                                        b->batch_number, store::BatchStatusName(b->status)));
  }
  LDN_ASSIGN_OR_RETURN(auto dispensed, ctx.store().ListBatchDispensings(b->id));
  if (!dispensed.empty()) {
    return Status::Conflict(
        fmt::format("{}: batch {} was dispensed already: its label showed its batch number", field, b->batch_number));
  }
  return b;
}

// Body: {"prescription_id", "active_batch_id", "placebo_batch_id"}.
Result<ApiReply> CreateKit(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(int64_t rx_id, o.Integer("prescription_id", 1, INT64_MAX));
  LDN_ASSIGN_OR_RETURN(int64_t active_id, o.Integer("active_batch_id", 1, INT64_MAX));
  LDN_ASSIGN_OR_RETURN(int64_t placebo_id, o.Integer("placebo_batch_id", 1, INT64_MAX));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (active_id == placebo_id) {
    return Status::InvalidArgument("placebo_batch_id", "a kit pairs two batches: the active and its placebo twin");
  }
  LDN_ASSIGN_OR_RETURN(auto routed, ctx.store().ListPharmacyOrders(pharmacy_id));
  const store::Prescription* rx = nullptr;
  for (const auto& r : routed) {
    if (r.id == rx_id && r.signed_at) rx = &r;
  }
  if (rx == nullptr) return Status::NotFound("prescription_id: no such order at your pharmacy");
  ctx.audit_patient_id = rx->patient_id;
  if (rx->status == store::PrescriptionStatus::kDispensed || rx->status == store::PrescriptionStatus::kCancelled) {
    return Status::Conflict(fmt::format("prescription_id: order {} is {}: no kit is made for it", rx->id,
                                        store::PrescriptionStatusName(rx->status)));
  }
  LDN_ASSIGN_OR_RETURN(store::Batch active, ReleasedBatch(ctx, pharmacy_id, active_id, "active_batch_id"));
  LDN_ASSIGN_OR_RETURN(store::Batch placebo, ReleasedBatch(ctx, pharmacy_id, placebo_id, "placebo_batch_id"));
  if (active.placebo) {
    return Status::InvalidArgument("active_batch_id", fmt::format("batch {} is a placebo twin", active.batch_number));
  }
  if (!placebo.placebo) {
    return Status::InvalidArgument("placebo_batch_id",
                                   fmt::format("batch {} holds naltrexone: make the placebo twin with the placebo "
                                               "master formula",
                                               placebo.batch_number));
  }
  // Which pack holds naltrexone: drawn here, from the operating system's generator (libsodium),
  // so that neither the pharmacist's order of entry nor the batch numbers decide it.
  const bool active_is_a = randombytes_uniform(2) == 0;
  LDN_ASSIGN_OR_RETURN(auto existing, ctx.store().ListKits(pharmacy_id));
  store::Kit k;
  k.pharmacy_id = pharmacy_id;
  k.patient_id = rx->patient_id;
  k.prescription_id = rx->id;
  k.pack_a_batch_id = active_is_a ? active.id : placebo.id;
  k.pack_b_batch_id = active_is_a ? placebo.id : active.id;
  k.created_by = ctx.caller().user_id;
  k.created_at = ctx.now;
  // The pharmacy's own sequence; the code names no batch and no content ("K0007").
  for (int attempt = 0;; ++attempt) {
    k.kit_code = fmt::format("K{:04}", existing.size() + 1 + static_cast<size_t>(attempt));
    auto stored = ctx.store().CreateKit(k);
    if (stored.ok()) {
      LDN_ASSIGN_OR_RETURN(nlohmann::json j, KitJson(ctx.store(), *stored));
      return Reply(std::move(j), 201);
    }
    const bool code_taken =
        stored.status().code() == Code::kConflict && stored.status().message().rfind("kit_code", 0) == 0;
    if (!code_taken || attempt + 1 >= kMaxKitCodeAttempts) {
      // The store names the field: translate its pack letters into this body's fields.
      std::string message = stored.status().message();
      for (const char* field : {"pack_a_batch_id", "pack_b_batch_id"}) {
        if (message.rfind(field, 0) == 0) {
          const bool is_active = (std::string(field) == "pack_a_batch_id") == active_is_a;
          message = std::string(is_active ? "active_batch_id" : "placebo_batch_id") + message.substr(strlen(field));
        }
      }
      if (stored.status().code() == Code::kNotFound) return Status::NotFound(message);
      if (stored.status().code() == Code::kConflict) return Status::Conflict(message);
      return stored.status();
    }
  }
}

Result<ApiReply> ListKits(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  LDN_ASSIGN_OR_RETURN(auto kits, ctx.store().ListKits(pharmacy_id));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& k : kits) {
    LDN_ASSIGN_OR_RETURN(nlohmann::json j, KitJson(ctx.store(), k));
    out.push_back(std::move(j));
  }
  return Reply({{"kits", std::move(out)}});
}

Result<ApiReply> GetKit(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "kit_id"));
  LDN_ASSIGN_OR_RETURN(store::Kit k, PharmacyKit(ctx, pharmacy_id, id));
  ctx.audit_patient_id = k.patient_id;
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, KitJson(ctx.store(), k));
  return Reply(std::move(j));
}

// A pack's blinded label, or the kit's counselling sheet (coded with the kit code): the same lines
// for both packs except the code, one BUD (the earlier), the order's strength "or placebo".
Result<ApiReply> KitDocument(Api& api, RequestContext& ctx, bool sheet) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "kit_id"));
  LDN_ASSIGN_OR_RETURN(store::Kit k, PharmacyKit(ctx, pharmacy_id, id));
  ctx.audit_patient_id = k.patient_id;
  LDN_ASSIGN_OR_RETURN(bool pdf, PdfFormat(ctx));
  const std::string pack = sheet ? "" : ctx.params.at("pack");
  if (!sheet && pack != "A" && pack != "B") return Status::InvalidArgument("pack", "expected A or B");
  LDN_ASSIGN_OR_RETURN(store::Batch a, ctx.store().GetBatch(k.pack_a_batch_id));
  LDN_ASSIGN_OR_RETURN(store::Batch b, ctx.store().GetBatch(k.pack_b_batch_id));
  // The active pack's record makes both labels (twin.h): only the code differs.
  const store::Batch& active = a.placebo ? b : a;
  LDN_ASSIGN_OR_RETURN(LabelInput parts, BuildLabelInput(api, ctx, active, {k.patient_id, k.prescription_id}));
  parts.in.batch_number.clear();
  parts.in.pack_code = sheet ? k.kit_code : k.kit_code + "-" + pack;
  parts.in.bud = std::min(a.bud_date, b.bud_date);
  return LabelReply(parts, sheet, pdf, parts.in.pack_code);
}

Result<ApiReply> KitLabel(Api& api, RequestContext& ctx) {
  return KitDocument(api, ctx, false);
}
Result<ApiReply> KitCounselling(Api& api, RequestContext& ctx) {
  return KitDocument(api, ctx, true);
}

// Body: {"password", "reason"}. Recorded (who, when, why) and audited even when refused; the answer
// says which pack holds naltrexone.
Result<ApiReply> UnblindKit(Api& api, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id pharmacy_id, CallerPharmacy(ctx));
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "kit_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(
      PasswordAndReason body,
      ReadPasswordAndReason(o, "say why the kit is unblinded (an emergency, the end of the trial): it is recorded"));
  LDN_ASSIGN_OR_RETURN(store::Kit k, PharmacyKit(ctx, pharmacy_id, id));
  ctx.audit_patient_id = k.patient_id;
  ctx.audit_detail = fmt::format("kit {} unblinded: {}", k.kit_code, body.reason);
  // Re-authentication last: a malformed request does not count against the password.
  LDN_ASSIGN_OR_RETURN(store::User who, ReauthenticateCaller(api, ctx, body.password));
  LDN_RETURN_IF_ERROR(ctx.store().UnblindKit({0, k.id, k.patient_id, who.id, ctx.now, body.reason}).status());
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, KitJson(ctx.store(), k));
  return Reply(std::move(j));
}

constexpr char kKitSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["prescription_id","active_batch_id","placebo_batch_id"],
"properties":{"prescription_id":{"type":"integer"},"active_batch_id":{"type":"integer"},"placebo_batch_id":{"type":"integer"}}})js";
constexpr char kUnblindSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["password","reason"],
"properties":{"password":{"type":"string"},"reason":{"type":"string","maxLength":2000}}})js";

}  // namespace

void AddKitRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::set<Role> kPharmacist = {Role::kPharmacist};
  routes.Add({"POST",
              "/api/v1/kits",
              Authenticated(kPharmacist, "kit.create"),
              h(CreateKit),
              "Pair a released batch and its released placebo twin, made for one order, as a blinded kit (packs A "
              "and B drawn at random).",
              kKitSchema,
              {}});
  routes.Add({"GET",
              "/api/v1/kits",
              Authenticated(kPharmacist, "kit.list"),
              h(ListKits),
              "The pharmacy's kits with their link (which pack holds naltrexone): pharmacy-only.",
              "",
              {}});
  routes.Add({"GET",
              "/api/v1/kits/{kit_id}",
              Authenticated(kPharmacist, "kit.read"),
              h(GetKit),
              "One kit with its link and unblindings: pharmacy-only.",
              "",
              {}});
  routes.Add({"GET",
              "/api/v1/kits/{kit_id}/packs/{pack}/label",
              Authenticated(kPharmacist, "kit.label"),
              h(KitLabel),
              "A pack's blinded label (pack A or B; format=pdf): the same for both packs except the pack code.",
              "",
              {"format"}});
  routes.Add({"GET",
              "/api/v1/kits/{kit_id}/counselling",
              Authenticated(kPharmacist, "kit.counselling"),
              h(KitCounselling),
              "The kit's blinded counselling sheet (format=pdf).",
              "",
              {"format"}});
  routes.Add({"POST",
              "/api/v1/kits/{kit_id}/unblind",
              AuditApart(Authenticated(kPharmacist, "kit.unblind")),
              h(UnblindKit),
              "Record an unblinding (the pharmacist re-authenticates and says why); the answer names the pack "
              "that holds naltrexone.",
              kUnblindSchema,
              {}});
}

}  // namespace ldn::server
