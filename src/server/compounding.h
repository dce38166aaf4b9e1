// The preparation that fills a stored order, computed by the pharmacy layer (src/pharmacy) from the
// pharmacy's inputs: shared by the worksheet (POST P/prescriptions/{id}/worksheet, nothing stored)
// and the compounding record (POST /batches, stored).
#ifndef LDN_SERVER_COMPOUNDING_H_
#define LDN_SERVER_COMPOUNDING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/json_reader.h"
#include "core/result.h"
#include "pharmacy/preparation.h"
#include "store/store.h"

namespace ldn::server {

// The pharmacy's inputs (docs/api.md, "Pharmacy"): where the drug comes from and what the
// pharmacy measured. Keys: source, tablet_weight_mg, assay_pct, water_pct, capsule_size,
// fill_weight_mg, overage_pct, volume_ml, storage, date.
struct PreparationInputs {
  pharmacy::DrugSource source = pharmacy::DrugSource::kTablets;
  std::optional<double> tablet_weight_mg, assay_pct, water_pct, fill_weight_mg, overage_pct;
  std::optional<std::string> capsule_size, storage;
  std::optional<int64_t> volume_ml;
  std::optional<LocalDate> date;
  // The placebo twin of the order's preparation (capsules only): POST /batches sets it from a
  // placebo master formula, the worksheet from "placebo_twin"; ReadPreparationInputs leaves it.
  bool placebo = false;
};

// Reads the keys above from `o` (an unknown key is left for the caller's RejectUnknownKeys).
// kInvalidArgument naming the key.
Result<PreparationInputs> ReadPreparationInputs(JsonObject& o);

struct ComputedPreparation {
  nlohmann::json preparation;  // pharmacy::CapsuleBatchToJson / LiquidBatchToJson
  nlohmann::json worksheet;
  std::string form;                     // "capsule" or "oral_liquid"
  int64_t strength_micrograms_hcl = 0;  // per capsule or per mL; 0 for a placebo twin
  int64_t quantity = 0;                 // capsules or mL made
  LocalDate prepared{};
  LocalDate bud{};
  std::vector<pharmacy::Weighing> weighings;  // the targets, in the worksheet's order
};

// Computes the batch that fills `rx` (its stored formulation: form, strength_mg, quantity,
// label_directions) for `patient`. `quantity`: capsules or mL to make (default: the order's);
// `component_expiries` cap the BUD; `batch_id` is printed on the worksheet. kInvalidArgument naming
// the input's key (the pharmacy layer's option names are translated); kInternal for a stored
// formulation that lacks its form, strength or quantity.
Result<ComputedPreparation> ComputePreparation(const PreparationInputs& in, const store::Prescription& rx,
                                               const store::Patient& patient, store::Instant now,
                                               std::optional<int64_t> quantity,
                                               const std::vector<LocalDate>& component_expiries,
                                               const std::string& batch_id);

}  // namespace ldn::server

#endif  // LDN_SERVER_COMPOUNDING_H_
