// A dispensing label or a patient counselling sheet (pharmacy/dispensing_label.h) as a PDF, drawn
// with cairo + pango into memory. The caller gives the lines, already composed from the stored
// batch and order; this file only lays them out, with the label's Code 128 barcode (the dark and
// light modules of pharmacy/code128.h, quiet zones included) drawn 1 point per module, 36 points
// high, with its text beneath. The same document gives the same bytes on every call (no date is
// written into the PDF's metadata but `date`): a reprint is identical to the original.
#ifndef LDN_REPORT_LABEL_PDF_H_
#define LDN_REPORT_LABEL_PDF_H_

#include <string>
#include <vector>

#include "core/result.h"

namespace ldn::report {

struct LabelDocument {
  std::string title;               // the PDF's title (not printed on a label)
  std::vector<std::string> lines;  // printed in order; "" is a blank line
  std::vector<bool> barcode;       // dark (true) and light modules, quiet zones included; empty: none
  std::string barcode_text;        // printed under the barcode
  bool sheet = false;              // an A4 counselling sheet (else a 105 x 148 mm label)
  std::string date;                // YYYY-MM-DD: the PDF's creation date (else cairo writes "now")
};

// The PDF bytes; more pages when the lines do not fit one. kInternal when cairo reports an error.
Result<std::string> RenderLabelPdf(const LabelDocument& doc);

}  // namespace ldn::report

#endif  // LDN_REPORT_LABEL_PDF_H_
