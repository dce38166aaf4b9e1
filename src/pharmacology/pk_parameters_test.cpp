#include "pharmacology/pk_parameters.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "core/json_reader.h"
#include "core/knowledge_files.h"

namespace ldn::pharmacology {
namespace {

std::string EmbeddedText() {
  auto text = KnowledgeFileText("pk_parameters.json");
  EXPECT_TRUE(text.ok());
  return std::string(*text);
}

// Replaces the first occurrence of `from` in the embedded file; fails the test when absent.
std::string Edited(const std::string& from, const std::string& to) {
  std::string s = EmbeddedText();
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(PkParametersTest, EmbeddedFileLoadsWithA2Values) {
  auto p = DefaultPkParameters();
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_DOUBLE_EQ(p->ka_per_h, 3.0);
  EXPECT_DOUBLE_EQ(p->naltrexone_half_life_h, 4.0);
  EXPECT_DOUBLE_EQ(p->naltrexone_v_f_l, 3150.0);
  EXPECT_DOUBLE_EQ(p->naltrexol_half_life_h, 13.0);
  EXPECT_DOUBLE_EQ(p->naltrexol_v_f_l, 430.0);
  EXPECT_DOUBLE_EQ(p->ec50_direct_ng_ml, 1.5);
  EXPECT_DOUBLE_EQ(p->trostheim_ed50_mg, 5.59);
  // CL/F derived from V/F and t1/2 agrees with A2's ~550 and ~23 L/h.
  EXPECT_NEAR(p->naltrexone_cl_f_l_h(), 550.0, 11.0);
  EXPECT_NEAR(p->naltrexol_cl_f_l_h(), 23.0, 0.5);
}

TEST(PkParametersTest, EveryRecordHasSourceTrustAndAssumptionsAreLabelled) {
  auto p = DefaultPkParameters();
  ASSERT_TRUE(p.ok());
  int assumptions = 0;
  for (const ParameterRecord& r : p->records) {
    EXPECT_FALSE(r.source.empty()) << r.id;
    EXPECT_TRUE(r.trust == "H" || r.trust == "M" || r.trust == "L") << r.id;
    if (r.assumption) {
      ++assumptions;
      EXPECT_NE(r.source.find("ASSUMPTION"), std::string::npos) << r.id;
    }
    if (r.id == "occupancy.ke0_half_life" || r.id.rfind("iiv.", 0) == 0) {
      EXPECT_TRUE(r.assumption) << r.id;
    }
  }
  EXPECT_GE(assumptions, 5);
}

TEST(PkParametersTest, RejectsInconsistentClearance) {
  auto p = ParsePkParameters(Edited("\"value\": 550.0", "\"value\": 600.0"));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(p.status().field(), "naltrexone.cl_f");
}

TEST(PkParametersTest, RejectsBaseDoseBasis) {
  auto p = ParsePkParameters(Edited("\"value\": \"naltrexone HCl\"", "\"value\": \"naltrexone base\""));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().field(), "entries[0].value");
}

TEST(PkParametersTest, RejectsUnknownIdAndImplausibleValue) {
  auto unknown = ParsePkParameters(Edited("\"naltrexone.ka\"", "\"naltrexone.kaa\""));
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().field(), "entries[1].id");
  auto minutes = ParsePkParameters(Edited("\"value\": 4.0", "\"value\": 240.0"));
  ASSERT_FALSE(minutes.ok());
  EXPECT_EQ(minutes.status().field(), "entries[2].value");
}

TEST(PkParametersTest, RejectsMissingEntryAndUnknownKey) {
  auto missing = ParsePkParameters(Edited("\"iiv.ec50_cv\"", "\"naltrexone.ka\""));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("duplicate"), std::string::npos);
  auto extra = ParsePkParameters(Edited("\"unit\": \"1/h\"", "\"unit\": \"1/h\", \"colour\": 1"));
  ASSERT_FALSE(extra.ok());
  EXPECT_EQ(extra.status().field(), "entries[1].colour");
  EXPECT_FALSE(ParsePkParameters("{").ok());
}

}  // namespace
}  // namespace ldn::pharmacology
