// The batch worksheet (compounding record) a pharmacist signs: what the document says, and its text
// and HTML forms. The PDF form is drawn by src/report/worksheet_pdf.h from the same Worksheet, so
// the three can never say different things.
//
// Sections: header (batch, dates, BUD, storage, patient, balance); ingredients with columns for the
// lot number, expiry, weighed/measured amount and the initials of who weighed and who checked;
// calculations; method steps with a done/initials box; the aliquot plan; quality control with a
// result column; warnings; the label as it will be printed; signatures (prepared by, checked by
// the pharmacist, released by) with date lines; sources and knowledge-base versions.
#ifndef LDN_PHARMACY_WORKSHEET_H_
#define LDN_PHARMACY_WORKSHEET_H_

#include <string>
#include <utility>
#include <vector>

#include "pharmacy/preparation.h"

namespace ldn::pharmacy {

struct WorksheetIngredient {
  std::string name;
  std::string role;
  std::string quantity;  // "456.8 mg", "20 mL", "to 100 mL", "2 tablets (100.0 mg)"
  std::string detail;
};

struct Worksheet {
  std::string title;                                        // "Compounding record"
  std::string subtitle;                                     // the preparation
  std::string confidentiality;                              // "PHARMACY ONLY ..." for blinded pairs; empty otherwise
  std::vector<std::pair<std::string, std::string>> header;  // an empty value prints a fill-in line
  std::vector<WorksheetIngredient> ingredients;
  std::vector<std::string> calculations;
  std::vector<std::string> dose_lines;  // "Dose volumes": liquids only
  std::vector<std::string> method;
  std::vector<std::string> qc;
  std::vector<std::string> warnings;
  std::vector<std::string> notes;
  std::vector<std::string> label_lines;
  std::vector<std::string> signatures;  // each printed with a name, signature and date line
  std::vector<std::string> sources;
  std::string footer;  // the knowledge-base versions
};

// Builds the worksheet of `p`. Pure.
Worksheet BuildWorksheet(const Preparation& p);

// Plain text, 100 columns wide, with fill-in lines. Several worksheets are separated by a form feed.
std::string WorksheetText(const std::vector<Worksheet>& sheets);

// One self-contained HTML document (inline CSS, print-ready: one worksheet per printed page). All
// text is escaped.
std::string WorksheetHtml(const std::vector<Worksheet>& sheets);

// Escapes &, <, >, " and ' for HTML.
std::string HtmlEscape(std::string_view s);

}  // namespace ldn::pharmacy

#endif  // LDN_PHARMACY_WORKSHEET_H_
