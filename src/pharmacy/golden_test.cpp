// Data-driven golden tests of the compounding computations: tests/golden/pharmacy/{capsules,liquid,bud}.json
// (inputs, expected outputs and their published sources) and oracle.csv (the same cases recomputed
// independently in R by tests/oracles/pharmacy_reference.R).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/json_reader.h"
#include "pharmacy/bud.h"
#include "pharmacy/capsules.h"
#include "pharmacy/liquid.h"

namespace ldn::pharmacy {
namespace {

std::string ReadGolden(const std::string& name) {
  std::ifstream in(std::filesystem::path(LDN_SOURCE_DIR) / "tests" / "golden" / "pharmacy" / name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json Golden(const std::string& name) {
  auto j = ParseJson(ReadGolden(name));
  EXPECT_TRUE(j.ok()) << name << ": " << j.status().ToString();
  return j.ok() ? *j : nlohmann::json::object();
}

const CompoundingKnowledge& K() {
  const auto& k = LoadCompoundingKnowledge();
  EXPECT_TRUE(k.ok()) << k.status().ToString();
  return *k;
}

const LocalDate kPrepared = date::year{2026} / 11 / 22;

// ---- Test-only readers of the golden requests (strict: an unknown key fails the test) ----

Result<std::optional<Coa>> ReadCoa(JsonObject& o) {
  LDN_ASSIGN_OR_RETURN(std::optional<double> assay, o.OptionalNumber("assay_pct", -1000, 1000));
  LDN_ASSIGN_OR_RETURN(std::optional<double> water, o.OptionalNumber("water_pct", -1000, 1000));
  if (!assay) return std::optional<Coa>();
  return std::optional<Coa>(Coa{*assay, water.value_or(0)});
}

Result<Dispensing> ReadDispensing(JsonObject& o) {
  Dispensing d;
  d.prepared = kPrepared;
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* expiries, o.OptionalArray("component_expiry"));
  if (expiries != nullptr) {
    for (size_t i = 0; i < expiries->size(); ++i) {
      LDN_ASSIGN_OR_RETURN(std::string s, ReadString((*expiries)[i], IndexPath("component_expiry", i)));
      LDN_ASSIGN_OR_RETURN(LocalDate e, ParseDate(s, "component_expiry"));
      d.component_expiries.push_back(e);
    }
  }
  return d;
}

Result<Dose> ReadMg(JsonObject& o, std::string_view key) {
  LDN_ASSIGN_OR_RETURN(double mg, o.Number(key, 0, 1000));
  return Dose::FromMilligramsHcl(mg, key);
}

Result<CapsuleRequest> ReadCapsuleRequest(JsonObject o) {
  CapsuleRequest r;
  LDN_ASSIGN_OR_RETURN(r.strength, ReadMg(o, "strength_mg"));
  LDN_ASSIGN_OR_RETURN(r.count, o.Integer("count", -100, 100000));
  LDN_ASSIGN_OR_RETURN(std::string source, o.String("source"));
  LDN_ASSIGN_OR_RETURN(r.source, ParseDrugSource(source, "source"));
  LDN_ASSIGN_OR_RETURN(r.coa, ReadCoa(o));
  LDN_ASSIGN_OR_RETURN(r.tablet_weight_mg, o.OptionalNumber("tablet_weight_mg", 0, 10000));
  LDN_ASSIGN_OR_RETURN(r.capsule_size, o.String("capsule_size"));
  LDN_ASSIGN_OR_RETURN(r.fill_weight_mg, o.Number("fill_weight_mg", -1000, 10000));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> filler, o.OptionalString("filler"));
  r.filler = filler.value_or("");
  LDN_ASSIGN_OR_RETURN(std::optional<double> overage, o.OptionalNumber("overage_pct", -100, 100));
  r.overage_pct = overage.value_or(0);
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> balance, o.OptionalString("balance"));
  r.balance = balance.value_or("class-a");
  LDN_ASSIGN_OR_RETURN(r.mwq_mg, o.OptionalNumber("mwq_mg", 0, 100000));
  LDN_ASSIGN_OR_RETURN(std::optional<bool> placebo, o.OptionalBool("placebo"));
  r.placebo = placebo.value_or(false);
  LDN_ASSIGN_OR_RETURN(r.dispensing, ReadDispensing(o));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return r;
}

Result<std::vector<ScheduledDose>> ReadDoses(JsonObject& o) {
  std::vector<ScheduledDose> out;
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* doses, o.OptionalArray("doses"));
  if (doses == nullptr) return out;
  for (size_t i = 0; i < doses->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject d, JsonObject::Of((*doses)[i], IndexPath("doses", i)));
    ScheduledDose s;
    LDN_ASSIGN_OR_RETURN(s.dose, ReadMg(d, "mg"));
    LDN_ASSIGN_OR_RETURN(s.start, d.OptionalDate("start"));
    LDN_ASSIGN_OR_RETURN(s.end, d.OptionalDate("end"));
    LDN_RETURN_IF_ERROR(d.RejectUnknownKeys());
    out.push_back(s);
  }
  return out;
}

