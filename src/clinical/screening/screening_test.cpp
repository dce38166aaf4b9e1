#include "clinical/screening/screening.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ldn::clinical {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const DrugKnowledgeBase& Kb() {
  auto kb = DrugKnowledgeBase::Embedded();
  EXPECT_TRUE(kb.ok()) << kb.status().ToString();
  return **kb;
}

Status ParseError(const json& j) {
  auto r = ParseScreeningInput(j);
  return r.ok() ? Status::Ok() : r.status();
}

json Minimal() {
  return json{{"today", "2026-11-22"}, {"medications", json::array()}, {"conditions", json::array()}};
}

TEST(ParseScreeningInputTest, AcceptsMinimalAndFullInput) {
  auto r = ParseScreeningInput(Minimal());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->medications.empty());
  json full = Minimal();
  full["medications"] = json::array({{{"name", "codeine"}, {"last_taken", nullptr}, {"current", false}}});
  full["conditions"] = {"pregnancy"};
  full["planned_surgery"] = nullptr;
  auto f = ParseScreeningInput(full);
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_FALSE(f->medications[0].last_taken.has_value());
}

TEST(ParseScreeningInputTest, ErrorsNameTheField) {
  json j = Minimal();
  j["extra"] = 1;
  EXPECT_EQ(ParseError(j).field(), "extra");

  j = Minimal();
  j.erase("today");
  EXPECT_EQ(ParseError(j).field(), "today");

  j = Minimal();
  j["medications"] =
      json::array({{{"name", "codeine"}, {"current", false}}, {{"name", "x"}, {"current", false}, {"dose", 5}}});
  EXPECT_EQ(ParseError(j).field(), "medications[1].dose");

  j = Minimal();
  j["medications"] = json::array({{{"name", ""}, {"current", true}}});
  EXPECT_EQ(ParseError(j).field(), "medications[0].name");

  j = Minimal();
  j["medications"] = json::array({{{"name", "codeine"}, {"current", false}, {"last_taken", "2026-11-23"}}});
  Status s = ParseError(j);
  EXPECT_EQ(s.field(), "medications[0].last_taken");
  EXPECT_NE(s.message().find("after today"), std::string::npos);

  j = Minimal();
  j["medications"] = json::array({{{"name", "codeine"}, {"current", "yes"}}});
  EXPECT_EQ(ParseError(j).field(), "medications[0].current");

  j = Minimal();
  j["conditions"] = {"pregnancy", 3};
  EXPECT_EQ(ParseError(j).field(), "conditions[1]");

  j = Minimal();
  j["planned_surgery"] = "2026-13-01";
  EXPECT_EQ(ParseError(j).field(), "planned_surgery");

  EXPECT_EQ(ParseError(json::array()).code(), Code::kInvalidArgument);
}

TEST(ScreenTest, EveryInputItemYieldsAFinding) {
  json j = Minimal();
  j["medications"] = json::array({{{"name", "duloxetine"}, {"current", true}},
                                  {{"name", "Zzzqx"}, {"current", true}},
                                  {{"name", "codeine"}, {"current", false}, {"last_taken", "2026-01-01"}}});
  j["conditions"] = {"fibromyalgia", "made up condition"};
  auto in = ParseScreeningInput(j);
  ASSERT_TRUE(in.ok());
  auto r = Screen(*in, Kb(), std::nullopt);
  ASSERT_TRUE(r.ok());
  for (const char* subject : {"medications[0]", "medications[1]", "medications[2]", "conditions[0]", "conditions[1]"}) {
    EXPECT_TRUE(std::any_of(r->findings.begin(), r->findings.end(), [&](const Finding& f) {
      return f.subject == subject;
    })) << subject;
  }
  EXPECT_EQ(r->verdict, Verdict::kReview);
  EXPECT_FALSE(r->earliest_start.has_value());
}

// Golden cases: tests/golden/screening/*.json (written by tests/oracles/screening/make_golden_cases.py),
// each {"description", "source", "input", "expected": {"verdict", "earliest_start", "finding_count"?,
//  "findings": [{"rule", "severity", "subject"?, "message_contains": [...], "details"?: {...}}],
//  "absent_rules"?: [...]}}.
// Each expected finding must match a distinct-or-same actual finding on rule and severity (and
// subject when given) whose message contains every listed substring and whose JSON holds every
// "details" key with that value; no finding may have a rule of "absent_rules".
struct GoldenCase {
  std::string name;
  json doc;
};

std::vector<GoldenCase> LoadGolden() {
  std::vector<GoldenCase> cases;
  const fs::path dir = fs::path(LDN_SOURCE_DIR) / "tests/golden/screening";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& p : files) {
    std::ifstream in(p);
    cases.push_back({p.stem().string(), json::parse(in)});
  }
  return cases;
}

class ScreeningGoldenTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(ScreeningGoldenTest, MatchesExpected) {
  const json& doc = GetParam().doc;
  ASSERT_TRUE(doc.contains("source") && !doc["source"].get<std::string>().empty()) << "every case cites a source";
  auto in = ParseScreeningInput(doc.at("input"));
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  auto report = Screen(*in, Kb(), in->jurisdiction);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const json actual = ToJson(*report);
  const json& expected = doc.at("expected");
  SCOPED_TRACE(actual.dump(2));
  EXPECT_EQ(actual["verdict"], expected.at("verdict"));
  EXPECT_EQ(actual["earliest_start"], expected.at("earliest_start"));
  if (expected.contains("finding_count")) {
    EXPECT_EQ(actual["findings"].size(), expected["finding_count"].get<size_t>());
  }
  for (const json& want : expected.at("findings")) {
    bool found = false;
    for (const json& f : actual["findings"]) {
      if (f["rule"] != want.at("rule") || f["severity"] != want.at("severity")) continue;
      if (want.contains("subject") && f["subject"] != want["subject"]) continue;
      const std::string message = f["message"].get<std::string>();
      bool all = true;
      for (const json& part : want.value("message_contains", json::array())) {
        all = all && message.find(part.get<std::string>()) != std::string::npos;
      }
      const json details = want.value("details", json::object());
      for (const auto& [key, value] : details.items()) {
        all = all && f.contains(key) && f[key] == value;
      }
      if (all) found = true;
    }
    EXPECT_TRUE(found) << "no finding matches " << want.dump();
  }
  for (const json& rule : expected.value("absent_rules", json::array())) {
    for (const json& f : actual["findings"]) EXPECT_NE(f["rule"], rule) << "unexpected " << rule;
  }
  // Invariant: every finding has a rule, a message and a source.
  for (const json& f : actual["findings"]) {
    EXPECT_FALSE(f["rule"].get<std::string>().empty());
    EXPECT_FALSE(f["message"].get<std::string>().empty());
    EXPECT_FALSE(f["source"].get<std::string>().empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, ScreeningGoldenTest, ::testing::ValuesIn(LoadGolden()),
                         [](const ::testing::TestParamInfo<GoldenCase>& info) { return info.param.name; });

// Acceptance (issue 11): at least 150 golden cases.
TEST(ScreeningGoldenSuiteTest, HasAtLeast150Cases) {
  EXPECT_GE(LoadGolden().size(), 150u);
}

}  // namespace
}  // namespace ldn::clinical
