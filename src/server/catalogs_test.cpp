#include "server/catalogs.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace ldn::server
