// Master formulation records: the versioned, approved recipes of the LDN preparations the pharmacy
// makes (USP <795> (2023) section 8: name, strength and dosage form; identities and amounts of
// all components; container closure; complete compounding instructions; physical description;
// BUD and storage with the reference that supports the BUD; calculations; labeling; quality
// control procedures and expected results). Read from the embedded data/master_formulas.json.
//
// Versioning: a batch stores (id, version). A new version is a new entry; the old one stays with
// status "superseded", so FindMasterFormula(id, version) keeps answering for every past batch.
// At most one version per id is approved, and it is the highest.
#ifndef LDN_PHARMACY_MASTER_FORMULA_H_
#define LDN_PHARMACY_MASTER_FORMULA_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/dose.h"
#include "core/result.h"
#include "pharmacy/dispensing_label.h"
#include "pharmacy/knowledge.h"

namespace ldn::pharmacy {

enum class FormulaStatus { kApproved, kSuperseded };
// "approved" / "superseded".
std::string_view FormulaStatusName(FormulaStatus s);

struct MasterIngredient {
  std::string name;                       // an excipients.json id ("microcrystalline-cellulose") or a described item
  std::string role;                       // "active", "filler", "capsule shell", "preservative", "vehicle", ...
  std::optional<double> amount_per_unit;  // absent when qs
  std::string unit;                       // "mg", "mg/mL", "mL/mL", "each", "mL"
  bool qs = false;                        // quantum satis: to the fill weight or the volume
  std::string note;
};

struct QcTest {
  std::string id;  // "appearance", "weight-variation", "volume"
  std::string method;
  std::string acceptance;
  std::string source;
};

struct FormulaBud {
  BudCategory category = BudCategory::kSolid;
  Storage storage = Storage::kRoom;
  std::optional<std::string> study;  // a bud.json study id that sets the days
  int days = 0;
  std::string rationale;
};

struct MasterFormula {
  std::string id;  // "ldn-caps-4.5mg-mcc"
  int version = 1;
  FormulaStatus status = FormulaStatus::kApproved;
  std::string approved_by;
  LocalDate approved_on;
  std::string name;
  DispensedForm form = DispensedForm::kCapsule;
  Dose strength = Dose::FromMicrogramsHcl(0);  // per capsule or per mL; zero for a placebo
  bool placebo = false;
  std::vector<std::string> twin_of;  // a placebo: the active formula ids it twins
  std::string capsule_size;          // capsules: a capsules.json id
  std::string filler;                // capsules: an excipients.json filler id
  std::string capsule_shell;         // capsules
  std::string liquid_formula;        // liquids: a formulations.json liquid formula id
  bool preserved = false;            // liquids
  std::string appearance;
  int batch_units = 0;  // capsules per batch, or mL per batch / 1 for liquids (100 mL)
  std::vector<MasterIngredient> ingredients;
  std::vector<std::string> method;
  std::vector<QcTest> qc;
  std::string packaging;
  Storage storage = Storage::kRoom;
  FormulaBud bud;
  std::vector<std::string> auxiliary;  // formulations.json label_text ids
  std::string source;
  std::string note;
};

struct MasterFormulary {
  std::vector<MasterFormula> formulas;  // file order
  std::string version;                  // "master_formulas.json 2026-12-05.1"
};

// Parses data/master_formulas.json. Fails with kInvalidArgument naming the field
// ("master_formulas.json: entries[3].bud.days") when a key is missing, mistyped or unknown; a
// status is not approved/superseded; (id, version) repeats; an id has two approved versions or an
// approved version below a superseded one; an active formula has no strength, no "active"
// ingredient, or twin_of; a placebo has a strength, an "active" ingredient, or no twin_of; a
// twin_of names no active formula of the file; a capsule formula lacks capsule_size, filler or
// a weight-variation QC; a liquid lacks liquid_formula or a volume QC; there is no method step, QC
// or source.
Result<MasterFormulary> ParseMasterFormulary(std::string_view json);

// The embedded file, parsed once (thread-safe); kInternal when it is missing or malformed.
const Result<MasterFormulary>& LoadMasterFormulary();

// The record (id, version), whatever its status: a past batch's formula stays readable. Fails
// with kNotFound naming the id and version when there is none, or kInvalidArgument naming `field`
// when the id is unknown altogether (listing the known ids).
Result<MasterFormula> FindMasterFormula(const MasterFormulary& f, std::string_view id, int version,
                                        std::string_view field);

// The approved version of `id`. kInvalidArgument naming `field` for an unknown id;
// kConflict when the id has no approved version (all superseded: withdrawn).
Result<MasterFormula> CurrentMasterFormula(const MasterFormulary& f, std::string_view id, std::string_view field);

// The approved version of every id that has one, in file order of the ids.
std::vector<MasterFormula> CurrentMasterFormulas(const MasterFormulary& f);

// The full record as JSON (keys as in the data file, strength as "strength_mg").
nlohmann::json MasterFormulaToJson(const MasterFormula& m);

}  // namespace ldn::pharmacy

#endif  // LDN_PHARMACY_MASTER_FORMULA_H_
