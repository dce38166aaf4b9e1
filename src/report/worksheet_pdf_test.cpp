#include "report/worksheet_pdf.h"

#include <gtest/gtest.h>

#include "pharmacy/capsules.h"
#include "pharmacy/twin.h"

namespace ldn::report {
namespace {

using namespace ldn::pharmacy;

CapsuleRequest Request(bool placebo) {
  CapsuleRequest r;
  r.strength = Dose::FromMicrogramsHcl(500);
  r.count = 100;
  r.source = DrugSource::kApi;
  r.coa = Coa{99.5, 1.0};
  r.capsule_size = "3";
  r.fill_weight_mg = 200;
  r.placebo = placebo;
  r.dispensing.prepared = date::year{2026} / 11 / 22;
  return r;
}

Worksheet Sheet(bool placebo = false) {
  auto b = CompoundCapsules(*LoadCompoundingKnowledge(), Request(placebo));
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return BuildWorksheet(b->prep);
}

// Pages in a cairo PDF: one "/Type /Page" object per page (the page tree is "/Type /Pages").
int CountPages(const std::string& pdf) {
  int n = 0;
  for (size_t at = pdf.find("/Type /Page"); at != std::string::npos; at = pdf.find("/Type /Page", at + 1)) {
    if (pdf.compare(at, 12, "/Type /Pages") != 0) ++n;
  }
  return n;
}

TEST(WorksheetPdfTest, RendersAPdfDocument) {
  auto pdf = RenderWorksheetPdf({Sheet()});
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  EXPECT_NE(pdf->find("%%EOF"), std::string::npos);
  EXPECT_GT(pdf->size(), 10'000u);  // embedded fonts and drawn tables, not an empty page
  EXPECT_GE(CountPages(*pdf), 1);
}

TEST(WorksheetPdfTest, EachWorksheetStartsOnItsOwnPage) {
  auto one = RenderWorksheetPdf({Sheet()});
  auto two = RenderWorksheetPdf({Sheet(), Sheet(true)});
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_GT(CountPages(*two), CountPages(*one));
}

TEST(WorksheetPdfTest, LongWorksheetsFlowOntoMorePages) {
  Worksheet w = Sheet();
  const int base = CountPages(*RenderWorksheetPdf({w}));
  const std::string step = "An extra method step that takes a line of its own on the page.";
  w.method.insert(w.method.end(), 80, step);
  auto pdf = RenderWorksheetPdf({w});
  ASSERT_TRUE(pdf.ok());
  EXPECT_GT(CountPages(*pdf), base);
}

TEST(WorksheetPdfTest, NothingToRenderIsAnError) {
  auto pdf = RenderWorksheetPdf({});
  ASSERT_FALSE(pdf.ok());
  EXPECT_EQ(pdf.status().field(), "worksheets");
}

}  // namespace
}  // namespace ldn::report
