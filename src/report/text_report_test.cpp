#include "report/text_report.h"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/report_test_util.h"

namespace ldn::report {
namespace {

TEST(TextReportTest, SameContentAsTheReport) {
  const ReportModel model = testing_util::ModelFor("responder");
  const std::string text = FormatClinicReportText(model);
  EXPECT_EQ(text.rfind("LDN response report \xe2\x80\x94 patient demo-017 (Europe/Oslo)\n", 0), 0u);
  EXPECT_NE(text.find("Verdict: " + model.headline), std::string::npos);
  EXPECT_NE(text.find("What this before/after comparison cannot tell:"), std::string::npos);
  EXPECT_NE(text.find("Responder (IMMPACT)  Moderate"), std::string::npos);
  EXPECT_NE(text.find("Week 12        2026-05-25 to 06-07  70\xe2\x80\x93"
                      "83"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("\xe2\x88\x92"
                      "14 to \xe2\x88\x92"
                      "1"),
            std::string::npos)
      << "baseline days";
  EXPECT_NE(text.find("2026-04-15 (day 30): <script>alert('x')</script>"), std::string::npos);
  for (const ItemDetail& d : model.items) EXPECT_NE(text.find("  " + d.title + " ("), std::string::npos) << d.title;
}

TEST(TextReportTest, WrapsToTheWidth) {
  const std::string text = FormatClinicReportText(testing_util::ModelFor("early"), 60);
  size_t start = 0;
  bool in_verdict = true;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    if (line.rfind("Key figures", 0) == 0) in_verdict = false;
    size_t columns = 0;
    for (unsigned char c : line) columns += (c & 0xC0) != 0x80 ? 1 : 0;
    // Prose wraps; only an underline or a single over-long word may reach past it.
    if (in_verdict && line.find(' ', 4) != std::string::npos && line.find("===") == std::string::npos) {
      EXPECT_LE(columns, 60u) << line;
    }
    start = end + 1;
  }
}

// Terminal control sequences cannot reach a clinician's terminal: the diary's doors refuse them
// (docs/diary-format.md: names are one line, a note holds no control character but line breaks
// and tabs), and what the report prints of a note is one line.
TEST(TextReportTest, ControlCharactersInNotesCannotReachTheTerminal) {
  nlohmann::json doc = nlohmann::json::parse(testing_util::ReadFile(testing_util::GoldenPath("early.diary.json")));
  {
    nlohmann::json bad = doc;
    bad["diary"][3]["note"] = "red \x1b[31mALERT\x1b[0m";
    auto refused = analysis::ParseDiaryJson(bad.dump());
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.status().ToString().find("note"), std::string::npos) << refused.status().ToString();
  }
  {
    nlohmann::json bad = doc;
    bad["diary"][3]["note"] = "second line \xc2\x9b" "2J";
    EXPECT_FALSE(analysis::ParseDiaryJson(bad.dump()).ok());
  }
  {
    nlohmann::json bad = doc;
    bad["patient"]["id"] = "p\x1b]0;title\x07";
    auto refused = analysis::ParseDiaryJson(bad.dump());
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.status().ToString().find("patient.id"), std::string::npos) << refused.status().ToString();
  }
  doc["diary"][3]["note"] = "red [31mALERT\n\tsecond line";
  auto diary = analysis::ParseDiaryJson(doc.dump());
  ASSERT_TRUE(diary.ok()) << diary.status().ToString();
  auto report = analysis::AnalyzeDiary(*diary);
  ASSERT_TRUE(report.ok());
  const std::string text = FormatClinicReportText(BuildReportModel(*diary, *report));
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("red [31mALERT second line"), std::string::npos) << text;
}

}  // namespace
}  // namespace ldn::report
