// The HTML report: self-contained (no script, no external resource), every diary text escaped,
// the chart inline as SVG with ids that cannot collide.
#include "report/html_report.h"

#include <algorithm>
#include <cctype>
#include <regex>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report/pain_chart.h"
#include "report/report_test_util.h"

namespace ldn::report {
namespace {

size_t Count(const std::string& s, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = 0; (pos = s.find(needle, pos)) != std::string::npos; pos += needle.size()) ++n;
  return n;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(EscapeHtmlTest, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(EscapeHtml("<a href=\"x\" title='y'>&amp;</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;");
  EXPECT_EQ(EscapeHtml("plain \xe2\x88\x92 text"), "plain \xe2\x88\x92 text");
}

TEST(HtmlReportTest, SelfContainedAndWithoutScript) {
  auto html = RenderClinicReportHtml(testing_util::ModelFor("responder"));
  ASSERT_TRUE(html.ok()) << html.status().ToString();
  EXPECT_EQ(html->rfind("<!DOCTYPE html>", 0), 0u);
  const std::string lower = Lower(*html);
  EXPECT_EQ(lower.find("<script"), std::string::npos);
  EXPECT_EQ(lower.find("<link"), std::string::npos);
  EXPECT_EQ(lower.find("<img"), std::string::npos);
  EXPECT_EQ(lower.find("<iframe"), std::string::npos);
  EXPECT_EQ(lower.find("src="), std::string::npos);
  EXPECT_EQ(lower.find("@import"), std::string::npos);
  EXPECT_EQ(lower.find("url(http"), std::string::npos);
  EXPECT_EQ(lower.find("javascript:"), std::string::npos);
  // No event handler attribute (" on<letters>=" inside a tag). Scanned by hand: libstdc++'s regex
  // recurses once per character of "[^>]*", and the chart's long path data overflows the stack of
  // the clang sanitizer build.
  for (size_t at = lower.find('<'); at != std::string::npos; at = lower.find('<', at + 1)) {
    const size_t end = std::min(lower.find('>', at), lower.size());
    for (size_t on = lower.find(" on", at); on < end; on = lower.find(" on", on + 1)) {
      size_t i = on + 3;
      while (i < end && lower[i] >= 'a' && lower[i] <= 'z') ++i;
      const bool named = i > on + 3;
      while (i < end && std::isspace(static_cast<unsigned char>(lower[i]))) ++i;
      EXPECT_FALSE(named && i < end && lower[i] == '=') << "an event handler attribute: " << lower.substr(on, 40);
    }
  }
  // The only URLs are XML namespace names, which nothing fetches.
  const std::regex url("https?://[^\"' )]+");
  for (auto it = std::sregex_iterator(html->begin(), html->end(), url); it != std::sregex_iterator(); ++it) {
    const std::string u = it->str();
    EXPECT_TRUE(u == "http://www.w3.org/2000/svg" || u == "http://www.w3.org/1999/xlink") << u;
  }
  // Exactly one inline chart; every reference inside it points at a prefixed id.
  EXPECT_EQ(Count(*html, "<svg"), 1u);
  EXPECT_EQ(html->find("<?xml"), std::string::npos);
  const std::regex href("href=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html->begin(), html->end(), href); it != std::sregex_iterator(); ++it) {
    EXPECT_EQ((*it)[1].str().rfind("#ldnchart-", 0), 0u) << (*it)[0].str();
  }
  const std::regex id_attr(" id=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(html->begin(), html->end(), id_attr); it != std::sregex_iterator(); ++it) {
    const std::string id = (*it)[1].str();
    EXPECT_TRUE(id.rfind("ldnchart-", 0) == 0 || id.rfind("item-", 0) == 0) << id;
  }
}

TEST(HtmlReportTest, NoteWithMarkupIsEscaped) {
  auto html = RenderClinicReportHtml(testing_util::ModelFor("responder"));
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->find("<script>alert"), std::string::npos);
  EXPECT_EQ(html->find("<b>new</b>"), std::string::npos);
  EXPECT_NE(html->find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;new&lt;/b&gt; pillow "
                       "&quot;helps&quot;"),
            std::string::npos);
}

TEST(HtmlReportTest, HostilePatientIdAndSideEffectNameAreEscaped) {
  nlohmann::json doc = nlohmann::json::parse(testing_util::ReadFile(testing_util::GoldenPath("early.diary.json")));
  doc["patient"]["id"] = "<img src=x onerror=alert(1)>";
  auto diary = analysis::ParseDiaryJson(doc.dump());
  ASSERT_TRUE(diary.ok()) << diary.status().ToString();
  auto report = analysis::AnalyzeDiary(*diary);
  ASSERT_TRUE(report.ok());
  auto html = RenderClinicReportHtml(BuildReportModel(*diary, *report));
  ASSERT_TRUE(html.ok());
  EXPECT_EQ(html->find("<img"), std::string::npos);
  EXPECT_NE(html->find("Patient &lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

TEST(HtmlReportTest, CarriesTheVerdictLimitsAndEveryItem) {
  const ReportModel model = testing_util::ModelFor("nonresponder");
  auto html = RenderClinicReportHtml(model);
  ASSERT_TRUE(html.ok());
  EXPECT_NE(html->find(EscapeHtml(model.headline)), std::string::npos);
  for (const std::string& limit : model.limits) EXPECT_NE(html->find(EscapeHtml(limit)), std::string::npos) << limit;
  for (const ItemDetail& d : model.items) EXPECT_NE(html->find("id=\"item-" + d.key + "\""), std::string::npos);
  EXPECT_NE(html->find("class=\"verdict not_improved\""), std::string::npos);
}

TEST(PainChartSvgTest, PrefixesEveryIdAndReference) {
  const ChartModel chart = testing_util::ModelFor("early").chart;
  auto plain = RenderPainChartSvg(chart, 500, 260, "");
  auto prefixed = RenderPainChartSvg(chart, 500, 260, "p1-");
  ASSERT_TRUE(plain.ok() && prefixed.ok());
  EXPECT_NE(plain->find("<svg"), std::string::npos);
  EXPECT_NE(plain->find("width=\"500pt\""), std::string::npos);
  const size_t ids = Count(*plain, "id=\"");
  EXPECT_GT(ids, 0u);  // glyphs are defined once and referenced
  EXPECT_EQ(Count(*prefixed, "id=\"p1-"), ids);
  EXPECT_EQ(Count(*prefixed, "href=\"#p1-"), Count(*plain, "href=\"#"));
  EXPECT_EQ(Count(*prefixed, "url(#p1-"), Count(*plain, "url(#"));
}

}  // namespace
}  // namespace ldn::report
