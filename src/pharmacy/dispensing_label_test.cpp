#include "pharmacy/dispensing_label.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "core/json_reader.h"
#include "core/knowledge_files.h"

namespace ldn::pharmacy {
namespace {

const LocalDate D(int y, unsigned m, unsigned d) {
  return date::year{y} / date::month{m} / date::day{d};
}

DispensingInput Capsules() {
  DispensingInput in;
  in.jurisdiction = "uk";
  in.patient_name = "Ann Example";
  in.patient_birth_date = D(1970, 3, 14);
  in.form = DispensedForm::kCapsule;
  in.strength = Dose::FromMicrogramsHcl(1500);
  in.quantity = 60;
  in.steps = {{D(2026, 12, 7), D(2026, 12, 13), Dose::FromMicrogramsHcl(1500), 1},
              {D(2026, 12, 14), D(2026, 12, 20), Dose::FromMicrogramsHcl(3000), 2},
              {D(2026, 12, 21), std::nullopt, Dose::FromMicrogramsHcl(4500), 3}};
  in.when = "at bedtime";
  in.prescriber = "Dr B. Prescriber";
  in.pharmacy_name = "Example Pharmacy";
  in.pharmacy_address = "1 High Street, London N1 1AA";
  in.pharmacy_phone = "020 7946 0000";
  in.rx_number = "RX-42";
  in.batch_number = "B-2026-0007";
  in.dispensed = D(2026, 12, 5);
  in.bud = D(2027, 6, 3);
  in.storage = Storage::kRoom;
  return in;
}

bool Contains(const std::vector<std::string>& lines, std::string_view needle) {
  for (const std::string& l : lines) {
    if (l.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(DispensingKnowledgeTest, EmbeddedFileLoads) {
  const auto& k = LoadDispensingKnowledge();
  ASSERT_TRUE(k.ok()) << k.status().ToString();
  EXPECT_GE(k->families.size(), 6u);
  EXPECT_EQ(k->counselling.size(), 6u);
}

// One source of truth: every market of jurisdictions.json has exactly one label family, and every
// jurisdiction a family names is a market of jurisdictions.json.
TEST(DispensingKnowledgeTest, EveryJurisdictionHasOneFamily) {
  const auto& k = LoadDispensingKnowledge();
  ASSERT_TRUE(k.ok());
  auto text = KnowledgeFileText("jurisdictions.json");
  ASSERT_TRUE(text.ok());
  auto doc = ParseJson(*text);
  ASSERT_TRUE(doc.ok());
  std::set<std::string> markets;
  for (const auto& e : (*doc)["entries"]) {
    const std::string id = e["id"].get<std::string>();
    markets.insert(id);
    auto f = FindLabelFamily(*k, id, "jurisdiction");
    EXPECT_TRUE(f.ok()) << id << ": " << f.status().ToString();
  }
  for (const LabelFamily& f : k->families) {
    for (const std::string& j : f.jurisdictions) EXPECT_TRUE(markets.contains(j)) << f.id << " lists unknown " << j;
  }
  EXPECT_EQ(FindLabelFamily(*k, "no", "jurisdiction")->id, "nordic");
  EXPECT_EQ(FindLabelFamily(*k, "de", "jurisdiction")->id, "eu");
}

TEST(DispensingKnowledgeTest, RefusesBadFilesNamingTheField) {
  const std::string ok_counselling =
      R"({"kind":"counselling_text","id":"what_is_ldn","text":"t","trust":"M","source":"s"},
         {"kind":"counselling_text","id":"when_to_take","text":"t","trust":"M","source":"s"},
         {"kind":"counselling_text","id":"missed_dose","text":"t","trust":"L","source":"s"},
         {"kind":"counselling_text","id":"side_effects","text":"t","trust":"M","source":"s"},
         {"kind":"counselling_text","id":"emergency","text":"t","trust":"M","source":"s"},
         {"kind":"counselling_text","id":"bud","text":"t","trust":"M","source":"s"})";
  auto doc = [&](const std::string& family) {
    return R"({"version":"1","description":"d","entries":[)" + family + "," + ok_counselling + "]}";
  };
  const std::string good =
      R"({"kind":"family","id":"us","name":"US","jurisdictions":["us"],"trust":"M","source":"s",
          "lines":[{"id":"compounded","text":"c","verified":true,"source":"s"}],"notes":[]})";
  ASSERT_TRUE(ParseDispensingKnowledge(doc(good)).ok()) << ParseDispensingKnowledge(doc(good)).status().ToString();

  auto no_verified = ParseDispensingKnowledge(doc(
      R"({"kind":"family","id":"us","name":"US","jurisdictions":["us"],"trust":"M","source":"s",
          "lines":[{"id":"compounded","text":"c","source":"s"}],"notes":[]})"));
  ASSERT_FALSE(no_verified.ok());
  EXPECT_EQ(no_verified.status().field(), "dispensing_labels.json: entries[0].lines[0].verified");

  auto twice = ParseDispensingKnowledge(doc(good + "," +
                                            R"({"kind":"family","id":"x","name":"X","jurisdictions":["us"],
          "trust":"M","source":"s","lines":[{"id":"compounded","text":"c","verified":true,"source":"s"}],"notes":[]})"));
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().field(), "dispensing_labels.json: entries[1].jurisdictions[0]");

