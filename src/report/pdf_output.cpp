#include "report/pdf_output.h"

#include <cairo-pdf.h>
#include <fmt/format.h>

namespace ldn::report {

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

PdfOutput::PdfOutput(double width, double height, const std::string& title, const std::string& date)
    : surface_(cairo_pdf_surface_create_for_stream(AppendToString, &bytes_, width, height)) {
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATOR, "ldn");
  if (!date.empty()) {
    const std::string at = date + "T00:00:00";
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_CREATE_DATE, at.c_str());
    cairo_pdf_surface_set_metadata(surface_, CAIRO_PDF_METADATA_MOD_DATE, at.c_str());
  }
  cr_ = cairo_create(surface_);
}

PdfOutput::~PdfOutput() {
  if (cr_ != nullptr) cairo_destroy(cr_);
  if (surface_ != nullptr) cairo_surface_destroy(surface_);
}

Result<std::string> PdfOutput::Finish(std::string_view what) {
  const cairo_status_t status = cairo_status(cr_);
  cairo_destroy(cr_);
  cr_ = nullptr;
  cairo_surface_finish(surface_);
  const cairo_status_t surface_status = cairo_surface_status(surface_);
  cairo_surface_destroy(surface_);
  surface_ = nullptr;
  if (status != CAIRO_STATUS_SUCCESS || surface_status != CAIRO_STATUS_SUCCESS) {
    return Status::Internal(
        fmt::format("cairo could not draw {}: {}", what,
                    cairo_status_to_string(status != CAIRO_STATUS_SUCCESS ? status : surface_status)));
  }
  return std::move(bytes_);
}

}  // namespace ldn::report
