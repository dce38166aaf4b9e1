// The printable prescription: a PDF whose text (read back with poppler's pdftotext, a dependency in
// scripts/setup) holds every item of a prescription's legal content.
#include "report/prescription_pdf.h"

#include <gtest/gtest.h>

#include "support/command_output.h"

namespace ldn::report {
namespace {

using test_support::PdfText;

PrescriptionDocument Document() {
  PrescriptionDocument d;
  d.reference = "Rx 12 (patient 3, course 5)";
  d.issued_on = "2026-11-22";
  d.prescriber = {{"Prescriber", "Dr Dana Doctor"},
                  {"Profession", "physician"},
                  {"Registration", "HPR 9144889"},
                  {"Address", "Demo clinic, Storgata 1, 0155 Oslo"},
                  {"Phone", "+47 22 00 00 00"}};
  d.patient = {{"Patient", "Pat Demo"}, {"Date of birth", "1979-05-14"}, {"Address", "Parkveien 2, Oslo"}};
  d.medicine = {{"Drug", "naltrexone hydrochloride"},
                {"Strength", "1 mg/mL"},
                {"Form", "oral solution, oral"},
                {"Quantity", "70 mL (28 days' supply)"},
                {"Renewals", "2 (every 28 days)"},
                {"Indication", "fibromyalgia (off-label use)"}};
  d.directions = {"2026-12-01 to 2026-12-07: 1 mg = 1 mL by mouth once daily at bedtime",
                  "2026-12-08 to 2026-12-14: 2 mg = 2 mL by mouth once daily at bedtime"};
  d.fills = {"Fill 1: 2026-12-01 to 2026-12-28, 70 mL"};
  d.pharmacy = {{"Pharmacy", "Apotek Demo"}, {"Address", "Apotekgata 3"}, {"Phone", "+47 22 11 11 11"}};
  d.signed_by = "Dr Dana Doctor";
  d.signed_at = "2026-11-22T12:00:00Z";
  d.signature_lines = {"Content SHA-256: 0123abcd"};
  d.sources = {"UK: Human Medicines Regulations 2012 reg. 217"};
  return d;
}

TEST(PrescriptionPdfTest, CarriesTheLegalContent) {
  auto pdf = RenderPrescriptionPdf(Document());
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  const std::string text = PdfText(*pdf);
  for (const char* expected :
       {"Prescription", "Date: 2026-11-22", "Dr Dana Doctor", "HPR 9144889", "Storgata 1", "Pat Demo", "1979-05-14",
        "naltrexone hydrochloride", "1 mg/mL", "oral solution", "70 mL", "1 mg = 1 mL", "2 (every 28 days)",
        "fibromyalgia", "Apotek Demo", "Content SHA-256: 0123abcd", "page 1 of 1"}) {
    EXPECT_NE(text.find(expected), std::string::npos) << expected << " missing from: " << text;
  }
  EXPECT_EQ(text.find("DRAFT"), std::string::npos);
}

TEST(PrescriptionPdfTest, AnUnsignedDraftSaysSo) {
  PrescriptionDocument d = Document();
  d.signed_by.clear();
  d.signature_lines.clear();
  d.watermark = "DRAFT - NOT SIGNED - NOT VALID FOR DISPENSING";
  auto pdf = RenderPrescriptionPdf(d);
  ASSERT_TRUE(pdf.ok());
  const std::string text = PdfText(*pdf);
  EXPECT_NE(text.find("DRAFT - NOT SIGNED"), std::string::npos) << text;
  EXPECT_NE(text.find("Not signed"), std::string::npos) << text;
}

TEST(PrescriptionPdfTest, LongDirectionsFlowOntoAnotherPage) {
  PrescriptionDocument d = Document();
  for (int i = 0; i < 80; ++i) d.directions.push_back("A step of a long custom titration, one line each: " + std::to_string(i));
  auto pdf = RenderPrescriptionPdf(d);
  ASSERT_TRUE(pdf.ok());
  const std::string text = PdfText(*pdf);
  EXPECT_NE(text.find("page 2 of "), std::string::npos) << text.substr(0, 400);
  EXPECT_EQ(text.find("page 1 of 1"), std::string::npos);
  EXPECT_NE(text.find("Prescription (continued)"), std::string::npos);
}

}  // namespace
}  // namespace ldn::report