Result<Storage> ReadStorage(JsonObject& o, Storage default_storage) {
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> s, o.OptionalString("storage"));
  if (!s) return default_storage;
  return ParseStorage(*s, "storage");
}

Result<LiquidRequest> ReadLiquidRequest(JsonObject o) {
  LiquidRequest r;
  LDN_ASSIGN_OR_RETURN(r.concentration_per_ml, ReadMg(o, "concentration_mg_per_ml"));
  LDN_ASSIGN_OR_RETURN(r.volume_ml, o.Integer("volume_ml", -100, 100000));
  LDN_ASSIGN_OR_RETURN(std::string source, o.String("source"));
  LDN_ASSIGN_OR_RETURN(r.source, ParseDrugSource(source, "source"));
  LDN_ASSIGN_OR_RETURN(r.coa, ReadCoa(o));
  LDN_ASSIGN_OR_RETURN(std::optional<bool> preserved, o.OptionalBool("preserved"));
  r.preserved = preserved.value_or(true);
  LDN_ASSIGN_OR_RETURN(r.storage, ReadStorage(o, Storage::kFridge));
  LDN_ASSIGN_OR_RETURN(r.doses, ReadDoses(o));
  LDN_ASSIGN_OR_RETURN(r.dispensing, ReadDispensing(o));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return r;
}

Result<HomeDilutionRequest> ReadHomeRequest(JsonObject o) {
  HomeDilutionRequest r;
  LDN_ASSIGN_OR_RETURN(r.water_ml, o.OptionalInteger("water_ml", -100, 100000));
  LDN_ASSIGN_OR_RETURN(r.storage, ReadStorage(o, Storage::kFridge));
  LDN_ASSIGN_OR_RETURN(r.doses, ReadDoses(o));
  LDN_ASSIGN_OR_RETURN(r.dispensing, ReadDispensing(o));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return r;
}

Result<BudRequest> ReadBudRequest(JsonObject o) {
  BudRequest r;
  LDN_ASSIGN_OR_RETURN(std::string category, o.String("category"));
  LDN_ASSIGN_OR_RETURN(r.category, ParseBudCategory(category, "category"));
  LDN_ASSIGN_OR_RETURN(r.storage, ReadStorage(o, Storage::kRoom));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> formula, o.OptionalString("formula"));
  r.formula = formula.value_or("");
  LDN_ASSIGN_OR_RETURN(std::optional<double> conc, o.OptionalNumber("concentration_mg_per_ml", 0, 1000));
  if (conc) {
    LDN_ASSIGN_OR_RETURN(Dose c, Dose::FromMilligramsHcl(*conc, "concentration_mg_per_ml"));
    r.concentration_per_ml = c;
  }
  LDN_ASSIGN_OR_RETURN(std::optional<bool> preserved, o.OptionalBool("preserved"));
  r.preserved = preserved.value_or(false);
  LDN_ASSIGN_OR_RETURN(Dispensing d, ReadDispensing(o));
  r.prepared = d.prepared;
  r.component_expiries = d.component_expiries;
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return r;
}

// Runs one golden case of any file: the output JSON, or the failure.
Result<nlohmann::json> RunCase(const std::string& file, const nlohmann::json& c) {
  LDN_ASSIGN_OR_RETURN(JsonObject request, JsonObject::Of(c.at("request"), "request"));
  if (file == "capsules.json") {
    LDN_ASSIGN_OR_RETURN(CapsuleRequest r, ReadCapsuleRequest(request));
    LDN_ASSIGN_OR_RETURN(CapsuleBatch b, CompoundCapsules(K(), r));
    return CapsuleBatchToJson(b);
  }
  if (file == "bud.json") {
    LDN_ASSIGN_OR_RETURN(BudRequest r, ReadBudRequest(request));
    LDN_ASSIGN_OR_RETURN(BudResult b, ComputeBud(K(), r));
    return BudToJson(b);
  }
  if (c.at("kind") == "liquid") {
    LDN_ASSIGN_OR_RETURN(LiquidRequest r, ReadLiquidRequest(request));
    LDN_ASSIGN_OR_RETURN(LiquidBatch b, CompoundLiquid(K(), r));
    return LiquidBatchToJson(b);
  }
  LDN_ASSIGN_OR_RETURN(HomeDilutionRequest r, ReadHomeRequest(request));
  LDN_ASSIGN_OR_RETURN(HomeDilution h, PrepareHomeDilution(K(), r));
  return HomeDilutionToJson(h);
}

// Compares `actual` with `expected`: numbers within `tol`, {"$contains": s} a substring, else equal.
void ExpectMatches(const nlohmann::json& actual, const nlohmann::json& expected, double tol, const std::string& where) {
  if (expected.is_object() && expected.contains("$contains")) {
    ASSERT_TRUE(actual.is_string()) << where << ": " << actual.dump();
    EXPECT_NE(actual.get<std::string>().find(expected["$contains"].get<std::string>()), std::string::npos)
        << where << ": " << actual.dump();
  } else if (expected.is_number()) {
    ASSERT_TRUE(actual.is_number()) << where << ": " << actual.dump();
    EXPECT_NEAR(actual.get<double>(), expected.get<double>(), tol) << where;
  } else {
    EXPECT_EQ(actual, expected) << where;
  }
}

