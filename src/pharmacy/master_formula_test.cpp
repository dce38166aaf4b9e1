#include "pharmacy/master_formula.h"

#include <cmath>
#include <set>

#include <gtest/gtest.h>

#include "core/json_reader.h"
#include "core/knowledge_files.h"
#include "pharmacy/bud.h"

namespace ldn::pharmacy {
namespace {

const MasterFormulary& F() {
  const auto& f = LoadMasterFormulary();
  EXPECT_TRUE(f.ok()) << f.status().ToString();
  return *f;
}

const CompoundingKnowledge& K() {
  const auto& k = LoadCompoundingKnowledge();
  EXPECT_TRUE(k.ok()) << k.status().ToString();
  return *k;
}

TEST(MasterFormulaTest, EmbeddedFileLoads) {
  ASSERT_TRUE(LoadMasterFormulary().ok()) << LoadMasterFormulary().status().ToString();
  EXPECT_GE(F().formulas.size(), 12u);
  EXPECT_EQ(CurrentMasterFormulas(F()).size(), F().formulas.size());  // no superseded version yet
}

// ---- One source of truth: every record agrees with the other data files ----

TEST(MasterFormulaTest, CapsulesUseKnownAllowedFillerAndSize) {
  for (const MasterFormula& m : F().formulas) {
    if (m.form != DispensedForm::kCapsule) continue;
    SCOPED_TRACE(m.id);
    auto filler = FindFiller(K(), m.filler, "filler");
    ASSERT_TRUE(filler.ok()) << filler.status().ToString();
    EXPECT_TRUE(filler->allowed) << filler->reason;
    EXPECT_EQ(filler->id, m.filler);  // the id, not an alias
    EXPECT_TRUE(FindCapsuleSize(K(), m.capsule_size, "capsule_size").ok());
    bool filler_listed = false;
    for (const MasterIngredient& i : m.ingredients) filler_listed |= i.role == "filler" && i.name == m.filler;
    EXPECT_TRUE(filler_listed);
    // The active ingredient's amount is the strength.
    for (const MasterIngredient& i : m.ingredients) {
      if (i.role == "active") {
        EXPECT_DOUBLE_EQ(*i.amount_per_unit, m.strength.milligrams_hcl());
      }
    }
  }
}

TEST(MasterFormulaTest, LiquidMatchesItsFormulationsJsonFormula) {
  int liquids = 0;
  for (const MasterFormula& m : F().formulas) {
    if (m.form != DispensedForm::kOralLiquid) continue;
    ++liquids;
    SCOPED_TRACE(m.id);
    auto lf = FindLiquidFormula(K(), m.liquid_formula, "liquid_formula");
    ASSERT_TRUE(lf.ok()) << lf.status().ToString();
    EXPECT_EQ(lf->concentration_per_ml, m.strength);
    // Every excipient of the published formula is in the record with the same amount per mL.
    for (const FormulaComponent& c : lf->per_100ml) {
      if (c.preservative && !m.preserved) continue;
      const MasterIngredient* found = nullptr;
      for (const MasterIngredient& i : m.ingredients) {
        if (i.name == c.excipient) found = &i;
      }
      ASSERT_NE(found, nullptr) << c.excipient;
      if (c.qs) {
        EXPECT_TRUE(found->qs);
      } else if (c.mg_per_100ml) {
        EXPECT_EQ(found->unit, "mg/mL");
        EXPECT_NEAR(*found->amount_per_unit, *c.mg_per_100ml / 100, 1e-9);
      } else {
        EXPECT_EQ(found->unit, "mL/mL");
        EXPECT_NEAR(*found->amount_per_unit, *c.ml_per_100ml / 100, 1e-9);
      }
    }
    // Its auxiliary labels are formulations.json label texts.
    for (const std::string& a : m.auxiliary) {
      EXPECT_TRUE(a == "shake_well" || a == "protect_from_light" || a == "oral_syringe") << a;
    }
  }
  EXPECT_GE(liquids, 1);
}

// The record's BUD is the one bud.h computes from bud.json for the same preparation.
TEST(MasterFormulaTest, BudAgreesWithBudJson) {
  const LocalDate prepared = date::year{2026} / 12 / 5;
  for (const MasterFormula& m : F().formulas) {
    SCOPED_TRACE(m.id);
    BudRequest r;
    r.category = m.bud.category;
    r.storage = m.bud.storage;
    r.prepared = prepared;
    if (m.form == DispensedForm::kCapsule) {
      r.formula = m.filler == "microcrystalline-cellulose" ? "capsules-mcc" : "";
    } else {
      r.formula = m.liquid_formula;
      r.concentration_per_ml = m.strength;
      r.preserved = m.preserved;
    }
    auto bud = ComputeBud(K(), r);
    ASSERT_TRUE(bud.ok()) << bud.status().ToString();
    EXPECT_EQ(bud->days, m.bud.days);
    EXPECT_EQ(bud->study, m.bud.study);
  }
}

// Every dose step of every protocol of protocols.json is one capsule of an approved strength, and
// a whole number of 0.1 mL on an oral syringe of an approved liquid.
TEST(MasterFormulaTest, EveryProtocolStepHasAPreparation) {
  auto text = KnowledgeFileText("protocols.json");
  ASSERT_TRUE(text.ok());
  auto doc = ParseJson(*text);
  ASSERT_TRUE(doc.ok());
  std::set<int64_t> capsule_ug, liquid_ug_per_ml;
  for (const MasterFormula& m : CurrentMasterFormulas(F())) {
    if (m.placebo) continue;
    (m.form == DispensedForm::kCapsule ? capsule_ug : liquid_ug_per_ml).insert(m.strength.micrograms_hcl());
  }
  int protocols = 0;
  for (const auto& e : (*doc)["entries"]) {
    if (e["kind"] != "protocol") continue;
    ++protocols;
    const auto start = std::llround(e["start_mg"].get<double>() * 1000);
    const auto step = std::llround(e["increment_mg"].get<double>() * 1000);
    const auto target = std::llround(e["target_mg"].get<double>() * 1000);
    for (int64_t dose = start;; dose += step) {
      const int64_t d = std::min<int64_t>(dose, target);
      EXPECT_TRUE(capsule_ug.contains(d)) << e["id"] << ": no capsule of " << d << " ug";
      bool liquid = false;
      for (int64_t c : liquid_ug_per_ml) liquid |= (d * 10) % c == 0;  // mL to 0.1 mL
      EXPECT_TRUE(liquid) << e["id"] << ": " << d << " ug is not a 0.1 mL multiple of a liquid";
      if (d >= target) break;
    }
  }
  EXPECT_GE(protocols, 4);
}

// A placebo twin matches each active it twins: form, capsule size, shell, filler, batch size,
// appearance, packaging, storage (twin.h; issue 14 item 5).
TEST(MasterFormulaTest, PlaceboTwinsMatchTheirActives) {
  int twins = 0;
  for (const MasterFormula& p : F().formulas) {
    if (!p.placebo) continue;
    for (const std::string& id : p.twin_of) {
      ++twins;
      auto a = CurrentMasterFormula(F(), id, "twin_of");
      ASSERT_TRUE(a.ok()) << id;
      EXPECT_EQ(a->form, p.form) << id;
      EXPECT_EQ(a->capsule_size, p.capsule_size) << id;
      EXPECT_EQ(a->capsule_shell, p.capsule_shell) << id;
      EXPECT_EQ(a->filler, p.filler) << id;
      EXPECT_EQ(a->batch_units, p.batch_units) << id;
      EXPECT_EQ(a->appearance, p.appearance) << id;
      EXPECT_EQ(a->packaging, p.packaging) << id;
      EXPECT_EQ(a->storage, p.storage) << id;
    }
  }
  EXPECT_GE(twins, 1);
}

// ---- Versions: a past batch's (id, version) keeps resolving ----

std::string Record(const std::string& id, int version, const std::string& status, const std::string& extra = "") {
  return R"({"kind":"master_formula","id":")" + id + R"(","version":)" + std::to_string(version) + R"(,"status":")" +
         status + R"(","approved_by":"P. Harmacist","approved_on":"2026-12-05",
    "name":"n","form":"capsule","strength_mg":4.5,"placebo":false,"twin_of":[],"capsule_size":"3",
    "filler":"microcrystalline-cellulose","capsule_shell":"s","appearance":"a","batch_units":100,
    "ingredients":[{"name":"naltrexone hydrochloride","role":"active","amount_per_unit":4.5,"unit":"mg"},
                   {"name":"microcrystalline-cellulose","role":"filler","qs":true,"unit":"mg"}],
    "method":["m"],
    "qc":[{"id":"appearance","method":"m","acceptance":"a","source":"s"},
          {"id":"weight-variation","method":"m","acceptance":"a","source":"s"}],
    "packaging":"p","storage":"room",
    "bud":{"category":"solid","storage":"room","study":null,"days":180,"rationale":"r"},
    "auxiliary":[],"trust":"M","source":"s")" +
         extra + "}";
}

