// The pharmacy's record as the server shows it (issue 14; api_batches.cpp): shared by the batch
// routes, the label and the dispensing of an order. Internal to the server layer.
#ifndef LDN_SERVER_BATCHES_H_
#define LDN_SERVER_BATCHES_H_

#include <string>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/result.h"
#include "server/api.h"
#include "store/store.h"

namespace ldn::server {

// The caller's pharmacy: kPermissionDenied when the pharmacist belongs to none.
Result<store::Id> CallerPharmacy(RequestContext& ctx);

// Batch `batch_id` of `pharmacy_id`: kNotFound "batch_id" when absent or another pharmacy's (the
// same answer: a pharmacy cannot learn another's batch ids).
Result<store::Batch> PharmacyBatch(RequestContext& ctx, store::Id pharmacy_id, store::Id batch_id);

// Thousandths as a decimal: 12500 -> "12.5".
std::string FormatMilli(int64_t milli);

// {"id", "ingredient", "manufacturer", "lot", "expiry", "expired" (before `today`), "unit",
//  "quantity", "remaining", "received_by", "received_at"}.
nlohmann::json LotJson(const store::IngredientLot& lot, LocalDate today);

// The batch with its lots (ingredient, lot, expiry, amount), who prepared and checked it, what was
// dispensed from it and its stored record (docs/api.md, "Pharmacy").
Result<nlohmann::json> BatchJson(store::Store& store, const store::Batch& batch);

}  // namespace ldn::server

#endif  // LDN_SERVER_BATCHES_H_
