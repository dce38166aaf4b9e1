// The visit report in the app's languages (issue 15, item 6), from the real catalogs the server
// reads (web/locales, web/locales/server) and the data files' translations: the one-page summary
// stays one page and every block stays inside its page in Danish and Norwegian, whose texts are
// longer; no English text of the report is left on the page; numbers and dates are written as
// the language writes them.

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "report/clinic_report.h"
#include "report/report_test_util.h"
#include "server/catalogs.h"
#include "support/command_output.h"

namespace ldn::server {
namespace {

namespace fs = std::filesystem;

using test_support::PdfText;

struct Expected {
  std::string lang;
  std::vector<std::string> present;  // on page 1
};

TEST(ReportLanguageTest, DanishAndNorwegianReportsKeepTheirLayoutAndLeaveNoEnglish) {
  const Catalogs catalogs = Catalogs::Load(fs::path(LDN_SOURCE_DIR) / "web" / "locales");
  ASSERT_EQ(catalogs.missing(), "");
  const std::vector<Expected> cases = {
      {"da",
       {"LDN-effektrapport", "VURDERING", "Smerte", "Ændring i smerte", "6,7 \u2192 4,2 (Uge 12)",
        "Hvad denne før-og-efter-sammenligning ikke kan vise", "Side 1 af", "16. mar.", "lavet 22.11.2026"}},
      {"nb",
       {"LDN-effektrapport", "VURDERING", "Smerte", "Endring i smerte", "6,7 \u2192 4,2 (Uke 12)",
        "Hva denne før-og-etter-sammenligningen ikke kan vise", "Side 1 av", "16. mar.", "laget 22.11.2026"}},
  };
  // English texts of the report's first page that must not survive translation.
  const std::vector<std::string> english = {"VERDICT",    "Pain change",      "What this before/after",
                                            "Page 1 of",  "Side effects",     "daily pain",
                                            "first dose", "Time to response", "Doses taken",
                                            "week 12",    "Week 12",          "before LDN"};
  for (const Expected& c : cases) {
    SCOPED_TRACE(c.lang);
    std::set<std::string> untranslated;
    report::ReportLocale locale;
    locale.language = c.lang;
    locale.decimal = ',';
    locale.day_first = true;
    locale.text = [&](const Message& m) {
      const std::string text = catalogs.Text(c.lang, m);
      // A key whose translation is its English text is untranslated, unless it has no words
      // ("{item}", "{dose} mg") or is a word both languages share ("minimal").
      const std::string words = std::regex_replace(m.key, std::regex("\\{[a-z_]+\\}"), "");
      if (text == Fill(m) && std::regex_search(words, std::regex("[a-z]{3,}")) &&
          !std::set<std::string>{"minimal", "mild", "Dose", "Patient {id}", "patient {id}"}.contains(m.key))
        untranslated.insert(m.key);
      return text;
    };
    for (const std::string name : {"responder", "nonresponder", "early"}) {
      SCOPED_TRACE(name);
      const analysis::Diary diary = report::testing_util::DiaryFor(name);
      auto analysed = analysis::AnalyzeDiary(diary);
      ASSERT_TRUE(analysed.ok());
      report::ReportModelOptions options;
      options.generated_on = "2026-11-22";
      options.locale = locale;
      const report::ReportModel model = report::BuildReportModel(diary, *analysed, options);
      for (const report::Paper paper : {report::Paper::kA4, report::Paper::kLetter}) {
        EXPECT_EQ(report::CountClinicReportPages(model, paper, report::Scope::kSummary), 1);
        for (const report::Scope scope : {report::Scope::kSummary, report::Scope::kFull}) {
          for (const report::PlacedBlock& b : report::LayOutClinicReport(model, paper, scope)) {
            EXPECT_LE(b.bottom, report::ClinicReportContentArea(paper, b.page).bottom + 1e-6);
            EXPECT_GE(b.top, report::ClinicReportContentArea(paper, b.page).top - 1e-6);
          }
        }
      }
      auto pdf = report::RenderClinicReportPdf(model);
      ASSERT_TRUE(pdf.ok());
      const std::string page1 = PdfText(*pdf, 1, 1);
      if (name == "responder") {
        for (const std::string& s : c.present) EXPECT_NE(page1.find(s), std::string::npos) << s << "\n" << page1;
      }
      for (const std::string& s : english) EXPECT_EQ(page1.find(s), std::string::npos) << s << "\n" << page1;
    }
    EXPECT_TRUE(untranslated.empty()) << "untranslated: " << *untranslated.begin();
  }
}

}  // namespace
}  // namespace ldn::server
