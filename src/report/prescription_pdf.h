// A printable prescription (an order of ldn, docs/clinic.md "The order's legal content") as a PDF,
// drawn with cairo + pango into memory.
//
// The document carries what the prescription rules of the UK (HMR 2012 reg. 217), the US
// (21 CFR 1306.05(a) as the model of state rules), Norway (FOR-2022-06-02-977 ch. 5) and Denmark
// (BEK 827/2024 §§ 14-18) ask of a prescription: the prescriber (name, profession, registration,
// address, phone), the patient (name, date of birth, address), the date, the drug with its
// strength, form and quantity, the directions, renewals, the indication, and the signature. The
// caller fills it from the stored order; this file only lays it out: A4 portrait, sections in a
// fixed order, flowing onto further pages with "page i of n".
#ifndef LDN_REPORT_PRESCRIPTION_PDF_H_
#define LDN_REPORT_PRESCRIPTION_PDF_H_

#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace ldn::report {

using Fields = std::vector<std::pair<std::string, std::string>>;  // label, value

struct PrescriptionDocument {
  std::string title = "Prescription";
  std::string reference;  // "Rx 12 (patient 3, course 5)"
  std::string issued_on;  // the date of the prescription
  Fields prescriber;
  Fields patient;
  Fields medicine;
  std::vector<std::string> directions;  // one line per dose step
  std::vector<std::string> fills;       // one line per dispensing
  Fields pharmacy;
  std::string signed_by;                     // empty while unsigned
  std::string signed_at;                     // UTC instant text
  std::vector<std::string> signature_lines;  // key, hash, signature, verification
  std::string watermark;                     // "DRAFT ..." / "CANCELLED: ..." (empty: none)
  std::vector<std::string> sources;
};

// The PDF bytes. Fails with kInternal when cairo reports an error.
Result<std::string> RenderPrescriptionPdf(const PrescriptionDocument& doc);

}  // namespace ldn::report

#endif  // LDN_REPORT_PRESCRIPTION_PDF_H_
