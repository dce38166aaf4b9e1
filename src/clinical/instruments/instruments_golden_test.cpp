// Data-driven tests: every case of tests/golden/instruments/{fiqr,acr,pgic}.json is scored and its
// "expected" subset (or "error") compared with the result. Expected values in those files are
// computed by hand from the published formulas; each case cites its source.
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "clinical/instruments/acr.h"
#include "clinical/instruments/fiqr.h"
#include "clinical/instruments/pgic.h"

namespace ldn::clinical {
namespace {

using nlohmann::json;

json LoadGolden(const std::string& name) {
  std::ifstream in(std::string(LDN_SOURCE_DIR) + "/tests/golden/instruments/" + name);
  EXPECT_TRUE(in.good()) << name;
  return json::parse(in);
}

// `expected` is a subset of `actual`: objects by key, arrays element-wise with equal length,
// numbers within 1e-9, {"$contains": s} a string containing s.
bool Matches(const json& expected, const json& actual, const std::string& path, std::string* why) {
  if (expected.is_object() && expected.contains("$contains")) {
    if (actual.is_string() &&
        actual.get<std::string>().find(expected["$contains"].get<std::string>()) != std::string::npos) {
      return true;
    }
    *why = path + ": expected a string containing " + expected["$contains"].dump() + ", got " + actual.dump();
    return false;
  }
  if (expected.is_object()) {
    if (!actual.is_object()) {
      *why = path + ": expected an object, got " + actual.dump();
      return false;
    }
    for (const auto& [k, v] : expected.items()) {
      if (!actual.contains(k)) {
        *why = path + "." + k + ": missing";
        return false;
      }
      if (!Matches(v, actual[k], path + "." + k, why)) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) {
      *why = path + ": expected " + expected.dump() + ", got " + actual.dump();
      return false;
    }
    for (size_t i = 0; i < expected.size(); ++i) {
      if (!Matches(expected[i], actual[i], path + "[" + std::to_string(i) + "]", why)) return false;
    }
    return true;
  }
  if (expected.is_number() && actual.is_number()) {
    if (std::fabs(expected.get<double>() - actual.get<double>()) <= 1e-9) return true;
  } else if (expected == actual) {
    return true;
  }
  *why = path + ": expected " + expected.dump() + ", got " + actual.dump();
  return false;
}

Result<json> Score(const std::string& instrument, const json& input, const json& options) {
  if (instrument == "fiqr") {
    LDN_ASSIGN_OR_RETURN(FiqrAnswers a, ReadFiqrAnswers(input));
    FiqrOptions o;
    o.lenient_missing = options.value("lenient_missing", false);
    LDN_ASSIGN_OR_RETURN(FiqrScore s, ScoreFiqr(a, o));
    return FiqrScoreToJson(s);
  }
  if (instrument == "pgic") {
    LDN_ASSIGN_OR_RETURN(int v, ReadPgic(input));
    return PgicScoreToJson(ScorePgic(v));
  }
  AcrVersion v;
  if (instrument == "acr2010") {
    v = AcrVersion::k2010;
  } else if (instrument == "acr2011") {
    v = AcrVersion::k2011;
  } else if (instrument == "acr2016") {
    v = AcrVersion::k2016;
  } else {
    return Status::InvalidArgument("instrument", "unknown instrument in golden file: " + instrument);
  }
  LDN_ASSIGN_OR_RETURN(AcrAnswers a, ReadAcrAnswers(input));
  LDN_ASSIGN_OR_RETURN(AcrScore s, ScoreAcr(a, v));
  return AcrScoreToJson(s);
}

void RunGoldenFile(const std::string& file, const std::string& default_instrument, size_t min_cases) {
  const json doc = LoadGolden(file);
  ASSERT_GE(doc.at("cases").size(), min_cases) << file;
  for (const json& c : doc.at("cases")) {
    const std::string name = c.at("name").get<std::string>();
    SCOPED_TRACE(file + ": " + name);
    ASSERT_FALSE(c.value("source", "").empty()) << "every golden case cites its source";
    const std::string instrument = c.value("instrument", default_instrument);
    const Result<json> r = Score(instrument, c.at("input"), c.value("options", json::object()));
    if (c.contains("error")) {
      ASSERT_FALSE(r.ok()) << "expected an error, got " << r->dump();
      EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
      EXPECT_EQ(r.status().field(), c["error"].at("field").get<std::string>()) << r.status().ToString();
      EXPECT_NE(r.status().message().find(c["error"].at("message_contains").get<std::string>()), std::string::npos)
          << r.status().ToString();
    } else {
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      std::string why;
      EXPECT_TRUE(Matches(c.at("expected"), *r, "$", &why)) << why << "\nactual: " << r->dump();
      EXPECT_EQ(r->at("instrument").get<std::string>(), instrument);
    }
  }
}

TEST(InstrumentsGoldenTest, Fiqr) {
  RunGoldenFile("fiqr.json", "fiqr", 10);
}
TEST(InstrumentsGoldenTest, Acr) {
  RunGoldenFile("acr.json", "", 15);
}
TEST(InstrumentsGoldenTest, Pgic) {
  RunGoldenFile("pgic.json", "pgic", 7);
}

}  // namespace
}  // namespace ldn::clinical