  auto no_compounded = ParseDispensingKnowledge(doc(
      R"({"kind":"family","id":"us","name":"US","jurisdictions":["us"],"trust":"M","source":"s",
          "lines":[{"id":"children","text":"c","verified":true,"source":"s"}],"notes":[]})"));
  ASSERT_FALSE(no_compounded.ok());
  EXPECT_EQ(no_compounded.status().field(), "dispensing_labels.json: entries[0].lines");

  auto unknown_key = ParseDispensingKnowledge(doc(
      R"({"kind":"family","id":"us","name":"US","jurisdictions":["us"],"trust":"M","source":"s","colour":"red",
          "lines":[{"id":"compounded","text":"c","verified":true,"source":"s"}],"notes":[]})"));
  ASSERT_FALSE(unknown_key.ok());
  EXPECT_EQ(unknown_key.status().field(), "dispensing_labels.json: entries[0].colour");

  auto missing_counselling = ParseDispensingKnowledge(R"({"version":"1","description":"d","entries":[)" + good + "]}");
  ASSERT_FALSE(missing_counselling.ok());
  EXPECT_EQ(missing_counselling.status().field(), "dispensing_labels.json: entries");
}

TEST(DispensingLabelTest, UnknownJurisdictionIsAnErrorNotADefault) {
  DispensingInput in = Capsules();
  in.jurisdiction = "mars";
  auto label = DispensingLabel(in);
  ASSERT_FALSE(label.ok());
  EXPECT_EQ(label.status().field(), "jurisdiction");
  EXPECT_NE(label.status().message().find("mars"), std::string::npos);
  in.jurisdiction = "";
  EXPECT_EQ(CounsellingSheet(in).status().field(), "jurisdiction");
  in.jurisdiction = "UK";  // ids are exact
  EXPECT_EQ(DispensingLabel(in).status().field(), "jurisdiction");
}

// The defect of issue 14: a patient in London or Oslo got the US "not FDA-approved" text.
TEST(DispensingLabelTest, NoUsTextOutsideTheUs) {
  for (const char* j : {"uk", "no", "se", "de", "ca", "au", "nz"}) {
    DispensingInput in = Capsules();
    in.jurisdiction = j;
    auto label = DispensingLabel(in);
    ASSERT_TRUE(label.ok()) << j << ": " << label.status().ToString();
    EXPECT_FALSE(Contains(label->lines, "FDA")) << j;
  }
  DispensingInput us = Capsules();
  us.jurisdiction = "us";
  EXPECT_TRUE(Contains(DispensingLabel(us)->lines, "not FDA-approved"));
  DispensingInput uk = Capsules();
  EXPECT_TRUE(Contains(DispensingLabel(uk)->lines, "Keep out of the reach and sight of children."));
  DispensingInput oslo = Capsules();
  oslo.jurisdiction = "no";
  auto oslo_label = DispensingLabel(oslo);
  EXPECT_TRUE(Contains(oslo_label->lines, "apotekfremstilt legemiddel"));
  // What the pharmacist must check locally is a note, never printed for the patient.
  EXPECT_TRUE(Contains(oslo_label->pharmacist_notes, "national language"));
  EXPECT_FALSE(Contains(oslo_label->lines, "national language"));
}

TEST(DispensingLabelTest, CarriesEveryParticular) {
  auto label = DispensingLabel(Capsules());
  ASSERT_TRUE(label.ok()) << label.status().ToString();
  const auto& l = label->lines;
  for (const char* needle :
       {"Ann Example", "1970-03-14", "Dr B. Prescriber", "Example Pharmacy", "1 High Street, London N1 1AA",
        "020 7946 0000", "RX-42", "B-2026-0007", "Dispensed 2026-12-05", "Use by 2027-06-03",
        "naltrexone hydrochloride 1.5 mg", "1.36 mg naltrexone base", "Quantity: 60 capsules",
        "2026-12-07 to 2026-12-13: 1.5 mg = 1 capsule", "2026-12-14 to 2026-12-20: 3 mg = 2 capsules",
        "From 2026-12-21: 4.5 mg = 3 capsules", "blocks opioid"}) {
    EXPECT_TRUE(Contains(l, needle)) << needle;
  }
  // Unverified UK text is reported as such.
  bool unverified = false;
  for (const TextSource& t : label->texts)
    unverified = unverified || (t.id == "jurisdiction.compounded" && !t.verified);
  EXPECT_TRUE(unverified);
}

TEST(DispensingLabelTest, ReprintIsIdentical) {
  auto a = DispensingLabel(Capsules());
  auto b = DispensingLabel(Capsules());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->lines, b->lines);
  EXPECT_EQ(DispensingDocumentToJson(*a).dump(), DispensingDocumentToJson(*b).dump());
  EXPECT_EQ(CounsellingSheet(Capsules())->lines, CounsellingSheet(Capsules())->lines);
}

