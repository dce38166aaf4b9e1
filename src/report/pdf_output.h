// A PDF drawn with cairo into memory: the surface with its metadata, and the check that cairo drew
// and wrote it. Shared by the documents that flow onto pages (flow_pdf.h, label_pdf.h,
// prescription_pdf.h, worksheet_pdf.h); each draws its pages on cr() and calls
// cairo_show_page itself.
#ifndef LDN_REPORT_PDF_OUTPUT_H_
#define LDN_REPORT_PDF_OUTPUT_H_

#include <string>
#include <string_view>

#include <cairo.h>

#include "core/result.h"

namespace ldn::report {

// A cairo write function appending to the std::string `closure` points to.
cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length);

class PdfOutput {
 public:
  // A PDF of `width` x `height` points titled `title`, created by "ldn"; `date` (YYYY-MM-DD) is
  // its creation and modification date when not empty (else cairo writes the clock's, and the
  // same document no longer gives the same bytes).
  PdfOutput(double width, double height, const std::string& title, const std::string& date = "");
  ~PdfOutput();
  PdfOutput(const PdfOutput&) = delete;
  PdfOutput& operator=(const PdfOutput&) = delete;

  cairo_t* cr() const { return cr_; }

  // Finishes the document and returns its bytes. kInternal "cairo could not draw <what>: ..." when
  // drawing or writing failed. Call once; cr() is gone afterwards.
  Result<std::string> Finish(std::string_view what);

 private:
  std::string bytes_;
  cairo_surface_t* surface_ = nullptr;
  cairo_t* cr_ = nullptr;
};

}  // namespace ldn::report

#endif  // LDN_REPORT_PDF_OUTPUT_H_