nlohmann::json At(const nlohmann::json& j, const std::string& pointer, const std::string& where) {
  const nlohmann::json::json_pointer p(pointer);
  EXPECT_TRUE(j.contains(p)) << where << ": no " << pointer;
  return j.contains(p) ? j.at(p) : nlohmann::json("<missing>");
}

class PharmacyGoldenTest : public testing::TestWithParam<std::string> {};

TEST_P(PharmacyGoldenTest, CasesMatchExpectedOutputs) {
  const std::string file = GetParam();
  const nlohmann::json g = Golden(file);
  ASSERT_TRUE(g.contains("cases"));
  ASSERT_GE(g["cases"].size(), 3u);
  for (const nlohmann::json& c : g["cases"]) {
    const std::string name = c.at("name").get<std::string>();
    auto out = RunCase(file, c);
    if (c.contains("error")) {
      ASSERT_FALSE(out.ok()) << name << " should fail";
      EXPECT_EQ(out.status().code(), Code::kInvalidArgument) << name;
      EXPECT_EQ(out.status().field(), c["error"]["field"].get<std::string>()) << name;
      EXPECT_NE(out.status().message().find(c["error"]["contains"].get<std::string>()), std::string::npos)
          << name << ": " << out.status().ToString();
      continue;
    }
    ASSERT_TRUE(out.ok()) << name << ": " << out.status().ToString();
    for (const auto& [pointer, expected] : c.at("expect").items()) {
      ExpectMatches(At(*out, pointer, name), expected, 1e-6, name + " " + pointer);
    }
    if (c.contains("warnings_count")) {
      EXPECT_EQ((*out)["warnings"].size(), c["warnings_count"].get<size_t>())
          << name << ": " << (*out)["warnings"].dump(1);
    }
    if (c.contains("warnings_contain")) {
      const std::string all = (*out)["warnings"].dump();
      for (const auto& s : c["warnings_contain"]) {
        EXPECT_NE(all.find(s.get<std::string>()), std::string::npos) << name << ": " << s << " in " << all;
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Files, PharmacyGoldenTest, testing::Values("capsules.json", "liquid.json", "bud.json"),
                         [](const testing::TestParamInfo<std::string>& i) {
                           return i.param.substr(0, i.param.find('.'));
                         });

// Splits one line of R's write.csv output ("a","b","c",0.05).
std::vector<std::string> CsvFields(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char ch : line) {
    if (ch == '"') {
      quoted = !quoted;
    } else if (ch == ',' && !quoted) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += ch;
    }
  }
  out.push_back(cur);
  return out;
}

// Every value of the independent R oracle matches the C++ output of the same case.
TEST(PharmacyOracleTest, MatchesIndependentROracle) {
  std::map<std::string, std::pair<std::string, nlohmann::json>> cases;  // name -> (file, case)
  for (const char* file : {"capsules.json", "liquid.json", "bud.json"}) {
    const nlohmann::json g = Golden(file);
    for (const nlohmann::json& c : g["cases"]) cases[c["name"].get<std::string>()] = {file, c};
  }
  std::istringstream csv(ReadGolden("oracle.csv"));
  std::string line;
  std::getline(csv, line);  // header
  int checked = 0;
  std::map<std::string, nlohmann::json> outputs;
  while (std::getline(csv, line)) {
    const std::vector<std::string> f = CsvFields(line);
    ASSERT_EQ(f.size(), 4u) << line;
    const auto it = cases.find(f[0]);
    ASSERT_NE(it, cases.end()) << "oracle case " << f[0] << " is not in the golden files";
    if (!outputs.contains(f[0])) {
      auto out = RunCase(it->second.first, it->second.second);
      ASSERT_TRUE(out.ok()) << f[0] << ": " << out.status().ToString();
      outputs[f[0]] = *out;
    }
    const nlohmann::json actual = At(outputs[f[0]], f[1], f[0]);
    const double tol = std::stod(f[3]);
    char* end = nullptr;
    const double number = std::strtod(f[2].c_str(), &end);
    const bool is_number = end != f[2].c_str() && *end == '\0';
    if (is_number && actual.is_number()) {
      EXPECT_NEAR(actual.get<double>(), number, tol + 1e-9) << f[0] << " " << f[1];
    } else {
      ASSERT_TRUE(actual.is_string()) << f[0] << " " << f[1] << ": " << actual.dump();
      EXPECT_EQ(actual.get<std::string>(), f[2]) << f[0] << " " << f[1];
    }
    ++checked;
  }
  EXPECT_GE(checked, 100);
}

}  // namespace
}  // namespace ldn::pharmacy
