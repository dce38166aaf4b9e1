// The label of a compounded preparation, and its blinded form for N-of-1 trial packs.
//
// Content (USP <795> 2023 section 12 plus state law, pharmacology-facts.md B5; verify locally):
// Rx/internal id, the active ingredient and strength WITH its salt and the base equivalent, the
// dosage form, the quantity, the BUD, storage, a statement that it is compounded, directions,
// warnings and auxiliary labels.
//
// A blinded label (BlindLabel) must be identical, character for character, for the active pack
// and its placebo twin except for the pack's blinding code. So it shows:
//   - the blinding code instead of the batch id (batch ids differ and are recorded by the pharmacy);
//   - "naltrexone HCl <strength> or placebo" instead of a bare strength (a patient, or an emergency
//     team, must know the pack may contain naltrexone: the opioid-blockade warning stays);
//   - one shared BUD (the earlier of the two) and the same storage, directions and auxiliaries;
//   - a statement that the pharmacy holds the code and can unblind in an emergency.
// It must not show: the batch id, the words active/placebo as a fact, the ingredient list, or
// anything else that differs between the two packs.
#ifndef LDN_PHARMACY_LABEL_H_
#define LDN_PHARMACY_LABEL_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/dose.h"

namespace ldn::pharmacy {

struct Label {
  std::string rx_id;  // batch id; the blinding code when blinded
  bool blinded = false;
  std::string patient;   // empty: printed as a blank line to fill in
  std::string product;   // "Naltrexone HCl 4.5 mg capsules"
  std::string strength;  // "Each capsule: naltrexone hydrochloride 4.5 mg (= 4.07 mg naltrexone base)"
  Dose strength_hcl = Dose::FromMicrogramsHcl(0);  // per unit (capsule) or per mL
  double strength_base_mg = 0;                     // base equivalent of strength_hcl
  std::string form;                                // "capsule", "oral liquid"
  std::string quantity;                            // "100 capsules", "100 mL"
  std::string directions;
  std::string prepared;  // YYYY-MM-DD
  std::string bud;       // YYYY-MM-DD
  std::string storage;   // "Store in a refrigerator, 2-8 C"
  std::string compounded_statement;
  std::vector<std::string> warnings;   // opioid blockade, blinding
  std::vector<std::string> auxiliary;  // "Shake well before use", "Protect from light"
  std::string pharmacy;                // name and phone; empty: a blank line
};

// The printed label, line by line, in a fixed layout (the same for every label).
std::vector<std::string> LabelLines(const Label& label);

// The blinded form of `active` for the pack coded `code`; `bud` is the BUD shared by both packs.
Label BlindLabel(const Label& active, const std::string& code, const std::string& bud, const std::string& statement);

// {"rx_id", "blinded", "patient", "product", "ingredient_salt", "strength", "strength_mg_hcl",
//  "strength_mg_base", "form", "quantity", "directions", "prepared", "bud", "storage",
//  "compounded_statement", "warnings", "auxiliary", "pharmacy", "lines"}. A blinded label has no
// strength_mg_hcl/strength_mg_base values (null): they are in the pharmacy's linking record.
nlohmann::json LabelToJson(const Label& label);

// "4.07": the base equivalent to two decimals, trailing zeros trimmed.
std::string FormatBaseMg(double mg);

}  // namespace ldn::pharmacy

#endif  // LDN_PHARMACY_LABEL_H_