TEST(DispensingLabelTest, RefusesBadInputNamingTheField) {
  struct Case {
    const char* field;
    void (*change)(DispensingInput&);
  };
  const Case cases[] = {
      {"batch_number", [](DispensingInput& in) { in.batch_number = in.rx_number; }},
      {"patient_name", [](DispensingInput& in) { in.patient_name.clear(); }},
      {"pharmacy_address", [](DispensingInput& in) { in.pharmacy_address = "1 High St\nLondon"; }},
      {"prescriber", [](DispensingInput& in) { in.prescriber.clear(); }},
      {"when", [](DispensingInput& in) { in.when.clear(); }},
      {"quantity", [](DispensingInput& in) { in.quantity = 0; }},
      {"strength", [](DispensingInput& in) { in.strength = Dose::FromMicrogramsHcl(0); }},
      {"steps", [](DispensingInput& in) { in.steps.clear(); }},
      {"steps[1].units_per_dose", [](DispensingInput& in) { in.steps[1].units_per_dose = 1; }},
      {"steps[1].units_per_dose", [](DispensingInput& in) { in.steps[1].units_per_dose = 1.5; }},
      {"steps[1].from", [](DispensingInput& in) { in.steps[1].from = D(2026, 12, 13); }},
      {"steps[0].to", [](DispensingInput& in) { in.steps[0].to = std::nullopt; }},
      {"steps[0].to", [](DispensingInput& in) { in.steps[0].to = D(2026, 12, 6); }},
      {"steps[2].from", [](DispensingInput& in) { in.steps[2].from = D(2027, 6, 4); }},
      {"steps[0].dose", [](DispensingInput& in) { in.steps[0].dose = Dose::FromMicrogramsHcl(0); }},
      {"bud", [](DispensingInput& in) { in.bud = D(2026, 12, 4); }},
      {"patient_birth_date", [](DispensingInput& in) { in.patient_birth_date = D(2027, 1, 1); }},
  };
  for (const Case& c : cases) {
    DispensingInput in = Capsules();
    c.change(in);
    auto label = DispensingLabel(in);
    ASSERT_FALSE(label.ok()) << c.field;
    EXPECT_EQ(label.status().code(), Code::kInvalidArgument) << c.field;
    EXPECT_EQ(label.status().field(), c.field) << label.status().ToString();
    EXPECT_EQ(CounsellingSheet(in).status().field(), c.field);
  }
}

