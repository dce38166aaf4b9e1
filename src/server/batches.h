// The pharmacy's record as the server shows it (issue 14; api_batches.cpp): shared by the batch
// routes, the label and the dispensing of an order. Internal to the server layer.
#ifndef LDN_SERVER_BATCHES_H_
#define LDN_SERVER_BATCHES_H_

#include <string>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/result.h"
#include "pharmacy/dispensing_label.h"
#include "server/api.h"
#include "store/store.h"

namespace ldn::server {

// The caller's pharmacy: kPermissionDenied when the pharmacist belongs to none.
Result<store::Id> CallerPharmacy(RequestContext& ctx);

// Batch `batch_id` of `pharmacy_id`: kNotFound "batch_id" when absent or another pharmacy's (the
// same answer: a pharmacy cannot learn another's batch ids).
Result<store::Batch> PharmacyBatch(RequestContext& ctx, store::Id pharmacy_id, store::Id batch_id);

// Records a batch prepared by `prepared_by` at `pharmacy_id` at `now` from `body`, the body of
// POST /batches (docs/api.md, "Pharmacy": the orders it fills, the quantity, the lots and amounts
// used, the master formula, the preparation inputs): the worksheet is computed and stored with it.
// Fails with kInvalidArgument naming the body's field, kNotFound for an order or lot that is not
// this pharmacy's, kConflict for a dispensed or cancelled order; the store's failures.
Result<store::Batch> PrepareBatch(store::Store& st, store::Id pharmacy_id, store::Id prepared_by, store::Instant now,
                                  const nlohmann::json& body);

// Thousandths as a decimal: 12500 -> "12.5".
std::string FormatMilli(int64_t milli);

// {"id", "ingredient", "manufacturer", "lot", "expiry", "expired" (before `today`), "unit",
//  "quantity", "remaining", "received_by", "received_at"}.
nlohmann::json LotJson(const store::IngredientLot& lot, LocalDate today);

// The batch with its lots (ingredient, lot, expiry, amount), who prepared and checked it, what was
// dispensed from it and its stored record (docs/api.md, "Pharmacy").
Result<nlohmann::json> BatchJson(store::Store& store, const store::Batch& batch);

// What a dispensing label or counselling sheet is made from: the stored batch and order.
struct LabelInput {
  pharmacy::DispensingInput in;
  store::Prescription rx;
  bool dispensed = false;  // the order was dispensed from this batch (else the date is the release day)
};

// The label input of released batch `b` for `order` (one of b's): patient, steps, prescriber,
// pharmacy and jurisdiction from the stored order; strength, quantity, BUD and storage from the
// batch (a placebo batch takes the order's strength: its pack says "or placebo"). kConflict when
// the order has no dated steps, date of birth or jurisdiction.
Result<LabelInput> BuildLabelInput(Api& api, RequestContext& ctx, const store::Batch& b,
                                   const store::BatchOrder& order);

// The label (or sheet) as JSON lines, or a PDF when `pdf`; the file name holds `file_stem`.
// kConflict when the record cannot make a label (the pharmacy layer's reason).
Result<ApiReply> LabelReply(const LabelInput& parts, bool sheet, bool pdf, const std::string& file_stem);

// The query's format: false for json (the default), true for pdf; kInvalidArgument "format".
Result<bool> PdfFormat(RequestContext& ctx);

}  // namespace ldn::server

#endif  // LDN_SERVER_BATCHES_H_
