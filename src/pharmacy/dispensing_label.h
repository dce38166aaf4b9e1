// The dispensing label and the patient counselling sheet of a dispensed compounded LDN preparation.
//
// Pure: both are built from a plain DispensingInput (the stored batch and order, read by the caller)
// and the embedded knowledge (data/dispensing_labels.json for the jurisdiction texts and the
// counselling texts; data/formulations.json for the opioid-blockade warning and the auxiliary
// labels). Deterministic: the same input gives the same lines, character for character, so a
// reprint is identical to the original (no clock is read; every date comes from the input).
//
// Label content: USP <795> (2023) section 12 (pharmacology-facts.md B5: internal id, active
// ingredient with its salt, dosage form, quantity, BUD, storage, a compounded statement,
// directions, warnings) plus the dispensing particulars of the jurisdiction (UK: Human Medicines
// Regulations 2012 Schedule 26 Part 2; Norway: FOR-2022-06-02-977 § 15-2: patient, prescriber,
// pharmacy name and address, date of dispensing). Each jurisdiction text cites its source in the
// data file and carries `verified`; unverified texts are reported in DispensingDocument::texts.
#ifndef LDN_PHARMACY_DISPENSING_LABEL_H_
#define LDN_PHARMACY_DISPENSING_LABEL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/dose.h"
#include "core/result.h"
#include "pharmacy/knowledge.h"