std::string Doc(const std::vector<std::string>& records) {
  std::string s = R"({"version":"1","description":"d","entries":[)";
  for (size_t i = 0; i < records.size(); ++i) s += (i ? "," : "") + records[i];
  return s + "]}";
}

TEST(MasterFormulaTest, SupersededVersionsStayReadable) {
  auto f = ParseMasterFormulary(Doc({Record("caps", 1, "superseded"), Record("caps", 2, "approved")}));
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  auto v1 = FindMasterFormula(*f, "caps", 1, "master_formula_id");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->status, FormulaStatus::kSuperseded);
  EXPECT_EQ(CurrentMasterFormula(*f, "caps", "id")->version, 2);
  ASSERT_EQ(CurrentMasterFormulas(*f).size(), 1u);
  EXPECT_EQ(FindMasterFormula(*f, "caps", 3, "id").status().code(), Code::kNotFound);
  auto unknown = FindMasterFormula(*f, "nope", 1, "master_formula_id");
  EXPECT_EQ(unknown.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(unknown.status().field(), "master_formula_id");
  // Withdrawn: every version superseded.
  auto withdrawn = ParseMasterFormulary(Doc({Record("caps", 1, "superseded")}));
  ASSERT_TRUE(withdrawn.ok());
  EXPECT_EQ(CurrentMasterFormula(*withdrawn, "caps", "id").status().code(), Code::kConflict);
  EXPECT_TRUE(FindMasterFormula(*withdrawn, "caps", 1, "id").ok());
}