// The two packs of a placebo-twin kit (twin.h): identical labels except the pack code, no batch
// number, "or placebo" beside the strength, and the opioid warning kept.
TEST(DispensingLabelTest, BlindedPacksDifferOnlyInTheirCode) {
  DispensingInput a = Capsules();
  a.batch_number.clear();
  a.pack_code = "K0007-A";
  DispensingInput b = a;
  b.pack_code = "K0007-B";
  for (bool sheet : {false, true}) {
    auto la = sheet ? CounsellingSheet(a) : DispensingLabel(a);
    auto lb = sheet ? CounsellingSheet(b) : DispensingLabel(b);
    ASSERT_TRUE(la.ok() && lb.ok()) << la.status().ToString();
    ASSERT_EQ(la->lines.size(), lb->lines.size());
    int differing = 0;
    for (size_t i = 0; i < la->lines.size(); ++i) {
      if (la->lines[i] == lb->lines[i]) continue;
      ++differing;
      std::string x = la->lines[i];
      x.replace(x.find("K0007-A"), 7, "K0007-B");
      EXPECT_EQ(x, lb->lines[i]);
    }
    EXPECT_EQ(differing, 1) << sheet;
    EXPECT_TRUE(Contains(la->lines, "K0007-A"));
    EXPECT_TRUE(Contains(la->lines, "or placebo"));
    EXPECT_TRUE(Contains(la->lines, "pharmacy holds the key"));
    EXPECT_FALSE(Contains(la->lines, "B-2026-0007"));
    EXPECT_FALSE(Contains(la->lines, "Batch"));
    EXPECT_FALSE(Contains(la->lines, "batch"));
    for (const std::string& l : la->lines) {
      EXPECT_EQ(l.find("active"), std::string::npos) << l;
      EXPECT_EQ(l.find("verum"), std::string::npos) << l;
    }
  }
  EXPECT_TRUE(Contains(DispensingLabel(a)->lines, "May contain naltrexone: it blocks opioid"));
  EXPECT_FALSE(Contains(DispensingLabel(a)->lines, "Contains naltrexone"));
  // A batch number beside a pack code would unblind.
  DispensingInput both = a;
  both.batch_number = "B-2026-0007";
  EXPECT_EQ(DispensingLabel(both).status().field(), "batch_number");
  DispensingInput same = a;
  same.pack_code = same.rx_number;
  EXPECT_EQ(DispensingLabel(same).status().field(), "pack_code");
}

TEST(DispensingLabelTest, LiquidUsesMillilitresAndAuxiliaries) {
  DispensingInput in = Capsules();
  in.form = DispensedForm::kOralLiquid;
  in.strength = Dose::FromMicrogramsHcl(1000);
  in.quantity = 100;
  in.storage = Storage::kFridge;
  in.bud = D(2027, 2, 3);
  in.steps = {{D(2026, 12, 7), D(2026, 12, 20), Dose::FromMicrogramsHcl(500), 0.5},
              {D(2026, 12, 21), std::nullopt, Dose::FromMicrogramsHcl(1000), 1}};
  auto label = DispensingLabel(in);
  ASSERT_TRUE(label.ok()) << label.status().ToString();
  EXPECT_TRUE(Contains(label->lines, "2026-12-07 to 2026-12-20: 0.5 mg = 0.5 mL"));
  EXPECT_TRUE(Contains(label->lines, "[Shake well before use]"));
  EXPECT_TRUE(Contains(label->lines, "Store in a refrigerator"));
  EXPECT_TRUE(Contains(label->lines, "Quantity: 100 mL"));
  in.steps[0].units_per_dose = 0.6;  // 0.6 mL at 1 mg/mL is 0.6 mg, not 0.5 mg
  EXPECT_EQ(DispensingLabel(in).status().field(), "steps[0].units_per_dose");
}

