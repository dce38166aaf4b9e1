// The documents of an ended blinded trial, drawn from a trial analysed the way the server does it
// (a diary record read into the analysis), checked as text extracted from the PDF with pdftotext.
#include "report/trial_report.h"

#include <string>

#include <gtest/gtest.h>

#include "analysis/nof1_analysis.h"
#include "support/command_output.h"

namespace ldn::report {
namespace {

using test_support::PdfText;

LocalDate D(const char* text) {
  return *ParseDate(text, "d");
}

// 3 pairs of 14-day periods with 7 run-in days from 2027-01-04, allocation BA AB BA; pain about 3
// on LDN and 6 on placebo with day-to-day ups and downs; a nausea day on LDN; guesses in periods
// 1 and 2 only.
TrialReportInput Input() {
  TrialReportInput in;
  in.patient = "Anna Berg, patient 7";
  in.time_zone = "Europe/Oslo";
  in.trial_id = 4;
  in.protocol.pairs = 3;
  in.protocol.period_days = 14;
  in.protocol.run_in_days = 7;
  in.protocol.secondary_outcomes = {"fatigue"};
  in.protocol_sha256 = std::string(64, 'a');
  analysis::Allocation allocation;
  allocation.pairs = {analysis::PairOrder::kBA, analysis::PairOrder::kAB, analysis::PairOrder::kBA};
  in.allocation = allocation.ToString();
  in.start = D("2027-01-04");
  in.calendar = analysis::TrialCalendar(in.protocol, allocation, in.start);
  in.planned_last = in.calendar.back().last;
  in.until = in.planned_last;
  in.end_reason = "completed as planned";
  in.unblinded_on = in.until;
  in.unblind_reason = "end of the trial: the analysis";
  for (size_t i = 0; i < in.calendar.size(); ++i) {
    in.packs.push_back(fmt::format("K000{}-{}", in.calendar[i].pair, i % 2 == 0 ? 'A' : 'B'));
  }
  analysis::TrialRecord record;
  unsigned seed = 7;
  for (const auto& p : in.calendar) {
    for (LocalDate d = p.first; d <= p.last; d = AddDays(d, 1)) {
      seed = seed * 1103515245u + 12345u;
      const int noise = static_cast<int>((seed >> 16) % 3) - 1;
      const bool ldn = p.arm == analysis::TrialArm::kLdn;
      record[d].items = nlohmann::json{{"pain", (ldn ? 3 : 6) + noise}, {"fatigue", 5 + noise}};
      record[d].dose_taken = true;
    }
  }
  record[AddDays(in.start, 2)].items->operator[]("side_effects") =
      nlohmann::json::array({{{"name", "nausea"}, {"severity", 1}}});
  const std::map<int, analysis::BlindingGuess> guesses = {{1, analysis::BlindingGuess::kLdn},
                                                          {2, analysis::BlindingGuess::kDontKnow}};
  const auto outcome = [&](const std::string& id, const std::string& label) {
    TrialOutcomeResult o;
    o.outcome = id;
    o.label = label;
    analysis::TrialAnalysisOptions options = analysis::AnalysisOptionsFor(in.protocol);
    o.higher_is_better = *analysis::OutcomeHigherIsBetter(id, "outcome");
    options.higher_is_better = o.higher_is_better;
    auto data = analysis::TrialDataFromRecord(in.calendar, record, id, guesses, in.until);
    EXPECT_TRUE(data.ok()) << data.status().ToString();
    auto a = analysis::AnalyzeTrial(*data, options);
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    o.analysis = *a;
    return o;
  };
  in.primary = outcome("pain", "Pain");
  in.secondary = {outcome("fatigue", "Fatigue")};
  in.conduct = analysis::ConductByPeriod(in.calendar, record, in.until);
  in.limits = {"One patient's trial answers for this patient."};
  in.generated_on = D("2027-03-20");
  return in;
}

// pdftotext breaks lines where the PDF does; compare on single spaces.
std::string Flat(std::string s) {
  std::string out;
  for (char c : s) {
    const bool space = c == '\n' || c == ' ' || c == '\f';
    if (space && !out.empty() && out.back() == ' ') continue;
    out += space ? ' ' : c;
  }
  return out;
}

TEST(TrialReportTest, TheClinicianReportHasEveryCentSection) {
  const TrialReportInput in = Input();
  ASSERT_EQ(in.primary.analysis->decision, analysis::TrialDecision::kContinue);
  auto pdf = RenderFlowPdf(TrialReportDocument(in));
  ASSERT_TRUE(pdf.ok()) << pdf.status().ToString();
  EXPECT_EQ(pdf->rfind("%PDF-", 0), 0u);
  const std::string text = Flat(PdfText(*pdf));
  for (const char* want : {"Blinded N-of-1 trial of LDN against placebo",
                           "Anna Berg, patient 7",
                           "Decision by the rule agreed",
                           "Continue LDN:",
                           "The rule read the posterior",
                           "Design, as frozen",
                           "3 pairs of periods",
                           "14 days, the first 7 not analysed",
                           "Allocation (held by the pharmacy",
                           "BA,AB,BA",
                           "K0001-A",
                           "Adherence and missing data by period",
                           "Primary outcome: Pain",
                           "Posterior of the difference",
                           "ar1 (",
                           "mean (",
                           "for comparison",
                           "what the rule reads to continue",
                           "Exact randomization test over all 8 allocations",
                           "Paired t",
                           "Secondary outcomes",
                           "Fatigue",
                           "Blinding",
                           "Bang's blinding index",
                           "Adverse events",
                           "nausea",
                           "Days with rescue medication",
                           "What this trial can and cannot tell",
                           "One patient's trial answers",
                           "Methods and sources",
                           "CENT 2015",
                           "page 1 of"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want;
  }
  // The same input gives the same bytes (a reprint is the original).
  EXPECT_EQ(*pdf, *RenderFlowPdf(TrialReportDocument(in)));
}

TEST(TrialReportTest, AnEarlyStopAndAnEmergencyUnblindingAreReported) {
  TrialReportInput in = Input();
  in.stopped_early = true;
  in.end_reason = "moved abroad";
  in.emergency_unblinding = true;
  in.unblind_reason = "suspected interaction in hospital";
  const std::string text = Flat(PdfText(*RenderFlowPdf(TrialReportDocument(in))));
  EXPECT_NE(text.find("stopped early: moved abroad"), std::string::npos) << text;
  EXPECT_NE(text.find("Emergency unblinding on"), std::string::npos);
  EXPECT_NE(text.find("suspected interaction in hospital"), std::string::npos);
}

TEST(TrialReportTest, WithoutADoseLogAdherenceIsUnknownNotZero) {
  TrialReportInput in = Input();
  for (auto& c : in.conduct) {
    c.doses_unrecorded = c.days;
    c.doses_taken = 0;
  }
  const std::string text = Flat(PdfText(*RenderFlowPdf(TrialReportDocument(in))));
  EXPECT_NE(text.find("0 / 0 / 14 no dose log"), std::string::npos) << text;
  EXPECT_EQ(text.find(" 0% "), std::string::npos);
}

TEST(TrialReportTest, WithoutAnAnalysisTheReportSaysWhy) {
  TrialReportInput in = Input();
  in.primary.analysis.reset();
  in.primary.error = "outcome: no period reached its analysed days";
  const std::string text = Flat(PdfText(*RenderFlowPdf(TrialReportDocument(in))));
  EXPECT_NE(text.find("No decision: outcome: no period reached its analysed days"), std::string::npos) << text;
  EXPECT_NE(text.find("blinding cannot be assessed"), std::string::npos);
}

TEST(TrialReportTest, ThePatientsLetterInPlainWords) {
  const TrialReportInput in = Input();
  const std::string text = Flat(PdfText(*RenderFlowPdf(TrialLetterDocument(in, ReportLocale{}))));
  for (const char* want : {"The answer of your blinded trial", "Your trial ran from 2027-01-04 to",
                           "In your trial, pain was better", "continue LDN", "On average pain was", "K0002-A",
                           "What the pack held", "Placebo", "LDN", "Talk it through with your clinic", "Page 1 of 1"}) {
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
  }
  // No statistics jargon and no rule ids for the patient.
  for (const char* never : {"posterior", "P(LDN", "ar1", "Bang", "randomization", "SHA"}) {
    EXPECT_EQ(text.find(never), std::string::npos) << never;
  }
}

TEST(TrialReportTest, ALetterInTheReadersLanguage) {
  ReportLocale da;
  da.language = "da";
  da.decimal = ',';
  da.day_first = true;
  // A catalog of two texts; the rest falls back to English, as the server's catalogs do.
  da.text = [](const Message& m) {
    Message t = m;
    if (m.key == "The answer of your blinded trial") t.key = "Svaret fra dit blindede forsøg";
    if (m.key == "Page {n} of {total}") t.key = "Side {n} af {total}";
    return Fill(t);
  };
  const std::string text = Flat(PdfText(*RenderFlowPdf(TrialLetterDocument(Input(), da))));
  EXPECT_NE(text.find("Svaret fra dit blindede forsøg"), std::string::npos) << text;
  EXPECT_NE(text.find("04.01.2027"), std::string::npos);
  EXPECT_NE(text.find("Side 1 af 1"), std::string::npos);
}

TEST(FlowPdfTest, AMalformedTableOrCurveIsRefusedNamingTheBlock) {
  FlowDocument doc;
  doc.title = "t";
  doc.blocks = {FlowParagraph("x"), FlowTable({"a", "b"}, {0.5, 0.5}, {{"only one"}})};
  auto r = RenderFlowPdf(doc);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "blocks[1]");
  FlowDensity d;
  d.curves = {{"c", {1}, {0}, {0}, false}};
  doc.blocks = {FlowDensityPlot(d)};
  r = RenderFlowPdf(doc);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field(), "blocks[0]");
}

TEST(FlowPdfTest, ALongTableFlowsOntoMorePagesWithItsHeader) {
  FlowDocument doc;
  doc.title = "Long";
  std::vector<std::vector<std::string>> rows;
  for (int i = 0; i < 120; ++i) rows.push_back({std::to_string(i), "row"});
  doc.blocks = {FlowTable({"Number", "Text"}, {0.5, 0.5}, rows)};
  const std::string pdf = *RenderFlowPdf(doc);
  const std::string page2 = PdfText(pdf, 2, 2);
  EXPECT_NE(page2.find("Number"), std::string::npos);
  EXPECT_NE(PdfText(pdf).find("page 1 of 3"), std::string::npos);
}

}  // namespace
}  // namespace ldn::report