TEST(MasterFormulaTest, RefusesBadFilesNamingTheField) {
  struct Case {
    std::string doc;
    std::string field;
  };
  const std::string wv_only = R"("qc":[{"id":"appearance","method":"m","acceptance":"a","source":"s"}])";
  std::string no_wv = Record("caps", 1, "approved");
  no_wv.replace(no_wv.find(R"("qc":[)"), no_wv.find("\"packaging\"") - no_wv.find(R"("qc":[)"), wv_only + ",\n    ");
  const Case cases[] = {
      {Doc({Record("caps", 1, "approved"), Record("caps", 1, "superseded")}),
       "master_formulas.json: entries[1].version"},
      {Doc({Record("caps", 1, "approved"), Record("caps", 2, "approved")}), "master_formulas.json: entries[0].status"},
      {Doc({Record("caps", 2, "approved"), Record("caps", 3, "superseded")}),
       "master_formulas.json: entries[0].status"},
      {Doc({Record("caps", 1, "draft")}), "master_formulas.json: entries[0].status"},
      {Doc({Record("caps", 1, "approved", R"(,"colour":"red")")}), "master_formulas.json: entries[0].colour"},
      {Doc({no_wv}), "master_formulas.json: entries[0].qc"},
      {Doc({Record("caps", 1, "approved", R"(,"note":5)")}), "master_formulas.json: entries[0].note"},
  };
  for (const Case& c : cases) {
    auto f = ParseMasterFormulary(c.doc);
    ASSERT_FALSE(f.ok()) << c.field;
    EXPECT_EQ(f.status().field(), c.field) << f.status().ToString();
  }
  // A placebo must twin an active formula of the file.
  std::string placebo = Record("placebo", 1, "approved");
  placebo.replace(placebo.find(R"("strength_mg":4.5)"), 17, R"("strength_mg":0)");
  const std::string not_placebo = R"("placebo":false,"twin_of":[])";
  placebo.replace(placebo.find(not_placebo), not_placebo.size(), R"("placebo":true,"twin_of":["ghost"])");
  const std::string active =
      R"({"name":"naltrexone hydrochloride","role":"active","amount_per_unit":4.5,"unit":"mg"},)";
  placebo.replace(placebo.find(active), active.size(), "");
  auto ghost = ParseMasterFormulary(Doc({Record("caps", 1, "approved"), placebo}));
  ASSERT_FALSE(ghost.ok());
  EXPECT_EQ(ghost.status().field(), "master_formulas.json: entries[1].twin_of[0]");
}

TEST(MasterFormulaTest, JsonKeepsTheVersion) {
  auto m = CurrentMasterFormula(F(), "ldn-caps-4.5mg-mcc", "id");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto j = MasterFormulaToJson(*m);
  EXPECT_EQ(j["id"], "ldn-caps-4.5mg-mcc");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["status"], "approved");
  EXPECT_EQ(j["bud"]["days"], 180);
  EXPECT_DOUBLE_EQ(j["strength_mg"].get<double>(), 4.5);
}

}  // namespace
}  // namespace ldn::pharmacy