TEST(CounsellingSheetTest, FollowsThePatientsOwnSteps) {
  auto sheet = CounsellingSheet(Capsules());
  ASSERT_TRUE(sheet.ok()) << sheet.status().ToString();
  const auto& l = sheet->lines;
  EXPECT_TRUE(Contains(l, "2026-12-07 to 2026-12-13: take 1 capsule (that is 1.5 mg) once a day at bedtime."));
  EXPECT_TRUE(Contains(l, "From 2026-12-21: take 3 capsules (that is 4.5 mg) once a day at bedtime."));
  EXPECT_TRUE(Contains(l, "blocks opioid"));
  EXPECT_TRUE(Contains(l, "Use by 2027-06-03"));
  EXPECT_TRUE(Contains(l, "miss a dose"));
  EXPECT_TRUE(Contains(l, "Call Example Pharmacy on 020 7946 0000, or your prescriber, Dr B. Prescriber."));
  bool missed_unverified = false;
  for (const TextSource& t : sheet->texts) missed_unverified |= t.id == "counselling.missed_dose" && !t.verified;
  EXPECT_TRUE(missed_unverified);
}

// ---- Golden files: tests/golden/labels/<family>.json, every file in the directory ----

std::filesystem::path GoldenDir() {
  return std::filesystem::path(LDN_SOURCE_DIR) / "tests" / "golden" / "labels";
}

Result<DispensingInput> ReadInput(JsonObject o) {
  DispensingInput in;
  LDN_ASSIGN_OR_RETURN(in.jurisdiction, o.String("jurisdiction"));
  LDN_ASSIGN_OR_RETURN(in.patient_name, o.String("patient_name"));
  LDN_ASSIGN_OR_RETURN(in.patient_birth_date, o.Date("patient_birth_date"));
  LDN_ASSIGN_OR_RETURN(std::string form, o.String("form"));
  if (form != "capsule" && form != "oral-liquid")
    return Status::InvalidArgument(o.PathOf("form"), "capsule|oral-liquid");
  in.form = form == "capsule" ? DispensedForm::kCapsule : DispensedForm::kOralLiquid;
  LDN_ASSIGN_OR_RETURN(double strength, o.Number("strength_mg", 0, 1000));
  LDN_ASSIGN_OR_RETURN(in.strength, Dose::FromMilligramsHcl(strength, "strength_mg"));
  LDN_ASSIGN_OR_RETURN(in.quantity, o.Integer("quantity", 0, 100000));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* steps, o.Array("steps"));
  for (size_t i = 0; i < steps->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject s, JsonObject::Of((*steps)[i], IndexPath("steps", i)));
    DispensingStep step;
    LDN_ASSIGN_OR_RETURN(step.from, s.Date("from"));
    LDN_ASSIGN_OR_RETURN(step.to, s.OptionalDate("to"));
    LDN_ASSIGN_OR_RETURN(double mg, s.Number("dose_mg", 0, 1000));
    LDN_ASSIGN_OR_RETURN(step.dose, Dose::FromMilligramsHcl(mg, "dose_mg"));
    LDN_ASSIGN_OR_RETURN(step.units_per_dose, s.Number("units_per_dose", 0, 1000));
    LDN_RETURN_IF_ERROR(s.RejectUnknownKeys());
    in.steps.push_back(step);
  }
  LDN_ASSIGN_OR_RETURN(in.when, o.String("when"));
  LDN_ASSIGN_OR_RETURN(in.prescriber, o.String("prescriber"));
  LDN_ASSIGN_OR_RETURN(in.pharmacy_name, o.String("pharmacy_name"));
  LDN_ASSIGN_OR_RETURN(in.pharmacy_address, o.String("pharmacy_address"));
  LDN_ASSIGN_OR_RETURN(in.pharmacy_phone, o.String("pharmacy_phone"));
  LDN_ASSIGN_OR_RETURN(in.rx_number, o.String("rx_number"));
  LDN_ASSIGN_OR_RETURN(in.batch_number, o.String("batch_number"));
  LDN_ASSIGN_OR_RETURN(in.dispensed, o.Date("dispensed"));
  LDN_ASSIGN_OR_RETURN(in.bud, o.Date("bud"));
  LDN_ASSIGN_OR_RETURN(std::string storage, o.String("storage"));
  LDN_ASSIGN_OR_RETURN(in.storage, ParseStorage(storage, o.PathOf("storage")));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return in;
}

