// The batch worksheet (compounding record) as a PDF, drawn with cairo + pango into memory.
//
// The content comes only from pharmacy::Worksheet (pharmacy/worksheet.h), the same value the text and
// HTML forms print, so the three forms cannot disagree. Layout: A4 portrait; each worksheet starts
// on a new page and flows onto more pages when needed, repeating the table header on a new page;
// every page carries the batch line and "page i of n" of its worksheet. Tables leave room to write:
// lot numbers, expiries, actual amounts and the initials of who weighed and who checked; a
// done/initials box per method step; a result per check; name, signature and date per role.
#ifndef LDN_REPORT_WORKSHEET_PDF_H_
#define LDN_REPORT_WORKSHEET_PDF_H_

#include <string>
#include <vector>

#include "core/result.h"
#include "pharmacy/worksheet.h"

namespace ldn::report {

// The PDF bytes of `sheets` (at least one). Fails with kInvalidArgument (field "worksheets") when
// `sheets` is empty, and with kInternal when cairo reports an error.
Result<std::string> RenderWorksheetPdf(const std::vector<pharmacy::Worksheet>& sheets);

}  // namespace ldn::report

#endif  // LDN_REPORT_WORKSHEET_PDF_H_
