// Prescriptions as orders (issue 13; docs/clinic.md): who may see an order, and the order's
// document. Shared by the order routes (api_orders.cpp) and the pharmacist's worksheet
// (api_pharmacy.cpp). Internal to the server layer.
#ifndef LDN_SERVER_ORDERS_H_
#define LDN_SERVER_ORDERS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/json_reader.h"
#include "core/result.h"
#include "server/api.h"
#include "store/store.h"

namespace ldn::server {

// The prescription `id` of the request's patient as the caller may see it: a pharmacist sees only
// the signed orders routed to their own pharmacy; any other is kNotFound "no such prescription"
// (field "prescription_id"), exactly as a missing one. Patients and clinicians of the patient see
// every prescription (drafts included for clinicians; a patient sees signed ones only).
Result<store::Prescription> VisiblePrescription(const RequestContext& ctx, store::Id id);

// True when the caller may see `rx` (the rule above).
Result<bool> MaySeePrescription(const RequestContext& ctx, const store::Prescription& rx);

// What a new order asks for (POST P/prescriptions; the demo seed).
struct DraftOrderRequest {
  store::Id patient_id = 0;
  store::Id course_id = 0;
  store::Id pharmacy_id = 0;
  bool capsules = false;           // else an oral liquid
  double strength_mg = 1;          // per capsule or per mL
  std::optional<LocalDate> start;  // default: the plan's first day, or today when later
  std::optional<int> days_supply;  // default: 28 days or the BUD, whichever is shorter
  int renewals = 0;
  int renewal_interval_days = 0;
  std::optional<std::string> indication;
  store::Id prescriber_user_id = 0;
};

// Generates the order from the course's plan (pharmacy/order.h), with the legal content of a
// prescription (docs/clinic.md), and stores it as an unsigned draft with its "created" event.
// Fails with kInvalidArgument / kNotFound naming the request's field ("course_id", "pharmacy_id",
// "formulation.strength_mg", "days_supply", "renewals.interval_days", "start"), kConflict
// "prescriber" when the prescriber's details are missing, "patient.date_of_birth" when the
// patient's date of birth is, "course_id" for a stopped or completed course.
Result<store::Prescription> DraftOrder(store::Store& store, const DraftOrderRequest& request, store::Instant now);

// Signs a draft as `signer` (whose `password` the caller has verified) in one transaction: the
// signing key when a new one is needed, the signature, the "signed" event and the audit event
// "prescription.signature" whose detail carries the content hash. Returns the signed order. `cost`
// is the Argon2id cost of the key that seals the signer's signing key (the API's password cost).
Result<store::Prescription> SignDraftOrder(store::Store& store, store::Id patient_id, store::Id prescription_id,
                                           const store::User& signer, std::string_view password, store::Instant now,
                                           PasswordCost cost = PasswordCost::kInteractive);

// Re-authenticates the caller with their own password (signing an order, checking a batch): counted
// by the login throttle's keys like a login. The caller's account; kInvalidArgument "password" when
// it is wrong; kPermissionDenied "password" while throttled or locked.
Result<store::User> ReauthenticateCaller(Api& api, RequestContext& ctx, std::string_view password);

// The body of a request that re-authenticates the caller to record a serious act with its reason
// (unblinding a kit or a trial): {"password": 1-1024 bytes, "reason": 1-2000 characters}, no other
// key. kInvalidArgument "password", or "reason" with `why` (what the reason is for) as message.
struct PasswordAndReason {
  std::string password;
  std::string reason;
};
Result<PasswordAndReason> ReadPasswordAndReason(JsonObject& o, std::string_view why);

// How many of the order's fills (the first and each renewal, pharmacy/order.h) have been
// dispensed, counted from its "dispensed" events (`events`: the patient's):
// {"fills_total", "fills_dispensed", "refills_remaining", "next_fill": {"number", "from", "to",
// "quantity"} or null once every fill is dispensed}.
nlohmann::json FillsJson(const store::Prescription& rx, const std::vector<store::PrescriptionEvent>& events);

}  // namespace ldn::server

#endif  // LDN_SERVER_ORDERS_H_