std::vector<std::string> Strings(const nlohmann::json& j) {
  return j.get<std::vector<std::string>>();
}

// Each file: {"description", "family", "input", "also_jurisdictions", "must_contain",
// "must_not_contain", "label", "counselling"}. `label` and `counselling` are the expected lines,
// read by a pharmacist; must_contain/must_not_contain are the hand-written checks of the rule.
// LDN_UPDATE_GOLDEN=1 rewrites `label` and `counselling` from the code (review the diff).
TEST(DispensingLabelGoldenTest, EveryFileInTheDirectory) {
  std::set<std::string> families;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(GoldenDir())) {
    if (entry.path().extension() != ".json") continue;
    ++files;
    const std::string name = entry.path().filename().string();
    SCOPED_TRACE(name);
    std::ifstream in(entry.path());
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = ParseJson(ss.str());
    ASSERT_TRUE(doc.ok()) << doc.status().ToString();
    auto o = JsonObject::Of(*doc, "");
    ASSERT_TRUE(o.ok());
    ASSERT_TRUE(o->String("description").ok());
    auto family = o->String("family");
    ASSERT_TRUE(family.ok());
    families.insert(*family);
    auto in_obj = o->Object("input");
    ASSERT_TRUE(in_obj.ok()) << in_obj.status().ToString();
    auto input = ReadInput(*in_obj);
    ASSERT_TRUE(input.ok()) << input.status().ToString();
    auto label = DispensingLabel(*input);
    auto sheet = CounsellingSheet(*input);
    ASSERT_TRUE(label.ok()) << label.status().ToString();
    ASSERT_TRUE(sheet.ok()) << sheet.status().ToString();
    EXPECT_EQ(label->family, *family);
    auto also = o->Array("also_jurisdictions");
    ASSERT_TRUE(also.ok());
    for (const std::string& j : Strings(**also)) {
      DispensingInput other = *input;
      other.jurisdiction = j;
      auto l = DispensingLabel(other);
      ASSERT_TRUE(l.ok()) << j;
      EXPECT_EQ(l->family, *family) << j;
      EXPECT_EQ(l->lines, label->lines) << j << " must print the family's text";
    }
    auto must = o->Array("must_contain");
    auto must_not = o->Array("must_not_contain");
    ASSERT_TRUE(must.ok() && must_not.ok());
    for (const std::string& s : Strings(**must)) EXPECT_TRUE(Contains(label->lines, s)) << "missing: " << s;
    for (const std::string& s : Strings(**must_not)) EXPECT_FALSE(Contains(label->lines, s)) << "present: " << s;
    auto expected_label = o->Array("label");
    auto expected_sheet = o->Array("counselling");
    ASSERT_TRUE(expected_label.ok() && expected_sheet.ok());
    ASSERT_TRUE(o->RejectUnknownKeys().ok()) << o->RejectUnknownKeys().ToString();
    const char* update = std::getenv("LDN_UPDATE_GOLDEN");
    if (update != nullptr && std::string(update) == "1") {
      nlohmann::ordered_json out = nlohmann::ordered_json::parse(ss.str());
      out["label"] = label->lines;
      out["counselling"] = sheet->lines;
      std::ofstream(entry.path()) << out.dump(2) << "\n";
      continue;
    }
    EXPECT_EQ(Strings(**expected_label), label->lines);
    EXPECT_EQ(Strings(**expected_sheet), sheet->lines);
  }
  EXPECT_GE(files, 6);
  for (const char* f : {"us", "uk", "eu", "nordic", "ca", "au"}) EXPECT_TRUE(families.contains(f)) << f;
}

}  // namespace
}  // namespace ldn::pharmacy
