#include "server/catalogs.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "core/message.h"

namespace ldn::server {
namespace {

Catalogs Small() {
  return Catalogs::FromJson({{"en", {{"{n} days", {{"one", "{n} day"}, {"other", "{n} days"}}}}},
                             {"da",
                              {{"LDN {dose} mg at bedtime", "LDN {dose} mg ved sengetid"},
                               {"Until {date}.", "Til og med {date}."},
                               {"{n} days", {{"one", "{n} dag"}, {"other", "{n} dage"}}}}}});
}

TEST(CatalogsTest, TranslatesWithTheLanguagesDecimalCommaAndDates) {
  const Catalogs c = Small();
  EXPECT_EQ(c.Text("da", {"LDN {dose} mg at bedtime", {{"dose", 1.5}}}), "LDN 1,5 mg ved sengetid");
  EXPECT_EQ(c.Text("da", {"LDN {dose} mg at bedtime", {{"dose", 3.0}}}), "LDN 3 mg ved sengetid");
  EXPECT_EQ(c.Text("da", {"Until {date}.", {{"date", "2026-12-31"}}}), "Til og med 31.12.2026.");
  EXPECT_EQ(c.Text("en", {"Until {date}.", {{"date", "2026-12-31"}}}), "Until 2026-12-31.");
  EXPECT_EQ(c.Text("en", {"LDN {dose} mg at bedtime", {{"dose", 1.5}}}), "LDN 1.5 mg at bedtime");
}

TEST(CatalogsTest, NumberAndDateFormsOfEachLanguage) {
  // CLDR: da and nb write "1,5" and "31.12.2026"; English "1.5" and ISO dates; unknown is English.
  EXPECT_EQ(Catalogs::DecimalSeparator("da"), ',');
  EXPECT_EQ(Catalogs::DecimalSeparator("nb"), ',');
  EXPECT_EQ(Catalogs::DecimalSeparator("en"), '.');
  EXPECT_EQ(Catalogs::DecimalSeparator("xx"), '.');
  EXPECT_TRUE(Catalogs::DayFirst("da"));
  EXPECT_TRUE(Catalogs::DayFirst("nb"));
  EXPECT_FALSE(Catalogs::DayFirst("en"));
  EXPECT_FALSE(Catalogs::DayFirst("xx"));
}

TEST(CatalogsTest, PluralFormsByTheCount) {
  const Catalogs c = Small();
  EXPECT_EQ(c.Text("da", {"{n} days", {{"n", 1}}}), "1 dag");
  EXPECT_EQ(c.Text("da", {"{n} days", {{"n", 3}}}), "3 dage");
  EXPECT_EQ(c.Text("en", {"{n} days", {{"n", 1}}}), "1 day");
  EXPECT_EQ(c.Text("en", {"{n} days", {{"n", 0}}}), "0 days");
}

TEST(CatalogsTest, AMissingKeyOrAnUnknownLanguageIsEnglish) {
  const Catalogs c = Small();
  EXPECT_EQ(c.Text("da", {"Not in the catalog: {x}.", {{"x", 2.5}}}), "Not in the catalog: 2,5.");
  EXPECT_EQ(c.Text("nb", {"LDN {dose} mg at bedtime", {{"dose", 1.5}}}), "LDN 1,5 mg at bedtime");
  EXPECT_EQ(c.Text("xx", {"LDN {dose} mg at bedtime", {{"dose", 1.5}}}), "LDN 1.5 mg at bedtime");
  EXPECT_TRUE(Catalogs::Known("nb"));
  EXPECT_FALSE(Catalogs::Known("sv"));
  EXPECT_EQ(c.missing(), "nb");
}

TEST(CatalogsTest, LoadsTheWebAppsCatalogsAndSaysWhichAreMissing) {
  EXPECT_EQ(Catalogs::Load(std::filesystem::path(LDN_SOURCE_DIR) / "web" / "locales").missing(), "");
  EXPECT_EQ(Catalogs::Load("/nonexistent").missing(), "en, da, nb");
}

// The analysis' reason for a missing interval (analysis/response.h note_text) is an app key nested
// in a report key: the report's sentence is whole in the language.
TEST(CatalogsTest, TheAnalysisNoteInAReportIsInTheLanguage) {
  const Catalogs c = Catalogs::Load(std::filesystem::path(LDN_SOURCE_DIR) / "web" / "locales");
  const Message m{"No interval for the change: {reason}.",
                  {{"reason", Nested({"effective sample size too small for an interval"})}}};
  EXPECT_EQ(c.Text("da", m),
            "Intet interval for ændringen: den effektive stikprøvestørrelse er for lille til et interval.");
  EXPECT_EQ(c.Text("en", m), "No interval for the change: effective sample size too small for an interval.");
  const Message few{"No interval for the change: {reason}.",
                    {{"reason", Nested({"too few days with data (baseline {baseline}, window {window}; need "
                                        "{need_baseline} and {need_window})",
                                        {{"baseline", 3}, {"window", 5}, {"need_baseline", 7}, {"need_window", 7}}})}}};
  EXPECT_EQ(c.Text("nb", few),
            "Intet intervall for endringen: for få dager med data (før LDN 3, i perioden 5; det trengs 7 og 7).");
}

// The report's own texts (web/locales/server, scripts/locales.mjs) are read beside the app's and
// win a key both hold; a language without the server file still has the app's texts.
TEST(CatalogsTest, ReadsTheServersTextsBesideTheAppsAndTheirWin) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("ldn_catalogs_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "server");
  std::ofstream(dir / "da.json") << R"({"Side effects": "app", "Save": "Gem"})";
  std::ofstream(dir / "server" / "da.json")
      << R"({"Side effects": "Bivirkninger", "Page {n} of {total}": "Side {n} af {total}"})";
  std::ofstream(dir / "nb.json") << R"({"Save": "Lagre"})";
  const Catalogs c = Catalogs::Load(dir);
  EXPECT_EQ(c.Text("da", {"Side effects"}), "Bivirkninger");
  EXPECT_EQ(c.Text("da", {"Save"}), "Gem");
  EXPECT_EQ(c.Text("da", {"Page {n} of {total}", {{"n", 1}, {"total", 6}}}), "Side 1 af 6");
  EXPECT_EQ(c.Text("nb", {"Save"}), "Lagre");
  EXPECT_EQ(c.missing(), "en");
  std::filesystem::remove_all(dir);
  // The real files: every language has the report's texts.
  const Catalogs real = Catalogs::Load(std::filesystem::path(LDN_SOURCE_DIR) / "web" / "locales");
  EXPECT_EQ(real.Text("da", {"Page {n} of {total}", {{"n", 2}, {"total", 6}}}), "Side 2 af 6");
  EXPECT_EQ(real.Text("nb", {"Page {n} of {total}", {{"n", 2}, {"total", 6}}}), "Side 2 av 6");
}

// A diary item or side effect by its label (or another field) in the language, from the
// translations of the embedded data files; English and an id the files lack keep the given label.
TEST(CatalogsTest, ItemsAndSideEffectsByTheDataFilesTranslations) {
  const Catalogs c = Small();
  EXPECT_EQ(c.Text("da", {"{item}", {{"item", ItemRef("pain", "Pain")}}}), "Smerte");
  EXPECT_EQ(c.Text("nb", {"{item}", {{"item", ItemRef("sleep", "Waking unrefreshed")}}}),
            "Ikke uthvilt ved oppvåkning");
  EXPECT_EQ(c.Text("da", {"{item}", {{"item", ItemRef("pain", "no pain", "anchor_0")}}}), "ingen smerter");
  EXPECT_EQ(c.Text("da", {"{item}", {{"item", ItemRef("vivid_dreams", "Vivid dreams")}}}),
            "Livlige drømme eller mareridt");
  EXPECT_EQ(c.Text("nb", {"{item}", {{"item", ItemRef("sleep_hours", "Sleep")}}}), "Søvn");
  EXPECT_EQ(c.Text("en", {"{item}", {{"item", ItemRef("pain", "Pain")}}}), "Pain");
  EXPECT_EQ(c.Text("da", {"{item}", {{"item", ItemRef("my_own_item", "Headache at work")}}}), "Headache at work");
}

}  // namespace
}  // namespace ldn::server
