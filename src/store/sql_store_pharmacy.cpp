// The compounding pharmacy's record in SQL (issue 14; store.h has the contract): ingredient lots,
// batches with their orders and lot uses, the one check of a batch, and the dispensing log
// (migration 0007).
#include <set>
#include <string>

#include <fmt/format.h>

#include "store/sql_helpers.h"
#include "store/sql_store.h"
#include "store/validation.h"

namespace ldn::store::internal {
namespace {

constexpr int64_t kMaxMilli = 1'000'000'000'000'000;  // 10^12 units of anything: a typo, not a delivery
constexpr int64_t kMaxBatchQuantity = 100'000;        // capsules or mL in one batch

constexpr char kLotColumns[] =
    "id, pharmacy_id, ingredient, manufacturer, lot, expiry, unit, quantity_milli, remaining_milli, received_by, "
    "received_at";
constexpr char kBatchColumns[] =
    "id, pharmacy_id, seq, batch_number, master_formula_id, master_formula_version, form, strength_micrograms_hcl, "
    "placebo, quantity, quantity_unit, deviation_reason, record_json, prepared_on, bud_date, prepared_by, "
    "prepared_at, status, checked_by, checked_at, qc_json, decision_reason";
constexpr char kDispensingColumns[] =
    "id, batch_id, patient_id, prescription_id, quantity, checklist_json, dispensed_by, dispensed_at";

// Thousandths as a decimal: 12500 -> "12.5".
std::string FormatMilli(int64_t milli) {
  std::string s = fmt::format("{}.{:03}", milli / 1000, milli % 1000);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

Result<IngredientLot> ReadLot(const Row& row) {
  RowReader r(row);
  IngredientLot l;
  l.id = r.Int();
  l.pharmacy_id = r.Int();
  l.ingredient = r.Text();
  l.manufacturer = r.Text();
  l.lot = r.Text();
  l.expiry = r.Date();
  l.unit = r.Text();
  l.quantity_milli = r.Int();
  l.remaining_milli = r.Int();
  l.received_by = r.Int();
  l.received_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return l;
}

Result<BatchStatus> ParseBatchStatus(const std::string& s) {
  if (s == "prepared") return BatchStatus::kPrepared;
  if (s == "released") return BatchStatus::kReleased;
  if (s == "rejected") return BatchStatus::kRejected;
  return Status::Internal("stored batch status: " + s);
}

Result<Batch> ReadBatchRow(const Row& row) {
  RowReader r(row);
  Batch b;
  b.id = r.Int();
  b.pharmacy_id = r.Int();
  b.seq = r.Int();
  b.batch_number = r.Text();
  b.master_formula_id = r.Text();
  b.master_formula_version = r.Int();
  b.form = r.Text();
  b.strength_micrograms_hcl = r.Int();
  b.placebo = r.Int() != 0;
  b.quantity = r.Int();
  b.quantity_unit = r.Text();
  b.deviation_reason = r.Text();
  b.record_json = r.Text();
  b.prepared_on = r.Date();
  b.bud_date = r.Date();
  b.prepared_by = r.Int();
  b.prepared_at = r.Time();
  const std::string status = r.Text();
  b.checked_by = r.OptInt();
  const std::optional<int64_t> checked_at = r.OptInt();
  if (checked_at) b.checked_at = Instant(std::chrono::seconds(*checked_at));
  b.qc_json = r.Text();
  b.decision_reason = r.Text();
  LDN_RETURN_IF_ERROR(r.status());
  LDN_ASSIGN_OR_RETURN(b.status, ParseBatchStatus(status));
  return b;
}

Result<BatchOrder> ReadBatchOrder(const Row& row) {
  RowReader r(row);
  BatchOrder o;
  o.patient_id = r.Int();
  o.prescription_id = r.Int();
  LDN_RETURN_IF_ERROR(r.status());
  return o;
}

Result<BatchLotUse> ReadLotUse(const Row& row) {
  RowReader r(row);
  BatchLotUse u;
  u.lot_id = r.Int();
  u.amount_milli = r.Int();
  LDN_RETURN_IF_ERROR(r.status());
  return u;
}

Result<DispensingRecord> ReadDispensing(const Row& row) {
  RowReader r(row);
  DispensingRecord d;
  d.id = r.Int();
  d.batch_id = r.Int();
  d.patient_id = r.Int();
  d.prescription_id = r.Int();
  d.quantity = r.Int();
  d.checklist_json = r.Text();
  d.dispensed_by = r.Int();
  d.dispensed_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return d;
}

// A batch row with its orders and lot uses (one read transaction).
Result<Batch> CompleteBatch(Connection& c, Batch b) {
  LDN_ASSIGN_OR_RETURN(b.orders, Query<BatchOrder>(c,
                                                   "SELECT patient_id, prescription_id FROM batch_orders WHERE "
                                                   "batch_id = $1 ORDER BY prescription_id",
                                                   {b.id}, &ReadBatchOrder));
  LDN_ASSIGN_OR_RETURN(
      b.lots, Query<BatchLotUse>(c, "SELECT lot_id, amount_milli FROM batch_lots WHERE batch_id = $1 ORDER BY lot_id",
                                 {b.id}, &ReadLotUse));
  return b;
}

Result<std::vector<Batch>> CompleteBatches(Connection& c, std::vector<Batch> rows) {
  for (Batch& b : rows) {
    LDN_ASSIGN_OR_RETURN(b, CompleteBatch(c, std::move(b)));
  }
  return rows;
}

Status ValidateLot(const IngredientLot& l) {
  LDN_RETURN_IF_ERROR(CheckId(l.pharmacy_id, "pharmacy_id"));
  LDN_RETURN_IF_ERROR(CheckText(l.ingredient, "ingredient", 1, 200));
  LDN_RETURN_IF_ERROR(CheckText(l.manufacturer, "manufacturer", 1, 200));
  LDN_RETURN_IF_ERROR(CheckText(l.lot, "lot", 1, 100));
  LDN_RETURN_IF_ERROR(CheckDate(l.expiry, "expiry"));
  if (l.unit != "mg" && l.unit != "g" && l.unit != "mL" && l.unit != "tablet" && l.unit != "capsule") {
    return Status::InvalidArgument("unit", "expected mg, g, mL, tablet or capsule");
  }
  if (l.quantity_milli <= 0 || l.quantity_milli > kMaxMilli) {
    return Status::InvalidArgument("quantity", "must be above 0 and at most 10^12");
  }
  return Status::Ok();
}

Status ValidateBatch(const Batch& b) {
  LDN_RETURN_IF_ERROR(CheckId(b.pharmacy_id, "pharmacy_id"));
  if (b.form != "capsule" && b.form != "oral_liquid") {
    return Status::InvalidArgument("form", "expected capsule or oral_liquid");
  }
  const std::string unit = b.form == "capsule" ? "capsule" : "mL";
  if (b.quantity_unit != unit) {
    return Status::InvalidArgument("quantity_unit", fmt::format("a {} batch is counted in {}", b.form, unit));
  }
  if (b.strength_micrograms_hcl < 0 || (b.strength_micrograms_hcl == 0) != b.placebo) {
    return Status::InvalidArgument("strength_micrograms_hcl", "above 0 for an active batch, 0 for a placebo");
  }
  if (b.quantity <= 0 || b.quantity > kMaxBatchQuantity) {
    return Status::InvalidArgument("quantity", fmt::format("must be 1..{}", kMaxBatchQuantity));
  }
  LDN_RETURN_IF_ERROR(CheckText(b.master_formula_id, "master_formula_id", 0, 100));
  if (b.master_formula_version < 0 || (b.master_formula_id.empty() != (b.master_formula_version == 0))) {
    return Status::InvalidArgument("master_formula_version", "a version (from 1) with a formula id, 0 without");
  }
  LDN_RETURN_IF_ERROR(CheckText(b.deviation_reason, "deviation_reason", 0, 2000));
  LDN_RETURN_IF_ERROR(CheckJson(b.record_json, "record_json"));
  LDN_RETURN_IF_ERROR(CheckDate(b.prepared_on, "prepared_on"));
  LDN_RETURN_IF_ERROR(CheckDate(b.bud_date, "bud_date"));
  if (b.bud_date < b.prepared_on) return Status::InvalidArgument("bud_date", "is before the preparation date");
  if (b.orders.empty()) return Status::InvalidArgument("orders", "a batch fills at least one order");
  std::set<Id> seen_orders;
  for (size_t i = 0; i < b.orders.size(); ++i) {
    if (!seen_orders.insert(b.orders[i].prescription_id).second) {
      return Status::InvalidArgument(fmt::format("orders[{}].prescription_id", i), "names an order twice");
    }
  }
  if (b.lots.empty()) return Status::InvalidArgument("lots", "a batch records at least one ingredient lot");
  std::set<Id> seen_lots;
  for (size_t i = 0; i < b.lots.size(); ++i) {
    if (!seen_lots.insert(b.lots[i].lot_id).second) {
      return Status::InvalidArgument(fmt::format("lots[{}].lot_id", i), "names a lot twice: give its total amount");
    }
    if (b.lots[i].amount_milli <= 0 || b.lots[i].amount_milli > kMaxMilli) {
      return Status::InvalidArgument(fmt::format("lots[{}].amount", i), "must be above 0");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<IngredientLot> SqlStore::CreateIngredientLot(const IngredientLot& lot) {
  LDN_RETURN_IF_ERROR(ValidateLot(lot));
  return RunOutside<Result<IngredientLot>>(Mode::kWrite, [&](Connection& c) -> Result<IngredientLot> {
    LDN_RETURN_IF_ERROR(MustExist(c, "SELECT 1 FROM pharmacies WHERE id = $1", {lot.pharmacy_id},
                                  "pharmacy_id: pharmacy " + std::to_string(lot.pharmacy_id) + " does not exist"));
    LDN_RETURN_IF_ERROR(UserMustExist(c, lot.received_by, "received_by"));
    LDN_ASSIGN_OR_RETURN(
        Rows rows, c.Exec("INSERT INTO ingredient_lots (pharmacy_id, ingredient, manufacturer, lot, expiry, unit, "
                          "quantity_milli, remaining_milli, received_by, received_at) VALUES ($1, $2, $3, $4, $5, "
                          "$6, $7, $7, $8, $9) RETURNING id",
                          {lot.pharmacy_id, lot.ingredient, lot.manufacturer, lot.lot, Day(lot.expiry), lot.unit,
                           lot.quantity_milli, lot.received_by, Secs(lot.received_at)}));
    IngredientLot stored = lot;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    stored.remaining_milli = lot.quantity_milli;
    return stored;
  });
}

Result<IngredientLot> SqlStore::GetIngredientLot(Id lot_id) {
  return RunOutside<Result<IngredientLot>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<IngredientLot>(c, std::string("SELECT ") + kLotColumns + " FROM ingredient_lots WHERE id = $1",
                                   {lot_id}, &ReadLot, "lot_id: lot " + std::to_string(lot_id) + " does not exist");
  });
}

Result<std::vector<IngredientLot>> SqlStore::ListIngredientLots(Id pharmacy_id) {
  return RunOutside<Result<std::vector<IngredientLot>>>(Mode::kRead, [&](Connection& c) {
    return Query<IngredientLot>(
        c, std::string("SELECT ") + kLotColumns + " FROM ingredient_lots WHERE pharmacy_id = $1 ORDER BY id",
        {pharmacy_id}, &ReadLot);
  });
}

Result<Batch> SqlStore::CreateBatch(const Batch& batch) {
  LDN_RETURN_IF_ERROR(ValidateBatch(batch));
  return RunOutside<Result<Batch>>(Mode::kWrite, [&](Connection& c) -> Result<Batch> {
    LDN_RETURN_IF_ERROR(UserMustExist(c, batch.prepared_by, "prepared_by"));
    // The pharmacy's next number: the row lock of this UPDATE orders concurrent batches (PostgreSQL).
    LDN_ASSIGN_OR_RETURN(Rows seq_rows, c.Exec("UPDATE pharmacies SET last_batch_seq = last_batch_seq + 1 WHERE id = "
                                               "$1 RETURNING last_batch_seq",
                                               {batch.pharmacy_id}));
    if (seq_rows.rows.empty()) {
      return Status::NotFound("pharmacy_id: pharmacy " + std::to_string(batch.pharmacy_id) + " does not exist");
    }
    Batch stored = batch;
    LDN_ASSIGN_OR_RETURN(stored.seq, ReturnedId(seq_rows));
    stored.batch_number = fmt::format("{}-{:05}", FormatDate(batch.prepared_on).substr(0, 4), stored.seq);
    stored.status = BatchStatus::kPrepared;
    stored.checked_by.reset();
    stored.checked_at.reset();
    stored.qc_json = "{}";
    stored.decision_reason.clear();
    LDN_ASSIGN_OR_RETURN(
        Rows rows,
        c.Exec("INSERT INTO batches (pharmacy_id, seq, batch_number, master_formula_id, master_formula_version, form, "
               "strength_micrograms_hcl, placebo, quantity, quantity_unit, deviation_reason, record_json, prepared_on, "
               "bud_date, prepared_by, prepared_at, status, qc_json, decision_reason) VALUES ($1, $2, $3, $4, $5, $6, "
               "$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 'prepared', '{}', '') RETURNING id",
               {stored.pharmacy_id, stored.seq, stored.batch_number, stored.master_formula_id,
                stored.master_formula_version, stored.form, stored.strength_micrograms_hcl,
                int64_t{stored.placebo ? 1 : 0}, stored.quantity, stored.quantity_unit, stored.deviation_reason,
                stored.record_json, Day(stored.prepared_on), Day(stored.bud_date), stored.prepared_by,
                Secs(stored.prepared_at)}));
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    for (size_t i = 0; i < batch.orders.size(); ++i) {
      const BatchOrder& o = batch.orders[i];
      LDN_RETURN_IF_ERROR(MustExist(c, "SELECT 1 FROM prescriptions WHERE id = $1 AND patient_id = $2",
                                    {o.prescription_id, o.patient_id},
                                    fmt::format("orders[{}].prescription_id: prescription {} of patient {} does not "
                                                "exist",
                                                i, o.prescription_id, o.patient_id)));
      LDN_RETURN_IF_ERROR(c.Exec("INSERT INTO batch_orders (batch_id, patient_id, prescription_id) VALUES ($1, $2, $3)",
                                 {stored.id, o.patient_id, o.prescription_id})
                              .status());
    }
    for (size_t i = 0; i < batch.lots.size(); ++i) {
      const BatchLotUse& u = batch.lots[i];
      LDN_ASSIGN_OR_RETURN(
          IngredientLot lot,
          QueryOne<IngredientLot>(
              c, std::string("SELECT ") + kLotColumns + " FROM ingredient_lots WHERE id = $1 AND pharmacy_id = $2",
              {u.lot_id, batch.pharmacy_id}, &ReadLot,
              fmt::format("lots[{}].lot_id: lot {} is not one of this pharmacy's", i, u.lot_id)));
      if (lot.expiry < batch.prepared_on) {
        return Status::InvalidArgument(
            fmt::format("lots[{}].lot_id", i),
            fmt::format("{} lot {} expired on {}: it cannot go into a batch prepared on {}", lot.ingredient, lot.lot,
                        FormatDate(lot.expiry), FormatDate(batch.prepared_on)));
      }
      // Takes the amount only if that much is left; the row lock orders concurrent batches.
      LDN_ASSIGN_OR_RETURN(Rows taken, c.Exec("UPDATE ingredient_lots SET remaining_milli = remaining_milli - $1 "
                                              "WHERE id = $2 AND remaining_milli >= $1 RETURNING id",
                                              {u.amount_milli, u.lot_id}));
      if (taken.rows.empty()) {
        return Status::Conflict(fmt::format("lots[{}].amount: {} lot {} has {} {} left, the batch needs {}", i,
                                            lot.ingredient, lot.lot, FormatMilli(lot.remaining_milli), lot.unit,
                                            FormatMilli(u.amount_milli)));
      }
      LDN_RETURN_IF_ERROR(c.Exec("INSERT INTO batch_lots (batch_id, lot_id, amount_milli) VALUES ($1, $2, $3)",
                                 {stored.id, u.lot_id, u.amount_milli})
                              .status());
    }
    return stored;
  });
}

Result<Batch> SqlStore::GetBatch(Id batch_id) {
  return RunOutside<Result<Batch>>(Mode::kSnapshot, [&](Connection& c) -> Result<Batch> {
    LDN_ASSIGN_OR_RETURN(
        Batch b, QueryOne<Batch>(c, std::string("SELECT ") + kBatchColumns + " FROM batches WHERE id = $1", {batch_id},
                                 &ReadBatchRow, "batch_id: batch " + std::to_string(batch_id) + " does not exist"));
    return CompleteBatch(c, std::move(b));
  });
}

Result<std::vector<Batch>> SqlStore::ListBatches(Id pharmacy_id) {
  return RunOutside<Result<std::vector<Batch>>>(Mode::kSnapshot, [&](Connection& c) -> Result<std::vector<Batch>> {
    LDN_ASSIGN_OR_RETURN(
        std::vector<Batch> rows,
        Query<Batch>(c,
                     std::string("SELECT ") + kBatchColumns + " FROM batches WHERE pharmacy_id = $1 ORDER BY id DESC",
                     {pharmacy_id}, &ReadBatchRow));
    return CompleteBatches(c, std::move(rows));
  });
}

Result<std::vector<Batch>> SqlStore::ListBatchesForPrescription(Id prescription_id) {
  return RunOutside<Result<std::vector<Batch>>>(Mode::kSnapshot, [&](Connection& c) -> Result<std::vector<Batch>> {
    LDN_ASSIGN_OR_RETURN(std::vector<Batch> rows,
                         Query<Batch>(c,
                                      std::string("SELECT ") + kBatchColumns +
                                          " FROM batches WHERE id IN (SELECT batch_id FROM batch_orders WHERE "
                                          "prescription_id = $1) ORDER BY id",
                                      {prescription_id}, &ReadBatchRow));
    return CompleteBatches(c, std::move(rows));
  });
}

Status SqlStore::CheckBatch(Id batch_id, BatchStatus status, Id checked_by, Instant at, const std::string& qc_json,
                            const std::string& reason) {
  if (status == BatchStatus::kPrepared) return Status::InvalidArgument("status", "expected released or rejected");
  LDN_RETURN_IF_ERROR(CheckJson(qc_json, "qc"));
  LDN_RETURN_IF_ERROR(CheckText(reason, "reason", status == BatchStatus::kRejected ? 1 : 0, 2000));
  return RunWrite([&](Connection& c) -> Status {
    LDN_RETURN_IF_ERROR(UserMustExist(c, checked_by, "checked_by"));
    LDN_ASSIGN_OR_RETURN(
        Batch b, QueryOne<Batch>(c, std::string("SELECT ") + kBatchColumns + " FROM batches WHERE id = $1", {batch_id},
                                 &ReadBatchRow, "batch_id: batch " + std::to_string(batch_id) + " does not exist"));
    if (b.prepared_by == checked_by) {
      return Status::PermissionDenied("a batch is checked by a pharmacist other than the one who prepared it");
    }
    LDN_ASSIGN_OR_RETURN(
        Rows rows, c.Exec("UPDATE batches SET status = $1, checked_by = $2, checked_at = $3, qc_json = "
                          "$4, decision_reason = $5 WHERE id = $6 AND status = 'prepared'",
                          {std::string(BatchStatusName(status)), checked_by, Secs(at), qc_json, reason, batch_id}));
    if (rows.affected == 0) {
      return Status::Conflict(fmt::format("batch {} was {} already", b.batch_number, BatchStatusName(b.status)));
    }
    return Status::Ok();
  });
}

Result<DispensingRecord> SqlStore::CreateDispensing(const DispensingRecord& record) {
  if (record.quantity <= 0 || record.quantity > kMaxBatchQuantity) {
    return Status::InvalidArgument("quantity", fmt::format("must be 1..{}", kMaxBatchQuantity));
  }
  LDN_RETURN_IF_ERROR(CheckJson(record.checklist_json, "checklist"));
  return RunOutside<Result<DispensingRecord>>(Mode::kWrite, [&](Connection& c) -> Result<DispensingRecord> {
    LDN_RETURN_IF_ERROR(UserMustExist(c, record.dispensed_by, "dispensed_by"));
    LDN_ASSIGN_OR_RETURN(
        Batch b,
        QueryOne<Batch>(c, std::string("SELECT ") + kBatchColumns + " FROM batches WHERE id = $1", {record.batch_id},
                        &ReadBatchRow, "batch_id: batch " + std::to_string(record.batch_id) + " does not exist"));
    if (b.status != BatchStatus::kReleased) {
      return Status::Conflict(fmt::format("batch_id: batch {} is {}, not released: only a released batch is dispensed",
                                          b.batch_number, BatchStatusName(b.status)));
    }
    LDN_ASSIGN_OR_RETURN(bool fills,
                         Exists(c,
                                "SELECT 1 FROM batch_orders WHERE batch_id = $1 AND prescription_id = $2 AND "
                                "patient_id = $3",
                                {record.batch_id, record.prescription_id, record.patient_id}));
    if (!fills) {
      return Status::Conflict(fmt::format("batch_id: batch {} was not prepared for prescription {}", b.batch_number,
                                          record.prescription_id));
    }
    LDN_ASSIGN_OR_RETURN(
        Rows used, c.Exec("SELECT COALESCE(SUM(quantity), 0) FROM dispensings WHERE batch_id = $1", {record.batch_id}));
    RowReader r(used.rows.front());
    const int64_t dispensed = r.Int();
    LDN_RETURN_IF_ERROR(r.status());
    if (dispensed + record.quantity > b.quantity) {
      return Status::Conflict(fmt::format("quantity: batch {} holds {} {}; {} left the pharmacy already",
                                          b.batch_number, b.quantity, b.quantity_unit, dispensed));
    }
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("INSERT INTO dispensings (batch_id, patient_id, prescription_id, quantity, "
                                           "checklist_json, dispensed_by, dispensed_at) VALUES ($1, $2, $3, $4, $5, "
                                           "$6, $7) RETURNING id",
                                           {record.batch_id, record.patient_id, record.prescription_id, record.quantity,
                                            record.checklist_json, record.dispensed_by, Secs(record.dispensed_at)}));
    DispensingRecord stored = record;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<std::vector<DispensingRecord>> SqlStore::ListDispensings(Id patient_id) {
  return RunOutside<Result<std::vector<DispensingRecord>>>(Mode::kRead, [&](Connection& c) {
    return Query<DispensingRecord>(
        c, std::string("SELECT ") + kDispensingColumns + " FROM dispensings WHERE patient_id = $1 ORDER BY id",
        {patient_id}, &ReadDispensing);
  });
}

Result<std::vector<DispensingRecord>> SqlStore::ListBatchDispensings(Id batch_id) {
  return RunOutside<Result<std::vector<DispensingRecord>>>(Mode::kRead, [&](Connection& c) {
    return Query<DispensingRecord>(
        c, std::string("SELECT ") + kDispensingColumns + " FROM dispensings WHERE batch_id = $1 ORDER BY id",
        {batch_id}, &ReadDispensing);
  });
}

// ---- Placebo-twin kits ----------------------------------------------------------------------

namespace {

constexpr const char* kKitColumns =
    "id, pharmacy_id, kit_code, patient_id, prescription_id, pack_a_batch_id, pack_b_batch_id, created_by, "
    "created_at";

Result<Kit> ReadKit(const Row& row) {
  RowReader r(row);
  Kit k;
  k.id = r.Int();
  k.pharmacy_id = r.Int();
  k.kit_code = r.Text();
  k.patient_id = r.Int();
  k.prescription_id = r.Int();
  k.pack_a_batch_id = r.Int();
  k.pack_b_batch_id = r.Int();
  k.created_by = r.Int();
  k.created_at = r.Time();
  LDN_RETURN_IF_ERROR(r.status());
  return k;
}

Result<KitUnblinding> ReadUnblinding(const Row& row) {
  RowReader r(row);
  KitUnblinding u;
  u.id = r.Int();
  u.kit_id = r.Int();
  u.patient_id = r.Int();
  u.unblinded_by = r.Int();
  u.unblinded_at = r.Time();
  u.reason = r.Text();
  LDN_RETURN_IF_ERROR(r.status());
  return u;
}

bool IsKitCode(const std::string& code) {
  if (code.size() < 4 || code.size() > 40) return false;
  for (char ch : code) {
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-')) return false;
  }
  return true;
}

}  // namespace

Result<Kit> SqlStore::CreateKit(const Kit& kit) {
  if (!IsKitCode(kit.kit_code)) {
    return Status::InvalidArgument("kit_code", "4-40 characters of A-Z, 0-9 and '-'");
  }
  if (kit.pack_a_batch_id == kit.pack_b_batch_id) {
    return Status::InvalidArgument("pack_b_batch_id", "the two packs of a kit are two different batches");
  }
  return RunOutside<Result<Kit>>(Mode::kWrite, [&](Connection& c) -> Result<Kit> {
    LDN_RETURN_IF_ERROR(UserMustExist(c, kit.created_by, "created_by"));
    Batch packs[2];
    const Id ids[2] = {kit.pack_a_batch_id, kit.pack_b_batch_id};
    const char* fields[2] = {"pack_a_batch_id", "pack_b_batch_id"};
    for (int i = 0; i < 2; ++i) {
      const std::string missing = std::string(fields[i]) + ": batch " + std::to_string(ids[i]) + " does not exist";
      LDN_ASSIGN_OR_RETURN(
          packs[i], QueryOne<Batch>(
                        c, std::string("SELECT ") + kBatchColumns + " FROM batches WHERE id = $1 AND pharmacy_id = $2",
                        {ids[i], kit.pharmacy_id}, &ReadBatchRow, missing));
      LDN_ASSIGN_OR_RETURN(bool fills, Exists(c,
                                              "SELECT 1 FROM batch_orders WHERE batch_id = $1 AND prescription_id = $2 "
                                              "AND patient_id = $3",
                                              {ids[i], kit.prescription_id, kit.patient_id}));
      if (!fills) {
        return Status::Conflict(fmt::format("{}: batch {} was not prepared for prescription {}", fields[i],
                                            packs[i].batch_number, kit.prescription_id));
      }
      LDN_ASSIGN_OR_RETURN(
          bool taken, Exists(c, "SELECT 1 FROM kits WHERE pack_a_batch_id = $1 OR pack_b_batch_id = $1", {ids[i]}));
      if (taken) {
        return Status::Conflict(
            fmt::format("{}: batch {} is already a pack of a kit", fields[i], packs[i].batch_number));
      }
    }
    if (packs[0].placebo == packs[1].placebo) {
      return Status::Conflict(std::string("pack_b_batch_id: a kit pairs one active batch with its placebo twin; ") +
                              (packs[0].placebo ? "both are placebo" : "both are active"));
    }
    if (packs[0].form != packs[1].form || packs[0].quantity != packs[1].quantity ||
        packs[0].quantity_unit != packs[1].quantity_unit) {
      return Status::Conflict(fmt::format(
          "pack_b_batch_id: the twins must match: pack A is {} {} ({}), pack B {} {} ({})", packs[0].quantity,
          packs[0].quantity_unit, packs[0].form, packs[1].quantity, packs[1].quantity_unit, packs[1].form));
    }
    LDN_ASSIGN_OR_RETURN(bool code_taken, Exists(c, "SELECT 1 FROM kits WHERE pharmacy_id = $1 AND kit_code = $2",
                                                 {kit.pharmacy_id, kit.kit_code}));
    if (code_taken) return Status::Conflict("kit_code: the pharmacy already has a kit " + kit.kit_code);
    LDN_ASSIGN_OR_RETURN(
        Rows rows, c.Exec("INSERT INTO kits (pharmacy_id, kit_code, patient_id, prescription_id, "
                          "pack_a_batch_id, pack_b_batch_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, "
                          "$6, $7, $8) RETURNING id",
                          {kit.pharmacy_id, kit.kit_code, kit.patient_id, kit.prescription_id, kit.pack_a_batch_id,
                           kit.pack_b_batch_id, kit.created_by, Secs(kit.created_at)}));
    Kit stored = kit;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<Kit> SqlStore::GetKit(Id kit_id) {
  return RunOutside<Result<Kit>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<Kit>(c, std::string("SELECT ") + kKitColumns + " FROM kits WHERE id = $1", {kit_id}, &ReadKit,
                         "kit " + std::to_string(kit_id) + " does not exist");
  });
}

Result<Kit> SqlStore::GetKitOfBatch(Id batch_id) {
  return RunOutside<Result<Kit>>(Mode::kRead, [&](Connection& c) {
    return QueryOne<Kit>(
        c, std::string("SELECT ") + kKitColumns + " FROM kits WHERE pack_a_batch_id = $1 OR pack_b_batch_id = $1",
        {batch_id}, &ReadKit, "batch " + std::to_string(batch_id) + " is in no kit");
  });
}

Result<std::vector<Kit>> SqlStore::ListKits(Id pharmacy_id) {
  return RunOutside<Result<std::vector<Kit>>>(Mode::kRead, [&](Connection& c) {
    return Query<Kit>(c, std::string("SELECT ") + kKitColumns + " FROM kits WHERE pharmacy_id = $1 ORDER BY id DESC",
                      {pharmacy_id}, &ReadKit);
  });
}

Result<KitUnblinding> SqlStore::UnblindKit(const KitUnblinding& u) {
  LDN_RETURN_IF_ERROR(CheckText(u.reason, "reason", 1, 2000));
  return RunOutside<Result<KitUnblinding>>(Mode::kWrite, [&](Connection& c) -> Result<KitUnblinding> {
    LDN_RETURN_IF_ERROR(UserMustExist(c, u.unblinded_by, "unblinded_by"));
    LDN_ASSIGN_OR_RETURN(Kit kit,
                         QueryOne<Kit>(c, std::string("SELECT ") + kKitColumns + " FROM kits WHERE id = $1", {u.kit_id},
                                       &ReadKit, "kit_id: kit " + std::to_string(u.kit_id) + " does not exist"));
    LDN_ASSIGN_OR_RETURN(Rows rows, c.Exec("INSERT INTO kit_unblindings (kit_id, patient_id, unblinded_by, "
                                           "unblinded_at, reason) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                                           {u.kit_id, kit.patient_id, u.unblinded_by, Secs(u.unblinded_at), u.reason}));
    KitUnblinding stored = u;
    stored.patient_id = kit.patient_id;
    LDN_ASSIGN_OR_RETURN(stored.id, ReturnedId(rows));
    return stored;
  });
}

Result<std::vector<KitUnblinding>> SqlStore::ListKitUnblindings(Id kit_id) {
  return RunOutside<Result<std::vector<KitUnblinding>>>(Mode::kRead, [&](Connection& c) {
    return Query<KitUnblinding>(c,
                                "SELECT id, kit_id, patient_id, unblinded_by, unblinded_at, reason FROM "
                                "kit_unblindings WHERE kit_id = $1 ORDER BY id",
                                {kit_id}, &ReadUnblinding);
  });
}

}  // namespace ldn::store::internal
