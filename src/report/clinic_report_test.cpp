// The PDF and PNG clinic report: valid documents, the expected pages, the verdict and its limits
// as real text (extracted with poppler's pdftotext, a dependency in scripts/setup), and a layout
// that keeps every block inside the page without overlaps, for short and two-year diaries.
#include "report/clinic_report.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "analysis/simulate.h"
#include "report/report_test_util.h"
#include "support/command_output.h"

namespace ldn::report {
namespace {

namespace fs = std::filesystem;

// Page objects in a PDF written by cairo: "/Type /Page" not followed by "s" (that is /Pages).
int CountPdfPages(const std::string& pdf) {
  int n = 0;
  for (size_t pos = 0; (pos = pdf.find("/Type /Page", pos)) != std::string::npos; pos += 11) {
    if (pos + 11 >= pdf.size() || pdf[pos + 11] != 's') ++n;
  }
  return n;
}

// Width and height from a PNG's IHDR chunk (big-endian at bytes 16-23).
std::pair<uint32_t, uint32_t> PngSize(const std::string& png) {
  auto be32 = [&](size_t at) {
    return (static_cast<uint32_t>(static_cast<unsigned char>(png[at])) << 24) |
           (static_cast<uint32_t>(static_cast<unsigned char>(png[at + 1])) << 16) |
           (static_cast<uint32_t>(static_cast<unsigned char>(png[at + 2])) << 8) |
           static_cast<uint32_t>(static_cast<unsigned char>(png[at + 3]));
  };
  return {be32(16), be32(20)};
}

bool IsPng(const std::string& bytes) {
  return bytes.size() > 24 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0;
}

using test_support::CommandOutput;
using test_support::PdfText;
using TempDir = test_support::ScratchDir;

TEST(ClinicReportPdfTest, IsAPdfWithTheExpectedPages) {
  const ReportModel model = testing_util::ModelFor("responder");
  auto pdf = RenderClinicReportPdf(model);
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(pdf->rfind("%PDF-1.5", 0), 0u);
  EXPECT_NE(pdf->find("%%EOF", pdf->size() - 16), std::string::npos);
  const int pages = CountPdfPages(*pdf);
  EXPECT_EQ(pages, CountClinicReportPages(model));
  EXPECT_GE(pages, 4);  // summary + nine items' tables + the rest cannot fit in three A4 pages
  EXPECT_NE(pdf->find("/MediaBox [ 0 0 595.27"), std::string::npos) << "A4";
  // The title metadata, in UTF-16BE hex as cairo writes it: "...patient demo-017>".
  EXPECT_NE(pdf->find("/Title <FEFF004C0044004E"), std::string::npos);
  EXPECT_NE(pdf->find("00640065006D006F002D003000310037>"), std::string::npos);
}

TEST(ClinicReportPdfTest, LetterPaper) {
  auto pdf = RenderClinicReportPdf(testing_util::ModelFor("early"), Paper::kLetter);
  ASSERT_TRUE(pdf.ok());
  EXPECT_NE(pdf->find("/MediaBox [ 0 0 612 792 ]"), std::string::npos);
  EXPECT_EQ(CountPdfPages(*pdf), CountClinicReportPages(testing_util::ModelFor("early"), Paper::kLetter));
}

TEST(ClinicReportPdfTest, SameModelSameBytes) {
  const ReportModel model = testing_util::ModelFor("nonresponder");
  EXPECT_EQ(*RenderClinicReportPdf(model), *RenderClinicReportPdf(model));
}

TEST(ClinicReportPdfTest, FirstPageStatesTheVerdictWithItsLimits) {
  const ReportModel model = testing_util::ModelFor("responder");
  const std::string text = PdfText(*RenderClinicReportPdf(model), 1, 1);
  for (const std::string& needle :
       {std::string("Pain 37% lower in week 12 than before LDN: a moderate change (IMMPACT)"),
        std::string("What this before/after comparison cannot tell"),
        std::string("cannot separate an effect of LDN from the placebo effect, regression to the mean"),
        std::string("pain fell 18.0% on placebo in Younger et al. 2013"),
        std::string("a blinded N-of-1 trial with identical placebo capsules"),
        std::string("Farrar \xe2\x89\xa5"
                    "2 points: yes"),
        std::string("Pain, dose and side effects day by day"), std::string("Page 1 of ")}) {
    EXPECT_NE(text.find(needle), std::string::npos) << "page 1 lacks: " << needle << "\n" << text;
  }
}

TEST(ClinicReportPdfTest, DetailsNameTheIntervalMethodAndShowNotesLiterally) {
  const std::string text = PdfText(*RenderClinicReportPdf(testing_util::ModelFor("responder")));
  EXPECT_NE(text.find("Results by diary item"), std::string::npos);
  EXPECT_NE(text.find("AR(1)-adjusted effective sample size with a Welch t quantile"), std::string::npos);
  EXPECT_NE(text.find("Stable dose 3 2026-04-13 to 04-26 28\xe2\x80\x93"
                      "41 4.5 mg 14 4.4 \xe2\x88\x92"
                      "2.3 \xe2\x88\x92"
                      "34% \xe2\x88\x92"
                      "3.3 to \xe2\x88\x92"
                      "1.2"),
            std::string::npos)
      << text;
  // Pango markup in a note is shown as typed, not interpreted.
  EXPECT_NE(text.find("<script>alert('x')</script> & <b>new</b> pillow \"helps\""), std::string::npos);
}

TEST(ClinicReportPngTest, PagesMatchThePdf) {
  const ReportModel model = testing_util::ModelFor("responder");
  auto pngs = RenderClinicReportPng(model, Paper::kA4, 72);
  ASSERT_TRUE(pngs.ok()) << pngs.status().ToString();
  EXPECT_EQ(static_cast<int>(pngs->size()), CountPdfPages(*RenderClinicReportPdf(model)));
  for (const std::string& png : *pngs) {
    ASSERT_TRUE(IsPng(png));
    EXPECT_EQ(PngSize(png), std::make_pair(596u, 842u));  // ceil(595.28), ceil(841.89) at 72 dpi
  }
  auto big = RenderClinicReportPng(testing_util::ModelFor("early"), Paper::kLetter, 144);
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(PngSize(big->front()), std::make_pair(1224u, 1584u));
  EXPECT_EQ(RenderClinicReportPng(model, Paper::kA4, 20).status().field(), "dpi");
}

// The acceptance check of issue 3: a simulated patient's PDF, first page rendered to PNG by
// poppler (an independent PDF reader), not by our own drawing code.
TEST(ClinicReportPngTest, SimulatedPatientFirstPageRendersWithPoppler) {
  const auto& params = analysis::LoadSimulationParameters();
  ASSERT_TRUE(params.ok()) << params.status().ToString();
  analysis::SimulationRequest request;
  request.seed = 42;
  auto patient = analysis::SimulatePatient(*params, request, 3);
  ASSERT_TRUE(patient.ok()) << patient.status().ToString();
  auto report = analysis::AnalyzeDiary(patient->diary);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const ReportModel model = BuildReportModel(patient->diary, *report);
  auto pdf = RenderClinicReportPdf(model);
  ASSERT_TRUE(pdf.ok());
  TempDir dir;
  std::ofstream(dir.path() / "sim.pdf", std::ios::binary) << *pdf;
  CommandOutput("pdftoppm -png -r 70 -f 1 -l 1 '" + (dir.path() / "sim.pdf").string() + "' '" +
                (dir.path() / "page").string() + "' 2>&1");
  std::string png;
  for (const auto& e : fs::directory_iterator(dir.path())) {
    if (e.path().extension() == ".png") png = testing_util::ReadFile(e.path().string());
  }
  ASSERT_TRUE(IsPng(png)) << "pdftoppm produced no PNG (is poppler-utils installed? scripts/setup)";
  EXPECT_EQ(PngSize(png), std::make_pair(579u, 819u));  // A4 at 70 dpi, as poppler rounds it
  EXPECT_NE(PdfText(*pdf, 1, 1).find(model.headline), std::string::npos);
}

// Every block inside the content area, none overlapping the next on its page.
void ExpectCleanLayout(const ReportModel& model, Paper paper) {
  const std::vector<PlacedBlock> blocks = LayOutClinicReport(model, paper);
  ASSERT_FALSE(blocks.empty());
  for (size_t i = 0; i < blocks.size(); ++i) {
    const ContentArea area = ClinicReportContentArea(paper, blocks[i].page);
    EXPECT_GE(blocks[i].top, area.top - 1e-6) << "block " << i;
    EXPECT_LE(blocks[i].bottom, area.bottom + 1e-6) << "block " << i << " on page " << blocks[i].page;
    if (i > 0 && blocks[i - 1].page == blocks[i].page) {
      EXPECT_GE(blocks[i].top, blocks[i - 1].bottom - 1e-6) << "block " << i << " overlaps the one before";
    }
    if (i > 0) {
      EXPECT_GE(blocks[i].page, blocks[i - 1].page);
    }
  }
}

TEST(ClinicReportLayoutTest, SummaryFitsTheFirstPage) {
  for (const std::string name : {"responder", "nonresponder", "early"}) {
    SCOPED_TRACE(name);
    const ReportModel model = testing_util::ModelFor(name);
    ExpectCleanLayout(model, Paper::kA4);
    ExpectCleanLayout(model, Paper::kLetter);
    // Title, verdict, key figures, chart heading and chart all on page 1.
    const std::vector<PlacedBlock> blocks = LayOutClinicReport(model, Paper::kLetter);
    for (size_t i = 0; i < 5; ++i) EXPECT_EQ(blocks[i].page, 0) << "block " << i;
  }
}

TEST(ClinicReportLayoutTest, TwoYearSimulatedDiaryPaginatesCleanly) {
  const auto& params = analysis::LoadSimulationParameters();
  ASSERT_TRUE(params.ok());
  analysis::SimulationRequest request;
  request.seed = 7;
  request.days = 730;
  auto patient = analysis::SimulatePatient(*params, request, 0);
  ASSERT_TRUE(patient.ok()) << patient.status().ToString();
  auto report = analysis::AnalyzeDiary(patient->diary);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const ReportModel model = BuildReportModel(patient->diary, *report);
  ExpectCleanLayout(model, Paper::kA4);
  auto pdf = RenderClinicReportPdf(model);
  ASSERT_TRUE(pdf.ok());
  EXPECT_EQ(CountPdfPages(*pdf), CountClinicReportPages(model));
}

// The one-page summary for an appointment (issue 15, item 4): one page on either paper, for a short
// and a two-year diary and for one with many side effects; the verdict with its limits and the
// chart are on it, and its note under the title names what only the full report has and how long that is.
TEST(ClinicReportSummaryTest, OnePageWithTheVerdictItsLimitsAndWhatIsLeftOut) {
  for (const std::string name : {"responder", "nonresponder", "early"}) {
    SCOPED_TRACE(name);
    const ReportModel model = testing_util::ModelFor(name);
    for (const Paper paper : {Paper::kA4, Paper::kLetter}) {
      auto pdf = RenderClinicReportPdf(model, paper, Scope::kSummary);
      ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
      EXPECT_EQ(CountPdfPages(*pdf), 1);
      EXPECT_EQ(CountClinicReportPages(model, paper, Scope::kSummary), 1);
      for (const PlacedBlock& b : LayOutClinicReport(model, paper, Scope::kSummary)) {
        EXPECT_EQ(b.page, 0);
        EXPECT_LE(b.bottom, ClinicReportContentArea(paper, 0).bottom + 1e-6);
      }
    }
    const std::string text = PdfText(*RenderClinicReportPdf(model, Paper::kA4, Scope::kSummary));
    const int full = CountClinicReportPages(model);
    for (const std::string& needle :
         {std::string("one-page summary"), std::string("What this before/after comparison cannot tell"),
          std::string("Pain, dose and side effects day by day"), std::string("Page 1 of 1"),
          "The full report (" + std::to_string(full) + " pages) adds"}) {
      EXPECT_NE(text.find(needle), std::string::npos) << "the summary lacks: " << needle << "\n" << text;
    }
    EXPECT_EQ(text.find("Results by diary item"), std::string::npos) << "a detail page's heading";
  }
}

TEST(ClinicReportSummaryTest, LeavesOutTablesThatDoNotFitAndSaysSo) {
  ReportModel model = testing_util::ModelFor("responder");
  // Eight kinds of side effect: more than the summary's table holds.
  while (model.side_effects.rows.size() < 8)
    model.side_effects.rows.push_back(model.side_effects.rows.empty()
                                          ? std::vector<std::string>(model.side_effects.header.size(), "x")
                                          : model.side_effects.rows.back());
  // Forty items' changes cannot fit under the chart.
  while (model.item_summary.rows.size() < 40) model.item_summary.rows.push_back(model.item_summary.rows.back());
  auto pdf = RenderClinicReportPdf(model, Paper::kLetter, Scope::kSummary);
  ASSERT_TRUE(pdf.ok());
  EXPECT_EQ(CountPdfPages(*pdf), 1);
  const std::string text = PdfText(*pdf);
  EXPECT_NE(text.find("Side effects: 8 kinds reported; the table is in the full report."), std::string::npos) << text;
  EXPECT_NE(text.find("adds the table of every item's change"), std::string::npos) << text;
  EXPECT_EQ(text.find("Every item in the evaluation window"), std::string::npos) << text;
}

// The report's language (issue 15, item 6): every text the model and the renderers write goes
// through the locale as a key of the catalogs (web/locales/server for the report's own texts,
// web/locales for the analysis' limits), translated in Danish and Norwegian; numbers take the
// locale's decimal separator and dates its order.
TEST(ClinicReportLanguageTest, EveryTextIsACatalogKeyAndNumbersAndDatesFollowTheLocale) {
  auto load = [](const std::string& file) {
    return nlohmann::json::parse(
        testing_util::ReadFile((fs::path(LDN_SOURCE_DIR) / "web" / "locales" / file).string()));
  };
  std::set<std::string> keys;
  ReportLocale locale;
  locale.language = "da";
  locale.decimal = ',';
  locale.day_first = true;
  locale.text = [&keys](const Message& m) {
    keys.insert(m.key);
    return Fill(m);
  };
  for (const std::string name : {"responder", "nonresponder", "early"}) {
    SCOPED_TRACE(name);
    const analysis::Diary diary = testing_util::DiaryFor(name);
    auto analysed = analysis::AnalyzeDiary(diary);
    ASSERT_TRUE(analysed.ok());
    ReportModelOptions options;
    options.generated_on = "2026-11-22";
    options.locale = locale;
    const ReportModel model = BuildReportModel(diary, *analysed, options);
    auto full = RenderClinicReportPdf(model);
    auto summary = RenderClinicReportPdf(model, Paper::kLetter, Scope::kSummary);
    ASSERT_TRUE(full.ok() && summary.ok());
    const std::string page1 = PdfText(*full, 1, 1);
    // Dates day first, never ISO, on the first page (the limits' citations hold no dates).
    EXPECT_FALSE(std::regex_search(page1, std::regex("20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]"))) << page1;
    EXPECT_NE(page1.find("22.11.2026"), std::string::npos) << "the date it was made";
    if (name == "responder") {
      EXPECT_NE(page1.find("6,7 \u2192 4,2"), std::string::npos) << page1;        // the key figure, decimal comma
      EXPECT_NE(page1.find("02.03. to 15.03.2026"), std::string::npos) << page1;  // a date range, year once
      EXPECT_NE(page1.find("1,5"), std::string::npos) << "the chart's dose in mg";
    }
  }
  // The renderers' own texts go through the locale too: the page footer, the chart's month and legend.
  for (const char* key : {"Page {n} of {total}", "VERDICT", "{d} Mar", "daily pain", "Pain (0\u201310)",
                          "{title}: one-page summary", "Patient {id}"}) {
    EXPECT_TRUE(keys.contains(key)) << key;
  }
  const nlohmann::json server_en = load("server/en.json"), server_da = load("server/da.json"),
                       server_nb = load("server/nb.json"), app_en = load("en.json"), app_da = load("da.json"),
                       app_nb = load("nb.json");
  EXPECT_GT(keys.size(), 100u);
  for (const std::string& key : keys) {
    const bool server = server_en.contains(key);
    EXPECT_TRUE(server || app_en.contains(key)) << "not in the catalogs: " << key;
    EXPECT_TRUE(server ? server_da.contains(key) && server_nb.contains(key)
                       : app_da.contains(key) && app_nb.contains(key))
        << "not translated: " << key;
  }
}

TEST(ClinicReportTest, ParseScope) {
  EXPECT_EQ(*ParseScope("full", "scope"), Scope::kFull);
  EXPECT_EQ(*ParseScope("summary", "scope"), Scope::kSummary);
  EXPECT_EQ(ParseScope("page1", "scope").status().field(), "scope");
}

TEST(ClinicReportTest, ParsePaper) {
  EXPECT_EQ(*ParsePaper("a4", "--paper"), Paper::kA4);
  EXPECT_EQ(*ParsePaper("letter", "--paper"), Paper::kLetter);
  EXPECT_EQ(ParsePaper("legal", "--paper").status().field(), "--paper");
  EXPECT_NEAR(PaperSize(Paper::kA4).width, 595.2756, 1e-3);
  EXPECT_NEAR(PaperSize(Paper::kA4).height, 841.8898, 1e-3);
}

}  // namespace
}  // namespace ldn::report
