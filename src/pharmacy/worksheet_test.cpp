#include "pharmacy/worksheet.h"

#include <gtest/gtest.h>

#include "pharmacy/capsules.h"

namespace ldn::pharmacy {
namespace {

Preparation Example() {
  CapsuleRequest r;
  r.strength = Dose::FromMicrogramsHcl(500);
  r.count = 100;
  r.source = DrugSource::kApi;
  r.coa = Coa{99.5, 1.0};
  r.capsule_size = "3";
  r.fill_weight_mg = 200;
  r.dispensing.prepared = date::year{2026} / 11 / 22;
  r.dispensing.patient = "<script>alert(1)</script>";
  auto b = CompoundCapsules(*LoadCompoundingKnowledge(), r);
  EXPECT_TRUE(b.ok()) << b.status().ToString();
  return b->prep;
}

TEST(WorksheetTest, HasWhatAPharmacistSigns) {
  const Worksheet w = BuildWorksheet(Example());
  const std::string text = WorksheetText({w});
  for (const char* s : {"COMPOUNDING RECORD", "Lot no.", "Expiry", "CALCULATIONS", "METHOD", "QUALITY CONTROL", "LABEL",
                        "Prepared and weighed by", "Weighings checked by", "Final check by (pharmacist)", "Signature",
                        "152.3 mg", "Aliquot", "naltrexone hydrochloride 0.5 mg", "USP <1176>"}) {
    EXPECT_NE(text.find(s), std::string::npos) << s;
  }
  for (const std::string& line : [&] {
         std::vector<std::string> v;
         size_t pos = 0, nl;
         while ((nl = text.find('\n', pos)) != std::string::npos) {
           v.push_back(text.substr(pos, nl - pos));
           pos = nl + 1;
         }
         return v;
       }()) {
    EXPECT_LE(line.size(), 140u) << line;  // wrapped (the only wide lines are the ingredient table's)
  }
}

TEST(WorksheetTest, HtmlEscapesAndSeparatesSheets) {
  Preparation p = Example();
  const std::string html = WorksheetHtml({BuildWorksheet(p), BuildWorksheet(p)});
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  size_t sections = 0;
  for (size_t at = html.find("<section class=\"sheet\">"); at != std::string::npos;
       at = html.find("<section class=\"sheet\">", at + 1)) {
    ++sections;
  }
  EXPECT_EQ(sections, 2u);
  EXPECT_EQ(HtmlEscape("a&b\"'"), "a&amp;b&quot;&#39;");
}

TEST(WorksheetTest, ConfidentialityIsPrinted) {
  Preparation p = Example();
  p.confidentiality = "PHARMACY ONLY - placebo twin";
  EXPECT_NE(WorksheetText({BuildWorksheet(p)}).find("*** PHARMACY ONLY - placebo twin ***"), std::string::npos);
  EXPECT_NE(WorksheetHtml({BuildWorksheet(p)}).find("class=\"conf\""), std::string::npos);
}

}  // namespace
}  // namespace ldn::pharmacy
