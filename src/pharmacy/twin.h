// Placebo twins for blinded (N-of-1) trials: the same formulation without naltrexone, under a label
// identical to the active pack's, and the record that links the two -- which only the pharmacy may
// read (product.md capability 7: the allocation is held by the pharmacy).
//
// The twin is computed by the verb itself with `placebo = true` (capsules: the filler replaces the
// drug powder mass, so both fill weights are equal; liquids: the same vehicle). BlindPair then:
//   - gives both packs the earlier of the two BUDs, so the dates cannot tell them apart;
//   - replaces both labels with BlindLabel of the ACTIVE label (label.h), each under its own code;
//   - marks the twin's worksheet pharmacy-only and adds the blinding cautions to both;
//   - returns the linking record.
// Storage of the record (access limited to the pharmacist role, audited) comes with the server;
// today it is printed, marked "pharmacy-only", and the pharmacist files it.
#ifndef LDN_PHARMACY_TWIN_H_
#define LDN_PHARMACY_TWIN_H_

#include <string>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/result.h"
#include "pharmacy/knowledge.h"
#include "pharmacy/preparation.h"

namespace ldn::pharmacy {

struct LinkRecord {
  std::string active_batch_id;
  std::string twin_batch_id;
  std::string active_code;  // the code on the active pack's label
  std::string twin_code;    // the code on the placebo pack's label
  std::string product;      // the active product ("Naltrexone HCl 4.5 mg capsules, 100 capsules")
  LocalDate prepared;
  std::string shared_bud;
};

// Blinds the pair in place. Fails with kInvalidArgument naming:
//   "--blinding-code" / "--twin-blinding-code": empty, longer than 40 characters, not letters,
//     digits, '-' or '_', the two equal, equal to a batch id, or containing a word that would
//     unblind ("placebo", "active", "verum", "dummy", "sham", "ldn", "naltrexone"; any case);
//   "--twin-batch-id" when the two batch ids are equal.
// REQUIRES: twin.placebo, !active.placebo, the same kind.
Result<LinkRecord> BlindPair(const CompoundingKnowledge& k, Preparation& active, Preparation& twin,
                             const std::string& active_code, const std::string& twin_code);

// {"record": "placebo_twin_link", "visibility": "pharmacy-only", "readable_by": ["pharmacist"],
//  "active": {"batch_id", "blinding_code"}, "placebo": {"batch_id", "blinding_code"}, "product",
//  "prepared", "shared_bud", "storage": "..."}.
nlohmann::json LinkRecordToJson(const LinkRecord& r);

}  // namespace ldn::pharmacy

#endif  // LDN_PHARMACY_TWIN_H_