namespace ldn::pharmacy {

// ---- Knowledge (data/dispensing_labels.json) ----

struct JurisdictionText {
  std::string id;    // "compounded", "children", ...
  std::string text;  // printed as is
  bool verified = false;
  std::string source;
};

struct LabelFamily {
  std::string id;                          // "us", "uk", "eu", "nordic", "ca", "au", "nz"
  std::string name;                        // "United Kingdom"
  std::vector<std::string> jurisdictions;  // jurisdictions.json ids: "uk"; "no", "se", ...
  std::vector<JurisdictionText> lines;     // printed in this order
  std::vector<JurisdictionText> notes;     // for the pharmacist, never printed (what to check locally)
  std::string source;
};

struct CounsellingText {
  std::string id;  // "what_is_ldn", "when_to_take", "missed_dose", "side_effects", "emergency", "bud"
  std::string text;
  bool verified = true;  // false for trust "L" (our own wording, no source states it)
  std::string source;
};

struct DispensingKnowledge {
  std::vector<LabelFamily> families;
  std::vector<CounsellingText> counselling;
  std::string version;  // "dispensing_labels.json 2026-12-05.1"
};

// Parses data/dispensing_labels.json. Fails with kInvalidArgument naming the field
// ("dispensing_labels.json: entries[3].lines[0].verified") on a missing, mistyped or unknown key,
// a duplicate family or counselling id, a jurisdiction listed in two families, a family without
// a "compounded" line, or a missing counselling text (each of the six ids above is required).
Result<DispensingKnowledge> ParseDispensingKnowledge(std::string_view json);

// The embedded file, parsed once (thread-safe). kInternal when it is missing or malformed.
const Result<DispensingKnowledge>& LoadDispensingKnowledge();

// The family whose label lines apply in `jurisdiction` (a jurisdictions.json id such as "uk" or
// "no"; exact, lower case). Fails with kInvalidArgument naming `field` and listing the known
// jurisdictions when none lists it: never a silent default.
Result<LabelFamily> FindLabelFamily(const DispensingKnowledge& k, std::string_view jurisdiction,
                                    std::string_view field);

// ---- Input ----

enum class DispensedForm { kCapsule, kOralLiquid };

// One titration step of the patient's own plan: from `from` to `to` inclusive (open: to the end
// of the supply). `dose` is the daily dose in micrograms of naltrexone HCl; `units_per_dose` is the
// number of capsules (a whole number) or the millilitres of liquid that hold it.
struct DispensingStep {
  LocalDate from;
  std::optional<LocalDate> to;
  Dose dose = Dose::FromMicrogramsHcl(0);
  double units_per_dose = 0;
};

struct DispensingInput {
  std::string jurisdiction;  // jurisdictions.json id of the dispensing pharmacy ("us", "uk", "no", ...)
  std::string patient_name;
  LocalDate patient_birth_date;
  DispensedForm form = DispensedForm::kCapsule;
  Dose strength = Dose::FromMicrogramsHcl(0);  // per capsule, or per mL of liquid
  int64_t quantity = 0;                        // capsules, or mL
  std::vector<DispensingStep> steps;           // in date order, not overlapping
  std::string when;                            // "at bedtime": from the prescription
  std::string prescriber;                      // "Dr A. Prescriber"
  std::string pharmacy_name;
  std::string pharmacy_address;
  std::string pharmacy_phone;
  std::string rx_number;     // the order's number
  std::string batch_number;  // the compounding record's number; must differ from rx_number
  // A pack of a blinded trial kit (placebo-twin pairs, docs/pharmacy.md): its code ("K0007-A"),
  // printed instead of the batch number, and the strength printed "or placebo". Empty: not
  // blinded. With a pack code `batch_number` must be empty: the batch numbers of the two packs
  // differ and would unblind. The two packs' labels are identical except this code.
  std::string pack_code;
  LocalDate dispensed;
  LocalDate bud;
  Storage storage = Storage::kRoom;
};

// ---- Output ----

// A text printed on the document and where it comes from (for "Where does this come from?").
struct TextSource {
  std::string id;  // "jurisdiction.compounded", "opioid_warning", "counselling.missed_dose"
  bool verified = true;
  std::string source;
};

struct DispensingDocument {
  std::string jurisdiction;  // as given
  std::string family;        // the label family id
  std::vector<std::string> lines;
  std::vector<TextSource> texts;  // the data texts used, in the order printed
  // For the pharmacist, not printed: the family's notes (e.g. "print the label in the national
  // language", local rules not checked). Same on every call.
  std::vector<std::string> pharmacist_notes;
};

// The dispensing label. Fails with kInvalidArgument naming the field of DispensingInput
// ("jurisdiction", "patient_name", "steps[1].units_per_dose", "batch_number", ...) when:
//   - the jurisdiction is unknown;
//   - a required text (patient_name, prescriber, pharmacy_name, pharmacy_address, pharmacy_phone,
//     rx_number, batch_number, when) is empty or holds a line break;
//   - batch_number equals rx_number (the batch is not the order);
//   - pack_code is given with a batch_number, holds a line break, or equals rx_number;
//   - strength or quantity is not positive;
//   - there is no step; a step ends before it starts, overlaps the one before, is open-ended but
//     not the last, or starts after the BUD (the preparation may not be used then);
//   - a step's dose is zero, or its units do not hold its dose exactly (capsules: a whole number
//     of capsules x strength; liquid: mL x strength to within 1 microgram);
//   - the birth date is after the dispensing date, or the BUD is before it.
Result<DispensingDocument> DispensingLabel(const DispensingInput& in, const CompoundingKnowledge& compounding,
                                           const DispensingKnowledge& dispensing);

// The patient counselling sheet in plain language from the same input (same validation and
// failures): what LDN is, the patient's own steps with dates and mg and mL or capsules, when to
// take it, the opioid-blockade warning, storage, the BUD, missed doses, side effects, and whom to
// call (the pharmacy's name and phone, the prescriber).
Result<DispensingDocument> CounsellingSheet(const DispensingInput& in, const CompoundingKnowledge& compounding,
                                            const DispensingKnowledge& dispensing);

// The same two with the embedded knowledge; kInternal if it fails to load.
Result<DispensingDocument> DispensingLabel(const DispensingInput& in);
Result<DispensingDocument> CounsellingSheet(const DispensingInput& in);

// {"jurisdiction", "family", "lines": [...], "texts": [{"id", "verified", "source"}],
//  "pharmacist_notes": [...]}.
nlohmann::json DispensingDocumentToJson(const DispensingDocument& d);

}  // namespace ldn::pharmacy

#endif  // LDN_PHARMACY_DISPENSING_LABEL_H_
